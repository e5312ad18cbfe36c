"""Cyberlaw Atlas generator: load -> validate -> link -> render.

Each stage is a module taking the previous stage's immutable output. Nothing here
imports MkDocs; `generator.mkdocs_hooks` is the thin adapter that does.
"""

from __future__ import annotations

from pathlib import Path

from .link import KnowledgeBase, link
from .load import load
from .validate import validate


def build_knowledge_base(root: Path) -> KnowledgeBase:
    """Run load, validate and link over the repository at `root`."""
    return link(validate(load(root)))


__all__ = ["KnowledgeBase", "build_knowledge_base"]
