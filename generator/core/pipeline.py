"""Stages 1-3 in order: load -> validate -> link, the knowledge base every command reads."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.history import GitHistory
from generator.core.link import KnowledgeBase, link
from generator.core.load import load
from generator.core.validate import validate


def build_knowledge_base(root: Path, history: GitHistory) -> KnowledgeBase:
    """Run load, validate and link over the repository at `root`, with its git history
    read by the caller (`history.read_history`, or `GitHistory.skipped()`)."""
    with cyclic_gc_paused():
        return link(validate(load(root, history)))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The stages create millions of small objects that all live until the end. The
    cyclic collector would walk them again and again, finding nothing to free: a third
    of `atlas check`'s time at 10,000 entries. Reference counting still frees the rest.

    Afterwards the survivors are frozen (left out of later collections): re-enabling the
    collector would otherwise start with one full pass over all of them. A later pause
    (the next rebuild of `mkdocs serve`) first thaws and collects what the previous
    build left, so a long-running process does not keep it."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
