"""The parser of official texts (generator/core/law_text.py), on the atlas's own copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from generator.core.law_text import Article, Heading, Instrument, chinese_number, parse_instrument
from generator.render.pages import zh_number

LAW = REPO / "content" / "law"
CRIMINAL_LAW = (LAW / "criminal-law.md").read_text(encoding="utf-8")
PARSED = parse_instrument(CRIMINAL_LAW)


@pytest.mark.parametrize(
    ("numeral", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百零一", 101),
        ("一百一十", 110),
        ("二百八十七", 287),
        ("四百五十二", 452),
        ("一千零二", 1002),
    ],
)
def test_chinese_numerals(numeral: str, number: int) -> None:
    assert chinese_number(numeral) == number


@given(st.integers(min_value=1, max_value=999))
def test_chinese_numerals_read_back_what_the_atlas_writes(n: int) -> None:
    assert chinese_number(zh_number(n)) == n


@pytest.mark.parametrize("bad", ["", "abc", "二三", "第一"])
def test_not_a_numeral(bad: str) -> None:
    with pytest.raises(ValueError):
        chinese_number(bad)


def test_heading_block() -> None:
    assert PARSED.title == "中华人民共和国刑法"
    assert PARSED.info[0].startswith("1979年7月1日")
    assert all(re.match(r"\d{4}年\d{1,2}月\d{1,2}日", line) for line in PARSED.info)
    assert PARSED.preamble == ()


def test_the_criminal_law_has_its_articles_in_order_and_nothing_else_starts_one() -> None:
    articles = PARSED.articles
    # Every line that starts with an article number is an article, and nothing else.
    starts = re.findall(
        r"^第[零一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?[ \u3000]",
        CRIMINAL_LAW,
        re.M,
    )
    assert len(articles) == len(starts) == 505
    assert [a.number for a in articles if a.suffix is None] == list(range(1, 453))
    keys = [(a.number, a.suffix or 0) for a in articles]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert len({a.anchor for a in articles}) == len(articles)


def test_article_287_2_has_three_paragraphs_exactly_as_the_text() -> None:
    article = PARSED.article("287-2")
    assert article is not None
    assert (article.label, article.anchor) == ("第二百八十七条之二", "art-287-2")
    assert [p.anchor for p in article.paragraphs] == [f"art-287-2-p{i}" for i in (1, 2, 3)]
    assert all(not p.items for p in article.paragraphs)
    p1, p2, p3 = (p.text for p in article.paragraphs)
    assert f"\n{article.label} {p1}\n\n{p2}\n\n{p3}\n\n第二百八十八条 " in CRIMINAL_LAW
    assert p1.startswith("明知他人利用信息网络实施犯罪")
    assert p2.startswith("单位犯前款罪的")
    assert CRIMINAL_LAW.split("\n")[article.line - 1].startswith(article.label)


def test_items_belong_to_the_paragraph_they_follow() -> None:
    article = PARSED.article("287-1")
    assert article is not None
    first = article.paragraphs[0]
    assert [i.anchor for i in first.items] == [f"art-287-1-p1-i{n}" for n in (1, 2, 3)]
    assert [i.text[:3] for i in first.items] == ["（一）", "（二）", "（三）"]
    assert first.text.endswith("：")  # the items complete the paragraph's sentence
    assert all(f"\n{item.text}\n" in CRIMINAL_LAW for item in first.items)
    assert len(article.paragraphs) == 3


def _enclosing(instrument: Instrument, target: Article) -> dict[int, str]:
    """The innermost heading of each level above `target`."""
    open_: dict[int, str] = {}
    for block in instrument.body:
        if block is target:
            return open_
        if isinstance(block, Heading):
            open_ = {k: v for k, v in open_.items() if k < block.level} | {block.level: block.text}
    raise AssertionError("not in the body")


def test_parts_chapters_and_sections_are_kept_as_structure() -> None:
    headings = [b for b in PARSED.body if isinstance(b, Heading)]
    parts = [h.text for h in headings if h.level == 2]
    assert parts[:2] == ["第一编 总则", "第二编 分则"]
    assert all(re.match(r"第.+章 ", h.text) for h in headings if h.level == 3)
    assert all(re.match(r"第.+节 ", h.text) for h in headings if h.level == 4)
    article = PARSED.article("287-2")
    assert article is not None
    above = _enclosing(PARSED, article)
    assert above[2].startswith("第二编")
    assert above[3].startswith("第六章")
    assert above[4].startswith("第一节")
    # The annexes' lists stay under their headings, not in the last article.
    annex = next(h for h in headings if h.text == "附件一")
    assert annex.lines and annex.lines[1].startswith("1．")
    last = PARSED.articles[-1]
    assert (last.number, len(last.paragraphs), len(last.notes)) == (452, 3, 1)
    assert last.notes[0].startswith("① ") and f"\n{last.notes[0]}\n" in CRIMINAL_LAW


def _offences() -> list[dict[str, object]]:
    found = []
    for path in sorted((REPO / "content" / "offences").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("---\n")[1]
        found.append(yaml.safe_load(front))
    return found


@pytest.mark.parametrize("offence", _offences(), ids=lambda o: str(o["article"]))
def test_every_offence_s_article_is_in_the_chapter_and_section_its_entry_gives(
    offence: dict[str, object],
) -> None:
    article = PARSED.article(str(offence["article"]))
    assert article is not None
    above = _enclosing(PARSED, article)
    assert above[3].startswith(f"第{zh_number(int(str(offence['chapter'])))}章")
    if offence.get("section"):
        assert above[4].startswith(f"第{zh_number(int(str(offence['section'])))}节")
    if offence.get("paragraph"):
        assert int(str(offence["paragraph"])) <= len(article.paragraphs)


@pytest.mark.parametrize("path", sorted(LAW.glob("*.md")), ids=lambda p: p.stem)
def test_every_copy_parses_to_articles_whose_lines_are_the_file_s(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    instrument = parse_instrument(text)
    assert instrument.title and instrument.articles
    lines = set(text.split("\n"))
    for article in instrument.articles:
        first, *rest = article.paragraphs
        assert f"{article.label} {first.text}" in lines or f"{article.label}{first.text}" in lines
        for paragraph in rest:
            assert paragraph.text in lines
        for paragraph in article.paragraphs:
            assert all(item.text in lines for item in paragraph.items)
        assert all(note in lines for note in article.notes)
    keys = [(a.number, a.suffix or 0) for a in instrument.articles]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_amendments_are_numbered_by_their_points() -> None:
    amendment = parse_instrument((LAW / "amendment-ix.md").read_text(encoding="utf-8"))
    assert amendment.articles[0].label == "一、"
    assert amendment.articles[0].anchor == "art-1"
    assert [a.number for a in amendment.articles] == list(range(1, len(amendment.articles) + 1))


def test_a_text_without_heading_block_or_articles_does_not_raise() -> None:
    for text in ("", "no structure\n", "# 法\n<!-- INFO END -->\n第一条\n", "第十十条 x"):
        parsed = parse_instrument(text)
        assert isinstance(parsed, Instrument)
