"""Reading a Markdown body: its links, images, raw HTML and heading anchors, with lines.

markdown-it-py is a real CommonMark parser; it finds links however they are written
(inline, reference-style, autolinks) so that none slips past the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pymdownx.slugs import slugify

# The same slug function mkdocs.yml gives the toc extension, so that an anchor the
# checker accepts is the id the built page has.
heading_slug = slugify(case="lower")


@dataclass(frozen=True, slots=True)
class BodyLink:
    kind: Literal["link", "image"]
    url: str
    line: int  # 0-based line within the body
    col: int  # 1-based


@dataclass(frozen=True, slots=True)
class RawHtml:
    html: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True, slots=True)
class ParsedBody:
    links: tuple[BodyLink, ...]
    raw_html: tuple[RawHtml, ...]
    headings: tuple[Heading, ...]

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    # Accept every URL as a link so that the checker, not the parser, judges the scheme:
    # Python-Markdown (which builds the site) would render javascript: links.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _parser()
_LINKISH_RE = re.compile(r"\]\(\s*([^)\s]*[\t ][^)]*)\)")


def parse_body(body: str) -> ParsedBody:
    lines = body.split("\n")
    links: list[BodyLink] = []
    raw: list[RawHtml] = []
    headings: list[Heading] = []
    seen_anchors: dict[str, int] = {}

    def col_of(line: int, needle: str) -> int:
        text = lines[line] if 0 <= line < len(lines) else ""
        found = text.find(needle)
        return found + 1 if found >= 0 else 1

    # Destinations CommonMark refuses as links (a tab inside 'java\tscript:') may still
    # be links to another Markdown parser, so they are judged too.
    for number, text in enumerate(lines):
        for match in _LINKISH_RE.finditer(text):
            links.append(BodyLink("link", match.group(1), number, match.start(1) + 1))

    tokens = _MD.parse(body)
    for index, token in enumerate(tokens):
        start = token.map[0] if token.map else 0
        if token.type == "html_block":
            first = token.content.strip().split("\n")[0]
            raw.append(RawHtml(first, start, col_of(start, first[:20])))
        elif token.type == "heading_open":
            inline = tokens[index + 1]
            text = "".join(
                c.content for c in inline.children or [] if c.type in ("text", "code_inline")
            )
            anchor = _unique(heading_slug(text, "-"), seen_anchors)
            headings.append(Heading(int(token.tag[1]), text, anchor, start))
        elif token.type == "inline":
            _scan_inline(token, start, links, raw, col_of)
    return ParsedBody(tuple(links), tuple(raw), tuple(headings))


def _unique(anchor: str, seen: dict[str, int]) -> str:
    # Mirrors Python-Markdown's toc: a repeated id gets _1, _2, ...
    if anchor not in seen:
        seen[anchor] = 0
        return anchor
    seen[anchor] += 1
    return f"{anchor}_{seen[anchor]}"


def _scan_inline(
    token: Token, start: int, links: list[BodyLink], raw: list[RawHtml], col_of: object
) -> None:
    assert callable(col_of)
    line = start
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            url = str(child.attrGet("href") or "")
            links.append(BodyLink("link", url, line, col_of(line, url) if url else 1))
        elif child.type == "image":
            url = str(child.attrGet("src") or "")
            links.append(BodyLink("image", url, line, col_of(line, url) if url else 1))
        elif child.type == "html_inline":
            raw.append(RawHtml(child.content, line, col_of(line, child.content)))
        elif child.type == "text":
            line += child.content.count("\n")
