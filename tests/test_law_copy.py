"""The atlas's copies of the official texts (content/law/) are the shared texts, word for
word, and the checker refuses a table (content/law/sources.yml) that ties them wrongly."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, MakeKb

from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base

SHARED_LAW = REPO.parent / "shared" / "law"
REQUIRE_ENV = "ATLAS_REQUIRE_SHARED_LAW"
LAW = REPO / "content" / "law"
TABLE = yaml.safe_load((LAW / "sources.yml").read_text(encoding="utf-8"))
ROWS: dict[str, dict[str, str]] = TABLE["texts"]


def _shared() -> Path:
    """The shared folder of official texts, or a skip (a failure when it is required)."""
    if SHARED_LAW.is_dir():
        return SHARED_LAW
    reason = f"{SHARED_LAW} is absent: the copies in content/law/ cannot be compared"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)")
    pytest.skip(f"{reason}; set {REQUIRE_ENV}=1 to make this a failure")


def _wording(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("ref_id", sorted(ROWS))
def test_every_copy_has_the_wording_of_its_shared_text(ref_id: str) -> None:
    shared = _shared() / ROWS[ref_id]["from"]
    assert shared.is_file(), f"sources.yml: {ref_id} names {shared}, which does not exist"
    copy = (LAW / f"{ref_id}.md").read_text(encoding="utf-8")
    original = shared.read_text(encoding="utf-8")
    if _wording(copy) != _wording(original):
        ours, theirs = _wording(copy), _wording(original)
        at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), 0)
        pytest.fail(
            f"content/law/{ref_id}.md differs in wording from {shared} near "
            f"{theirs[max(0, at - 20) : at + 20]!r}: copy the file again"
        )


def test_each_shared_text_is_copied_once_and_every_copy_is_listed() -> None:
    sources = [row["from"] for row in ROWS.values()]
    assert len(sources) == len(set(sources))
    assert {p.stem for p in LAW.glob("*.md")} == set(ROWS)


def test_the_snapshot_date_is_the_readme_s() -> None:
    readme = (_shared() / "README.md").read_text(encoding="utf-8")
    assert "snapshot\nof 19 April 2025" in readme or "snapshot of 19 April 2025" in readme
    assert str(TABLE["snapshot"]) == "2025-04-19"


def test_the_shipped_table_checks_clean() -> None:
    kb = build_knowledge_base(REPO, GitHistory.skipped())
    assert not [p for p in kb.problems if p.code.startswith("law-")]
    assert set(kb.law) == set(ROWS)
    assert kb.law["criminal-law"].instrument.article("287-2") is not None


_REFERENCE = """\
---
title: Personal Information Protection Law
summary: A statute.
type: statute
issuer: [NPC Standing Committee]
date: 2021-08-20
language: zh
reviewed: 2025-01-01
---
Body.
"""
_TEXT = "# 法\n\n<!-- INFO END -->\n\n第一条 为了保护个人信息权益，制定本法。\n"


def _problems(make_kb: MakeKb, files: dict[str, str]) -> list[str]:
    root = make_kb({"references/pipl.md": _REFERENCE, **files})
    kb = build_knowledge_base(root, GitHistory.skipped())
    return [p.text() for p in kb.problems if p.path.startswith("content/law/")]


def test_a_good_table_ties_the_text(make_kb: MakeKb) -> None:
    table = "snapshot: 2025-04-19\ntexts:\n  pipl:\n    from: statutes/p.md\n"
    root = make_kb(
        {"references/pipl.md": _REFERENCE, "law/sources.yml": table, "law/pipl.md": _TEXT}
    )
    kb = build_knowledge_base(root, GitHistory.skipped())
    assert [p for p in kb.problems if p.path.startswith("content/law/")] == []
    assert kb.law["pipl"].instrument.articles[0].anchor == "art-1"


def test_unknown_reference_missing_file_and_no_articles_point_at_their_lines(
    make_kb: MakeKb,
) -> None:
    table = (
        "snapshot: 2025-04-19\n"
        "texts:\n"
        "  pipl:\n"
        "    from: statutes/p.md\n"
        "  no-such-ref:\n"
        "    from: statutes/q.md\n"
        "  data-security-law:\n"
        "    from: statutes/r.md\n"
    )
    reference = _REFERENCE.replace("Personal Information Protection Law", "Data Security Law")
    found = _problems(
        make_kb,
        {
            "references/data-security-law.md": reference,
            "law/sources.yml": table,
            "law/pipl.md": "# 法\n\n<!-- INFO END -->\n\n没有条文。\n",
            "law/stray.md": _TEXT,
        },
    )
    assert found == [
        "content/law/pipl.md:4:1: error law-no-articles no article (第…条, or 一、… in an "
        "amendment) starts a line of this text (hint: copy shared/law/statutes/p.md again, "
        "byte for byte)",
        "content/law/sources.yml:5:3: error law-unknown-reference 'no-such-ref' is no entry; "
        "a text is tied to a reference entry (hint: use the id of the instrument's entry in "
        "content/references/)",
        "content/law/sources.yml:7:3: error law-missing-file 'data-security-law' has no copy "
        "content/law/data-security-law.md (hint: copy shared/law/statutes/r.md to "
        "content/law/data-security-law.md, byte for byte)",
        "content/law/stray.md:1:1: error law-untied-file content/law/stray.md is not named in "
        "content/law/sources.yml (hint: add its reference id and source under 'texts', or "
        "delete the file)",
    ]


def test_a_table_of_the_wrong_shape_is_reported(make_kb: MakeKb) -> None:
    table = "texts:\n  pipl: statutes/p.md\n"
    found = _problems(make_kb, {"law/sources.yml": table, "law/pipl.md": _TEXT})
    assert [line.split(" ")[2] for line in found] == ["law-source", "law-source"]
    assert any("sources.yml:1:1" in line and "snapshot" in line for line in found)
    assert any("sources.yml:2:3" in line and "'pipl' must give 'from'" in line for line in found)


def test_without_the_shared_folder_the_comparison_skips_or_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "SHARED_LAW", tmp_path / "none")
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="is absent"):
        _shared()
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_ENV):
        _shared()
