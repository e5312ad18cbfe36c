"""The thin adapter between MkDocs and the generator (listed under `hooks:` in mkdocs.yml).

- While `atlas serve` (`mkdocs serve --dirty`) runs, every rebuild first regenerates the
  docs tree from content/; if content has errors they are printed and the last good pages
  stay up. Only pages whose Markdown changed are rendered again; `serving.py` keeps the
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
from mkdocs.plugins import event_priority

from generator.adapters.git_history import NO_HISTORY_ENV, read_history
from generator.adapters.serve_state import STATE
from generator.adapters.site_build import ContentError
from generator.core.body import ADMONITION_TYPES, PAGE_IDS
from generator.core.history import GitHistory
from generator.core.markdown_dialect import EscapeRawHtml
from generator.core.problems import summary_line
from generator.core.validate import is_relative

log = logging.getLogger("mkdocs.hooks.atlas")

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
        return None if value.startswith("__") or value in PAGE_IDS else value
    if name == "class":
        kept = [c for c in value.split() if c in ALLOWED_CLASSES]
        return " ".join(kept) or None
    if name == "lang":
        return value if value in LANGUAGES else None
    if tag == "img" and name == "src":
        return value if is_relative(value) else None
    return value


def on_startup(command: str, dirty: bool) -> None:
    # Called once per server; MkDocs reloads its config for every rebuild, and whether that
    # re-executes this file depends on its version: the state lives in generator.serving,
    # imported normally.
    STATE.serving = command == "serve"


def on_config(config: Any) -> Any:
    config.markdown_extensions.append(EscapeRawHtml())
    return config


def on_pre_build(config: Any) -> None:
    if not STATE.serving:
        return  # `atlas build` generated the tree already, and checked it
    config_file = Path(config.config_file_path)
    docs = Path(config.docs_dir)
    root = config_file.parent
    # Read again for each rebuild: a commit made while serving changes the dates.
    history = GitHistory.skipped() if os.environ.get(NO_HISTORY_ENV) else read_history(root)
    try:
        changed = STATE.regenerate(root, docs, history)
    except ContentError as error:
        for problem in error.problems:
            log.error(problem.text())
        log.error("%s; the site shows the last good version", summary_line(error.problems))
    else:
        if changed:
            log.info("atlas: regenerated %d file(s) from content/", changed)
    if STATE.config_changed(config_file):
        STATE.touch_docs(docs)
        log.info("atlas: %s changed: every page is rendered again", config_file.name)


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    # build/docs is our output, rewritten from content/ (watched, see mkdocs.yml) at the
    # start of each rebuild: watching it too would start a second, empty rebuild.
    server.unwatch(config.docs_dir)
    return server


@event_priority(-100)  # after other plugins added or removed files
def on_files(files: Any, config: Any) -> Any:
    if STATE.serving:
        gone = STATE.start_build(
            # As Page.url spells it, which the search index uses: the home page is "".
            pages={"" if f.url == "./" else f.url for f in files if f.is_documentation_page()},
            outputs={Path(f.abs_dest_path) for f in files},
            site_dir=Path(config.site_dir),
        )
        if gone:
            log.info("atlas: removed %d file(s) no longer in the site", len(gone))
    return files


def on_env(env: Any, config: Any, files: Any) -> Any:
    if STATE.serving:
        env.bytecode_cache = STATE.templates  # templates compiled once, not once a build
    return env


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    if STATE.serving:
        STATE.rebuilt.add(page.url)  # a dirty rebuild renders only changed pages
    return context


@event_priority(-100)  # after the search plugin wrote the index of the pages it saw
def on_post_build(config: Any) -> None:
    if not STATE.serving:
        return
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    merged = STATE.merge_search(json.loads(path.read_text(encoding="utf-8")))
    # Same encoding as the search plugin's own writer.
    path.write_text(json.dumps(merged, separators=(",", ":"), default=str), encoding="utf-8")
    search = config.plugins.get("material/search")
    if search is not None and hasattr(search, "search_index_prev"):
        # The plugin's own dirty-build merge keeps what it wrote last and drops the entries
        # of whatever URL the first rebuilt page has as prefix: for the home page ("")
        # that is every entry. With nothing kept it writes only the rebuilt pages, which
        # the merge above expects.
        search.search_index_prev = None


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
