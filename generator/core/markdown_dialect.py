"""The Markdown the site is rendered with, declared once for the checker and MkDocs.

`atlas check` reads every body that is not plain with this same parser and these same
extensions, so that what it judges (links, images, attributes, heading ids) is what the
site will render, not what another Markdown dialect makes of the text. mkdocs.yml lists
the same extensions (MkDocs wants them there); a test holds the two lists equal.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pymdownx.slugs import slugify

# The slug function the toc extension is given: an anchor the checker accepts is the id
# the built page has.
heading_slug = slugify(case="lower")

EXTENSIONS: tuple[str, ...] = ("tables", "admonition", "attr_list", "def_list", "footnotes", "toc")
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True, "slugify": heading_slug},
}


class EscapeRawHtml(Extension):  # type: ignore[misc]  # Markdown ships no type hints
    """Python-Markdown without its raw-HTML block and inline patterns: HTML in a body is
    shown as text."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


class _ElementRecorder(Treeprocessor):  # type: ignore[misc]
    """Keeps every element that has attributes, as the tree stands after attr_list (8)
    and before toc (5) gives headings their ids: whatever attribute an element has then
    came from the text, through Markdown syntax or an extension."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def run(self, root: Element) -> None:
        self.elements = [(el.tag, dict(el.attrib)) for el in root.iter() if el.attrib]


def site_parser() -> tuple[Markdown, _ElementRecorder]:
    """A Markdown instance configured as the site's, and the recorder of its elements."""
    md = Markdown(extensions=[*EXTENSIONS, EscapeRawHtml()], extension_configs=EXTENSION_CONFIGS)
    recorder = _ElementRecorder(md)
    md.treeprocessors.register(recorder, "atlas_elements", 7)
    return md, recorder
