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
import time
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import yaml

from generator.adapters.gc_policy import cyclic_gc_paused
from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.core.problems import Problem, Severity
from generator.core.schema import Reference
from generator.render.output import check_tree_paths, write_manifest

DOCS_DIR = Path("build/docs")
# Formatted citations from earlier builds (see citations.FormattedCitations).
CITATIONS_CACHE = Path("build/cache/citations.json")


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = problems


def guard_output(root: Path, out: Path) -> None:
    """Refuse any output folder inside content/ (only `atlas new` and `atlas mv` write
    there), and any output reached through a symbolic link inside the repository: a
    committed `build -> ..` link made generation write and delete elsewhere."""
    content = (root / "content").resolve()
    target = out.resolve()
    if target == content or content in target.parents:
        raise ValueError(f"refusing to write into {content}: content/ is for sources only")
    absolute = out.absolute()
    top = root.absolute()
    for folder in (absolute, *absolute.parents):
        if folder == top:
            break
        if folder.is_symlink():
            raise ValueError(f"refusing to write through the symbolic link {folder}")


Tree = Mapping[PurePosixPath, str]


def generate_tree(
    root: Path, history: GitHistory, drawings: dict[tuple[object, ...], str] | None = None
) -> Tree:
    """The docs tree of the knowledge base under `root`; ContentError on errors.
    `drawings`: maps drawn by an earlier call in this process (see render.maps)."""
    with cyclic_gc_paused():
        kb = build_knowledge_base(root, history)
    errors = [p for p in kb.problems if p.severity is Severity.error]
    if errors:
        raise ContentError(errors)
    # Imported here: rendering pulls in citeproc-py and lxml, which `atlas check` (the
    # command contributors run most, and which imports this module) never needs.
    from generator.render.citations import formatted_citations
    from generator.render.docs_tree import docs_tree
    from generator.render.pages import absolute_url

    url = site_url(root)
    citations = formatted_citations()
    citations.load(root / CITATIONS_CACHE)
    with citations.preparing(
        (entry.id, entry.meta, absolute_url(url, entry))
        for entry in kb.entries.values()
        if isinstance(entry.meta, Reference)
    ):
        tree = docs_tree(kb, url, drawings)
    citations.save(root / CITATIONS_CACHE)
    return tree


def generate(root: Path, out: Path, history: GitHistory) -> int:
    """Render the knowledge base into `out`; raise ContentError (writing nothing) on errors."""
    guard_output(root, out)
    from generator.render.output import write_tree

    return write_tree(generate_tree(root, history), out)


def update_tree(tree: Tree, previous: Tree, out: Path) -> int:
    """Write `tree` into `out`, which holds `previous` as written by this process: only
    files whose text differs from `previous` are written, and files of `previous` no longer
    in `tree` removed. Same result as `write_tree`, without reading every file back.
    Returns the number of files written or removed."""
    check_tree_paths(tree)
    changed = 0
    for rel, text in tree.items():
        if previous.get(rel) == text:
            continue
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never written through a link left in its place
        target.write_bytes(text.encode("utf-8"))
        changed += 1
    for rel in previous.keys() - tree.keys():
        (out / rel).unlink(missing_ok=True)
        changed += 1
    if previous.keys() != tree.keys():
        write_manifest(out, tree)
    return changed


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for plain values, ignoring its !!python/ tags (meant for MkDocs)."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def site_url(root: Path) -> str:
    config = root / "mkdocs.yml"
    if not config.is_file():
        return ""
    data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return str(data.get("site_url") or "") if isinstance(data, dict) else ""


def serve_command(root: Path, host: str, port: int) -> list[str]:
    """The development server `atlas serve` runs (and `make serve`, and the bench).

    `--dirty`: after an edit only the pages whose Markdown changed are rendered again (the
    hooks regenerate build/docs from content/ first, touching only changed files). A dirty
    build logs a warning, which strict mode would turn into an abort: `--no-strict` here
    only; `atlas build` and `atlas check` stay strict. The first build, into an empty
    temporary folder, is a full one."""
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--livereload",
        "--dirty",
        "--no-strict",
        "--config-file",
        str(root / "mkdocs.yml"),
        "--dev-addr",
        f"{host}:{port}",
    ]


def prepare_serve(root: Path, history: GitHistory) -> None:
    """Check content/ (raising ContentError) and make sure the docs folder exists.

    The server's own first build renders the docs tree; generating it here too would
    double the start-up time, and the caches the generator fills (citations) would be
    filled in this process, not the server's."""
    out = root / DOCS_DIR
    guard_output(root, out)
    with cyclic_gc_paused():
        kb = build_knowledge_base(root, history)
    errors = [p for p in kb.problems if p.severity is Severity.error]
    if errors:
        raise ContentError(errors)
    out.mkdir(parents=True, exist_ok=True)


def build_site(root: Path, site: Path, config: Path, history: GitHistory) -> float:
    """`mkdocs build --strict` into a temporary folder, then swap it into `site`.
    Returns the seconds MkDocs took, so the generator's part of a build can be told."""
    guard_output(root, site)
    generate(root, root / DOCS_DIR, history)
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site.parent))
    try:
        started = time.perf_counter()
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
        mkdocs_seconds = time.perf_counter() - started
        old = site.with_name(site.name + ".old")
        # Left by a build killed between the two renames below; this process made it.
        shutil.rmtree(old, ignore_errors=True)
        if site.exists():
            site.rename(old)
        staging.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return mkdocs_seconds
