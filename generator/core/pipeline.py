"""Stages 1-3 in order: load -> validate -> link, the knowledge base every command reads."""

from __future__ import annotations

from pathlib import Path

from generator.core.history import GitHistory
from generator.core.link import KnowledgeBase, link
from generator.core.load import load
from generator.core.validate import validate


def build_knowledge_base(root: Path, history: GitHistory) -> KnowledgeBase:
    """Run load, validate and link over the repository at `root`, with its git history
    read by the caller (`history.read_history`, or `GitHistory.skipped()`)."""
    return link(validate(load(root, history)))
