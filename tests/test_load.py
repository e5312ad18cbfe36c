"""Stage 1: whatever a content file holds, loading gives data or problems, never a crash."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeKb

from generator.core.history import GitHistory
from generator.core.load import load

ENTRY = """\
---
title: T
summary: S
---
Body line
"""


def codes(root: Path) -> list[tuple[str, int, int, str]]:
    return [(p.path, p.line, p.col, p.code) for p in load(root, GitHistory.skipped()).problems]


def test_positions_of_keys_and_values_are_file_lines(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": "---\ntitle: T\ntags:\n  - x\n  - y\n---\nbody\n"})
    (entry,) = load(root, GitHistory.skipped()).entries
    assert entry.front.keys[("title",)] == (2, 1)
    assert entry.front.values[("tags", 1)] == (5, 5)
    assert entry.body_line == 6
    assert entry.body.split("\n")[1] == "body"


def test_bom_and_crlf_are_accepted(make_kb: MakeKb) -> None:
    root = make_kb({})
    (root / "content/offences").mkdir()
    (root / "content/offences/a.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nbody\r\n")
    loaded = load(root, GitHistory.skipped())
    assert loaded.problems == ()
    assert loaded.entries[0].front.data["title"] == "T"


def test_not_utf8_names_the_line(make_kb: MakeKb) -> None:
    root = make_kb({})
    (root / "content/offences").mkdir()
    (root / "content/offences/a.md").write_bytes(b"---\ntitle: ok\nsummary: \xb0\xef\n---\n")
    assert codes(root) == [("content/offences/a.md", 3, 10, "not-utf8")]


def test_control_characters_and_nul_are_reported(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": "---\ntitle: a\x00b\n---\nx\x07\n"})
    assert codes(root) == [
        ("content/offences/a.md", 2, 9, "control-char"),
        ("content/offences/a.md", 4, 2, "control-char"),
    ]


def test_oversized_file_is_refused_without_reading(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": ENTRY + "x" * 1_000_001})
    assert codes(root) == [("content/offences/a.md", 1, 1, "file-too-large")]


def test_empty_file_and_missing_front_matter(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": "", "offences/b.md": "# just text\n"})
    assert codes(root) == [
        ("content/offences/a.md", 1, 1, "no-front-matter"),
        ("content/offences/b.md", 1, 1, "no-front-matter"),
    ]


def test_front_matter_that_is_a_list_or_unclosed(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": "---\n- title: x\n---\n", "offences/b.md": "---\ntitle: x\n"})
    assert codes(root) == [
        ("content/offences/a.md", 2, 1, "not-a-mapping"),
        ("content/offences/b.md", 1, 1, "yaml-syntax"),
    ]


def test_yaml_syntax_error_points_at_the_line(make_kb: MakeKb) -> None:
    root = make_kb(
        {"offences/a.md": "---\ntitle: ok\nsummary: [unclosed\nreviewed: 2025-01-01\n---\n"}
    )
    ((path, line, _, code),) = codes(root)
    assert (path, code) == ("content/offences/a.md", "yaml-syntax")
    assert line in (4, 5)


def test_alias_bomb_is_refused_quickly(make_kb: MakeKb) -> None:
    def level(i: int) -> str:
        prev = f"*{chr(97 + i)}"
        return f"{chr(98 + i)}: &{chr(98 + i)} [{prev}, {prev}, {prev}, {prev}]\n"

    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(map(level, range(20))) + "---\n"
    root = make_kb({"offences/a.md": bomb})
    assert codes(root) == [("content/offences/a.md", 2, 4, "yaml-alias")]


def test_python_tags_are_refused_and_never_executed(make_kb: MakeKb, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = make_kb(
        {"offences/a.md": f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n"}
    )
    assert codes(root) == [("content/offences/a.md", 2, 8, "yaml-tag")]
    assert not marker.exists()


def test_impossible_date_and_duplicate_key_are_both_reported(make_kb: MakeKb) -> None:
    root = make_kb({"offences/a.md": "---\ntitle: a\ntitle: b\nreviewed: 2025-02-30\n---\n"})
    assert codes(root) == [
        ("content/offences/a.md", 3, 1, "duplicate-key"),
        ("content/offences/a.md", 4, 11, "invalid-date"),
    ]
    (entry,) = load(root, GitHistory.skipped()).entries
    assert entry.front.invalid == frozenset({("reviewed",)})


def test_bad_file_names_and_misplaced_files(make_kb: MakeKb) -> None:
    root = make_kb({"offences/Art_287.md": ENTRY, "offences/old/a.md": ENTRY, "notes.md": "x"})
    assert codes(root) == [
        ("content/notes.md", 1, 1, "misplaced-file"),
        ("content/offences/Art_287.md", 1, 1, "bad-id"),
        ("content/offences/old/a.md", 1, 1, "misplaced-file"),
    ]
