"""The structure of an official text (content/law/*.md), read from its lines: pure, no I/O.

A text is a heading block (`# title`, then dates lines, up to `<!-- INFO END -->`), then
its body: headings of parts, chapters and sections (`## 第一编 总则`, `### 第一章 …`,
`#### 第一节 …`) and articles. An article starts a line with its number, `第二百八十七条之二 `,
or in an amending instrument, whose points are numbered `一、`, `二、`, with that number.
Each paragraph (款) is one line, paragraphs are separated by blank lines, and a paragraph's
numbered items (项) are the lines `（一）…` that follow it. A line `① …` is a note of the
published text, kept apart from the paragraphs.

Every piece keeps its text exactly as the file has it (no line is changed, joined or
trimmed inside), and gets a stable anchor: `art-287-2` for the article, `art-287-2-p2` for
its second paragraph, `art-287-2-p1-i3` for the third item of the first (all 1-based).
The article part is the atlas's article id (an offence's `article:` is "287-2").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INFO_END = "<!-- INFO END -->"
_NUMERAL = "零〇一二两三四五六七八九十百千"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# An article's number, then a space (ASCII or ideographic) before its first paragraph.
_ARTICLE = re.compile(rf"第([{_NUMERAL}]+)条(?:之([{_NUMERAL}]+))?[ \u3000]+")
# A point of an amending instrument: 一、将刑法第十七条修改为：…
_POINT = re.compile(rf"([{_NUMERAL}]+)、")
_ITEM = re.compile(rf"（([{_NUMERAL}]+)）")
# A note of the published text (① …), which is no paragraph of the article it follows.
_NOTE = re.compile("[\u2460-\u2473]")
_HEADING = re.compile(r"(#{2,6})[ \t]+(\S.*?)[ \t]*")


def chinese_number(numeral: str) -> int:
    """A Chinese numeral as statutes write them: 二百八十七 -> 287, 十 -> 10, 一百零一 -> 101,
    四百五十二 -> 452. ValueError for anything else."""
    if not numeral or any(c not in _DIGITS and c not in _UNITS for c in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    total, digit = 0, None
    for char in numeral:
        if char in _DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"two digits in a row: {numeral!r}")
            digit = _DIGITS[char]
        else:
            unit = _UNITS[char]
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)


@dataclass(frozen=True, slots=True)
class Item:
    """A numbered item (项): `（三）…`, the whole line."""

    number: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (款). The first paragraph's text is its line after the article's number."""

    number: int
    text: str
    items: tuple[Item, ...]
    anchor: str


@dataclass(frozen=True, slots=True)
class Article:
    number: int
    suffix: int | None  # 之二 -> 2
    label: str  # as the text writes it: 第二百八十七条之二, or 一、 in an amendment
    paragraphs: tuple[Paragraph, ...]
    line: int  # 1-based line of the file on which it starts
    notes: tuple[str, ...] = ()  # the published text's notes under it: ① …

    @property
    def article_id(self) -> str:
        """The atlas's article id: "287-2", "285"."""
        return f"{self.number}-{self.suffix}" if self.suffix else str(self.number)

    @property
    def anchor(self) -> str:
        return f"art-{self.article_id}"


@dataclass(frozen=True, slots=True)
class Heading:
    """A part, chapter or section heading (level 2 to 6, as in the file), and any lines
    under it that belong to no article (the annexes' lists, for one)."""

    level: int
    text: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    title: str
    info: tuple[str, ...]  # the heading block's lines: adoption and amendment dates
    preamble: tuple[str, ...]  # lines before the first heading or article
    body: tuple[Heading | Article, ...]  # in the order of the text
    body_line: int  # 1-based line after INFO END (1 if there is none)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(b for b in self.body if isinstance(b, Article))

    def article(self, article_id: str) -> Article | None:
        """The article with the atlas's id ("287-2"), or None."""
        return next((a for a in self.articles if a.article_id == article_id), None)


def parse_instrument(text: str) -> Instrument:
    """The structure of one official text. Never raises: lines it cannot place are kept
    as loose lines (preamble or under a heading)."""
    lines = text.split("\n")
    try:
        end = lines.index(INFO_END)
    except ValueError:
        end = -1
    head = lines[:end] if end >= 0 else []
    title = ""
    info: list[str] = []
    for line in head:
        if not title and line.startswith("# "):
            title = line[2:].strip()
        elif line.strip():
            info.append(line)
    start = end + 1
    numbered = _ARTICLE if any(_ARTICLE.match(line) for line in lines[start:]) else _POINT

    preamble: list[str] = []
    blocks: list[Article | tuple[int, str, list[str]]] = []  # headings still open
    loose: list[str] = preamble  # where lines that belong to no article go
    article: _OpenArticle | None = None
    for lineno, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        heading = _HEADING.fullmatch(line)
        if heading:
            _close(article, blocks)
            article = None
            loose = []
            blocks.append((len(heading.group(1)), heading.group(2), loose))
            continue
        match = numbered.match(line)
        number = _number(match) if match else None
        if match and number is not None:
            _close(article, blocks)
            article = _OpenArticle(number, match, lineno)
            article.paragraphs.append([line[match.end() :]])
        elif article is None:
            loose.append(line)
        elif _NOTE.match(line):
            article.notes.append(line)
        elif _ITEM.match(line):
            article.paragraphs[-1].append(line)
        else:
            article.paragraphs.append([line])
    _close(article, blocks)
    body = tuple(b if isinstance(b, Article) else Heading(b[0], b[1], tuple(b[2])) for b in blocks)
    return Instrument(title, tuple(info), tuple(preamble), body, start + 1 if end >= 0 else 1)


def _number(match: re.Match[str]) -> tuple[int, int | None] | None:
    try:
        number = chinese_number(match.group(1))
        suffix = chinese_number(match.group(2)) if match.re is _ARTICLE and match.group(2) else None
    except ValueError:
        return None
    return number, suffix


class _OpenArticle:
    """An article being read: its paragraphs, each a line and its item lines."""

    def __init__(self, number: tuple[int, int | None], match: re.Match[str], line: int) -> None:
        self.number, self.suffix = number
        self.label = match.group().rstrip(" \u3000")
        self.line = line
        self.paragraphs: list[list[str]] = []
        self.notes: list[str] = []


def _close(article: _OpenArticle | None, body: list[Article | tuple[int, str, list[str]]]) -> None:
    if article is None:
        return
    base = f"art-{article.number}" + (f"-{article.suffix}" if article.suffix else "")
    paragraphs = []
    for p, (text, *items) in enumerate(article.paragraphs, start=1):
        anchor = f"{base}-p{p}"
        paragraphs.append(
            Paragraph(
                p,
                text,
                tuple(Item(i, line, f"{anchor}-i{i}") for i, line in enumerate(items, start=1)),
                anchor,
            )
        )
    body.append(
        Article(
            article.number,
            article.suffix,
            article.label,
            tuple(paragraphs),
            article.line,
            tuple(article.notes),
        )
    )
