"""The files derived from the schema are committed and must not drift from it."""

from __future__ import annotations

from conftest import REPO, atlas

from generator.core.problems import RULES
from generator.core.schema import MODELS
from generator.tools.derived_docs import field_reference, rule_reference


def test_committed_derived_files_match_the_schema() -> None:
    result = atlas("--root", str(REPO), "docs", "--check")
    assert result.returncode == 0, result.stdout


def test_field_reference_lists_every_field_of_every_kind() -> None:
    text = field_reference()
    for model in MODELS.values():
        for name in model.model_fields:
            assert f"| `{name}` |" in text


def test_rule_reference_lists_every_code() -> None:
    text = rule_reference()
    assert all(f"| `{code}` |" in text for code in RULES)
