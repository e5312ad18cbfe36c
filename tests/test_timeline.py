"""The Timeline page: every dated event, newest first, by year, each linked to its entries."""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath

import pytest
from conftest import MakeKb

from generator.core.history import GitHistory
from generator.core.link import KnowledgeBase
from generator.core.pipeline import build_knowledge_base
from generator.core.schema import Reference
from generator.render.pages import render
from generator.render.timeline import TIMELINE_PATH, timeline_page

_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ROW = re.compile(r"^\| (\d{4}(?:-\d\d-\d\d)?) \| (.*) \| ([a-z ]+) \|$")


def years(page: str) -> list[int]:
    return [int(y) for y in re.findall(r"^## (\d{4})$", page, re.MULTILINE)]


def rows(page: str) -> list[tuple[str, str, str]]:
    """(date, event, kind) of every table row, in page order."""
    found = []
    for line in page.splitlines():
        match = _ROW.match(line)
        if match:
            found.append((match[1], match[2], match[3]))
    return found


def test_small_base_timeline(small: KnowledgeBase) -> None:
    page = timeline_page(small)
    assert page.startswith("---\n")
    body = page.split("---\n", 2)[2]
    assert body.lstrip().startswith("# Timeline\n")
    assert years(page) == [2025, 2015]
    amendment = "[Amendment IX to the Criminal Law](../references/amendment-ix.md)"
    assert rows(page) == [
        (
            "2025",
            "[Criminal Regulation of AI Crimes](../references/shi-2025.md) published",
            "conference paper",
        ),
        ("2015-11-01", f"{amendment} takes effect", "amendment"),
        (
            "2015-11-01",
            f"[Art. 287-2](../offences/art-287-2.md) created by {amendment}, Art. 29 (in force)",
            "offence",
        ),
        ("2015-08-29", f"{amendment} adopted", "amendment"),
    ]
    assert page.count("| Date | Event | Kind |\n|---|---|---|") == 2


def test_real_timeline_has_amendment_ix_in_force(real: KnowledgeBase) -> None:
    found = rows(timeline_page(real))
    assert (
        "2015-11-01",
        "[Amendment \\(IX\\) to the Criminal Law of the People's Republic of China]"
        "(../references/amendment-ix.md) takes effect",
        "amendment",
    ) in found
    created = [r for r in found if r[1].startswith("[Art. 287-2](../offences/art-287-2.md)")]
    assert created and created[0][0] == "2015-11-01"
    assert "created by" in created[0][1] and "(../references/amendment-ix.md)" in created[0][1]
    amended = [r for r in found if r[1].startswith("[Art. 246](../offences/art-246.md) amended")]
    assert [r[0] for r in amended] == ["2015-11-01"]


def test_newest_first(real: KnowledgeBase) -> None:
    page = timeline_page(real)
    found = years(page)
    assert found == sorted(found, reverse=True) and len(set(found)) == len(found)
    for section in page.split("\n## ")[1:]:
        year = section[:4]
        dates = [d for d, _, _ in rows("\n".join(section.splitlines()[1:]))]
        assert all(d.startswith(year) for d in dates), year
        exact = [d for d in dates if len(d) == 10]
        assert exact == sorted(exact, reverse=True), year
        # Events known only by their year come after the dated ones of that year.
        assert dates == exact + [year] * (len(dates) - len(exact)), year


def test_every_dated_reference_is_listed_and_undated_ones_are_not(real: KnowledgeBase) -> None:
    page = timeline_page(real)
    linked = {PurePosixPath(url).stem for url in _LINK.findall(page)}
    undated = 0
    for entry in real.of_kind(Reference.kind):
        meta = entry.meta
        assert isinstance(meta, Reference)
        dated = meta.effective_year is not None or meta.in_force is not None
        assert (entry.id in linked) == dated, entry.id
        undated += not dated
    assert undated, "the real base has an undated source; this test should see it"


def test_same_day_adoption_and_entry_into_force_is_one_row(real: KnowledgeBase) -> None:
    vii = [r for r in rows(timeline_page(real)) if "(../references/amendment-vii.md)" in r[1]]
    own = [r for r in vii if r[2] == "amendment"]
    assert own == [(own[0][0], own[0][1], "amendment")]
    assert own[0][0] == "2009-02-28" and own[0][1].endswith("adopted and takes effect")


@pytest.mark.parametrize("which", ["small", "real"])
def test_every_link_resolves_to_a_generated_page(
    request: pytest.FixtureRequest, which: str
) -> None:
    kb: KnowledgeBase = request.getfixturevalue(which)
    tree = {str(p) for p in render(kb)}
    page = timeline_page(kb)
    links = _LINK.findall(page)
    assert links
    for url in links:
        target = posixpath.normpath(posixpath.join(str(TIMELINE_PATH.parent), url))
        assert target in tree, url


@pytest.mark.parametrize("which", ["small", "real"])
def test_every_row_has_three_cells(request: pytest.FixtureRequest, which: str) -> None:
    page = timeline_page(request.getfixturevalue(which))
    table_lines = [line for line in page.splitlines() if line.startswith("|")]
    assert table_lines
    for line in table_lines:
        # Escaped pipes ('\|') stay inside a cell; only bare ones separate cells.
        assert len(re.findall(r"(?<!\\)\|", line)) == 4, line


HOSTILE = {
    "tags.yml": "t:\n  label: T\n  description: A tag.\n",
    "references/hostile.md": """\
        ---
        title: 'AT&T "law" | *bold* [x](y) &amp;'
        summary: A statute.
        type: statute
        issuer: [Issuer]
        date: 2020-01-02
        in_force: 2020-03-04
        reviewed: 2026-01-01
        ---
        """,
    "references/nodate.md": """\
        ---
        title: Undated page
        summary: A page that prints no date.
        type: web page
        authors: [Someone]
        undated: true
        cites: [hostile]
        reviewed: 2026-01-01
        ---
        """,
    "offences/art-1.md": """\
        ---
        title: 'Art. 1: an offence'
        title_zh: 罪
        summary: An offence.
        article: "1"
        chapter: 6
        max_penalty: fixed-term imprisonment
        max_years: 3
        unit_liability: false
        introduced_by: {ref: hostile, in_force: 2020-03-04, at: 'Art. 1 & *2*'}
        sources: [{ref: hostile, at: "Art. 1"}]
        reviewed: 2026-01-01
        ---
        """,
}


def test_contributor_text_is_escaped_and_undated_sources_left_out(make_kb: MakeKb) -> None:
    kb = build_knowledge_base(make_kb(HOSTILE), GitHistory.skipped())
    assert kb.problems == (), [p.text() for p in kb.problems]
    page = timeline_page(kb)
    title = r'AT&amp;T "law" \| \*bold\* \[x\]\(y\) &amp;amp;'
    assert f"[{title}](../references/hostile.md) adopted" in page
    assert f"[{title}](../references/hostile.md) takes effect" in page
    assert "Art. 1 &amp; \\*2\\* (in force)" in page
    assert "nodate" not in page and "Undated page" not in page
    assert [r[0] for r in rows(page)] == ["2020-03-04", "2020-03-04", "2020-01-02"]
