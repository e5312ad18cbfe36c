"""Building the docs tree and the static site, with nothing lost on failure.

The docs tree is written only from a knowledge base without errors; the site is built
into a temporary folder and moved into place only when MkDocs succeeded, so a failed
build leaves the previous site whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from . import build_knowledge_base
from .docs_tree import docs_tree
from .problems import Problem, Severity
from .render import write_tree

DOCS_DIR = Path("build/docs")


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = problems


def guard_output(root: Path, out: Path) -> None:
    """Refuse any output folder inside content/: only `atlas new` writes there."""
    content = (root / "content").resolve()
    target = out.resolve()
    if target == content or content in target.parents:
        raise ValueError(f"refusing to write into {content}: content/ is for sources only")


def generate(root: Path, out: Path) -> int:
    """Render the knowledge base into `out`; raise ContentError (writing nothing) on errors."""
    guard_output(root, out)
    kb = build_knowledge_base(root)
    errors = [p for p in kb.problems if p.severity is Severity.error]
    if errors:
        raise ContentError(errors)
    return write_tree(docs_tree(kb, site_url(root)), out)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for plain values, ignoring its !!python/ tags (meant for MkDocs)."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def site_url(root: Path) -> str:
    config = root / "mkdocs.yml"
    if not config.is_file():
        return ""
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return str(data.get("site_url") or "") if isinstance(data, dict) else ""


def build_site(root: Path, site: Path, config: Path) -> None:
    """`mkdocs build --strict` into a temporary folder, then swap it into `site`."""
    guard_output(root, site)
    generate(root, root / DOCS_DIR)
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site.parent))
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--quiet",
                "--config-file",
                str(config),
                "--site-dir",
                str(staging),
            ],
            cwd=root,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        old = site.with_name(site.name + ".old")
        if site.exists():
            site.rename(old)
        staging.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
