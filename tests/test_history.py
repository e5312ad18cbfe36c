"""Git history of content/: read from real repositories made here, and every way reading it
can fail is an error naming its cause and fix, never a silent pass."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
from conftest import DATA, atlas

from generator.adapters.git_history import read_history
from generator.core.history import GitHistory

DELETED = "content/proposals/s001-liability-tiers.md"
SKIP = "or pass --no-history to skip the rules that need history"
NOT_A_CHECKOUT = (
    "content:1:1: error not-a-git-checkout content/ is not in a git checkout, so deleted "
    "entries and last-updated dates cannot be read (hint: clone the repository with git "
    f"clone and work there, {SKIP})"
)
SKIPPED = (
    "content:1:1: warning history-skipped git history is not read (--no-history): "
    "missing-redirect is not checked and last-updated dates fall back to each entry's "
    "reviewed date (hint: drop --no-history in a full clone to run every rule)"
)


def refused(root: Path) -> str:
    return (
        "content:1:1: error git-refused git refuses to read this checkout: it belongs to "
        "another user (git: detected dubious ownership) (hint: if you trust it, run git "
        f"config --global --add safe.directory {root})"
    )


@pytest.fixture(autouse=True)
def plain_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git without the user's configuration (a global safe.directory=* would hide the
    ownership check) and without finding a repository above the test's folder."""
    empty = tmp_path / "gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.delenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", raising=False)


def git(root: Path, *args: str, date: str = "2024-01-02T10:00:00+00:00") -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date},
    )


def published(where: Path) -> Path:
    """The small valid knowledge base committed twice, then one entry deleted and committed
    (without a redirect)."""
    shutil.copytree(DATA / "valid_kb", where)
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "commit", "-qm", "publish")
    entry = where / "content/offences/art-287-1.md"
    entry.write_text(entry.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    git(where, "commit", "-qam", "edit", date="2025-03-04T10:00:00+00:00")
    git(where, "rm", "-q", DELETED)
    git(where, "commit", "-qm", "delete", date="2025-05-06T10:00:00+00:00")
    return where


def test_deleted_entries_and_dates_come_from_the_history(tmp_path: Path) -> None:
    root = published(tmp_path / "kb")
    history = read_history(root)
    assert history.problems == ()
    assert history.deleted_entries == (PurePosixPath(DELETED),)
    assert history.last_changed["content/offences/art-287-1.md"] == "2025-03-04T10:00:00+00:00"
    assert history.last_changed["content/offences/art-287-2.md"] == "2024-01-02T10:00:00+00:00"


def test_a_deletion_not_yet_committed_counts_too(tmp_path: Path) -> None:
    root = published(tmp_path / "kb")
    (root / "content/offences/art-287-2.md").unlink()
    assert [str(p) for p in read_history(root).deleted_entries] == [
        "content/offences/art-287-2.md",
        DELETED,
    ]


def test_a_knowledge_base_inside_a_larger_checkout_reads_its_own_paths(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    shutil.copytree(DATA / "valid_kb", outer / "kb")
    git(outer, "add", "-A")
    git(outer, "commit", "-qm", "publish")
    git(outer, "rm", "-q", f"kb/{DELETED}")
    git(outer, "commit", "-qm", "delete")
    history = read_history(outer / "kb")
    assert history.deleted_entries == (PurePosixPath(DELETED),)
    assert "content/offences/art-287-1.md" in history.last_changed


def test_a_repository_without_commits_has_published_nothing(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    git(root, "init", "-q")
    assert read_history(root) == GitHistory.skipped()


def test_a_shallow_clone_is_an_error_naming_unshallow(tmp_path: Path) -> None:
    source = published(tmp_path / "kb")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{source}", str(clone)],
        check=True,
        capture_output=True,
    )
    (problem,) = read_history(clone).problems
    assert problem.text() == (
        "content:1:1: error shallow-history the clone is shallow: entries deleted and dates "
        "set before its oldest commit are unknown (hint: run git fetch --unshallow; in GitHub "
        "Actions, give actions/checkout fetch-depth: 0)"
    )


def test_a_checkout_of_another_user_is_refused_naming_safe_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = published(tmp_path / "kb")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git >= 2.35
    history = read_history(root)
    assert [p.text() for p in history.problems] == [refused(root)]
    assert history.deleted_entries == ()


def test_no_git_on_path_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = published(tmp_path / "kb")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert [p.text() for p in read_history(root).problems] == [
        "content:1:1: error git-missing git is not installed, so the history of content/ "
        f"cannot be read (hint: install git, {SKIP})"
    ]


def test_a_folder_that_is_no_checkout_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    assert [p.text() for p in read_history(root).problems] == [NOT_A_CHECKOUT]


def test_any_other_git_failure_quotes_its_first_line_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nprintf '\\n\\033[31mfatal: boom\\nmore\\n' >&2\nexit 128\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert [p.text() for p in read_history(tmp_path).problems] == [
        "content:1:1: error git-refused git rev-parse failed: \\x1b[31mfatal: boom (hint: run "
        f"git status in the repository to see why, {SKIP})"
    ]


def test_check_reports_a_refused_history_instead_of_passing_missing_redirect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = published(tmp_path / "kb")
    trusted = atlas("--root", str(root), "check")
    assert trusted.returncode == 1
    assert "error missing-redirect 's001-liability-tiers' was published" in trusted.stdout
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    result = atlas("--root", str(root), "check")
    assert result.returncode == 1
    assert result.stdout == (
        f"{refused(root)}\natlas check: 1 error(s), 0 warning(s) in 1 file(s)\n"
    )
    assert "Traceback" not in result.stderr


def test_no_history_skips_it_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    failing = atlas("--root", str(root), "check")
    assert (failing.returncode, failing.stdout.splitlines()[0]) == (1, NOT_A_CHECKOUT)
    skipped = atlas("--root", str(root), "check", "--no-history")
    assert (skipped.returncode, skipped.stdout, skipped.stderr) == (
        0,
        "atlas check: no problems\n",
        f"{SKIPPED}\n",
    )


def test_generate_fails_without_history_and_skips_it_on_request(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    failing = atlas("--root", str(root), "generate")
    assert failing.returncode == 1
    assert failing.stderr.splitlines()[0] == NOT_A_CHECKOUT
    assert not (root / "build/docs").exists()
    skipped = atlas("--root", str(root), "generate", "--no-history")
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stderr == f"{SKIPPED}\n"
