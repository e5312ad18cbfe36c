"""Published data: the JSON export, the Atom feed, and last-updated dates from git."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from conftest import DATA

from generator.adapters.git_history import read_history
from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.render.exports import atom_feed, data_files, knowledge_base_json
from generator.render.pages import last_updated

ATOM = "{http://www.w3.org/2005/Atom}"


def test_json_export_holds_every_entry_and_relation() -> None:
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    document = json.loads(knowledge_base_json(kb, "https://example.org/"))
    by_id = {e["id"]: e for e in document["entries"]}
    assert set(by_id) == set(kb.entries)
    assert {"field": "offences", "target": "art-287-2"} in by_id["s001-liability-tiers"][
        "relations"
    ]
    assert "s001-liability-tiers" in by_id["art-287-2"]["cited_by"]
    assert by_id["art-287-2"]["url"] == "https://example.org/offences/art-287-2/"


def test_exported_schemas_accept_the_exported_fields() -> None:
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    files = {str(k): v for k, v in data_files(kb, "https://example.org/").items()}
    document = json.loads(files["data/atlas.json"])
    for entry in document["entries"]:
        schema = json.loads(files[f"data/{entry['kind']}.schema.json"])
        jsonschema.Draft202012Validator(schema).validate(entry["fields"])


def test_atom_feed_is_well_formed_and_lists_entries() -> None:
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    root = ET.fromstring(atom_feed(kb, "https://example.org/"))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(kb.entries)
    # findall, not find: an entry without a link is a failure here, not a None to skip.
    links = {link.get("href") for e in entries for link in e.findall(f"{ATOM}link")}
    assert all(e.find(f"{ATOM}link") is not None for e in entries)
    assert "https://example.org/references/shi-2025/" in links


def git(root: Path, *args: str, date: str | None = None) -> None:
    env = {"GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else {}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, **env},
    )


def test_last_updated_comes_from_the_git_history_of_the_source_file(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "valid_kb", root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first", date="2024-01-02T10:00:00+00:00")
    entry = root / "content/offences/art-287-1.md"
    entry.write_text(entry.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    git(root, "commit", "-qam", "edit", date="2025-03-04T10:00:00+00:00")
    kb = build_knowledge_base(root, read_history(root))
    assert last_updated(kb, kb.entries["art-287-1"]) == "2025-03-04"
    assert last_updated(kb, kb.entries["art-287-2"]) == "2024-01-02"
