"""The starting text of a new entry, derived from the schema so it cannot drift from it.

Required fields appear with a placeholder to replace; optional ones are commented out
with their description, so a contributor sees every field the kind has.
"""

from __future__ import annotations

import datetime as dt

from generator.core.schema import MODELS, Kind

SCHEMA_URL = "../../schemas/{kind}.schema.json"

_PLACEHOLDERS: dict[str, str] = {
    "title": '"TODO: English title"',
    "title_zh": "TODO 中文名称",
    "summary": '"TODO: one plain-text paragraph."',
    "article": '"000"',
    "chapter": "6",
    "max_penalty": "fixed-term imprisonment",
    "unit_liability": "false",
    "change": "amend",
    "level": "legislative",
    "proposed_in": '\n  - ref: TODO-reference-id\n    at: "§1"',
    "type": "journal article",
    "max_years": "3",
    "authors": "[TODO Author]",
    "year": "2025",
    "offences": "[TODO-offence-id]",
    "sources": '\n  - ref: TODO-reference-id\n    at: "§1"',
}

# Optional in the schema, but needed by a rule across fields or by the sourcing rules.
_ACTIVE_OPTIONAL: dict[Kind, frozenset[str]] = {
    Kind.offence: frozenset({"max_years", "sources"}),
    Kind.proposal: frozenset({"offences", "sources"}),
    Kind.reference: frozenset({"authors", "year"}),
}

_BODIES: dict[Kind, tuple[str, ...]] = {
    Kind.offence: (
        "Elements",
        "Penalties",
        "Legislative history",
        "Judicial interpretations and thresholds",
        "What the sources say",
        "Notes",
    ),
    Kind.proposal: (
        "The proposal",
        "Reasoning",
        "Current law",
        "Status and later developments",
        "Notes",
    ),
    Kind.reference: ("About this source", "Notes"),
}


def new_entry_text(kind: Kind, entry_id: str, today: dt.date | None = None) -> str:
    model = MODELS[kind]
    lines = [
        "---",
        f"# yaml-language-server: $schema={SCHEMA_URL.format(kind=kind.value)}",
        f"# A new {kind.value}: '{entry_id}'. Replace every TODO, then run: atlas check",
        "# Lines starting with '#' are comments; uncomment an optional field to use it.",
    ]
    for name, info in model.model_fields.items():
        description = (info.description or "").replace("\n", " ")
        if name == "reviewed":
            lines += [f"# {description}", f"reviewed: {(today or dt.date.today()).isoformat()}"]
        elif info.is_required() or name in _ACTIVE_OPTIONAL[kind]:
            lines += [f"# {description}", f"{name}: {_PLACEHOLDERS.get(name, 'TODO')}"]
        else:
            lines.append(f"# {name}:  # optional. {description}")
    lines.append("---")
    body = [f"\n## {heading}\n\nTODO\n" for heading in _BODIES[kind]]
    return "\n".join(lines) + "\n" + "".join(body)
