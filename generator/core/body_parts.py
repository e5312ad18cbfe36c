"""What reading a body finds: links, raw HTML, headings and refused constructs, as plain
data shared by the two readers (plain_body.py, body.py)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from markdown_it.common.normalize_url import normalizeLink

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


def is_reserved_id(anchor: str) -> bool:
    """An id the page itself uses: every id of the theme starts with '__' (`__config` is
    its configuration), and the atlas's templates add PAGE_IDS."""
    return anchor.startswith("__") or anchor in PAGE_IDS


def reserved_anchors(headings: list[Heading]) -> tuple[Finding, ...]:
    return tuple(
        Finding(h.line, 1, f"heading '{h.text[:60]}' would have the id '{h.anchor}'")
        for h in headings
        if is_reserved_id(h.anchor)
    )


def unique_anchor(anchor: str, seen: dict[str, int]) -> str:
    # Mirrors Python-Markdown's toc: a repeated id gets _1, _2, ...
    if anchor not in seen:
        seen[anchor] = 0
        return anchor
    seen[anchor] += 1
    return f"{anchor}_{seen[anchor]}"


# Characters markdown-it-py's link normalisation leaves as they are; most targets are
# relative paths made of nothing else.
_UNCHANGED_URL_RE = re.compile(r"[A-Za-z0-9./#_-]*")


@functools.lru_cache(maxsize=65536)
def normalized_url(target: str) -> str:
    """The href markdown-it-py gives a link to `target`."""
    if _UNCHANGED_URL_RE.fullmatch(target):
        return target
    return str(normalizeLink(target))
