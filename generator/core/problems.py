"""Problems found in content, and the rules they break.

Every rule has a stable code. The table below is the only place a rule is described:
the checker's messages, the contributor guide's rule list (written by `atlas docs`) and the tests
all read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from generator.core.schema import INVISIBLE_RE


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    bad: str
    fix: str


def _rule(code: str, severity: Severity, summary: str, bad: str, fix: str) -> Rule:
    return Rule(code, severity, summary, bad, fix)


E, W = Severity.error, Severity.warning

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # load: reading the file and its front matter
        _rule(
            "file-too-large",
            E,
            "A content file may be at most 1 MB.",
            "a 3 MB file",
            "split it or shorten it",
        ),
        _rule(
            "not-utf8", E, "Content files must be UTF-8.", "a file saved as GBK", "save it as UTF-8"
        ),
        _rule(
            "control-char",
            E,
            "Text may not contain invisible characters: control characters (also when "
            "written as YAML escapes), bidirectional overrides, zero-width characters.",
            'title: "a\\u202eb"',
            "delete the invisible character",
        ),
        _rule(
            "symlink",
            E,
            "Files under content/ are regular files, never symbolic links.",
            "content/tags.yml -> /etc/passwd",
            "put the file itself in place of the link",
        ),
        _rule(
            "yaml-too-deep",
            E,
            "Front matter is nested at most 20 levels deep.",
            "title: [[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]",
            "title: x",
        ),
        _rule(
            "no-front-matter",
            E,
            "An entry starts with front matter between two '---' lines.",
            "# Title\\ntext",
            "---\\ntitle: ...\\n---\\ntext",
        ),
        _rule(
            "yaml-syntax",
            E,
            "Front matter must be valid YAML.",
            "title: [unclosed",
            'title: "[closed]"',
        ),
        _rule(
            "yaml-alias",
            E,
            "YAML anchors and aliases (&x, *x) are not allowed.",
            "tags: *common",
            "write the values out",
        ),
        _rule(
            "yaml-tag",
            E,
            "YAML tags (!!python/..., !custom) are not allowed.",
            "title: !!python/object:os.system x",
            "title: x",
        ),
        _rule(
            "not-a-mapping",
            E,
            "Front matter must be a mapping of field: value.",
            "- title: x",
            "title: x",
        ),
        _rule(
            "duplicate-key", E, "A field may appear only once.", "title: a\\ntitle: b", "keep one"
        ),
        _rule(
            "bad-id",
            E,
            "A file name (the entry's id) is lower-case ASCII words joined by '-'.",
            "Art_287.md",
            "art-287.md",
        ),
        _rule(
            "misplaced-file",
            W,
            "Entries live directly in content/offences, proposals or references.",
            "content/offences/old/a.md",
            "content/offences/a.md",
        ),
        # validate: the schema
        _rule(
            "unknown-field",
            E,
            "Only the fields of the entry's kind are allowed.",
            "titel: x",
            "title: x",
        ),
        _rule(
            "missing-field",
            E,
            "A required field is missing.",
            "(no summary)",
            "summary: One paragraph.",
        ),
        _rule(
            "invalid-value",
            E,
            "A value does not fit its field.",
            "max_years: three",
            "max_years: 3",
        ),
        _rule(
            "invalid-date",
            E,
            "Dates are real calendar dates written YYYY-MM-DD.",
            "reviewed: 2025-02-30",
            "reviewed: 2025-02-28",
        ),
        _rule(
            "unknown-tag",
            E,
            "Tags must be declared in content/tags.yml.",
            "tags: [aii]",
            "tags: [ai]",
        ),
        _rule(
            "tags-file",
            E,
            "content/tags.yml must map tag ids to label, label_zh and description.",
            "ai: AI",
            "ai: {label: AI, description: ...}",
        ),
        _rule(
            "raw-html", E, "Bodies may not contain raw HTML; write Markdown.", "<b>x</b>", "**x**"
        ),
        _rule(
            "unsafe-url",
            E,
            "Links and images use http, https or mailto, or a relative path.",
            "[x](javascript:alert(1))",
            "[x](https://example.org)",
        ),
        _rule(
            "external-image",
            E,
            "Images come from the site itself: an image from another host tells that host "
            "who reads the page.",
            "![chart](https://example.org/chart.png)",
            "![chart](../assets/chart.png), or a link to the image",
        ),
        _rule(
            "markdown-attribute",
            E,
            "Bodies carry no HTML attributes ('{: ...}', '{#id}', '{.class}'); the atlas makes "
            "heading ids itself. Admonitions use the theme's types.",
            '## Elements {: id="__config" }',
            "## Elements",
        ),
        _rule(
            "reserved-anchor",
            E,
            "A heading may not make an id that the theme or the page uses itself.",
            "## __config",
            "## Configuration",
        ),
        _rule(
            "second-front-matter",
            E,
            "A file has one front-matter block; a second one after it is refused.",
            "---\\ntitle: A\\n---\\n---\\ntitle: B\\n---",
            "merge the fields into the first block",
        ),
        _rule(
            "body-too-complex",
            E,
            "A body stays within the limits the site's Markdown parser handles in time: "
            "lines of at most 20,000 characters; at most 2,000 '[' and 2,000 ']' in a body "
            "and 200 '[' in a paragraph; lists, quotes and indentation nested at most 10 "
            "deep; runs of at most 20 '*' or '_'.",
            "- - - - - - - - - - - x",
            "write the text without the repeated brackets",
        ),
        # link: references between entries
        _rule(
            "duplicate-id",
            E,
            "Ids are unique across all kinds, ignoring case.",
            "offences/x.md and references/x.md",
            "rename one",
        ),
        _rule(
            "unknown-id",
            E,
            "A reference names an id that no entry has.",
            "related: [art-999]",
            "related: [art-287-1]",
        ),
        _rule(
            "wrong-kind",
            E,
            "A reference names an entry of the wrong kind.",
            "offences: [shi-2025]",
            "offences: [art-287-2]",
        ),
        _rule(
            "self-reference",
            E,
            "An entry may not refer to itself.",
            "related: [art-287-2] in art-287-2",
            "remove it",
        ),
        _rule(
            "broken-link",
            E,
            "A link in the body points at a page that does not exist.",
            "[x](../offences/nope.md)",
            "[x](../offences/art-287-2.md)",
        ),
        _rule(
            "broken-anchor",
            E,
            "A link points at a heading that does not exist on its page.",
            "[x](art-287-2.md#elementz)",
            "[x](art-287-2.md#elements)",
        ),
        _rule(
            "missing-redirect",
            E,
            "An id that was published may not disappear: its old URL must redirect.",
            "deleting offences/art-1.md",
            "atlas mv art-1 art-1-new (or add art-1: new-id to content/redirects.yml)",
        ),
        _rule(
            "stale-review",
            W,
            "An entry was last reviewed before something it relies on changed.",
            "reviewed: 2025-01-01, citing a law in force from 2026-01-01",
            "re-check the entry, then set reviewed: to today's date",
        ),
        _rule(
            "orphan",
            W,
            "An entry that nothing links to and that links to nothing is hard to find.",
            "a reference nobody cites",
            "cite it from an entry, or link it",
        ),
        # law: the official texts in content/law/ and their table, content/law/sources.yml
        _rule(
            "law-source",
            E,
            "content/law/sources.yml gives the LawRefBook snapshot date and, under 'texts', "
            "each reference id with 'from' (the file of shared/law it was copied from) and "
            "an optional 'note'; no two ids copy the same file.",
            "texts: {pipl: statutes/pipl.md}",
            "texts: {pipl: {from: statutes/personal-information-protection-law-2021.md}}",
        ),
        _rule(
            "law-unknown-reference",
            E,
            "An official text is tied to the reference entry of its instrument: each id in "
            "content/law/sources.yml is a reference in content/references/.",
            "texts: {art-287-2: {from: criminal-law/criminal-law-current.md}}",
            "texts: {criminal-law: {from: criminal-law/criminal-law-current.md}}",
        ),
        _rule(
            "law-missing-file",
            E,
            "Every id in content/law/sources.yml has its copy, content/law/<id>.md.",
            "pipl listed, content/law/pipl.md absent",
            "copy the shared file it names to content/law/pipl.md, byte for byte",
        ),
        _rule(
            "law-no-articles",
            E,
            "A copy of an official text holds articles: lines starting 第…条 (or 一、… in "
            "an amendment) after its heading block.",
            "an empty file, or a web page saved in place of the text",
            "copy the shared file again, byte for byte",
        ),
        _rule(
            "law-untied-file",
            E,
            "Every Markdown file in content/law/ is named in content/law/sources.yml.",
            "content/law/old-copy.md, listed nowhere",
            "add its reference id under 'texts', or delete it",
        ),
        # history: what git says about content/ (for missing-redirect and last-updated dates)
        _rule(
            "git-missing",
            E,
            "The rules that need history need git installed.",
            "atlas check on a machine without git",
            "install git (or pass --no-history to skip those rules)",
        ),
        _rule(
            "not-a-git-checkout",
            E,
            "The rules that need history need a git checkout.",
            "atlas check in an unpacked archive",
            "git clone the repository (or pass --no-history)",
        ),
        _rule(
            "git-refused",
            E,
            "git must be able to read the checkout.",
            "a checkout owned by another user (detected dubious ownership)",
            "git config --global --add safe.directory PATH",
        ),
        _rule(
            "shallow-history",
            E,
            "The rules that need history need the full history, not a shallow clone.",
            "git clone --depth 1",
            "git fetch --unshallow (GitHub Actions: fetch-depth: 0)",
        ),
        _rule(
            "history-skipped",
            W,
            "With --no-history, missing-redirect is not checked and dates fall back.",
            "atlas check --no-history",
            "run atlas check in a full clone",
        ),
    )
}


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One rule broken at one place. Ordered by place, so a sorted list reads top-down."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise ValueError(f"unregistered problem code {self.code!r}")

    @property
    def severity(self) -> Severity:
        return RULES[self.code].severity

    def text(self) -> str:
        hint = f" (hint: {self.hint})" if self.hint else ""
        return inert(
            f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code} {self.message}{hint}"
        )

    def github(self) -> str:
        # Workflow commands need '%', CR and LF escaped, and ',' ':' in properties.
        def data(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(s: str) -> str:
            return data(s).replace(":", "%3A").replace(",", "%2C")

        hint = f" (hint: {self.hint})" if self.hint else ""
        return inert(
            f"::{self.severity} file={prop(self.path)},line={self.line},col={self.col},"
            f"title={prop(self.code)}::{data(self.message + hint)}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def inert(text: str) -> str:
    """Text for a terminal or a CI log: messages quote content, and an ESC sequence in
    it could repaint the screen (a fake 'no problems') or a bidi override reorder it."""
    if INVISIBLE_RE.search(text) is None and "\n" not in text:
        return text
    return INVISIBLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).replace("\n", "\\n")


def at(
    path: PurePosixPath | str, pos: tuple[int, int], code: str, message: str, hint: str = ""
) -> Problem:
    return Problem(str(path), pos[0], pos[1], code, message, hint)


def summary_line(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.error)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    if not problems:
        return "atlas check: no problems"
    return f"atlas check: {errors} error(s), {warnings} warning(s) in {files} file(s)"


def to_json(problems: list[Problem]) -> str:
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
