"""The kitchen-sink of broken entries: `atlas check` reports every problem at once, at
the right file and line, with exit 1, and never a traceback (the exact list is asserted)."""

from __future__ import annotations

import json
import re

from conftest import DATA, atlas

BROKEN = DATA / "broken_kb"

EXPECTED = [
    ("content/index.md", 3, "broken-link"),
    ("content/index.md", 3, "broken-anchor"),
    ("content/offences/art-1.md", 10, "self-reference"),
    ("content/offences/art-1.md", 10, "wrong-kind"),
    ("content/offences/art-1.md", 11, "unknown-id"),
    ("content/offences/art-1.md", 15, "unknown-tag"),
    ("content/offences/art-1.md", 21, "broken-anchor"),
    ("content/offences/art-1.md", 22, "broken-link"),
    ("content/offences/art-2.md", 1, "missing-field"),
    ("content/offences/art-2.md", 1, "missing-field"),
    ("content/offences/art-2.md", 2, "unknown-field"),
    ("content/offences/art-2.md", 4, "invalid-value"),
    ("content/offences/art-2.md", 5, "invalid-value"),
    ("content/offences/art-2.md", 6, "invalid-value"),
    ("content/offences/art-2.md", 7, "invalid-value"),
    ("content/offences/art-2.md", 8, "invalid-value"),
    ("content/offences/art-2.md", 9, "invalid-date"),
    ("content/offences/art-2.md", 11, "raw-html"),
    ("content/offences/art-2.md", 13, "raw-html"),
    ("content/offences/art-2.md", 13, "unsafe-url"),
    ("content/offences/art-2.md", 15, "unsafe-url"),
    ("content/proposals/p-one.md", 4, "wrong-kind"),
    ("content/proposals/p-one.md", 5, "invalid-value"),
    ("content/proposals/p-one.md", 8, "missing-field"),
    ("content/proposals/p-two.md", 1, "invalid-value"),
    ("content/references/P-one.md", 1, "bad-id"),
    ("content/references/P-one.md", 1, "duplicate-id"),
    ("content/references/P-one.md", 1, "orphan"),
    ("content/references/bomb.md", 2, "yaml-alias"),
    ("content/references/empty.md", 1, "no-front-matter"),
    ("content/references/latin1.md", 2, "not-utf8"),
    ("content/references/list.md", 2, "not-a-mapping"),
    ("content/references/lonely.md", 1, "orphan"),
    ("content/references/shi-2025.md", 8, "invalid-value"),
    ("content/references/tagged.md", 2, "yaml-tag"),
    ("content/tags.yml", 4, "tags-file"),
]


def test_text_report_lists_every_problem_in_order() -> None:
    result = atlas("--root", str(BROKEN), "check", "--no-history")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    found = []
    for line in lines[:-1]:
        path, lineno, _col, rest = line.split(":", 3)
        severity, code = rest.split()[:2]
        assert severity in ("error", "warning")
        found.append((path, int(lineno), code))
    assert found == EXPECTED
    assert lines[-1] == "atlas check: 34 error(s), 2 warning(s) in 14 file(s)"


def test_every_problem_carries_a_hint_or_a_self_explaining_message() -> None:
    problems = json.loads(
        atlas("--root", str(BROKEN), "check", "--no-history", "--format", "json").stdout
    )
    assert [(p["path"], p["line"], p["code"]) for p in problems] == EXPECTED
    assert all(p["message"] for p in problems)
    assert sum(1 for p in problems if p["hint"]) >= len(problems) // 2


def test_github_annotations_point_at_the_same_lines() -> None:
    result = atlas("--root", str(BROKEN), "check", "--no-history", "--format", "github")
    assert result.returncode == 1
    found = []
    for line in result.stdout.splitlines():
        match = re.match(
            r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([a-z0-9-]+)::.+", line
        )
        assert match, line
        found.append((match.group(2), int(match.group(3)), match.group(5)))
    assert found == EXPECTED
