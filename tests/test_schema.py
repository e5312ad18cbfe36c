"""The schema's field rules, as the checker words them: one tiny knowledge base per rule,
the exact line a contributor reads asserted (tests/test_validate.py has the checker's own
rules). Each base starts from an entry that passes and breaks one field of it."""

from __future__ import annotations

import pytest
from conftest import OFFENCE, MakeKb, check_texts

REFERENCE = """\
---
title: R
summary: S.
type: report
issuer: [X]
year: 2020
reviewed: 2026-01-01
---
"""


PROPOSAL = """\
---
title: P
summary: S.
offences: [art-1]
change: amend
level: judicial
proposed_in: [{ref: r, at: "§2"}]
reviewed: 2026-01-01
---
"""


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def reference(make_kb: MakeKb, old: str, new: str) -> list[str]:
    return check_texts(make_kb({"references/r.md": edited(REFERENCE, old, new)}))


def offence(make_kb: MakeKb, old: str, new: str) -> list[str]:
    return check_texts(make_kb({"offences/art-1.md": edited(OFFENCE, old, new)}))


def test_the_starting_entries_pass(make_kb: MakeKb) -> None:
    root = make_kb(
        {"references/r.md": REFERENCE, "offences/art-1.md": OFFENCE, "proposals/p.md": PROPOSAL}
    )
    assert check_texts(root) == []


# --- required fields ----------------------------------------------------------------


def test_a_required_field_is_named_with_what_it_is_for(make_kb: MakeKb) -> None:
    assert reference(make_kb, "summary: S.\n", "") == [
        "content/references/r.md:1:1: error missing-field required field 'summary' is missing "
        "(hint: One plain-text paragraph (no Markdown), used in tables, link previews and the "
        "page description.)"
    ]


def test_an_offence_needs_at_least_one_source(make_kb: MakeKb) -> None:
    assert offence(make_kb, 'sources: [{ref: r, at: "§1"}]', "sources: []") == [
        "content/offences/art-1.md:10:10: error invalid-value 'sources': Tuple should have at "
        "least 1 item after validation, not 0"
    ]


# --- patterns -----------------------------------------------------------------------


def test_an_id_field_explains_what_an_id_looks_like(make_kb: MakeKb) -> None:
    assert reference(make_kb, "reviewed:", "cites: [Bad_Id]\nreviewed:") == [
        "content/references/r.md:7:9: error invalid-value 'cites.0': String should match "
        "pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$' (hint: ids are lower-case words joined by '-', "
        "e.g. shi-2025)"
    ]


PATTERNS = [
    ("doi: 10.1/x", "content/references/r.md:7:6: error invalid-value 'doi': "),
    ("url: ftp://example.org/a", "content/references/r.md:7:6: error invalid-value 'url': "),
    ("issn: 1234-567", "content/references/r.md:7:7: error invalid-value 'issn': "),
    ("isbn: abc", "content/references/r.md:7:7: error invalid-value 'isbn': "),
]


@pytest.mark.parametrize(("line", "start"), PATTERNS)
def test_identifiers_and_addresses_must_fit_their_pattern(
    make_kb: MakeKb, line: str, start: str
) -> None:
    problems = reference(make_kb, "reviewed:", f"{line}\nreviewed:")
    assert len(problems) == 1 and problems[0].startswith(start)


@pytest.mark.xfail(
    reason="the message quotes the field's regular expression and gives no hint "
    "(e.g. 'String should match pattern '^\\d{4}-\\d{3}[\\dX]$''): not for researchers",
    strict=True,
)
@pytest.mark.parametrize(("line", "start"), PATTERNS)
def test_identifiers_and_addresses_are_explained_in_words(
    make_kb: MakeKb, line: str, start: str
) -> None:
    (problem,) = reference(make_kb, "reviewed:", f"{line}\nreviewed:")
    assert "should match pattern" not in problem and "(hint: " in problem


def test_an_article_number_is_in_hyphen_form(make_kb: MakeKb) -> None:
    assert offence(make_kb, 'article: "1"', 'article: "287bis"') == [
        "content/offences/art-1.md:5:10: error invalid-value 'article': String should match "
        "pattern '^[1-9][0-9]{0,2}(?:-[1-9])?$'"
    ]


def test_an_unquoted_article_number_is_told_to_quote_it(make_kb: MakeKb) -> None:
    assert offence(make_kb, 'article: "1"', "article: 287") == [
        "content/offences/art-1.md:5:10: error invalid-value 'article': Input should be a valid "
        "string (hint: put the value in quotes)"
    ]


# --- plain text ---------------------------------------------------------------------


def test_plain_text_refuses_angle_brackets(make_kb: MakeKb) -> None:
    assert reference(make_kb, "title: R", "title: a <b> c") == [
        "content/references/r.md:2:8: error invalid-value 'title': must be plain text: '<' and "
        "'>' are not allowed here"
    ]


def test_plain_text_refuses_line_breaks(make_kb: MakeKb) -> None:
    assert reference(make_kb, "title: R", 'title: "a\\n\\nb"') == [
        "content/references/r.md:2:8: error invalid-value 'title': must be a single paragraph "
        "on one line"
    ]


def test_plain_text_has_a_length(make_kb: MakeKb) -> None:
    assert reference(make_kb, "title: R", 'title: ""') == [
        "content/references/r.md:2:8: error invalid-value 'title': String should have at least "
        "1 character"
    ]
    assert reference(make_kb, "title: R", "title: " + "x" * 201) == [
        "content/references/r.md:2:8: error invalid-value 'title': String should have at most "
        "200 characters"
    ]


# --- numbers and enums --------------------------------------------------------------


def test_a_chapter_is_between_1_and_10(make_kb: MakeKb) -> None:
    assert offence(make_kb, "chapter: 6", "chapter: 0") == [
        "content/offences/art-1.md:6:10: error invalid-value 'chapter': Input should be greater "
        "than or equal to 1"
    ]


def test_a_year_is_from_1949_on(make_kb: MakeKb) -> None:
    assert reference(make_kb, "year: 2020", "year: 1800") == [
        "content/references/r.md:6:7: error invalid-value 'year': Input should be greater than "
        "or equal to 1949"
    ]


TYPES = (
    "'journal article', 'conference paper', 'book', 'statute', 'amendment', "
    "'judicial interpretation', 'normative document', 'regulation', 'white paper', 'report', "
    "'news', 'web page' or 'court case'"
)


def test_an_enum_lists_its_values_and_guesses_a_typo(make_kb: MakeKb) -> None:
    assert reference(make_kb, "type: report", "type: reprot") == [
        f"content/references/r.md:4:7: error invalid-value 'type': Input should be {TYPES} "
        "(hint: did you mean 'report'?)"
    ]


def test_an_enum_does_not_guess_when_nothing_is_close(make_kb: MakeKb) -> None:
    assert reference(make_kb, "type: report", "type: xyz") == [
        f"content/references/r.md:4:7: error invalid-value 'type': Input should be {TYPES}"
    ]


def test_a_language_is_en_or_zh(make_kb: MakeKb) -> None:
    assert reference(make_kb, "reviewed:", "language: fr\nreviewed:") == [
        "content/references/r.md:7:11: error invalid-value 'language': Input should be 'en' or 'zh'"
    ]


def test_an_offence_is_in_force_or_repealed(make_kb: MakeKb) -> None:
    assert offence(make_kb, "reviewed:", "status: abolished\nreviewed:") == [
        "content/offences/art-1.md:11:9: error invalid-value 'status': Input should be "
        "'in-force' or 'repealed'"
    ]


# --- rules across fields ------------------------------------------------------------


def test_a_reference_needs_authors_or_an_issuer(make_kb: MakeKb) -> None:
    assert reference(make_kb, "issuer: [X]\n", "") == [
        "content/references/r.md:1:1: error invalid-value give 'authors' or 'issuer' (who wrote "
        "or issued it)"
    ]


def test_a_reference_needs_a_year_a_date_or_undated(make_kb: MakeKb) -> None:
    assert reference(make_kb, "year: 2020\n", "") == [
        "content/references/r.md:1:1: error invalid-value give 'year' or 'date', or "
        "'undated: true' if the source prints none"
    ]
    assert reference(make_kb, "year: 2020\n", "undated: true\n") == []


def test_undated_cannot_go_with_a_year(make_kb: MakeKb) -> None:
    assert reference(make_kb, "reviewed:", "undated: true\nreviewed:") == [
        "content/references/r.md:6:1: error invalid-value 'undated: true' cannot go with 'year' "
        "or 'date'"
    ]


def test_year_and_date_must_agree(make_kb: MakeKb) -> None:
    assert reference(make_kb, "reviewed:", "date: 2019-01-01\nreviewed:") == [
        "content/references/r.md:6:1: error invalid-value 'year' and 'date' disagree"
    ]


def test_fixed_term_imprisonment_needs_its_years(make_kb: MakeKb) -> None:
    assert offence(make_kb, "max_years: 3\n", "") == [
        "content/offences/art-1.md:7:1: error invalid-value 'max_years' is required when "
        "'max_penalty' is fixed-term imprisonment"
    ]


def test_years_go_only_with_fixed_term_imprisonment(make_kb: MakeKb) -> None:
    assert offence(make_kb, "fixed-term imprisonment", "life imprisonment") == [
        "content/offences/art-1.md:8:1: error invalid-value 'max_years' only goes with "
        "'max_penalty: fixed-term imprisonment'"
    ]


def test_a_proposal_names_offences_or_is_general(make_kb: MakeKb) -> None:
    root = make_kb({"proposals/p.md": edited(PROPOSAL, "offences: [art-1]\n", "")})
    assert check_texts(root) == [
        "content/proposals/p.md:1:1: error invalid-value name at least one offence in "
        "'offences', or set 'general: true'"
    ]
    general = make_kb(
        {"proposals/p.md": edited(PROPOSAL, "offences: [art-1]\n", "general: true\n")}
    )
    assert check_texts(general) == []
