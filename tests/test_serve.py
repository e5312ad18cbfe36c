"""`make serve`'s server: an edit under content/ is rebuilt and served."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import DATA, atlas, site_project

pytestmark = pytest.mark.site


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
        time.sleep(0.5)
    return False


def test_an_edited_entry_is_rebuilt_and_served(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    assert atlas("--root", str(project), "generate").returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "--livereload",
            "--dev-addr",
            f"127.0.0.1:{port}",
        ],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/offences/art-287-1/"
        assert wait_for(url, "Illegally using information networks", 60)
        entry = project / "content/offences/art-287-1.md"
        entry.write_text(
            entry.read_text(encoding="utf-8").replace(
                "Setting up websites", "Freshly edited, setting up websites"
            ),
            encoding="utf-8",
        )
        assert wait_for(url, "Freshly edited", 30)
    finally:
        server.terminate()
        server.wait(timeout=20)
