"""What the git history says about content/, as plain data for the load stage.

It is read at the edges (`generator.adapters.git_history.read_history`, from the CLI and
the MkDocs plugin) and passed in, so that no stage runs git and stage tests need no
repository.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType

from generator.core.problems import Problem


@dataclass(frozen=True, slots=True)
class GitHistory:
    # Entry files that were committed once and are gone now: their ids were published.
    deleted_entries: tuple[PurePosixPath, ...] = ()
    # When each file under content/ last changed in a commit (ISO 8601).
    last_changed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Why the history could not be read; empty when it was read (or skipped on request).
    problems: tuple[Problem, ...] = ()

    @classmethod
    def skipped(cls) -> GitHistory:
        """No history requested: nothing deleted, no dates, no problems."""
        return cls()
