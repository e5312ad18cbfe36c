"""The text pages of the official texts (render/law_pages.py), read in the built site:
every article, paragraph and item has its anchor, the text is the copy's exactly, and the
page says where the text comes from."""

from __future__ import annotations

import html
import html.parser
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from generator.core.history import GitHistory
from generator.core.law_text import parse_instrument
from generator.core.pipeline import build_knowledge_base
from generator.render.law_pages import law_pages
from generator.render.pages import law_md

LAW = REPO / "content" / "law"
CRIMINAL_LAW = parse_instrument((LAW / "criminal-law.md").read_text(encoding="utf-8"))


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


def _quoted(site: Path, offence: str) -> tuple[list[str], str]:
    """The Chinese paragraphs of an offence page's quoted article, and the section."""
    page = (site / "offences" / offence / "index.html").read_text(encoding="utf-8")
    start = page.index('<h2 id="text-of-the-article-official-chinese">')
    section = page[start : page.index("<h2", start + 1)]
    quote = section[section.index("<blockquote>") : section.index("</blockquote>")]
    return [html.unescape(p) for p in re.findall(r'<p lang="zh">(.*?)</p>', quote)], section


def test_the_offence_page_quotes_art_287_2_exactly_as_the_official_text(
    shipped_site: Path,
) -> None:
    article = CRIMINAL_LAW.article("287-2")
    assert article is not None
    quoted, section = _quoted(shipped_site, "art-287-2")
    first, *rest = article.paragraphs
    assert quoted == [f"{article.label} {first.text}", *(p.text for p in rest)]
    assert "\n\n".join(quoted) + "\n\n第二百八十八条" in (LAW / "criminal-law.md").read_text(
        encoding="utf-8"
    )
    assert 'href="../../law/criminal-law/#art-287-2"' in section


def test_an_offence_of_one_paragraph_quotes_that_paragraph(shipped_site: Path) -> None:
    article = CRIMINAL_LAW.article("285")
    assert article is not None
    for n in (1, 2, 3):
        quoted, section = _quoted(shipped_site, f"art-285-para-{n}")
        paragraph = article.paragraphs[n - 1]
        assert quoted == [paragraph.text, *(i.text for i in paragraph.items)]
        assert f'href="../../law/criminal-law/#art-285-p{n}"' in section


def test_each_tied_reference_links_to_its_text_page(shipped_site: Path) -> None:
    for ref_id in sorted(p.stem for p in LAW.glob("*.md")):
        page = (shipped_site / "references" / ref_id / "index.html").read_text(encoding="utf-8")
        assert f'<td>Official text</td>\n<td><a href="../../law/{ref_id}/">' in page
    untied = shipped_site / "references" / "cybersecurity-law-amendment-2025" / "index.html"
    assert "<td>Official text</td>" not in untied.read_text(encoding="utf-8")
