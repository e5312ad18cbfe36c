"""The garbage-collector policy of a command that builds a knowledge base. Process-wide
state, so it is set at the edges (the atlas command, the site build, the serve plugin),
never inside a stage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
