"""Reading a Markdown body: its links, images, raw HTML, heading anchors and the
constructs the atlas refuses, with their lines.

A body that is not plain is read twice: by markdown-it-py, a CommonMark parser that
finds links however they are written and knows their lines, and by Python-Markdown
configured as the site (markdown_dialect.py), since what the site renders is what must
be judged. Plain bodies take the line reader of plain_body.py. Bodies beyond the bounds
the site's parser handles in time are refused before either reads them.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.core.body_parts import (
    BodyLink,
    Finding,
    Heading,
    ParsedBody,
    RawHtml,
    is_reserved_id,
    normalized_url,
    reserved_anchors,
    unique_anchor,
)
from generator.core.markdown_dialect import heading_slug, site_parser
from generator.core.plain_body import is_plain, parse_plain

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
            return Finding(*_line_col(body, match.start()), what)
    return None


def _nth(text: str, char: str, n: int) -> tuple[int, int]:
    """0-based line and 1-based column of the n-th `char` in `text`."""
    index = -1
    for _ in range(n):
        index = text.index(char, index + 1)
    return _line_col(text, index)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """0-based line and 1-based column of the character at `index`."""
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
        plain = parse_plain(lines, links)
        if plain is not None:
            return plain
    return _parse_every_link(body, links, col_of)


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
            anchor = unique_anchor(heading_slug(text, "-"), seen_anchors)
            headings.append(Heading(int(token.tag[1]), text, anchor, start))
        elif token.type == "inline":
            _scan_inline(token, start, links, raw, col_of)
    attributes, site_ids = _read_as_the_site_does(body, links)
    reserved = reserved_anchors(headings)
    known = {h.anchor for h in headings}
    reserved += tuple(
        Finding(*where, f"a heading would have the id '{anchor}'")
        for anchor, where in site_ids
        if anchor not in known and is_reserved_id(anchor)
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
                if (kind, normalized_url(value)) not in seen and (kind, value) not in seen:
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
