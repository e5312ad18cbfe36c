"""`make serve`'s server: an edit under content/ is rebuilt and served."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DATA, site_project

from generator.adapters.serve_state import ServeState

pytestmark = pytest.mark.site
ATLAS = [sys.executable, "-m", "generator.tools.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.1)
    return False


def fetch_index(base: str) -> dict[str, list[str]]:
    """The served search index: the titles of its entries, by location."""
    index = json.loads(fetch(f"{base}/search/search_index.json"))
    docs: dict[str, list[str]] = {}
    for doc in index["docs"]:
        docs.setdefault(doc["location"], []).append(doc["title"])
    return docs


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_REFERENCE = """---
title: A freshly added paper
summary: Added while the server runs.
type: journal article
authors: [Someone]
year: 2024
reviewed: 2026-01-01
---

## Notes

Brand new text.
"""


def test_serve_rebuilds_edited_pages_and_keeps_the_whole_search_index(tmp_path: Path) -> None:
    """`atlas serve` (what `make serve` runs) renders only changed pages after an edit;
    the pages listing an edited title follow, the search index stays whole (Material's
    own dirty-build merge drops entries, or doubles them), and removed pages leave."""
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*ATLAS, "--root", str(project), "serve", "--no-history", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    content = project / "content"
    try:
        assert wait_for(f"{base}/offences/art-287-1/", "Illegally using information networks", 60)
        before = fetch_index(base)
        assert "references/shi-2025/" in before and "" in before
        time.sleep(1)  # the file watcher's first snapshot

        # An entry's title: its page, the index page and a page linking to it follow.
        edit(content / "offences/art-287-1.md", "Illegally using", "Freshly edited, using")
        assert wait_for(f"{base}/offences/art-287-1/", "Freshly edited, using", 30)
        assert "Freshly edited, using" in fetch(f"{base}/offences/")
        assert "Freshly edited, using" in fetch(f"{base}/offences/art-287-2/")
        after = fetch_index(base)
        assert after.keys() == before.keys()
        assert all(len(titles) == 1 for titles in after.values()), "doubled entries"
        assert "Freshly edited, using" in after["offences/art-287-1/"][0]
        assert after["references/shi-2025/"] == before["references/shi-2025/"]

        # The home page: the search plugin's own merge would drop every entry here.
        edit(content / "index.md", "Start with", "Begin with")
        assert wait_for(f"{base}/", "Begin with", 30)
        assert fetch_index(base).keys() == before.keys()

        # A page added, then removed: it leaves the site and the index.
        (content / "references/new-ref.md").write_text(NEW_REFERENCE, encoding="utf-8")
        assert wait_for(f"{base}/references/new-ref/", "Brand new text", 30)
        added = fetch_index(base).keys() - before.keys()
        assert {"references/new-ref/", "references/new-ref/#notes"} <= added
        assert all(location.startswith("references/new-ref/") for location in added)
        (content / "references/new-ref.md").unlink()
        deadline = time.monotonic() + 30
        while (
            "A freshly added paper" in fetch(f"{base}/references/") and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert "Brand new text" not in fetch(f"{base}/references/new-ref/")
        assert fetch_index(base).keys() == before.keys()

        # mkdocs.yml: every page follows, not only those whose Markdown changed.
        edit(project / "mkdocs.yml", "site_name: Cyberlaw Atlas", "site_name: Renamed Atlas")
        assert wait_for(f"{base}/references/shi-2025/", "Renamed Atlas", 30)
        assert fetch_index(base).keys() == before.keys()
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_search_merge_replaces_rebuilt_pages_and_drops_vanished_ones(tmp_path: Path) -> None:
    state = ServeState()

    def doc(location: str, title: str) -> dict[str, str]:
        return {"location": location, "title": title, "text": ""}

    state.start_build({"", "a/", "b/"}, set(), tmp_path)
    state.rebuilt = {"", "a/", "b/"}
    first = [doc("", "Home"), doc("a/", "A"), doc("a/#x", "X"), doc("b/", "B")]
    assert state.merge_search({"config": {"lang": ["en"]}, "docs": first})["docs"] == first

    # b/ is gone, a/ lost a section, c/ is new; the home page is untouched.
    state.start_build({"", "a/", "c/"}, set(), tmp_path)
    state.rebuilt = {"a/", "c/"}
    merged = state.merge_search(
        {"config": {"lang": ["en"]}, "docs": [doc("a/", "A2"), doc("c/", "C")]}
    )
    assert merged["config"] == {"lang": ["en"]}
    assert merged["docs"] == [doc("", "Home"), doc("a/", "A2"), doc("c/", "C")]


def test_outputs_that_vanish_are_removed_only_inside_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    kept, gone, outside = site / "kept.html", site / "old/index.html", tmp_path / "outside.txt"
    for path in (kept, gone, outside):
        path.write_text("x", encoding="utf-8")
    state = ServeState()
    state.start_build(set(), {kept, gone, outside}, site)
    assert state.start_build(set(), {kept}, site) == [gone]
    assert kept.exists() and not gone.exists() and outside.exists()
