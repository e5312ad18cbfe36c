"""`atlas mv`: every reference rewritten, the old URL redirects, all files or none; and a
published id may not vanish without a redirect."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import DATA, REPO, QuietHandler, atlas, lychee, site_project

from generator.adapters.git_history import read_history
from generator.core.pipeline import build_knowledge_base
from generator.tools.move import RenameError, apply_rename, plan_rename

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "content").rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    return site_project(REPO / "content", tmp_path / "p")


@pytest.mark.browser
def test_mv_on_a_real_entry_keeps_the_build_strict_and_the_old_url_working(
    shipped_copy: Path, browser: Browser
) -> None:
    result = atlas("--root", str(shipped_copy), "mv", "art-287-2", "art-287-2-assisting")
    assert result.returncode == 0, result.stderr
    assert (
        atlas("--root", str(shipped_copy), "check", "--no-history").stdout
        == "atlas check: no problems\n"
    )
    leftovers = [
        p
        for p in (shipped_copy / "content").rglob("*.md")
        if "art-287-2.md" in p.read_text(encoding="utf-8")
    ]
    assert leftovers == []
    assert atlas("--root", str(shipped_copy), "build", "--no-history").returncode == 0
    site = shipped_copy / "site"
    assert lychee(site).returncode == 0

    # (Setting log_message on the partial silenced nothing: the handler class is quiet.)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/offences/art-287-2/")
        page.wait_for_url("**/offences/art-287-2-assisting/")
        assert "287-2" in page.locator("h1").inner_text()
        page.close()
    finally:
        server.shutdown()
        server.server_close()


def test_mv_refuses_and_changes_nothing(shipped_copy: Path) -> None:
    before = snapshot(shipped_copy)
    for old, new in [("art-287-2", "art-287-1"), ("art-287-2", "Bad_Id"), ("no-such", "x-1")]:
        result = atlas("--root", str(shipped_copy), "mv", old, new)
        assert result.returncode == 1 and "nothing was changed" in result.stderr
    assert snapshot(shipped_copy) == before


def test_mv_writes_all_files_or_none(shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(shipped_copy)
    plan = plan_rename(shipped_copy, "art-253-1", "art-253-1-pi")
    assert len(plan.texts) > 5
    calls = {"n": 0}
    real_replace = Path.replace

    def failing_replace(self: Path, target: Path) -> Path:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    with pytest.raises(RenameError, match=r"could not write .*art-253-1.md: disk full$"):
        apply_rename(plan)
    monkeypatch.undo()
    assert snapshot(shipped_copy) == before
    assert not list((shipped_copy / "content").rglob(".*.atlas-mv"))


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_a_published_id_may_not_vanish_without_a_redirect(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "publish")
    (root / "content/proposals/s001-liability-tiers.md").unlink()
    problems = [(p.path, p.code) for p in build_knowledge_base(root, read_history(root)).problems]
    assert problems == [("content/redirects.yml", "missing-redirect")]
    git(root, "commit", "-qam", "delete it")  # still missing once the deletion is committed
    assert [p.code for p in build_knowledge_base(root, read_history(root)).problems] == [
        "missing-redirect"
    ]
    (root / "content/redirects.yml").write_text(
        "s001-liability-tiers: art-287-2\n", encoding="utf-8"
    )
    assert build_knowledge_base(root, read_history(root)).problems == ()
