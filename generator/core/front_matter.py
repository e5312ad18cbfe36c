"""Front matter as plain values with the position of every key and value.

PyYAML's safe loader would lose the positions, so the YAML is composed by libyaml (in C)
and its node tree walked here, refusing every tag but the plain ones before anything is
constructed and remembering where each value stood. It earns its place by measurement
(1,000 synthetic front matters, best of five, this 2-core machine, 2026-12-02): the walk
takes 0.067 s, against 0.076 s for `yaml.load` with libyaml's CSafeLoader, which keeps
no positions, and 0.64 s for the pure-Python SafeLoader. tests/test_front_matter.py holds
its values equal to `yaml.safe_load` on every real content file and on generated ones.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

import yaml

from generator.core.problems import Problem, at
from generator.core.schema import INVISIBLE_RE

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column in the file

# Front matter is a few fields deep. libyaml composes nesting recursively in C: 5,000
# levels compose, 100,000 crash the process with a segmentation fault (measured
# 2026-12-02); the values are then built recursively in Python. Deeper than this is
# refused before either.
MAX_YAML_DEPTH = 20
# Below this many '[', '{', '-' and ':' together, no text can nest deep enough to crash
# libyaml, and the event scan is skipped: it takes 0.036 s for 1,000 synthetic front
# matters, against 0.055 s to compose them (best of five, 2026-12-02).
_DEPTH_SCAN_FROM = 2000


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


class _RefusedError(Exception):
    """A front-matter construct that is refused; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def invisible_character(rel: PurePosixPath, pos: Position, char: str) -> Problem:
    name = unicodedata.name(char, "CONTROL CHARACTER")
    return at(
        rel,
        pos,
        "control-char",
        f"invisible character U+{ord(char):04X} {name} in text",
        "delete it; it changes what readers see without being seen",
    )


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


def _refuse_escaped_invisibles(node: yaml.Node, rel: PurePosixPath, pos: Any) -> None:
    # Only a double-quoted scalar has escapes ('\x1b', '\u202e') that write a character the
    # file's text does not show; the text itself was checked when it was read.
    if isinstance(node, yaml.ScalarNode) and node.style == '"':
        found = INVISIBLE_RE.search(node.value)
        if found:
            raise _RefusedError(invisible_character(rel, pos(node.start_mark), found.group()))


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
    _refuse_escaped_invisibles(node, rel, pos)
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
            _refuse_escaped_invisibles(key_node, rel, pos)
            key = key_node.value
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
