"""The text pages of the official texts (render/law_pages.py), read in the built site:
every article, paragraph and item has its anchor, the text is the copy's exactly, and the
page says where the text comes from."""

from __future__ import annotations

import html.parser
import shutil
from pathlib import Path

import pytest

from generator.core.history import GitHistory
from generator.core.law_text import parse_instrument
from generator.core.pipeline import build_knowledge_base
from generator.render.law_pages import law_md, law_pages
from tests.conftest import REPO

LAW = REPO / "content" / "law"


class _Ids(html.parser.HTMLParser):
    """The text of every element with an id, and the lang it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.lang: dict[str, str | None] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        element_id = found.get("id")
        if element_id:
            self.text.setdefault(element_id, "")
            self.lang[element_id] = found.get("lang")
        self._open.append(element_id)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.text[element_id] += data


def _page(site: Path, ref_id: str) -> tuple[str, _Ids]:
    page = (site / "law" / ref_id / "index.html").read_text(encoding="utf-8")
    ids = _Ids()
    ids.feed(page)
    return page, ids


@pytest.mark.parametrize("ref_id", sorted(p.stem for p in LAW.glob("*.md")))
def test_every_article_paragraph_and_item_has_its_anchor_and_exact_text(
    shipped_site: Path, ref_id: str
) -> None:
    page, ids = _page(shipped_site, ref_id)
    instrument = parse_instrument((LAW / f"{ref_id}.md").read_text(encoding="utf-8"))
    for article in instrument.articles:
        assert ids.text[article.anchor].rstrip("¶") == article.label
        assert f'href="#{article.anchor}"' in page  # the permalink and the citation
        for paragraph in article.paragraphs:
            assert ids.text[paragraph.anchor] == paragraph.text
            assert ids.lang[paragraph.anchor] == "zh"
            for item in paragraph.items:
                assert ids.text[item.anchor] == item.text
                assert ids.lang[item.anchor] == "zh"
    assert [i for i in ids.text if i.startswith("__")] == ["__config"]  # the theme's own


def test_the_page_says_where_the_text_comes_from_and_that_no_english_is_official(
    shipped_site: Path,
) -> None:
    page, _ = _page(shipped_site, "criminal-law")
    assert "LawRefBook" in page and "snapshot of 19 April 2025" in page
    assert (
        "National People&#39;s Congress database" in page
        or "National People's Congress database" in page
    )
    assert "The Chinese is the official text; the atlas gives no official English." in page
    assert '<p lang="zh">中华人民共和国刑法</p>' in page
    assert 'href="../../references/criminal-law/"' in page
    assert (
        'Cite this provision: <em lang="zh">《中华人民共和国刑法》第二百八十七条之二</em> · '
        "Criminal Law of the PRC, Art. 287-2 · "
        '<a href="#art-287-2">https://cyberlaw-atlas.github.io/law/criminal-law/#art-287-2</a>'
    ) in page


def test_the_2016_cybersecurity_law_says_it_lacks_the_2025_amendment(shipped_site: Path) -> None:
    page, _ = _page(shipped_site, "cybersecurity-law")
    assert "The text as adopted on 7 November 2016" in page
    assert "28 October 2025" in page


def test_an_amendment_point_is_cited_as_its_article(shipped_site: Path) -> None:
    page, ids = _page(shipped_site, "amendment-ix")
    assert ids.text["art-1"].rstrip("¶") == "一、"
    assert "《中华人民共和国刑法修正案（九）》第一条</em> · " in page


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("- a", "\\- a"),
        ("1. a", "1\\. a"),
        ("# a", "\\# a"),
        ("<b>x</b>", "&lt;b\\>x&lt;/b\\>"),
        ("a *b* [c](d)", "a \\*b\\* \\[c\\]\\(d\\)"),
        ("  indented", "indented"),
    ],
)
def test_law_text_is_inert_markdown(text: str, markdown: str) -> None:
    assert law_md(text) == markdown


def test_law_pages_need_no_shared_folder(tmp_path: Path) -> None:
    """The pages are made from content/law alone: a copy of content/ with no shared
    folder beside it gives every text page."""
    shutil.copytree(REPO / "content", tmp_path / "repo" / "content")
    assert not (tmp_path / "shared").exists()
    kb = build_knowledge_base(tmp_path / "repo", GitHistory.skipped())
    assert not [p for p in kb.problems if p.path.startswith("content/law")]
    pages = law_pages(kb, "https://example.org/")
    assert len(pages) == len(list(LAW.glob("*.md")))
