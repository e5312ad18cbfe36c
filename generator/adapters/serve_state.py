"""What `atlas serve` keeps from one rebuild to the next.

`atlas serve` runs `mkdocs serve --dirty`: after an edit MkDocs renders only the pages whose
Markdown in build/docs changed (the generator rewrites only files whose bytes changed).
Two things a dirty rebuild gets wrong on its own are put right here, with state that must
outlive a rebuild (MkDocs reloads its configuration for each one; this module is imported
normally, so it lives as long as the server process):

- the search index: Material's search plugin sees only the rebuilt pages, so the full index
  is kept here, by page, and the rebuilt pages' entries replace their old ones;
- the docs tree: the tree last written to build/docs is kept, so a rebuild writes the
  files whose text changed without reading the others back from disk;
- compiled theme templates: MkDocs makes a new Jinja environment for every build, which
  would compile each template of the theme again; their bytecode is kept here;
- mkdocs.yml: a dirty rebuild renders only pages whose Markdown changed, so when the
  configuration changed every page of the docs tree is marked changed;
- vanished pages: a page deleted or renamed in content/ would stay in the served site, so
  every output the previous build wrote and this one no longer does is removed.

No MkDocs import here: `mkdocs_plugin.py` feeds this plain data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.adapters.site_build import Tree, generate_tree, guard_output, update_tree
from generator.core.history import GitHistory
from generator.render.output import write_tree

SearchDoc = dict[str, Any]


def page_of(location: str) -> str:
    """The page URL of a search entry's location: `offences/art-1/#elements` ->
    `offences/art-1/`."""
    return location.split("#", 1)[0]


class TemplateCache(jinja2.BytecodeCache):
    """Jinja bytecode in memory. Jinja checks each template's source checksum on load, so
    an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@dataclass
class ServeState:
    serving: bool = False
    # Page URLs of every page in the current build, and of those it rendered.
    pages: set[str] = field(default_factory=set)
    rebuilt: set[str] = field(default_factory=set)
    # Files in site_dir that the previous build accounted for.
    outputs: set[Path] = field(default_factory=set)
    # The docs tree as last written by this process; None: not known, compare with disk.
    tree: Tree | None = None
    templates: TemplateCache = field(default_factory=TemplateCache)
    # mkdocs.yml's modification time at the previous build.
    config_stamp: int | None = None
    # The whole search index, entries grouped by page URL, in first-build order.
    search: dict[str, list[SearchDoc]] = field(default_factory=dict)
    # Maps drawn by earlier rebuilds: an edit redraws only the maps it changes.
    drawings: dict[tuple[object, ...], str] = field(default_factory=dict)

    def regenerate(self, root: Path, out: Path, history: GitHistory) -> int:
        """Render content/ into `out` (ContentError on errors, writing nothing); the number
        of files written or removed."""
        guard_output(root, out)
        tree = generate_tree(root, history, self.drawings)
        previous, self.tree = self.tree, None
        changed = write_tree(tree, out) if previous is None else update_tree(tree, previous, out)
        self.tree = tree  # only once written: after a failure, compare with the disk again
        return changed

    def config_changed(self, config_file: Path) -> bool:
        """Whether `config_file` changed since the previous build (False on the first)."""
        stamp = config_file.stat().st_mtime_ns
        changed = self.config_stamp is not None and stamp != self.config_stamp
        self.config_stamp = stamp
        return changed

    @staticmethod
    def touch_docs(out: Path) -> int:
        """Mark every file of the docs tree changed, so that a dirty build renders every
        page again. Returns the number of files."""
        files = [path for path in out.rglob("*") if path.is_file()]
        for path in files:
            os.utime(path)
        return len(files)

    def start_build(self, pages: set[str], outputs: set[Path], site_dir: Path) -> list[Path]:
        """Record this build's pages and outputs; delete outputs that vanished since the
        previous build (only inside `site_dir`). Returns the deleted paths."""
        self.pages = pages
        self.rebuilt = set()
        site = site_dir.resolve()
        gone = sorted(p for p in self.outputs - outputs if site in p.resolve().parents)
        for path in gone:
            path.unlink(missing_ok=True)
        self.outputs = outputs
        return gone

    def merge_search(self, written: dict[str, Any]) -> dict[str, Any]:
        """The full index, given the one the search plugin wrote for the rebuilt pages only.

        Entries of rebuilt pages replace that page's old entries (a page may gain or lose
        sections, or leave the index); pages no longer in the site leave it."""
        fresh: dict[str, list[SearchDoc]] = {}
        for doc in written.get("docs", []):
            fresh.setdefault(page_of(str(doc["location"])), []).append(doc)
        for url, docs in fresh.items():
            self.search[url] = docs
        for url in self.rebuilt - fresh.keys():
            self.search[url] = []  # rebuilt, now without entries (e.g. excluded from search)
        for url in [u for u in self.search if u not in self.pages]:
            del self.search[url]
        return {**written, "docs": [doc for docs in self.search.values() for doc in docs]}

