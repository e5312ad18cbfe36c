"""The `atlas` command's contract: exit codes, schema output, and `new` that never overwrites."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import DATA, REPO, MakeKb, atlas

from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.core.schema import Kind
from generator.tools.new_entry import new_entry_text


@pytest.mark.slow
def test_exit_codes(tmp_path: Path) -> None:
    assert atlas("--root", str(DATA / "valid_kb"), "check", "--no-history").returncode == 0
    assert atlas("--root", str(DATA / "broken_kb"), "check", "--no-history").returncode == 1
    assert atlas("--root", str(DATA / "valid_kb"), "check", "--format", "xml").returncode == 2
    assert atlas("--root", str(tmp_path), "check").returncode == 2  # no content/
    assert atlas("frobnicate").returncode == 2


def test_clean_check_prints_the_count_line() -> None:
    result = atlas("--root", str(DATA / "valid_kb"), "check", "--no-history")
    assert result.stdout == "atlas check: no problems\n"


def test_schema_is_valid_json_schema_and_accepts_real_entries() -> None:
    for kind in Kind:
        schema = json.loads(atlas("schema", kind.value).stdout)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        folder = DATA / "valid_kb/content" / f"{kind.value}s"
        for path in folder.glob("*.md"):
            front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
            # JSON has no date type: dates travel as ISO strings.
            front = json.loads(json.dumps(front, default=str))
            assert list(validator.iter_errors(front)) == [], path
        assert not validator.is_valid({"title": "x", "unknown": 1})


def test_new_writes_a_template_and_never_overwrites(make_kb: MakeKb) -> None:
    root = make_kb({"tags.yml": ""})
    result = atlas("--root", str(root), "new", "offence", "art-999")
    assert result.returncode == 0, result.stderr
    target = root / "content/offences/art-999.md"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("---\n# yaml-language-server: $schema=")
    target.write_text(text + "\nmy work\n", encoding="utf-8")
    again = atlas("--root", str(root), "new", "offence", "art-999")
    assert again.returncode == 1 and "nothing was written" in again.stderr
    assert target.read_text(encoding="utf-8").endswith("my work\n")
    clash = atlas("--root", str(root), "new", "reference", "art-999")
    assert clash.returncode == 1
    assert not (root / "content/references/art-999.md").exists()


@pytest.mark.slow
def test_new_refuses_bad_ids(make_kb: MakeKb) -> None:
    root = make_kb({})
    for bad in ("Art_1", "../escape", "a--b", ""):
        assert atlas("--root", str(root), "new", "offence", bad).returncode == 2
    assert list((root / "content").rglob("*.md")) == []


def test_filled_in_templates_pass_check(make_kb: MakeKb) -> None:
    files = {"tags.yml": "", "references/src-1.md": new_entry_text(Kind.reference, "src-1")}
    files["offences/art-1.md"] = new_entry_text(Kind.offence, "art-1")
    files["proposals/p-1.md"] = new_entry_text(Kind.proposal, "p-1")
    filled = {
        k: v.replace("TODO-reference-id", "src-1")
        .replace("TODO-offence-id", "art-1")
        .replace("TODO", "Filled")
        .replace('"000"', '"1"')
        for k, v in files.items()
    }
    root = make_kb(filled)
    assert [p.text() for p in build_knowledge_base(root, GitHistory.skipped()).problems] == []


def test_outputs_never_land_in_content(make_kb: MakeKb) -> None:
    root = make_kb({"tags.yml": ""})
    result = atlas(
        "--root", str(root), "generate", "--no-history", "--out", str(root / "content/x")
    )
    assert result.returncode == 2
    assert not (root / "content/x").exists()


def test_shipped_content_is_clean() -> None:
    result = atlas("--root", str(REPO), "check")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "warning" not in result.stdout


def test_warnings_fail_the_check_only_with_strict(make_kb: MakeKb) -> None:
    lonely = (
        "---\ntitle: Lonely\nsummary: Nothing cites it.\ntype: report\nissuer: [Tester]\n"
        "year: 2020\nreviewed: 2026-01-01\n---\n\nText.\n"
    )
    root = make_kb({"tags.yml": "", "references/lonely.md": lonely})
    relaxed = atlas("--root", str(root), "check", "--no-history")
    assert relaxed.returncode == 0
    assert relaxed.stdout.splitlines()[-1] == (
        "atlas check: 0 error(s), 1 warning(s) in 1 file(s); warnings do not fail the check"
    )
    strict = atlas("--root", str(root), "check", "--no-history", "--strict")
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[-1] == (
        "atlas check: 0 error(s), 1 warning(s) in 1 file(s); --strict: warnings fail the check"
    )
    assert " warning orphan " in strict.stdout
