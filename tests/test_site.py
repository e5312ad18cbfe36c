"""The real MkDocs build (`atlas build` runs `mkdocs build --strict`), inspected as HTML."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, atlas, lychee, site_project

pytestmark = pytest.mark.site


def test_entry_page_has_panel_body_relations_and_sources(built_site: Path) -> None:
    html = (built_site / "offences/art-287-2/index.html").read_text(encoding="utf-8")
    assert '<em lang="zh">帮助信息网络犯罪活动罪</em>' in html
    assert 'class="admonition atlas-panel"' in html
    assert '<h2 id="elements">' in html
    assert '<h2 id="proposals-to-reform-this-offence">' in html
    assert 'href="../../proposals/s001-liability-tiers/"' in html
    assert '<meta name="description" content="Knowingly helping people' in html
    assert "<title>Art. 287-2: Assisting information network criminal activities - " in html


def test_index_tag_and_hand_written_pages_exist(built_site: Path) -> None:
    for page in (
        "index.html",
        "about/index.html",
        "offences/index.html",
        "proposals/index.html",
        "references/index.html",
        "tags/index.html",
        "tags/assisting/index.html",
    ):
        assert (built_site / page).is_file(), page
    table = (built_site / "offences/index.html").read_text(encoding="utf-8")
    assert table.index("Art. 287-1") < table.index("Art. 287-2")


def test_no_asset_or_font_is_loaded_from_another_host(built_site: Path) -> None:
    loaded = re.compile(
        r"<(script|img|iframe)\b[^>]*?\bsrc=\"([^\"]+)\"|<link\b(?![^>]*rel=\"(?:canonical|alternate)\")[^>]*?\bhref=\"([^\"]+)\""
    )
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for match in loaded.finditer(html):
            url = match.group(2) or match.group(3)
            assert not re.match(r"^(https?:)?//", url), f"{page}: loads {url}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_search_index_segments_chinese_and_excludes_lists(built_site: Path) -> None:
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]  # a JS regex escape, read by the browser
    docs = {d["location"]: d for d in index["docs"]}
    assert "\u200b信息网络\u200b" in docs["offences/art-287-2/"]["text"]
    assert docs["offences/art-287-2/"]["boost"] == 3
    assert "offences/" not in docs  # index tables would compete with the entries


def test_navigation_stays_small(built_site: Path) -> None:
    html = (built_site / "offences/art-287-2/index.html").read_text(encoding="utf-8")
    nav = html[html.index("md-nav--primary") :]
    assert "art-287-1" not in nav.split("</nav>")[0]


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    assert atlas("--root", str(project), "build", "--no-history").returncode == 0
    before = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*"))
    (project / "content/offences/art-287-1.md").write_text(
        "---\ntitle: [broken\n---\n", encoding="utf-8"
    )
    result = atlas("--root", str(project), "build", "--no-history")
    assert result.returncode == 1 and "yaml-syntax" in result.stderr
    after = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*"))
    assert after == before


def test_mkdocs_failure_keeps_the_previous_site(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    assert atlas("--root", str(project), "build", "--no-history").returncode == 0
    marker = project / "site/index.html"
    text = marker.read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text() + "\nnot_a_setting: 1\n"
    )
    result = atlas("--root", str(project), "build", "--no-history")
    assert result.returncode == 1
    assert marker.read_text(encoding="utf-8") == text
    assert not list((project).glob(".site-*"))
    shutil.rmtree(project / "site")


def test_offline_link_check_passes_on_the_site_and_fails_on_a_planted_anchor(
    built_site: Path, tmp_path: Path
) -> None:
    assert lychee(built_site).returncode == 0
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    page = copy / "offences/art-287-1/index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace("</article>", '<a href="../art-287-2/#no-such-anchor">x</a></article>'),
        encoding="utf-8",
    )
    result = lychee(copy)
    assert result.returncode != 0
    assert "no-such-anchor" in result.stdout + result.stderr
