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
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.core.markdown_dialect import heading_slug, site_parser

# Python-Markdown, which renders the site, is quadratic in the '[' of one paragraph
# (16,000 took 47 s) and recurses on nested lists, list markers and emphasis runs (a
# RecursionError fails the build). Bodies beyond these bounds are refused before any
# parser sees them, which keeps checking and building within seconds at the 1 MB limit.
MAX_LINE_CHARS = 20_000
MAX_BRACKETS = 2_000  # of each of '[' and ']' in a body
MAX_BRACKETS_PER_BLOCK = 200
MAX_NESTING = 10
MAX_EMPHASIS_RUN = 20
_NESTING_RE = re.compile(
    rf"^(?:[ \t]*>){{{MAX_NESTING + 1}}}"
    rf"|^(?:[ \t]*(?:[-+*]|\d{{1,9}}[.)])[ \t]+){{{MAX_NESTING + 1}}}"
    rf"|^(?: {{4}}|\t){{{MAX_NESTING + 1}}}",
    re.M,
)
_EMPHASIS_RUN_RE = re.compile(rf"\*{{{MAX_EMPHASIS_RUN + 1}}}|_{{{MAX_EMPHASIS_RUN + 1}}}")

# What the site's Markdown may put on an element by itself: everything else came from
# attr_list or another extension and is refused (it could set ids the theme reads).
_MATERIAL_ADMONITIONS = (
    "note abstract summary tldr info todo tip hint important success check done question "
    "help faq warning caution attention failure fail missing danger error bug example quote cite"
)
ADMONITION_TYPES = frozenset(_MATERIAL_ADMONITIONS.split())
_TABLE_ALIGN = frozenset(f"text-align: {side};" for side in ("left", "right", "center"))
# Ids the theme and the atlas's own templates give elements of every page.
PAGE_IDS = frozenset({"cite-this-page"})


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
class Finding:
    """Something in a body the site would render but the atlas refuses."""

    line: int  # 0-based line within the body
    col: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedBody:
    links: tuple[BodyLink, ...]
    raw_html: tuple[RawHtml, ...]
    headings: tuple[Heading, ...]
    # Attributes that did not come from plain Markdown, and ids the page uses itself.
    attributes: tuple[Finding, ...] = ()
    reserved_anchors: tuple[Finding, ...] = ()
    # Set when the body is beyond a parser's bounds; nothing else is read then.
    too_complex: Finding | None = None

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)


class _EveryLinkParser(MarkdownIt):
    """CommonMark that accepts every URL as a link, so that the checker, not the parser,
    judges the scheme: Python-Markdown (which builds the site) would render javascript:
    links."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's API name)
        return True


def _parser() -> MarkdownIt:
    return _EveryLinkParser("commonmark").enable("table")


# Built on first use: a knowledge base of plain bodies never needs it.
_full_parser = functools.cache(_parser)
_LINKISH_RE = re.compile(r"\]\(\s*([^)\s]*[\t ][^)]*)\)")
_BLOCK_QUOTE_SETEXT_OR_CODE_RE = re.compile(
    r"\n(?:[ \t]*>| {0,3}(?:=+|-+)[ \t]*(?:\n|$)|(?: {0,3}\t| {4})[^\n]*[\[\]#])"
)
_PLAIN_LINK_RE = re.compile(r'(!?)\[[^\[\]\n|]*\]\(([^()\s|]*)(?: +"[^"\n]*")?\)')
_ATX_HEADING_RE = re.compile(r" {0,3}(#{1,6})([ \t].*)?$")
_MAY_START_A_LIST_ITEM = frozenset(" \t-+*0123456789")
_LIST_MARKERS_RE = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))*")


def is_plain(body: str) -> bool:
    """Whether the body holds nothing that could change what a '[' or a '#' means: no
    code (backticks, '~~~', indented lines with brackets or '#'), no HTML or autolinks
    ('<'), no escapes or entities ('\\', '&'), no block quotes, no setext headings, no
    attribute lists ('{') and no admonitions ('!!!')."""
    if "`" in body or "<" in body or "\\" in body or "&" in body or "~~~" in body:
        return False
    if "{" in body or "!!!" in body:  # attributes and admonitions: the site's parser decides
        return False
    return _BLOCK_QUOTE_SETEXT_OR_CODE_RE.search("\n" + body) is None


def too_complex(body: str) -> Finding | None:
    """Where the body goes beyond what the site's parser handles in time, if anywhere."""
    lines = body.split("\n")
    for number, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            return Finding(
                number, 1, f"line is {len(line):,} characters long; the limit is {MAX_LINE_CHARS:,}"
            )
    for char in "[]":
        if body.count(char) > MAX_BRACKETS:
            where = _nth(body, char, MAX_BRACKETS + 1)
            return Finding(*where, f"more than {MAX_BRACKETS:,} '{char}' in one body")
    if body.count("[") > MAX_BRACKETS_PER_BLOCK:
        offset = 0
        for block in body.split("\n\n"):
            if block.count("[") > MAX_BRACKETS_PER_BLOCK:
                row, col = _nth(block, "[", MAX_BRACKETS_PER_BLOCK + 1)
                first = body.count("\n", 0, offset)
                return Finding(
                    first + row, col, f"more than {MAX_BRACKETS_PER_BLOCK} '[' in one paragraph"
                )
            offset += len(block) + 2
    for pattern, what in (
        (_NESTING_RE, f"lists, quotes or indentation nested more than {MAX_NESTING} deep"),
        (_EMPHASIS_RUN_RE, f"a run of more than {MAX_EMPHASIS_RUN} '*' or '_'"),
    ):
        match = pattern.search(body)
        if match:
            row = body.count("\n", 0, match.start())
            return Finding(row, match.start() - (body.rfind("\n", 0, match.start()) + 1) + 1, what)
    return None


def _nth(text: str, char: str, n: int) -> tuple[int, int]:
    """0-based line and 1-based column of the n-th `char` in `text`."""
    index = -1
    for _ in range(n):
        index = text.index(char, index + 1)
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1) + 1


def parse_body(body: str) -> ParsedBody:
    limit = too_complex(body)
    if limit is not None:
        return ParsedBody((), (), (), too_complex=limit)
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
    return ParsedBody(tuple(links), (), tuple(headings), (), _reserved(headings))


def _reserved(headings: list[Heading]) -> tuple[Finding, ...]:
    return tuple(
        Finding(h.line, 1, f"heading '{h.text[:60]}' would have the id '{h.anchor}'")
        for h in headings
        if h.anchor.startswith("__") or h.anchor in PAGE_IDS
    )


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
    attributes, site_ids = _read_as_the_site_does(body, links)
    reserved = _reserved(headings)
    known = {h.anchor for h in headings}
    reserved += tuple(
        Finding(*where, f"a heading would have the id '{anchor}'")
        for anchor, where in site_ids
        if anchor not in known and (anchor.startswith("__") or anchor in PAGE_IDS)
    )
    return ParsedBody(tuple(links), tuple(raw), tuple(headings), attributes, reserved)


def _read_as_the_site_does(
    body: str, links: list[BodyLink]
) -> tuple[tuple[Finding, ...], list[tuple[str, tuple[int, int]]]]:
    """Render the body with the site's own Markdown. Every link and image it makes is
    added to `links` (CommonMark and Python-Markdown disagree on reference definitions,
    list nesting and attribute lists, and the site is what readers get); every attribute
    plain Markdown does not make is returned, with the heading ids the site gives."""
    lines = body.split("\n")
    md, recorder = site_parser()
    md.convert(body)
    seen = {(link.kind, link.url) for link in links}
    findings: list[Finding] = []

    def place(needle: str) -> tuple[int, int]:
        # Python-Markdown expands tabs to four columns before it reads a line.
        for expand in (False, True):
            for number, text in enumerate(lines):
                found = (text.expandtabs(4) if expand else text).find(needle) if needle else -1
                if found >= 0:
                    return number, found + 1
        return 0, 1

    def place_heading(anchor: str) -> tuple[int, int]:
        for number, text in enumerate(lines):
            if text.startswith("#") and heading_slug(text.strip("# \t"), "-") == anchor:
                return number, 1
        return place(anchor)

    for tag, attrs in recorder.elements:
        for name, value in attrs.items():
            if (tag, name) in (("a", "href"), ("img", "src")):
                # Entities in the tree's text stay as written and are decoded by the
                # browser: '&#106;avascript:' is read as 'javascript:'.
                value = html.unescape(value)
                kind: Literal["link", "image"] = "image" if tag == "img" else "link"
                if (kind, _normalized_url(value)) not in seen and (kind, value) not in seen:
                    seen.add((kind, value))
                    links.append(BodyLink(kind, value, *place(value)))
            elif not _made_by_markdown(tag, name, value):
                where = place(value)
                if where == (0, 1) and name == "class":
                    where = place(value.split()[-1])
                if where == (0, 1):
                    where = place("{")
                findings.append(Finding(*where, f"attribute {name}={value[:40]!r} on <{tag}>"))
    site_ids = [(anchor, place_heading(anchor)) for anchor in _toc_ids(md.toc_tokens)]
    return tuple(findings), site_ids


def _made_by_markdown(tag: str, name: str, value: str) -> bool:
    if name in ("title", "alt") and tag in ("a", "img"):
        return True
    if name == "style":
        return tag in ("th", "td") and value in _TABLE_ALIGN
    if name == "class":
        if tag == "div":
            kinds = value.split()
            return value == "footnote" or (
                kinds[:1] == ["admonition"] and all(k in ADMONITION_TYPES for k in kinds[1:])
            )
        return (tag, value) in (
            ("p", "admonition-title"),
            ("a", "footnote-ref"),
            ("a", "footnote-backref"),
        )
    if name == "id":
        return (tag == "sup" and value.startswith("fnref")) or (
            tag == "li" and value.startswith("fn:")
        )
    return False


def _toc_ids(tokens: list[dict[str, object]]) -> list[str]:
    ids: list[str] = []
    for token in tokens:
        ids.append(str(token["id"]))
        children = token.get("children")
        ids.extend(_toc_ids(children if isinstance(children, list) else []))
    return ids


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
