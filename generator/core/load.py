"""Stage 1, load: read every file under content/ and split it into front matter and body.

Nothing here judges whether a field is right; it only turns bytes into plain Python
values and remembers where every key and value stood, so that later stages can point
at a line. Whatever the bytes are, the result is data plus problems, never an exception.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from generator.core.history import GitHistory
from generator.core.paths import FOLDERS
from generator.core.problems import Problem, at
from generator.core.schema import INVISIBLE_RE, Kind, id_error

MAX_FILE_BYTES = 1_000_000
TAGS_PATH = PurePosixPath("content/tags.yml")
REDIRECTS_PATH = PurePosixPath("content/redirects.yml")
PAGE_NAMES = ("index", "about")

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column in the file

# Front matter is a few fields deep. libyaml composes nesting recursively in C and
# crashes the process (a segmentation fault) somewhere past 10,000 levels; the values are
# then built recursively in Python. Deeper than this is refused before either.
MAX_YAML_DEPTH = 20
# Below this many '[', '{', '-' and ':' together, no text can nest deep enough to crash
# libyaml, and the event scan (a third of the parse time) is skipped.
_DEPTH_SCAN_FROM = 2000
FM_BOUNDARY = YAMLHandler.FM_BOUNDARY  # python-frontmatter's definition of a '---' line
assert FM_BOUNDARY is not None

# The only YAML types front matter may hold. Anything else (!!python/..., !!binary,
# custom tags) is refused before it is constructed.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


@dataclass(frozen=True, slots=True)
class Located:
    """Front matter as plain values, with the position of every key and value."""

    data: Mapping[str, Any]
    keys: Mapping[KeyPath, Position]
    values: Mapping[KeyPath, Position]
    # Values already reported by this stage (bad dates and the like): later stages
    # skip them instead of reporting the same mistake twice.
    invalid: frozenset[KeyPath] = frozenset()

    def key_pos(self, path: KeyPath) -> Position:
        """Position of the nearest key on `path` that exists (the file start if none)."""
        for end in range(len(path), 0, -1):
            pos = self.keys.get(path[:end]) or self.values.get(path[:end])
            if pos:
                return pos
        return (1, 1)

    def value_pos(self, path: KeyPath) -> Position:
        for end in range(len(path), 0, -1):
            pos = self.values.get(path[:end])
            if pos:
                return pos
        return self.key_pos(path)


EMPTY = Located(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Markdown file of content/: an entry (kind set) or a hand-written page."""

    path: PurePosixPath
    kind: Kind | None
    id: str
    front: Located
    body: str
    body_line: int  # file line on which body line 0 stands


@dataclass(frozen=True, slots=True)
class Loaded:
    files: tuple[SourceFile, ...]
    tags: Located
    tags_path: PurePosixPath
    problems: tuple[Problem, ...] = field(default=())
    redirects: Located = field(default_factory=lambda: EMPTY)
    # From GitHistory: entry files deleted since they were published, and when each
    # file under content/ last changed.
    unpublished: tuple[PurePosixPath, ...] = ()
    last_changed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def entries(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.kind is not None)

    @property
    def pages(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.kind is None)


class _RefusedError(Exception):
    """A front-matter construct that is refused; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def load(root: Path, history: GitHistory) -> Loaded:
    """Read the knowledge base under `root` (the repository root, holding content/).
    Git is never run here: `history` is read at the edge (`history.read_history`)."""
    content = root / "content"
    problems: list[Problem] = list(history.problems)
    files: list[SourceFile] = []
    markdown, linked = _markdown_files(content)
    if content.is_symlink():
        problems.append(symlink_problem(PurePosixPath("content")))
    problems.extend(symlink_problem(PurePosixPath("content", *parts)) for parts in linked)
    for parts in markdown:
        path = content.joinpath(*parts)
        rel = PurePosixPath("content", *parts)
        if len(parts) == 1:
            kind = None
            if path.stem not in PAGE_NAMES:
                problems.append(
                    at(
                        rel,
                        (1, 1),
                        "misplaced-file",
                        "only index.md and about.md may stand directly in content/",
                        "move entries into offences/, proposals/ or references/",
                    )
                )
                continue
        elif len(parts) == 2 and parts[0] in FOLDERS:
            kind = FOLDERS[parts[0]]
        else:
            problems.append(
                at(
                    rel,
                    (1, 1),
                    "misplaced-file",
                    "this file is not read: entries stand directly in "
                    "content/offences, content/proposals or content/references",
                )
            )
            continue
        source, found = read_source(path, rel, kind)
        problems.extend(found)
        if source is not None:
            files.append(source)

    tags, found = read_yaml_file(root / TAGS_PATH, TAGS_PATH)
    problems.extend(found)
    redirects, found = read_yaml_file(root / REDIRECTS_PATH, REDIRECTS_PATH)
    problems.extend(found)
    return Loaded(
        tuple(files),
        tags,
        TAGS_PATH,
        tuple(problems),
        redirects,
        history.deleted_entries,
        history.last_changed,
    )


def _markdown_files(content: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The path parts, below content/, of every regular Markdown file, in sorted order,
    and of every symbolic link (never followed: it could publish any file of the machine
    that builds a pull request). os.scandir knows each entry's type without another
    system call per file."""
    found: list[tuple[str, ...]] = []
    linked: list[tuple[str, ...]] = []

    def walk(folder: Path, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    linked.append((*parts, entry.name))
                    continue
                if entry.is_dir():
                    walk(Path(entry.path), (*parts, entry.name))
                elif entry.is_file() and entry.name.endswith(".md"):
                    found.append((*parts, entry.name))

    if content.is_dir() and not content.is_symlink():
        walk(content, ())
    return sorted(found), sorted(linked)  # the order of paths: part by part


def symlink_problem(rel: PurePosixPath) -> Problem:
    return at(
        rel,
        (1, 1),
        "symlink",
        "this is a symbolic link; the atlas reads only regular files",
        "replace the link with the file itself",
    )


def read_text(path: Path, rel: PurePosixPath) -> tuple[str | None, list[Problem]]:
    """The file's text with BOM and CRLF normalised, or the problem that prevents it."""
    with path.open("rb") as file:
        # Never more than the limit in memory, but no buffer of the limit's size either:
        # allocating a megabyte for each 4 kB file tripled the time spent reading.
        size = min(os.fstat(file.fileno()).st_size, MAX_FILE_BYTES) + 1
        raw = file.read(size)
        if len(raw) == size:  # at the limit, or the file grew since its size was read
            raw += file.read(MAX_FILE_BYTES + 1 - size)
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size
        return None, [
            at(
                rel,
                (1, 1),
                "file-too-large",
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        bad_col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            at(
                rel,
                (bad_line, bad_col),
                "not-utf8",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                "save the file with UTF-8 encoding",
            )
        ]
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if INVISIBLE_RE.search(text) is None:
        return text, []
    problems = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        match = INVISIBLE_RE.search(line)
        if match:
            problems.append(invisible_character(rel, (lineno, match.start() + 1), match.group()))
    return None, problems


def invisible_character(rel: PurePosixPath, pos: Position, char: str) -> Problem:
    name = unicodedata.name(char, "CONTROL CHARACTER")
    return at(
        rel,
        pos,
        "control-char",
        f"invisible character U+{ord(char):04X} {name} in text",
        "delete it; it changes what readers see without being seen",
    )


def read_source(
    path: Path, rel: PurePosixPath, kind: Kind | None
) -> tuple[SourceFile | None, list[Problem]]:
    """Load one Markdown file: its id, located front matter and body."""
    problems: list[Problem] = []
    # 'index' would take the place of the generated list of its kind.
    problem = id_error(path.stem) if kind is not None else None
    if problem is not None:
        problems.append(
            at(
                rel,
                (1, 1),
                "bad-id",
                problem,
                "use lower-case ASCII letters and digits joined by '-', e.g. art-287-2",
            )
        )
    text, found = read_text(path, rel)
    problems.extend(found)
    if text is None:
        return None, problems

    opening = FM_BOUNDARY.match(text)
    if opening is None:
        if kind is None:  # hand-written pages may go without front matter
            return SourceFile(rel, None, path.stem, EMPTY, text, 1), problems
        problems.append(
            at(
                rel,
                (1, 1),
                "no-front-matter",
                "the file must start with front matter between two '---' lines",
            )
        )
        return None, problems
    closing = FM_BOUNDARY.search(text, opening.end() + 1)
    if closing is None:
        problems.append(
            at(
                rel,
                (1, 1),
                "yaml-syntax",
                "front matter opened with '---' is never closed",
                "add a line '---' after the last field",
            )
        )
        return None, problems

    first_line = text.count("\n", 0, opening.end())  # 0-based line of the YAML text
    front, found = parse_yaml(text[opening.end() : closing.start()], rel, first_line)
    problems.extend(found)
    body_line = text.count("\n", 0, closing.end()) + 1
    if front is None:
        return None, problems
    return SourceFile(rel, kind, path.stem, front, text[closing.end() :], body_line), problems


def read_yaml_file(path: Path, rel: PurePosixPath) -> tuple[Located, list[Problem]]:
    if path.is_symlink():
        return EMPTY, [symlink_problem(rel)]
    if not path.is_file():
        return EMPTY, []
    text, problems = read_text(path, rel)
    if text is None:
        return EMPTY, problems
    located, found = parse_yaml(text, rel, 0)
    return located or EMPTY, problems + found


def parse_yaml(
    text: str, rel: PurePosixPath, first_line: int
) -> tuple[Located | None, list[Problem]]:
    """Parse a YAML mapping safely, keeping positions. `first_line` is its 0-based file line."""

    def pos(mark: Any) -> Position:
        return (mark.line + first_line + 1, mark.column + 1)

    try:
        # Anchors and aliases are refused from the event stream, before anything is
        # built: an alias bomb is then a single problem, not an exponential walk.
        deep = sum(text.count(c) for c in "[{-:") >= _DEPTH_SCAN_FROM
        scan = deep or "&" in text or "*" in text
        events = yaml.parse(text, Loader=_LOADER) if scan else ()
        depth = 0
        for event in events:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return None, [_too_deep(rel, pos(event.start_mark))]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None, [
                    at(
                        rel,
                        pos(event.start_mark),
                        "yaml-alias",
                        "YAML anchors and aliases are not allowed in front matter",
                        "write the value out in full",
                    )
                ]
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = pos(mark) if mark else (first_line + 1, 1)
        return None, [
            at(
                rel,
                where,
                "yaml-syntax",
                f"front matter is not valid YAML: {exc.problem}",
                "check indentation, colons and quotes on this line",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [
            at(rel, (first_line + 1, 1), "yaml-syntax", f"front matter is not valid YAML: {exc}")
        ]

    if node is None:
        return EMPTY, []
    if not isinstance(node, yaml.MappingNode):
        return None, [
            at(
                rel,
                pos(node.start_mark),
                "not-a-mapping",
                "front matter must be a mapping of 'field: value' lines, not a "
                f"{'list' if isinstance(node, yaml.SequenceNode) else 'single value'}",
            )
        ]
    keys: dict[KeyPath, Position] = {}
    values: dict[KeyPath, Position] = {}
    problems: list[Problem] = []
    invalid: set[KeyPath] = set()
    try:
        data = _build(node, (), keys, values, problems, invalid, rel, pos)
    except _RefusedError as refused:
        return None, [refused.problem]
    return Located(
        data, MappingProxyType(keys), MappingProxyType(values), frozenset(invalid)
    ), problems


# libyaml's parser when PyYAML was built with it (the wheels are): same events and
# marks as the pure-Python one, many times faster.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED: dict[tuple[Any, Any, Any], str] = {}


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, remembering which type each short plain value resolves to:
    front matter repeats the same field names, dates, ids and numbers thousands of
    times, and the resolver tries a list of patterns on each."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if value is None or len(value) <= 40:
                _RESOLVED[key] = tag
        return tag


_LOADER: Any = _Loader
_CONSTRUCTOR = yaml.SafeLoader.yaml_constructors
_SCALARS = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


def _too_deep(rel: PurePosixPath, where: Position) -> Problem:
    return at(
        rel,
        where,
        "yaml-too-deep",
        f"front matter is nested more than {MAX_YAML_DEPTH} levels deep",
        "entries need two or three levels at most: check the brackets and indentation",
    )


def _build(
    node: yaml.Node,
    path: KeyPath,
    keys: dict[KeyPath, Position],
    values: dict[KeyPath, Position],
    problems: list[Problem],
    invalid: set[KeyPath],
    rel: PurePosixPath,
    pos: Any,
) -> Any:
    values[path] = pos(node.start_mark)
    if node.tag not in _PLAIN_TAGS:
        raise _RefusedError(
            at(
                rel,
                pos(node.start_mark),
                "yaml-tag",
                f"YAML tag '{node.tag}' is not allowed; it is never executed",
                "remove the '!...' tag and write a plain value",
            )
        )
    if len(path) >= MAX_YAML_DEPTH:  # the root mapping is the first level
        raise _RefusedError(_too_deep(rel, pos(node.start_mark)))
    if isinstance(node, yaml.ScalarNode) and node.style == '"':
        # Only a double-quoted scalar has escapes ('\x1b', '\u202e') that write a character
        # the file's text does not show; the text itself was checked when it was read.
        found = INVISIBLE_RE.search(node.value)
        if found:
            raise _RefusedError(invisible_character(rel, pos(node.start_mark), found.group()))
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # what the constructor returns for text, without two calls
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise _RefusedError(
                    at(
                        rel,
                        pos(key_node.start_mark),
                        "invalid-value",
                        "field names must be plain words",
                        "write 'name: value'",
                    )
                )
            key = key_node.value
            found = INVISIBLE_RE.search(key)
            if found:
                raise _RefusedError(
                    invisible_character(rel, pos(key_node.start_mark), found.group())
                )
            if key in result:
                problems.append(
                    at(
                        rel,
                        pos(key_node.start_mark),
                        "duplicate-key",
                        f"field '{key}' is given more than once",
                        "keep only one",
                    )
                )
                continue
            keys[(*path, key)] = pos(key_node.start_mark)
            result[key] = _build(
                value_node, (*path, key), keys, values, problems, invalid, rel, pos
            )
        return MappingProxyType(result)
    if isinstance(node, yaml.SequenceNode):
        return tuple(
            _build(item, (*path, i), keys, values, problems, invalid, rel, pos)
            for i, item in enumerate(node.value)
        )
    try:
        return _CONSTRUCTOR[node.tag](_SCALARS, node)
    except ValueError as exc:
        if node.tag.endswith(":timestamp"):
            problems.append(
                at(
                    rel,
                    pos(node.start_mark),
                    "invalid-date",
                    f"'{node.value}' is not a real calendar date ({exc})",
                    "write dates as YYYY-MM-DD",
                )
            )
        else:
            problems.append(
                at(
                    rel,
                    pos(node.start_mark),
                    "invalid-value",
                    f"'{node.value}' cannot be read: {exc}",
                )
            )
        invalid.add(path)
        return None


def thaw(value: Any) -> Any:
    """Plain dicts and lists from the frozen values, for libraries that want them."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
