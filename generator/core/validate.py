"""Stage 2, validate: check every file's front matter against the schema and its body
against the safety rules, and build typed entries from the files that pass.

Every problem in every file is collected; nothing stops at the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from generator.core.body import parse_body
from generator.core.body_parts import ParsedBody
from generator.core.front_matter import EMPTY, KeyPath, Located, thaw
from generator.core.law_sources import LawCopy, check_law
from generator.core.load import FM_BOUNDARY, Loaded, SourceFile
from generator.core.problems import Problem, at
from generator.core.schema import (
    ID_PATTERN,
    MODELS,
    EntryBase,
    Kind,
    PageFront,
    Tag,
    field_names,
    id_error,
)

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_PAGE_FIELDS = frozenset({"title", "summary"})


@dataclass(frozen=True, slots=True)
class Entry:
    """A validated entry: its file, its typed front matter and its parsed body."""

    source: SourceFile
    meta: EntryBase
    body: ParsedBody

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def kind(self) -> Kind:
        return self.meta.kind

    @property
    def path(self) -> PurePosixPath:
        return self.source.path


@dataclass(frozen=True, slots=True)
class Page:
    """A hand-written page (content/index.md, content/about.md)."""

    source: SourceFile
    title: str | None
    body: ParsedBody


@dataclass(frozen=True, slots=True)
class Validated:
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    tags: Mapping[str, Tag]
    # Every id that a file claims, valid or not, so that one broken entry does not make
    # every reference to it a second error.
    claimed: Mapping[str, tuple[Kind, PurePosixPath]]
    # Every entry file that loaded, valid or not, with its body read once: the link stage
    # checks the references and anchors of broken entries too, so that one run reports
    # every mistake.
    entry_files: tuple[tuple[SourceFile, ParsedBody], ...] = ()
    # Passed on from load for the link stage, which reads nothing of stage 1 itself.
    redirects: Located = EMPTY
    unpublished: tuple[PurePosixPath, ...] = ()
    last_changed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[Problem, ...] = field(default=())
    # The official texts by reference id (content/law/sources.yml), checked and parsed.
    law: Mapping[str, LawCopy] = field(default_factory=lambda: MappingProxyType({}))


def validate(loaded: Loaded) -> Validated:
    problems = list(loaded.problems)
    tags = _validate_tags(loaded, problems)
    entries: list[Entry] = []
    pages: list[Page] = []
    claimed: dict[str, tuple[Kind, PurePosixPath]] = {}
    entry_files: list[tuple[SourceFile, ParsedBody]] = []
    for source in loaded.files:
        parsed = parse_body(source.body)
        problems.extend(_check_body(source, parsed))
        if source.kind is None:
            pages.append(_validate_page(source, parsed, problems))
            continue
        entry_files.append((source, parsed))
        claimed.setdefault(source.id, (source.kind, source.path))
        meta = _validate_front(source, source.kind, problems)
        if meta is not None:
            problems.extend(_check_tags(source, meta, tags))
            entries.append(Entry(source, meta, parsed))
    law, found = check_law(loaded.law, claimed)
    problems.extend(found)
    return Validated(
        tuple(entries),
        tuple(pages),
        tags,
        MappingProxyType(claimed),
        tuple(entry_files),
        loaded.redirects,
        loaded.unpublished,
        loaded.last_changed,
        tuple(problems),
        law,
    )


def _validate_front(source: SourceFile, kind: Kind, problems: list[Problem]) -> EntryBase | None:
    model = MODELS[kind]
    front = source.front
    data = front.data  # pydantic reads the frozen mappings and tuples as they are
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        located = {tuple(e["loc"]) for e in errors}
        for error in errors:
            loc = tuple(error["loc"])
            if any(loc[: len(bad)] == bad for bad in front.invalid):
                continue  # already reported when the value was read
            if error["type"] == "too_short" and any(
                o[: len(loc)] == loc and o != loc for o in located
            ):
                continue  # a list emptied by its own invalid items: those are the news
            problems.append(_problem_from_error(source, model, error, loc))
        return None


def _problem_from_error(
    source: SourceFile, model: type[EntryBase], error: Mapping[str, Any], loc: KeyPath
) -> Problem:
    front = source.front
    kind_type = str(error["type"])
    dotted = ".".join(str(p) for p in loc)
    if kind_type == "extra_forbidden":
        name = str(loc[-1])
        close = difflib.get_close_matches(name, _field_names(model), n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"allowed fields: {', '.join(sorted(model.model_fields))}"
        )
        return at(
            source.path,
            front.key_pos(loc),
            "unknown-field",
            f"'{dotted}' is not a field of {_article(source)} {source.kind}",
            hint,
        )
    if kind_type == "missing":
        parent = loc[:-1]
        pos = front.key_pos(parent) if parent else (1, 1)
        return at(
            source.path,
            pos,
            "missing-field",
            f"required field '{dotted}' is missing",
            _field_hint(model, str(loc[-1])),
        )
    if kind_type.startswith("date") or kind_type.startswith("datetime"):
        return at(
            source.path,
            front.value_pos(loc),
            "invalid-date",
            f"'{dotted}' must be a date written YYYY-MM-DD",
            "for example 2025-04-03",
        )
    if not loc:
        # A rule across fields: point at the first field the message names.
        message = str(error["msg"]).removeprefix("Value error, ")
        named = re.findall(r"'([a-z_]+)'", message)
        pos = next((front.key_pos((n,)) for n in named if (n,) in front.keys), (1, 1))
        return at(source.path, pos, "invalid-value", message)
    message = str(error["msg"]).removeprefix("Value error, ")
    hint = ""
    if kind_type == "enum":
        expected = str(error.get("ctx", {}).get("expected", ""))
        options = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(str(error.get("input")), options, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else ""
    elif (
        kind_type == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == ID_PATTERN
    ):
        hint = "ids are lower-case words joined by '-', e.g. shi-2025"
    elif kind_type == "string_type" and isinstance(error.get("input"), int | float):
        hint = "put the value in quotes"
    return at(source.path, front.value_pos(loc), "invalid-value", f"'{dotted}': {message}", hint)


def _pattern(error: Mapping[str, Any]) -> object:
    return error.get("ctx", {}).get("pattern")


def _article(source: SourceFile) -> str:
    return "an" if source.kind is Kind.offence else "a"


def _field_names(model: type[EntryBase]) -> list[str]:
    """Every field name an entry's front matter may use, nested models' included: the
    candidates for 'did you mean'."""
    names: set[str] = set()
    for candidate in (model, *MODELS.values()):
        names.update(field_names(candidate))
    return sorted(names)


def _field_hint(model: type[EntryBase], name: str) -> str:
    info = model.model_fields.get(name)
    return info.description or "" if info else ""


def _validate_page(source: SourceFile, parsed: ParsedBody, problems: list[Problem]) -> Page:
    data = source.front.data
    for key in data:
        if key not in _PAGE_FIELDS:
            problems.append(
                at(
                    source.path,
                    source.front.key_pos((key,)),
                    "unknown-field",
                    f"'{key}' is not a field of a page",
                    "pages take title and summary",
                )
            )
    known = {k: v for k, v in data.items() if k in _PAGE_FIELDS}
    try:
        front = PageFront.model_validate(known)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(
                at(
                    source.path,
                    source.front.value_pos(loc),
                    "invalid-value",
                    f"'{'.'.join(map(str, loc))}': {message}",
                )
            )
        return Page(source, None, parsed)
    return Page(source, front.title, parsed)


def _validate_tags(loaded: Loaded, problems: list[Problem]) -> Mapping[str, Tag]:
    tags: dict[str, Tag] = {}
    for tag_id, value in loaded.tags.data.items():
        pos = loaded.tags.key_pos((tag_id,))
        # A tag id becomes a file name (tags/<id>.md) and a URL: '../' in it wrote files
        # outside the site.
        problem = id_error(tag_id)
        if problem is not None:
            problems.append(
                at(
                    loaded.tags_path,
                    pos,
                    "bad-id",
                    f"tag {problem}",
                    "use lower-case ASCII letters and digits joined by '-', e.g. personal-data",
                )
            )
            continue
        try:
            tags[tag_id] = Tag.model_validate(thaw(value))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or tag_id
            problems.append(
                at(
                    loaded.tags_path,
                    pos,
                    "tags-file",
                    f"tag '{tag_id}': {where}: {first['msg']}",
                    "each tag needs label, description and optionally label_zh",
                )
            )
    return MappingProxyType(tags)


def _check_tags(source: SourceFile, meta: EntryBase, tags: Mapping[str, Tag]) -> list[Problem]:
    problems = []
    for i, tag in enumerate(meta.tags):
        if tag not in tags:
            close = difflib.get_close_matches(tag, list(tags), n=1)
            problems.append(
                at(
                    source.path,
                    source.front.value_pos(("tags", i)),
                    "unknown-tag",
                    f"tag '{tag}' is not declared in content/tags.yml",
                    f"did you mean '{close[0]}'?" if close else "add it to content/tags.yml first",
                )
            )
    return problems


def _check_body(source: SourceFile, parsed: ParsedBody) -> list[Problem]:
    problems = []

    def pos(line: int, col: int) -> tuple[int, int]:
        return (source.body_line + line, col)

    if parsed.too_complex is not None:
        limit = parsed.too_complex
        return [
            at(
                source.path,
                pos(limit.line, limit.col),
                "body-too-complex",
                f"the body is not read: {limit.message}",
                "shorten or simplify this part; the site's Markdown parser would take "
                "minutes or fail on it",
            )
        ]
    second = FM_BOUNDARY.match(source.body.lstrip("\n"))
    if source.front is not EMPTY and second is not None:
        skipped = len(source.body) - len(source.body.lstrip("\n"))
        problems.append(
            at(
                source.path,
                pos(source.body.count("\n", 0, skipped), 1),
                "second-front-matter",
                "a second '---' block follows the front matter",
                "merge its fields into the first block, or delete the '---' line",
            )
        )
    for code, findings, template, hint in (
        (
            "markdown-attribute",
            parsed.attributes,
            "{} is not allowed in content",
            "delete the '{...}' attribute list; for an admonition use one of the "
            "theme's types (note, tip, warning, ...)",
        ),
        (
            "reserved-anchor",
            parsed.reserved_anchors,
            "{}, which the page itself uses",
            "reword the heading so that its id does not start with '__'",
        ),
    ):
        for finding in findings:
            message = template.format(finding.message)
            problems.append(at(source.path, pos(finding.line, finding.col), code, message, hint))
    for html in parsed.raw_html:
        problems.append(
            at(
                source.path,
                (source.body_line + html.line, html.col),
                "raw-html",
                f"raw HTML is not allowed: {html.html[:60]!r}",
                "write Markdown instead; HTML is shown as text",
            )
        )
    for link in parsed.links:
        if link.kind == "image" and is_safe_url(link.url) and not is_relative(link.url):
            problems.append(
                at(
                    source.path,
                    (source.body_line + link.line, link.col),
                    "external-image",
                    f"image {link.url[:60]!r} is loaded from another host",
                    "link to the image instead: [description](https://...)",
                )
            )
        if not is_safe_url(link.url):
            problems.append(
                at(
                    source.path,
                    (source.body_line + link.line, link.col),
                    "unsafe-url",
                    f"{link.kind} URL {link.url[:60]!r} is not allowed",
                    "use an http(s) or mailto address, or a relative link",
                )
            )
    return problems


_CONTROL_OR_SPACE_RE = re.compile(r"[\x00-\x20]")


def is_relative(url: str) -> bool:
    """A path on the site itself: no scheme, no host."""
    cleaned = _as_browsers_read(url)
    return not urlsplit(cleaned).scheme and not cleaned.startswith("//")


def _as_browsers_read(url: str) -> str:
    # Browsers ignore tabs and newlines inside a URL and trim leading spaces and control
    # characters ('java\tscript:' is 'javascript:'), and read a backslash as a slash
    # ('\\/host' is '//host', another host).
    return _CONTROL_OR_SPACE_RE.sub("", url).replace("\\", "/")


def is_safe_url(url: str) -> bool:
    """http, https, mailto or a relative reference; nothing a browser could execute."""
    cleaned = _as_browsers_read(url)
    if ":" not in cleaned:  # no scheme: a relative reference
        return not cleaned.startswith("//")  # protocol-relative: another host, any scheme
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme:
        return scheme in SAFE_SCHEMES
    return not cleaned.startswith("//")  # protocol-relative: another host, any scheme
