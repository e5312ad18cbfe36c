"""What git history says about content/: entries deleted since they were published, and
when each file last changed. The only module that runs git.

A rule that needs history and cannot get it must fail loudly: a missing git, a folder
that is no checkout, a checkout git refuses to read and a shallow clone are errors that
name the cause and the fix. Only an explicit opt-out (`--no-history`,
`GitHistory.skipped()`) reads none, and the command line says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from generator.core.history import GitHistory
from generator.core.paths import FOLDERS
from generator.core.problems import Problem, at

WHERE = PurePosixPath("content")
# Set by `atlas serve --no-history` for the MkDocs server, whose hooks read the history.
NO_HISTORY_ENV = "ATLAS_NO_HISTORY"
_SKIP_HINT = "or pass --no-history to skip the rules that need history"
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def skipped_notice() -> Problem:
    """What a command run with --no-history prints, so that the skip is never silent."""
    return at(
        WHERE,
        (1, 1),
        "history-skipped",
        "git history is not read (--no-history): missing-redirect is not checked and "
        "last-updated dates fall back to each entry's reviewed date",
        "drop --no-history in a full clone to run every rule",
    )


class _GitError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def read_history(root: Path) -> GitHistory:
    """The history of content/ under `root`, or the problem that prevents reading it."""
    git = shutil.which("git")
    if git is None:
        return _failed(
            at(
                WHERE,
                (1, 1),
                "git-missing",
                "git is not installed, so the history of content/ cannot be read",
                f"install git, {_SKIP_HINT}",
            )
        )
    try:
        shallow = _run(git, root, "rev-parse", "--is-shallow-repository")
        if shallow.strip() == "true":
            return _failed(
                at(
                    WHERE,
                    (1, 1),
                    "shallow-history",
                    "the clone is shallow: entries deleted and dates set before its oldest "
                    "commit are unknown",
                    "run git fetch --unshallow; in GitHub Actions, give actions/checkout "
                    "fetch-depth: 0",
                )
            )
        if not _run(git, root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1)):
            return GitHistory()  # nothing committed yet: nothing was ever published
        return GitHistory(_deleted_entries(git, root), MappingProxyType(_last_changes(git, root)))
    except _GitError as error:
        return _failed(error.problem)


def _failed(problem: Problem) -> GitHistory:
    return GitHistory(problems=(problem,))


def _run(git: str, root: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    """git's output; _GitError naming the cause when it fails. Messages in English
    (LC_ALL=C): they are matched below, and quoted to the user."""
    try:
        result = subprocess.run(
            [git, *args],
            cwd=root,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _GitError(_refused(f"git {args[0]} could not run: {exc}")) from exc
    if result.returncode in ok:
        return result.stdout
    stderr = result.stderr
    if "not a git repository" in stderr:
        raise _GitError(
            at(
                WHERE,
                (1, 1),
                "not-a-git-checkout",
                "content/ is not in a git checkout, so deleted entries and last-updated "
                "dates cannot be read",
                f"clone the repository with git clone and work there, {_SKIP_HINT}",
            )
        )
    if "dubious ownership" in stderr:
        # git's own advice names the exact path to trust (the checkout's top folder).
        command = re.search(r"git config --global --add safe\.directory (.+)", stderr)
        path = shlex.quote(command.group(1).strip() if command else str(root))
        raise _GitError(
            at(
                WHERE,
                (1, 1),
                "git-refused",
                "git refuses to read this checkout: it belongs to another user "
                "(git: detected dubious ownership)",
                f"if you trust it, run git config --global --add safe.directory {_escape(path)}",
            )
        )
    first = next((line for line in stderr.splitlines() if line.strip()), "no message")
    raise _GitError(_refused(f"git {args[0]} failed: {first.strip()}"))


def _refused(message: str) -> Problem:
    return at(
        WHERE,
        (1, 1),
        "git-refused",
        _escape(message),
        f"run git status in the repository to see why, {_SKIP_HINT}",
    )


def _escape(text: str) -> str:
    """Text from git or the file system, safe to print on one line of a terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _last_changes(git: str, root: Path) -> dict[str, str]:
    """The date of the newest commit touching each file under content/, in one git call
    (one call per file would grow with the number of entries). --relative: paths from
    `root`, also when it is a folder inside a larger checkout."""
    out = _run(
        git, root, "log", "--relative", "--format=%x00%cI", "--name-only", "HEAD", "--", "content"
    )
    changes: dict[str, str] = {}
    when = ""
    for line in out.splitlines():
        if line.startswith("\x00"):
            when = line[1:]
        elif line and when:
            changes.setdefault(line, when)  # newest first: keep the first seen
    return changes


def _deleted_entries(git: str, root: Path) -> tuple[PurePosixPath, ...]:
    """Entry files deleted in the history of HEAD or in the working tree."""
    folders = [f"content/{name}" for name in FOLDERS]
    options = ["--relative", "--no-renames", "--diff-filter=D", "--name-only"]
    found: set[str] = set()
    for command in (["log", *options, "--format=", "HEAD"], ["diff", *options, "HEAD"]):
        out = _run(git, root, *command, "--", *folders)
        found.update(line for line in out.splitlines() if line.endswith(".md"))
    return tuple(sorted(PurePosixPath(p) for p in found if not (root / p).exists()))
