"""The MkDocs plugin `atlas` (listed under `plugins:` in mkdocs.yml): the one module that
meets MkDocs, a thin adapter over the generator.

- While `atlas serve` (`mkdocs serve --dirty`) runs, every rebuild first regenerates the
  docs tree from content/; if content has errors they are printed and the last good pages
  stay up. Only pages whose Markdown changed are rendered again; `serve_state.py` keeps the
  search index whole and removes the pages that vanished.
- Raw HTML in Markdown is switched off, so any HTML that got into a page is shown as text.
- Every rendered page body is sanitised with nh3 as a second wall behind `atlas check`.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import nh3
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority

from generator.adapters.git_history import NO_HISTORY_ENV, read_history
from generator.adapters.serve_state import ServeState
from generator.adapters.site_build import ContentError
from generator.core.body import ADMONITION_TYPES
from generator.core.body_parts import is_reserved_id
from generator.core.history import GitHistory
from generator.core.markdown_dialect import EscapeRawHtml
from generator.core.problems import summary_line
from generator.core.validate import is_relative

log = logging.getLogger("mkdocs.plugins.atlas")

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {
    "div",
    "span",
    "pre",
    "code",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "hr",
    "figure",
    "figcaption",
    "mark",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
# The classes the site's Markdown and the generator make; any other class in a page body
# came from content and could restyle or re-purpose the theme's own components.
ALLOWED_CLASSES = frozenset(
    {
        "admonition",
        "admonition-title",
        "atlas-panel",
        "footnote",
        "footnote-ref",
        "footnote-backref",
        "headerlink",
        *ADMONITION_TYPES,
    }
)
LANGUAGES = frozenset({"en", "zh"})


def keep_attribute(tag: str, name: str, value: str) -> str | None:
    """The second wall's rule for each attribute nh3 would keep. Every id the theme reads
    starts with '__' (`__config` is its configuration: a content element of that id
    rewrote it); images load from the site itself only."""
    if name == "id":
        return None if is_reserved_id(value) else value
    if name == "class":
        kept = [c for c in value.split() if c in ALLOWED_CLASSES]
        return " ".join(kept) or None
    if name == "lang":
        return value if value in LANGUAGES else None
    if tag == "img" and name == "src":
        return value if is_relative(value) else None
    return value


class AtlasOptions(Config):  # type: ignore[no-untyped-call]  # mkdocs leaves it untyped
    """The plugin takes no options: everything it needs is in mkdocs.yml already."""


class AtlasPlugin(BasePlugin[AtlasOptions]):  # type: ignore[no-untyped-call]
    """Regenerates the docs tree on each `mkdocs serve` rebuild, keeps what a dirty rebuild
    would lose, and cleans every page body. It defines on_startup, so MkDocs keeps one
    instance for the whole server: the serve state lives on it."""

    def __init__(self) -> None:
        self.state = ServeState()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.state.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.markdown_extensions.append(EscapeRawHtml())
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if not self.state.serving:
            return  # `atlas build` generated the tree already, and checked it
        config_file = Path(config.config_file_path)
        docs = Path(config.docs_dir)
        root = config_file.parent
        # Read again for each rebuild: a commit made while serving changes the dates.
        no_history = os.environ.get(NO_HISTORY_ENV)
        history = GitHistory.skipped() if no_history else read_history(root)
        try:
            changed = self.state.regenerate(root, docs, history)
        except ContentError as error:
            for problem in error.problems:
                log.error(problem.text())
            log.error("%s; the site shows the last good version", summary_line(error.problems))
        else:
            if changed:
                log.info("atlas: regenerated %d file(s) from content/", changed)
        if self.state.config_changed(config_file):
            self.state.touch_docs(docs)
            log.info("atlas: %s changed: every page is rendered again", config_file.name)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # build/docs is our output, rewritten from content/ (watched, see mkdocs.yml) at the
        # start of each rebuild: watching it too would start a second, empty rebuild.
        server.unwatch(config.docs_dir)
        return server

    @event_priority(-100)  # after other plugins added or removed files
    def on_files(self, files: Any, /, *, config: MkDocsConfig) -> Any:
        if self.state.serving:
            gone = self.state.start_build(
                # As Page.url spells it, which the search index uses: the home page is "".
                pages={
                    "" if f.url == "./" else f.url for f in files if f.is_documentation_page()
                },
                outputs={Path(f.abs_dest_path) for f in files},
                site_dir=Path(config.site_dir),
            )
            if gone:
                log.info("atlas: removed %d file(s) no longer in the site", len(gone))
        return files

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Any) -> Any:
        if self.state.serving:
            # Jinja's documented hook for a bytecode cache: templates compiled once, not
            # once a build.
            env.bytecode_cache = self.state.templates
        return env

    def on_page_context(
        self, context: Any, /, *, page: Any, config: MkDocsConfig, nav: Any
    ) -> Any:
        if self.state.serving:
            self.state.rebuilt.add(page.url)  # a dirty rebuild renders only changed pages
        return context

    @event_priority(-100)  # after the search plugin wrote the index of the pages it saw
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.state.serving:
            return
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():
            return
        merged = self.state.merge_search(json.loads(path.read_text(encoding="utf-8")))
        # Same encoding as the search plugin's own writer.
        path.write_text(json.dumps(merged, separators=(",", ":"), default=str), encoding="utf-8")
        search = config.plugins.get("material/search")
        if search is not None and hasattr(search, "search_index_prev"):
            # The search plugin's own dirty-build merge keeps what it wrote last and drops
            # the entries of whatever URL the first rebuilt page has as prefix: for the home
            # page ("") that is every entry. Its kept index is reset on this server's plugin
            # instance (no class or module is changed), so it writes only the rebuilt pages,
            # which the merge above expects.
            search.search_index_prev = None

    def on_page_content(
        self, html: str, /, *, page: Any, config: MkDocsConfig, files: Any
    ) -> str:
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=keep_attribute,
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
        )
