"""The thin adapter between MkDocs and the generator (listed under `hooks:` in mkdocs.yml).

- While `mkdocs serve` runs, every rebuild first regenerates the docs tree from content/;
  if content has errors they are printed and the last good pages stay up.
- Raw HTML in Markdown is switched off, so any HTML that got into a page is shown as text.
- Every rendered page body is sanitised with nh3 as a second wall behind `atlas check`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import nh3
from markdown import Markdown
from markdown.extensions import Extension

from generator.problems import summary_line
from generator.site import ContentError, generate

log = logging.getLogger("mkdocs.hooks.atlas")
_serving = False

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


class EscapeRawHtml(Extension):  # type: ignore[misc]  # Markdown ships no type hints
    """Python-Markdown without its raw-HTML block and inline patterns."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: Any) -> Any:
    config.markdown_extensions.append(EscapeRawHtml())
    return config


def on_pre_build(config: Any) -> None:
    if not _serving:
        return  # `atlas build` generated the tree already, and checked it
    root = Path(config.config_file_path).parent
    try:
        changed = generate(root, Path(config.docs_dir))
    except ContentError as error:
        for problem in error.problems:
            log.error(problem.text())
        log.error("%s; the site shows the last good version", summary_line(error.problems))
        return
    if changed:
        log.info("atlas: regenerated %d page(s) from content/", changed)


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
