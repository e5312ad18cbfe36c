"""Reading a Markdown body: its links, images, raw HTML and heading anchors, with lines.

markdown-it-py, a real CommonMark parser, finds links however they are written
(inline, reference-style, autolinks) so that none slips past the checks. Most bodies,
though, are plain: paragraphs, lists, tables and headings with `[text](target)` links and
nothing that could change what a bracket means (no code, HTML, escapes, entities, block
quotes or setext headings). Those are read line by line with two regular expressions,
about thirty times faster; a property test holds the two readings equal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
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


# Built on first use: a knowledge base of plain bodies never needs it.
_full_parser = functools.cache(_parser)
_LINKISH_RE = re.compile(r"\]\(\s*([^)\s]*[\t ][^)]*)\)")
_BLOCK_QUOTE_SETEXT_OR_CODE_RE = re.compile(
    r"\n(?:[ \t]*>| {0,3}(?:=+|-+)[ \t]*(?:\n|$)|(?: {4}|\t)[^\n]*[\[\]#])"
)
_PLAIN_LINK_RE = re.compile(r'(!?)\[[^\[\]\n|]*\]\(([^()\s|]*)(?: +"[^"\n]*")?\)')
_ATX_HEADING_RE = re.compile(r" {0,3}(#{1,6})([ \t].*)?$")
_MAY_START_A_LIST_ITEM = frozenset(" \t-+*0123456789")
_LIST_MARKERS_RE = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))*")


def is_plain(body: str) -> bool:
    """Whether the body holds nothing that could change what a '[' or a '#' means: no
    code (backticks, '~~~', indented lines with brackets or '#'), no HTML or autolinks
    ('<'), no escapes or entities ('\\', '&'), no block quotes, no setext headings."""
    if "`" in body or "<" in body or "\\" in body or "&" in body or "~~~" in body:
        return False
    return _BLOCK_QUOTE_SETEXT_OR_CODE_RE.search("\n" + body) is None


def parse_body(body: str) -> ParsedBody:
    lines = body.split("\n")

    def col_of(line: int, needle: str) -> int:
        text = lines[line] if 0 <= line < len(lines) else ""
        found = text.find(needle)
        return found + 1 if found >= 0 else 1

    # Destinations CommonMark refuses as links (a tab inside 'java\tscript:') may still
    # be links to another Markdown parser, so they are judged too.
    links: list[BodyLink] = []
    if _LINKISH_RE.search(body):
        for number, text in enumerate(lines):
            for match in _LINKISH_RE.finditer(text):
                links.append(BodyLink("link", match.group(1), number, match.start(1) + 1))
    if is_plain(body):
        plain = _parse_plain(lines, links)
        if plain is not None:
            return plain
    return _parse_every_link(body, links, col_of)


def _parse_plain(lines: list[str], links: list[BodyLink]) -> ParsedBody | None:
    """A plain body read line by line, or None where a line is not plain after all: a
    bracket that is not part of a one-line `[text](target)` link, or a heading with
    brackets or emphasis."""
    links = list(links)  # left untouched for the full parser if this reading gives up
    headings: list[Heading] = []
    seen_anchors: dict[str, int] = {}
    for number in [i for i, line in enumerate(lines) if "#" in line or "[" in line or "]" in line]:
        line = lines[number]
        if "#" in line:
            heading = _ATX_HEADING_RE.match(line)
            if heading is not None:
                text = _atx_heading_text(heading.group(2) or "")
                if "[" in text or "]" in text or "*" in text or "_" in text:
                    return None
                anchor = _unique(_slug(text), seen_anchors)
                headings.append(Heading(len(heading.group(1)), text, anchor, number))
                continue
        if line[:1] in _MAY_START_A_LIST_ITEM:
            markers = _LIST_MARKERS_RE.match(line).group()  # type: ignore[union-attr]
            if markers.strip() and (
                "\t" in markers or "     " in markers or line[len(markers) :].startswith("#")
            ):
                return None  # indented code, or a heading, inside a list item
        found = 0
        for match in _PLAIN_LINK_RE.finditer(line):
            url = _normalized_url(match.group(2))
            kind: Literal["link", "image"] = "image" if match.group(1) else "link"
            links.append(BodyLink(kind, url, number, (line.find(url) + 1 or 1) if url else 1))
            found += 1
        # Each link holds one '[' and one ']'; any other bracket may mean something else.
        if line.count("[") != found or line.count("]") != found:
            return None
    return ParsedBody(tuple(links), (), tuple(headings))


# Characters markdown-it-py's link normalisation leaves as they are; most targets are
# relative paths made of nothing else.
_UNCHANGED_URL_RE = re.compile(r"[A-Za-z0-9./#_-]*")


@functools.lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    return str(heading_slug(text, "-"))  # headings repeat from entry to entry


@functools.lru_cache(maxsize=65536)
def _normalized_url(target: str) -> str:
    """The href markdown-it-py gives a link to `target`."""
    if _UNCHANGED_URL_RE.fullmatch(target):
        return target
    return str(_full_parser().normalizeLink(target))


def _atx_heading_text(after_marks: str) -> str:
    # As markdown-it-py reads it: trailing spaces, then a closing run of '#' that
    # follows a space, are cut; the rest is trimmed.
    content = after_marks.rstrip(" \t")
    closed = content.rstrip("#")
    if len(closed) < len(content) and closed[-1:] in (" ", "\t"):
        content = closed
    return content.strip()


def _parse_every_link(
    body: str, links: list[BodyLink], col_of: Callable[[int, str], int]
) -> ParsedBody:
    raw: list[RawHtml] = []
    headings: list[Heading] = []
    seen_anchors: dict[str, int] = {}
    tokens = _full_parser().parse(body)
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
    token: Token,
    start: int,
    links: list[BodyLink],
    raw: list[RawHtml],
    col_of: Callable[[int, str], int],
) -> None:
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
