"""The kitchen-sink of broken entries: `atlas check` reports every problem at once, at
the right file, line and column, with exit 1, and never a traceback.

Every line below was written by reading the fixture file it names and judging that the
place and the words are right for the mistake in it: a change to any message shows up
here, word for word. Four lines are not right yet (see QUESTIONED): for those only the
place and the code are pinned, and a strict xfail at the end says what the right report
is, so that fixing one makes the suite say so."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass

import pytest
from conftest import DATA, atlas

BROKEN = DATA / "broken_kb"


@dataclass(frozen=True)
class Questioned:
    """A reported line that is not right yet: its place and code are pinned, its words not."""

    prefix: str  # 'path:line:col: severity code'
    why: str


Q_REF_DEF = Questioned(
    "content/offences/art-2.md:15:1: error unsafe-url",
    "points at the use '[ref-style][x]' on line 15; the URL it quotes is written on line 17 "
    "('[x]: javascript:alert(2)', column 6), which is the line to fix",
)
Q_PRISON = Questioned(
    "content/offences/art-2.md:7:14: error invalid-value",
    "for 'prison' the hint suggests only 'life imprisonment', the most severe penalty, when "
    "'fixed-term imprisonment' is at least as likely: a wrong legal fact one keystroke away",
)
Q_ORPHAN = Questioned(
    "content/references/P-one.md:1:1: warning orphan",
    "says P-one 'links to nothing', but it cites shi-2025; the relation is dropped only "
    "because shi-2025 fails validation itself",
)
Q_DOI = Questioned(
    "content/references/shi-2025.md:8:6: error invalid-value",
    "quotes the raw regular expression of the field and gives no hint; a researcher needs "
    "'a DOI starts with 10. (e.g. 10.1000/xyz), without https://doi.org/'",
)
QUESTIONED = (Q_REF_DEF, Q_PRISON, Q_ORPHAN, Q_DOI)

EXPECTED: list[str | Questioned] = [
    (
        "content/index.md:3:21: error broken-link link target 'content/offences/nope.md' does "
        "not exist (hint: link to an entry's .md file, e.g. ../offences/art-287-2.md)"
    ),
    (
        "content/index.md:3:61: error broken-anchor 'content/offences/art-1.md' has no heading "
        "'#no-such-heading' (hint: link to one of its ## headings)"
    ),
    "content/offences/art-1.md:10:11: error self-reference 'related' names the entry itself",
    (
        "content/offences/art-1.md:10:25: error wrong-kind 'related' must name an offence, but "
        "'shi-2025' is a reference (content/references/shi-2025.md)"
    ),
    (
        "content/offences/art-1.md:11:19: error unknown-id 'interpretations' names 'ji-missing', "
        "which no entry has (hint: create content/references/ji-missing.md or fix the id)"
    ),
    (
        "content/offences/art-1.md:15:12: error unknown-tag tag 'aii' is not declared in "
        "content/tags.yml (hint: did you mean 'ai'?)"
    ),
    (
        "content/offences/art-1.md:21:63: error broken-anchor 'content/proposals/p-one.md' has "
        "no heading '#the-propsal' (hint: did you mean '#the-proposal'?)"
    ),
    (
        "content/offences/art-1.md:22:24: error broken-link absolute link '/offences/art-1/' "
        "will break when the site moves (hint: link to the Markdown file relatively, e.g. "
        "../offences/art-287-2.md)"
    ),
    (
        "content/offences/art-2.md:1:1: error missing-field required field 'sources' is missing "
        "(hint: The sources of this fact sheet, each with a pinpoint.)"
    ),
    (
        "content/offences/art-2.md:1:1: error missing-field required field 'title' is missing "
        "(hint: English title, as it should appear on the page.)"
    ),
    (
        "content/offences/art-2.md:2:1: error unknown-field 'titel' is not a field of an offence "
        "(hint: did you mean 'title'?)"
    ),
    (
        "content/offences/art-2.md:4:10: error invalid-value 'summary': must be plain text: '<' "
        "and '>' are not allowed here"
    ),
    (
        "content/offences/art-2.md:5:10: error invalid-value 'article': Input should be a valid "
        "string (hint: put the value in quotes)"
    ),
    (
        "content/offences/art-2.md:6:10: error invalid-value 'chapter': Input should be less "
        "than or equal to 10"
    ),
    Q_PRISON,
    (
        "content/offences/art-2.md:8:17: error invalid-value 'unit_liability': Input should be a "
        "valid boolean, unable to interpret input"
    ),
    (
        "content/offences/art-2.md:9:11: error invalid-date '2026-13-01' is not a real calendar "
        "date (month must be in 1..12) (hint: write dates as YYYY-MM-DD)"
    ),
    (
        "content/offences/art-2.md:11:1: error raw-html raw HTML is not allowed: "
        "'<script>alert(1)</script>' (hint: write Markdown instead; HTML is shown as text)"
    ),
    (
        "content/offences/art-2.md:13:11: error raw-html raw HTML is not allowed: '<img src=x "
        "onerror=alert(1)>' (hint: write Markdown instead; HTML is shown as text)"
    ),
    (
        "content/offences/art-2.md:13:60: error unsafe-url link URL 'javascript:alert(1)' is not "
        "allowed (hint: use an http(s) or mailto address, or a relative link)"
    ),
    Q_REF_DEF,
    (
        "content/proposals/p-one.md:4:12: error wrong-kind 'offences' must name an offence, but "
        "'shi-2025' is a reference (content/references/shi-2025.md)"
    ),
    (
        "content/proposals/p-one.md:5:9: error invalid-value 'change': Input should be 'new "
        "offence', 'amend', 'rename', 'interpretation', 'sentencing', 'supervision', "
        "'institution', 'principle', 'legislative structure', 'new law', 'compliance' or "
        "'adjudication' (hint: did you mean 'new offence'?)"
    ),
    (
        "content/proposals/p-one.md:8:5: error missing-field required field 'proposed_in.0.at' "
        "is missing"
    ),
    (
        "content/proposals/p-two.md:1:1: error invalid-value name at least one offence in "
        "'offences', or set 'general: true'"
    ),
    (
        "content/references/P-one.md:1:1: error bad-id 'P-one' is not a valid id (hint: use "
        "lower-case ASCII letters and digits joined by '-', e.g. art-287-2)"
    ),
    (
        "content/references/P-one.md:1:1: error duplicate-id id 'P-one' is already used by "
        "content/proposals/p-one.md (hint: ids must be unique across offences, proposals and "
        "references)"
    ),
    Q_ORPHAN,
    (
        "content/references/bomb.md:2:4: error yaml-alias YAML anchors and aliases are not "
        "allowed in front matter (hint: write the value out in full)"
    ),
    (
        "content/references/empty.md:1:1: error no-front-matter the file must start with front "
        "matter between two '---' lines"
    ),
    (
        "content/references/latin1.md:2:8: error not-utf8 byte 0xff is not valid UTF-8 (hint: "
        "save the file with UTF-8 encoding)"
    ),
    (
        "content/references/list.md:2:1: error not-a-mapping front matter must be a mapping of "
        "'field: value' lines, not a list"
    ),
    (
        "content/references/lonely.md:1:1: warning orphan nothing links to 'lonely' and it links "
        "to nothing (hint: cite it from an entry, or add its relations)"
    ),
    Q_DOI,
    (
        "content/references/tagged.md:2:8: error yaml-tag YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; it is never executed "
        "(hint: remove the '!...' tag and write a plain value)"
    ),
    (
        "content/tags.yml:4:1: error tags-file tag 'broken': description: Field required (hint: "
        "each tag needs label, description and optionally label_zh)"
    ),
]
SUMMARY = "atlas check: 34 error(s), 2 warning(s) in 14 file(s)"
HISTORY_SKIPPED = (
    "content:1:1: warning history-skipped git history is not read (--no-history): "
    "missing-redirect is not checked and last-updated dates fall back to each entry's reviewed "
    "date (hint: drop --no-history in a full clone to run every rule)"
)


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return atlas("--root", str(BROKEN), "check", "--no-history", *args)


def assert_report(lines: list[str]) -> None:
    """`lines` are the expected list, in order: literal lines equal, questioned ones
    only at their place and code."""
    assert len(lines) == len(EXPECTED), "\n".join(lines)
    for line, expected in zip(lines, EXPECTED, strict=True):
        if isinstance(expected, Questioned):
            assert line.startswith(expected.prefix + " "), (line, expected.prefix)
        else:
            assert line == expected


@pytest.fixture(scope="module")
def text_report() -> subprocess.CompletedProcess[str]:
    return check()


def test_text_report_lists_every_problem_in_order_word_for_word(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    assert text_report.returncode == 1
    assert "Traceback" not in text_report.stdout + text_report.stderr
    lines = text_report.stdout.splitlines()
    assert lines[-1] == SUMMARY
    assert_report(lines[:-1])
    assert text_report.stderr.splitlines() == [HISTORY_SKIPPED]


def test_json_report_carries_the_same_words() -> None:
    result = check("--format", "json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    rebuilt = [
        f"{p['path']}:{p['line']}:{p['col']}: {p['severity']} {p['code']} {p['message']}"
        + (f" (hint: {p['hint']})" if p["hint"] else "")
        for p in problems
    ]
    assert_report(rebuilt)
    assert sum(1 for p in problems if p["hint"]) >= len(problems) // 2


def test_github_annotations_carry_the_same_words() -> None:
    result = check("--format", "github")
    assert result.returncode == 1
    rebuilt = []
    for line in result.stdout.splitlines():
        match = re.fullmatch(
            r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([a-z0-9-]+)::(.+)", line
        )
        assert match, line
        severity, path, row, col, code, text = match.groups()
        # The workflow-command escapes; none of these messages needs another one.
        text = text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        rebuilt.append(f"{path}:{row}:{col}: {severity} {code} {text}")
    assert_report(rebuilt)


# --- what the questioned lines should say (strict: a fix turns these into failures) ---


def _line(report: subprocess.CompletedProcess[str], prefix: str) -> str | None:
    return next((x for x in report.stdout.splitlines() if x.startswith(prefix)), None)


@pytest.mark.xfail(reason=Q_REF_DEF.why, strict=True)
def test_an_unsafe_reference_definition_is_reported_where_it_is_written(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    assert (
        "content/offences/art-2.md:17:6: error unsafe-url link URL 'javascript:alert(2)' is "
        "not allowed (hint: use an http(s) or mailto address, or a relative link)"
    ) in text_report.stdout.splitlines()


@pytest.mark.xfail(reason=Q_PRISON.why, strict=True)
def test_a_vague_penalty_is_not_answered_with_the_most_severe_one(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    line = _line(text_report, Q_PRISON.prefix)
    assert line is not None
    assert not line.endswith("(hint: did you mean 'life imprisonment'?)")


@pytest.mark.xfail(reason=Q_ORPHAN.why, strict=True)
def test_an_entry_that_cites_an_invalid_one_is_not_called_an_orphan(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    assert _line(text_report, Q_ORPHAN.prefix) is None


@pytest.mark.xfail(reason=Q_DOI.why, strict=True)
def test_a_bad_doi_is_explained_without_a_regular_expression(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    line = _line(text_report, Q_DOI.prefix)
    assert line is not None
    assert "String should match pattern" not in line and "(hint: " in line


@pytest.mark.xfail(
    reason="the cross-field rules (here 'year' 2025 against 'date' 2024-05-01) run only once "
    "every field is valid, so shi-2025's second mistake shows up only after the DOI is fixed",
    strict=True,
)
def test_every_mistake_in_a_file_is_reported_at_once(
    text_report: subprocess.CompletedProcess[str],
) -> None:
    assert (
        "content/references/shi-2025.md:6:1: error invalid-value 'year' and 'date' disagree"
        in text_report.stdout.splitlines()
    )
