"""The plain reading of a body (line by line) must agree with markdown-it-py wherever it
applies; where it cannot be sure, it must step aside. `make fuzz` runs 10,000 examples."""

from __future__ import annotations

import os

import pytest
from conftest import REPO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import generator.core.body as body_module
from generator.core.body import parse_body
from generator.core.body_parts import ParsedBody
from generator.core.plain_body import is_plain

EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

# Pieces that change what a bracket or a '#' means in CommonMark, and ordinary text.
PIECES = [
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "[a](b.md)",
    "[x](../offences/art-1.md#elements)",
    '[t](u "title")',
    "[r]: /ref",
    "#",
    "## ",
    "### Head ###",
    "# #",
    "#\t",
    "\n",
    "\n\n",
    " ",
    "    ",
    "\t",
    "- ",
    "1. ",
    "> ",
    "*",
    "_",
    "**",
    "|",
    "| a | b |\n|---|---|\n",
    "---",
    "===",
    "`",
    "```",
    "~~~",
    "<",
    "<https://x.org>",
    "<b>",
    "\\",
    "&amp;",
    "&#106;",
    "!",
    '"',
    "'",
    "text",
    "中文",
    "标题",
    "https://example.org",
    "art-287-2",
    ".md",
    "#x",
    "\u3000",
    "javascript:",
    "data:",
]


# Most examples should be plain, or the property would rarely be put to the test.
PLAIN_PIECES = [p for p in PIECES if is_plain(p) and p not in ("---", "===")]


def markdownish() -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(PLAIN_PIECES), max_size=40).map("".join),
        st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    )


def full_reading(body: str, monkeypatch: pytest.MonkeyPatch) -> ParsedBody:
    with monkeypatch.context() as patched:
        patched.setattr(body_module, "is_plain", lambda body: False)
        return parse_body(body)


@pytest.mark.fuzz
@FUZZ
@given(markdownish())
@example("## Elements\n\nSee [x](../offences/art-1.md#elements).\n\n| a | [b](c.md) |\n")
@example("# foo#\n## bar ##\n### #\n#\n####### seven\n#hashtag\n   # three\n")
@example("para\n# heading after a paragraph\n- item [a](a.md)\n  - [b](b.md)\n")
def test_plain_reading_agrees_with_markdown_it_py(body: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert parse_body(body) == full_reading(body, monkeypatch)


@pytest.mark.parametrize(
    "body",
    [
        "`[a](javascript:x)`",  # code: the full parser decides
        "<a href='javascript:x'>x</a>",
        "[a](java&#115;cript:x)",
        "> # quoted heading\n",
        "Setext\n---\n",
        "    [indented](code.md)\n",
    ],
)
def test_bodies_that_are_not_plain_take_the_full_parser(body: str) -> None:
    assert not is_plain(body)


def test_a_plain_body_still_rejects_a_script_link() -> None:
    # No character makes this body 'not plain': the link is read, and its URL judged.
    parsed = parse_body("[a](javascript:void)\n")
    assert [(x.url, x.line, x.col) for x in parsed.links] == [("javascript:void", 0, 5)]


def test_nested_brackets_fall_back_to_the_full_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "[a [b](c.md) d](e.md)\n"
    assert is_plain(body)  # no telling character, but the plain reading gives up
    # CommonMark links only the inner text; the site's Python-Markdown links the outer
    # one too, and the checker judges what either makes a link.
    assert [x.url for x in parse_body(body).links] == ["c.md", "e.md"]
    assert parse_body(body) == full_reading(body, monkeypatch)


REAL_BODIES = {
    str(path.relative_to(REPO)): path.read_text(encoding="utf-8").split("---\n", 2)[-1]
    for path in sorted((REPO / "content").rglob("*.md"))
}


@pytest.mark.parametrize("name", sorted(n for n, b in REAL_BODIES.items() if is_plain(b)))
def test_the_line_reader_agrees_with_the_full_reader_on_every_plain_real_body(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = REAL_BODIES[name]
    assert parse_body(body) == full_reading(body, monkeypatch)
