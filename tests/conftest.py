"""Shared fixtures: scratch knowledge bases written from strings, a built copy of the
small valid knowledge base, a local HTTP server for it, and a real headless chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.core.history import GitHistory
from generator.core.link import KnowledgeBase
from generator.core.pipeline import build_knowledge_base

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

MakeKb = Callable[[dict[str, str]], Path]

# Fixtures that run the real mkdocs build: a test that asks for one is in the `site`
# tier whether or not it says so, so `make test-fast` never waits for a build.
SITE_FIXTURES = frozenset({"built_site", "site_url", "shipped_site", "shipped_url"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SITE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)


@pytest.fixture
def make_kb(tmp_path: Path) -> MakeKb:
    """Write {relative path: dedented text} under tmp_path/content and return tmp_path."""

    def make(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            target = tmp_path / "content" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        (tmp_path / "content").mkdir(exist_ok=True)
        return tmp_path

    return make


def site_project(content: Path, where: Path) -> Path:
    """A project folder with the repository's config and theme around `content`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copytree(content, where / "content")
    shutil.copy(REPO / "mkdocs.yml", where / "mkdocs.yml")
    (where / "overrides").symlink_to(REPO / "overrides")
    return where


def atlas(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.tools.cli", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small valid knowledge base, built for real with `atlas build` (mkdocs --strict)."""
    project = site_project(DATA / "valid_kb" / "content", tmp_path_factory.mktemp("valid") / "p")
    result = atlas("--root", str(project), "build", "--no-history")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A static HTTP server for `folder` on 127.0.0.1, for as long as the block runs."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_folder(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright. A missing browser fails the
    run (it is installed by `make test` and .ci/run); it is never a silent skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


# 404.html is served at any depth, so its links are absolute to the site URL: skipped.
LYCHEE = [
    "--offline",
    "--include-fragments",
    "--index-files",
    "index.html",
    "--no-progress",
    "--exclude-path",
    "404.html",
]


def lychee(site: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "lychee"
    return subprocess.run(
        [str(exe), *LYCHEE, "--root-dir", str(site), f"{site}/**/*.html"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("shipped") / "site"
    result = atlas("--root", str(REPO), "build", "--site-dir", str(site))
    assert result.returncode == 0, result.stderr[-2000:]
    return site


@pytest.fixture(scope="session")
def shipped_url(shipped_site: Path) -> Iterator[str]:
    with serve_folder(shipped_site) as url:
        yield url


@pytest.fixture(scope="session")
def small() -> KnowledgeBase:
    """The small valid knowledge base, linked (it must be clean)."""
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    assert kb.problems == ()
    return kb


@pytest.fixture(scope="session")
def real() -> KnowledgeBase:
    """The shipped knowledge base, linked."""
    return build_knowledge_base(REPO, GitHistory.skipped())


def check_texts(root: Path) -> list[str]:
    """What `atlas check` prints for the load and validate stages over `root`, in the order
    they are found (the link stage's rules are left out: no orphan warnings for a
    one-file base)."""
    from generator.core.load import load
    from generator.core.validate import validate

    return [p.text() for p in validate(load(root, GitHistory.skipped())).problems]


# A valid offence with every required field, for the rule tests to break one at a time.
OFFENCE = """\
---
title: T
title_zh: 罪
summary: S.
article: "1"
chapter: 6
max_penalty: fixed-term imprisonment
max_years: 3
unit_liability: false
sources: [{ref: r, at: "§1"}]
reviewed: 2026-01-01
---
"""
