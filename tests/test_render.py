"""Stage 4: rendered Markdown. Golden files pin whole pages; small cases pin escaping.

Regenerate the golden files after an intended change with:
    ATLAS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render.py
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from conftest import DATA, MakeKb

from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.render.output import write_tree
from generator.render.pages import md, render

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "offences/art-287-2.md",
    "proposals/s001-liability-tiers.md",
    "references/shi-2025.md",
    "offences/index.md",
    "tags/assisting.md",
]


@pytest.fixture(scope="module")
def tree() -> dict[PurePosixPath, str]:
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    assert kb.problems == ()
    return dict(render(kb))


@pytest.mark.parametrize("page", PAGES)
def test_rendered_page_matches_golden(tree: dict[PurePosixPath, str], page: str) -> None:
    golden = GOLDEN / page.replace("/", "__")
    if os.environ.get("ATLAS_UPDATE_GOLDEN"):
        golden.write_text(tree[PurePosixPath(page)], encoding="utf-8")
    assert tree[PurePosixPath(page)] == golden.read_text(encoding="utf-8")


def test_inverse_links_appear_on_the_other_side(tree: dict[PurePosixPath, str]) -> None:
    offence = tree[PurePosixPath("offences/art-287-2.md")]
    assert "## Proposals to reform this offence" in offence
    assert "(../proposals/s001-liability-tiers.md)" in offence
    # art-287-1 names art-287-2 as related only on its own side; both pages show it.
    assert "(../offences/art-287-1.md)" in offence
    reference = tree[PurePosixPath("references/shi-2025.md")]
    cited_by = reference.split("## Cited by", 1)[1]
    for source in ("offences/art-287-2.md", "proposals/s001-liability-tiers.md"):
        assert source in cited_by


def test_front_matter_text_cannot_become_markup() -> None:
    hostile = "[click](javascript:alert(1)) **bold** {: onclick=x } # | &lt;script&gt;"
    escaped = md(hostile)
    assert "\\[click\\]\\(javascript" in escaped
    assert "\\{" in escaped and "\\|" in escaped and "\\*\\*" in escaped
    assert "&lt;" not in escaped.replace("&amp;lt;", "")


def test_summary_with_markdown_syntax_is_rendered_inert(make_kb: MakeKb) -> None:
    root = make_kb(
        {
            "tags.yml": "",
            "references/a.md": """\
            ---
            title: "A [link](javascript:alert(1))"
            summary: "Text {: onclick=alert(1) } and ![img](x)"
            type: report
            issuer: [X]
            year: 2020
            cites: [b]
            reviewed: 2026-01-01
            ---
            """,
            "references/b.md": """\
            ---
            title: B
            summary: B.
            type: report
            issuer: [X]
            year: 2020
            reviewed: 2026-01-01
            ---
            """,
        }
    )
    kb = build_knowledge_base(root, GitHistory.skipped())
    assert kb.problems == ()
    page = render(kb)[PurePosixPath("references/a.md")]
    assert "# A \\[link\\]\\(javascript:alert\\(1\\)\\)" in page
    assert "\\{: onclick=alert\\(1\\) \\}" in page and "\\!\\[img\\]\\(x\\)" in page


def test_write_tree_touches_only_changed_files_and_removes_stale(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    assert write_tree({PurePosixPath("a.md"): "A", PurePosixPath("b/c.md"): "C"}, out) == 2
    before = (out / "a.md").stat().st_mtime_ns
    assert write_tree({PurePosixPath("a.md"): "A", PurePosixPath("b/d.md"): "D"}, out) == 2
    assert (out / "a.md").stat().st_mtime_ns == before
    assert not (out / "b/c.md").exists() and (out / "b/d.md").read_text() == "D"
