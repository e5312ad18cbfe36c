"""Documentation derived from the code: the field reference (from the schema models), the
rule list (from the problem registry) and the JSON Schema files editors read.

`atlas docs` writes them; a test fails when the committed copies drift.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.core.problems import RULES
from generator.core.schema import LINK_FIELDS, MODELS, Enactment, Kind, SourceCitation, json_schema

SCHEMA_DIR = Path("schemas")
CONTRIBUTING = Path("CONTRIBUTING.md")


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if args and origin is not None and origin.__name__ in ("Union", "UnionType"):
        return _type_name(args[0])
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _type_name(args[0])
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return "one of: " + ", ".join(f"`{m.value}`" for m in annotation)
        if issubclass(annotation, BaseModel):
            return f"{annotation.__name__} (" + ", ".join(annotation.model_fields) + ")"
        return {
            "str": "text",
            "int": "whole number",
            "bool": "true or false",
            "date": "date YYYY-MM-DD",
        }.get(annotation.__name__, annotation.__name__)
    if args:
        return _type_name(args[0])
    return "text"


def _row(name: str, info: FieldInfo, links: dict[str, frozenset[Kind]]) -> str:
    required = "yes" if info.is_required() else "no"
    kind = _type_name(info.annotation)
    target = links.get(name) or links.get(f"{name}.ref")
    if target:
        kind += " (ids of: " + ", ".join(sorted(k.value for k in target)) + ")"
    description = (info.description or "").replace("|", "\\|")
    return f"| `{name}` | {required} | {kind.replace('|', chr(92) + '|')} | {description} |"


def field_reference() -> str:
    parts = []
    for kind, model in MODELS.items():
        parts.append(f"### {kind.value.capitalize()} (`content/{kind.value}s/ID.md`)\n")
        parts.append("| field | required | value | meaning |\n|---|---|---|---|")
        parts.extend(_row(n, i, dict(LINK_FIELDS[kind])) for n, i in model.model_fields.items())
        parts.append("")
    for part in (SourceCitation, Enactment):
        parts.append(f"### {part.__name__} (inside a list above)\n")
        parts.append("| field | required | value | meaning |\n|---|---|---|---|")
        parts.extend(_row(n, i, {}) for n, i in part.model_fields.items())
        parts.append("")
    return "\n".join(parts)


def rule_reference() -> str:
    lines = ["| code | severity | rule | mistake | fix |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        lines.append(
            f"| `{rule.code}` | {rule.severity} | {rule.summary} | "
            f"`{rule.bad.replace('|', chr(92) + '|')}` | `{rule.fix.replace('|', chr(92) + '|')}` |"
        )
    return "\n".join(lines) + "\n"


def schema_files() -> dict[Path, str]:
    return {
        SCHEMA_DIR / f"{kind.value}.schema.json": json.dumps(
            json_schema(kind), ensure_ascii=False, indent=2
        )
        + "\n"
        for kind in Kind
    }


def fill_markers(text: str, name: str, block: str) -> str:
    pattern = re.compile(rf"(<!-- atlas:{name}:start -->\n).*?(<!-- atlas:{name}:end -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"markers <!-- atlas:{name}:start/end --> not found")
    return pattern.sub(lambda m: m.group(1) + block.rstrip("\n") + "\n" + m.group(2), text)


def generated_files(root: Path) -> dict[Path, str]:
    """Every derived file with the text it should have."""
    files = schema_files()
    contributing = root / CONTRIBUTING
    if contributing.is_file():
        text = contributing.read_text(encoding="utf-8")
        text = fill_markers(text, "fields", field_reference())
        files[CONTRIBUTING] = fill_markers(text, "rules", rule_reference())
    return files
