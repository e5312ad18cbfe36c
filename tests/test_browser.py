"""What a reader does, in a real browser: search as they type."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def first_result(browser: Browser, site_url: str, query: str) -> str:
    page = browser.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlsplit(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(site_url + "/")
    box = page.locator("input[data-md-component='search-query']")
    box.click()
    for char in query:  # key by key, as a reader types
        page.keyboard.type(char)
        if not char.isascii():
            # Chinese arrives through an input method, which commits each character with
            # a key press; Playwright inserts such text without key events, so send one.
            page.keyboard.press("Shift")
        page.wait_for_timeout(40)
    first = page.locator(".md-search-result__list > li a").first
    first.wait_for(timeout=10_000)
    href = first.get_attribute("href") or ""
    page.close()
    assert outside == [], f"requests to outside hosts: {outside}"
    return href


@pytest.mark.parametrize(
    "query",
    [
        "287-2",
        "帮助信息网络犯罪活动罪",
        "帮信罪",
        "287之二",
        "第二百八十七条之二",
        "Article 287(2)",
        "Art. 287-2",
        "287 bis",
        "assisting information network",
    ],
)
def test_search_finds_article_287_2_first(browser: Browser, site_url: str, query: str) -> None:
    href = first_result(browser, site_url, query)
    assert "offences/art-287-2/" in href, href
