"""Each rule of the validate stage (generator/core/validate.py), as the checker words it:
a tiny knowledge base per rule and the exact line a contributor reads. The last test
checks that every rule registered in generator/core/problems.py is exercised somewhere
in tests/."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import OFFENCE, MakeKb, check_texts

from generator.core.problems import RULES

TAGS = "ai:\n  label: AI\n  description: Artificial intelligence.\n"
# The body starts on line 13: the first body line after the blank line is line 14.
ATTRIBUTE_HINT = (
    "(hint: delete the '{...}' attribute list; for an admonition use one of the theme's "
    "types (note, tip, warning, ...))"
)


def offence(make_kb: MakeKb, old: str = "", new: str = "", body: str = "") -> list[str]:
    assert old in OFFENCE
    text = OFFENCE.replace(old, new, 1) if old else OFFENCE
    return check_texts(make_kb({"tags.yml": TAGS, "offences/art-1.md": text + body}))


# --- front matter -------------------------------------------------------------------


def test_unknown_field_guesses_the_field_meant(make_kb: MakeKb) -> None:
    assert offence(make_kb, "title: T", "titel: T") == [
        "content/offences/art-1.md:1:1: error missing-field required field 'title' is missing "
        "(hint: English title, as it should appear on the page.)",
        "content/offences/art-1.md:2:1: error unknown-field 'titel' is not a field of an "
        "offence (hint: did you mean 'title'?)",
    ]


def test_unknown_field_lists_the_fields_when_nothing_is_close(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed:", "zzzq: 1\nreviewed:") == [
        "content/offences/art-1.md:11:1: error unknown-field 'zzzq' is not a field of an "
        "offence (hint: allowed fields: aliases, amended_by, article, chapter, interpretations, "
        "introduced_by, max_penalty, max_years, paragraph, related, reviewed, section, sources, "
        "status, summary, tags, title, title_zh, unit_liability)"
    ]


def test_unknown_nested_field_is_placed_at_its_key(make_kb: MakeKb) -> None:
    problems = offence(
        make_kb, 'sources: [{ref: r, at: "§1"}]', 'sources: [{ref: r, at: "§1", pg: 3}]'
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "content/offences/art-1.md:10:30: error unknown-field 'sources.0.pg' is not a field of "
        "an offence (hint: "
    )


@pytest.mark.xfail(
    reason="for a key inside a source citation the hint lists the offence's own fields; "
    "the fields allowed there are ref, at and note",
    strict=True,
)
def test_unknown_nested_field_lists_the_fields_of_its_own_mapping(make_kb: MakeKb) -> None:
    (problem,) = offence(
        make_kb, 'sources: [{ref: r, at: "§1"}]', 'sources: [{ref: r, at: "§1", pg: 3}]'
    )
    assert "unit_liability" not in problem


def test_missing_nested_field_points_at_its_mapping(make_kb: MakeKb) -> None:
    assert offence(make_kb, 'sources: [{ref: r, at: "§1"}]', "sources:\n  - ref: r") == [
        "content/offences/art-1.md:11:5: error missing-field required field 'sources.0.at' is "
        "missing"
    ]


def test_invalid_value(make_kb: MakeKb) -> None:
    assert offence(make_kb, "unit_liability: false", "unit_liability: maybe") == [
        "content/offences/art-1.md:9:17: error invalid-value 'unit_liability': Input should be "
        "a valid boolean, unable to interpret input"
    ]


def test_invalid_date_that_is_not_a_date(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed: 2026-01-01", "reviewed: yesterday") == [
        "content/offences/art-1.md:11:11: error invalid-date 'reviewed' must be a date written "
        "YYYY-MM-DD (hint: for example 2025-04-03)"
    ]


def test_invalid_date_that_is_not_on_the_calendar(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed: 2026-01-01", "reviewed: 2025-02-30") == [
        "content/offences/art-1.md:11:11: error invalid-date '2025-02-30' is not a real "
        "calendar date (day is out of range for month) (hint: write dates as YYYY-MM-DD)"
    ]


# --- tags ---------------------------------------------------------------------------


def test_unknown_tag_guesses_the_tag_meant(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed:", "tags: [aii]\nreviewed:") == [
        "content/offences/art-1.md:11:8: error unknown-tag tag 'aii' is not declared in "
        "content/tags.yml (hint: did you mean 'ai'?)"
    ]


def test_unknown_tag_without_a_close_one(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed:", "tags: [privacy]\nreviewed:") == [
        "content/offences/art-1.md:11:8: error unknown-tag tag 'privacy' is not declared in "
        "content/tags.yml (hint: add it to content/tags.yml first)"
    ]


def test_tags_file_entry_without_a_description(make_kb: MakeKb) -> None:
    assert check_texts(make_kb({"tags.yml": "ai:\n  label: AI\n"})) == [
        "content/tags.yml:1:1: error tags-file tag 'ai': description: Field required "
        "(hint: each tag needs label, description and optionally label_zh)"
    ]


def test_tags_file_entry_that_is_not_a_mapping(make_kb: MakeKb) -> None:
    assert check_texts(make_kb({"tags.yml": "ai: AI\n"})) == [
        "content/tags.yml:1:1: error tags-file tag 'ai': ai: Input should be a valid dictionary "
        "or instance of Tag (hint: each tag needs label, description and optionally label_zh)"
    ]


def test_a_tag_key_must_be_an_id(make_kb: MakeKb) -> None:
    assert check_texts(make_kb({"tags.yml": "../x:\n  label: X\n  description: D.\n"})) == [
        "content/tags.yml:1:1: error bad-id tag '../x' is not a valid id (hint: use lower-case "
        "ASCII letters and digits joined by '-', e.g. personal-data)"
    ]


# --- bodies -------------------------------------------------------------------------


def test_raw_html_each_tag_at_its_column(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\nA <span>b</span>.\n") == [
        "content/offences/art-1.md:14:3: error raw-html raw HTML is not allowed: '<span>' "
        "(hint: write Markdown instead; HTML is shown as text)",
        "content/offences/art-1.md:14:10: error raw-html raw HTML is not allowed: '</span>' "
        "(hint: write Markdown instead; HTML is shown as text)",
    ]


def test_unsafe_url(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n[x](javascript:alert(1))\n") == [
        "content/offences/art-1.md:14:5: error unsafe-url link URL 'javascript:alert(1)' is "
        "not allowed (hint: use an http(s) or mailto address, or a relative link)"
    ]


def test_external_image(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n![c](https://example.org/c.png)\n") == [
        "content/offences/art-1.md:14:6: error external-image image "
        "'https://example.org/c.png' is loaded from another host (hint: link to the image "
        "instead: [description](https://...))"
    ]


def test_markdown_attribute(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n## Elements {#x}\n") == [
        "content/offences/art-1.md:14:15: error markdown-attribute attribute id='x' on <h2> is "
        f"not allowed in content {ATTRIBUTE_HINT}"
    ]


def test_an_attribute_that_makes_a_reserved_id_breaks_both_rules(make_kb: MakeKb) -> None:
    assert offence(make_kb, body='\n## Elements {: id="__config" }\n') == [
        "content/offences/art-1.md:14:20: error markdown-attribute attribute id='__config' on "
        f"<h2> is not allowed in content {ATTRIBUTE_HINT}",
        "content/offences/art-1.md:14:20: error reserved-anchor a heading would have the id "
        "'__config', which the page itself uses (hint: reword the heading so that its id does "
        "not start with '__')",
    ]


def test_reserved_anchor(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n## __config\n") == [
        "content/offences/art-1.md:14:1: error reserved-anchor heading '__config' would have the "
        "id '__config', which the page itself uses (hint: reword the heading so that its id does "
        "not start with '__')"
    ]


def test_reserved_anchor_without_a_space_after_the_hash(make_kb: MakeKb) -> None:
    # No heading to CommonMark; to the site's Python-Markdown a heading with that id.
    assert offence(make_kb, body="\n#__config\n") == [
        "content/offences/art-1.md:14:1: error reserved-anchor a heading would have the "
        "id '__config', which the page itself uses (hint: reword the heading so that its id "
        "does not start with '__')"
    ]


def test_second_front_matter_right_after_the_first(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="---\ntitle: B\n---\n") == [
        "content/offences/art-1.md:13:1: error second-front-matter a second '---' block follows "
        "the front matter (hint: merge its fields into the first block, or delete the '---' line)"
    ]


def test_second_front_matter_after_blank_lines(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n\n---\ntitle: B\n---\n") == [
        "content/offences/art-1.md:15:1: error second-front-matter a second '---' block follows "
        "the front matter (hint: merge its fields into the first block, or delete the '---' line)"
    ]


def test_body_too_complex_a_long_line(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n" + "x" * 20_001 + "\n") == [
        "content/offences/art-1.md:14:1: error body-too-complex the body is not read: line is "
        "20,001 characters long; the limit is 20,000 (hint: shorten or simplify this part; the "
        "site's Markdown parser would take minutes or fail on it)"
    ]


def test_body_too_complex_deep_nesting(make_kb: MakeKb) -> None:
    assert offence(make_kb, body="\n" + "> " * 11 + "x\n") == [
        "content/offences/art-1.md:14:1: error body-too-complex the body is not read: lists, "
        "quotes or indentation nested more than 10 deep (hint: shorten or simplify this part; "
        "the site's Markdown parser would take minutes or fail on it)"
    ]


def test_body_too_complex_refuses_its_documented_example(make_kb: MakeKb) -> None:
    bad = RULES["body-too-complex"].bad
    assert [p.split(" ")[2] for p in offence(make_kb, body="\n" + bad + "\n")] == [
        "body-too-complex"
    ]


# --- hand-written pages -------------------------------------------------------------


def test_a_page_takes_title_and_summary_only(make_kb: MakeKb) -> None:
    root = make_kb({"index.md": "---\ntitle: Home\nauthor: me\n---\n\n# Home\n"})
    assert check_texts(root) == [
        "content/index.md:3:1: error unknown-field 'author' is not a field of a page "
        "(hint: pages take title and summary)"
    ]


def test_a_page_title_is_plain_text(make_kb: MakeKb) -> None:
    root = make_kb({"index.md": "---\ntitle: a <b>\n---\n\n# Home\n"})
    assert check_texts(root) == [
        "content/index.md:2:8: error invalid-value 'title': must be plain text: '<' and '>' are "
        "not allowed here"
    ]


def test_a_page_with_both_fields_passes(make_kb: MakeKb) -> None:
    root = make_kb({"about.md": "---\ntitle: About\nsummary: S.\n---\n\n# About\n"})
    assert check_texts(root) == []


# --- the guard ----------------------------------------------------------------------


def test_every_registered_rule_is_exercised_by_a_test() -> None:
    """Cheap and honest: each code appears in the test sources as printed (' code ') or as
    a string ("code"), so a new rule without a test fails here."""
    sources = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("*.py"))
    missing = [c for c in RULES if f" {c} " not in sources and f'"{c}"' not in sources]
    assert missing == []
