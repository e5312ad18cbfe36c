"""Stage 3: relations, their inverses, and warnings about entries reviewed too early."""

from __future__ import annotations

from conftest import MakeKb

from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base

REF = """\
---
title: {title}
summary: A reference.
type: {type}
issuer: [NPCSC]
year: 2020
{extra}
reviewed: 2026-01-01
---
"""

OFFENCE = """\
---
title: Art. 1
title_zh: 罪
summary: An offence.
article: "1"
chapter: 6
max_penalty: fixed-term imprisonment
max_years: 3
unit_liability: false
interpretations: [ji-new]
amended_by: [{{ref: law, in_force: {amended}}}]
sources: [{{ref: law, at: "Art. 1"}}]
reviewed: 2025-06-01
---
"""


def kb_files(amended: str, ji_in_force: str) -> dict[str, str]:
    return {
        "tags.yml": "",
        "offences/art-1.md": OFFENCE.format(amended=amended),
        "references/law.md": REF.format(title="Law", type="statute", extra=""),
        "references/ji-new.md": REF.format(
            title="JI", type="judicial interpretation", extra=f"in_force: {ji_in_force}"
        ),
    }


def test_inverse_relations(make_kb: MakeKb) -> None:
    kb = build_knowledge_base(make_kb(kb_files("2020-01-01", "2020-01-01")), GitHistory.skipped())
    assert kb.problems == ()
    sources = {(r.source, r.field) for r in kb.inbound["law"]}
    assert sources == {("art-1", "amended_by"), ("art-1", "sources")}
    assert [r.at for r in kb.outbound["art-1"] if r.field == "sources"] == ["Art. 1"]


def test_review_older_than_an_amendment_or_interpretation_is_stale(make_kb: MakeKb) -> None:
    kb = build_knowledge_base(make_kb(kb_files("2025-09-01", "2025-10-01")), GitHistory.skipped())
    found = [(p.path, p.line, p.code, p.severity.value) for p in kb.problems]
    assert found == [
        ("content/offences/art-1.md", 10, "stale-review", "warning"),  # ji-new in force later
        ("content/offences/art-1.md", 11, "stale-review", "warning"),  # amendment in force later
    ]
