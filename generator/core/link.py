"""Stage 3, link: resolve every reference between entries, check links in bodies, and
compute the inverse of every relation so that each side is shown without being written
twice.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import posixpath
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.core.front_matter import KeyPath
from generator.core.law_sources import LawCopy
from generator.core.load import SourceFile
from generator.core.paths import index_path, source_path
from generator.core.problems import Problem, at
from generator.core.schema import LINK_FIELDS, Kind, Offence, Reference, Tag, id_error
from generator.core.validate import Entry, Page, Validated, is_safe_url


@dataclass(frozen=True, slots=True, order=True)
class Relation:
    """`source` names `target` in its field `field` (e.g. a proposal's 'offences')."""

    source: str
    field: str
    target: str
    at: str | None = None  # pinpoint, where the field carries one
    # Where the id is written. (`dataclasses.field`: the name `field` is taken above.)
    pos: tuple[int, int] = dataclasses.field(default=(1, 1), compare=False)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: Mapping[str, Entry]  # by id, in id order
    pages: tuple[Page, ...]
    tags: Mapping[str, Tag]
    outbound: Mapping[str, tuple[Relation, ...]]
    inbound: Mapping[str, tuple[Relation, ...]]
    problems: tuple[Problem, ...] = field(default=())
    redirects: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    last_changed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Each entry's neighbours over relations in both directions, in id order: every map
    # needs them, and layouts average floats over them, so the order must not follow
    # Python's hash seed.
    neighbours: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # The official texts the atlas keeps, by the id of their reference entry.
    law: Mapping[str, LawCopy] = field(default_factory=lambda: MappingProxyType({}))

    def of_kind(self, kind: Kind) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries.values() if e.kind is kind)

    def inbound_from(self, entry_id: str, kind: Kind, *fields: str) -> tuple[Entry, ...]:
        """Entries of `kind` that name `entry_id` in one of `fields` (each once)."""
        seen: dict[str, Entry] = {}
        for rel in self.inbound.get(entry_id, ()):
            source = self.entries[rel.source]
            if source.kind is kind and (not fields or rel.field in fields):
                seen.setdefault(source.id, source)
        return tuple(seen.values())


def link(validated: Validated) -> KnowledgeBase:
    problems = list(validated.problems)
    problems.extend(_duplicate_ids(validated))
    entries = {e.id: e for e in sorted(validated.entries, key=lambda e: e.id)}

    outbound: dict[str, list[Relation]] = defaultdict(list)
    inbound: dict[str, list[Relation]] = defaultdict(list)
    # References are checked in every entry that loaded, valid or not, so that one run
    # reports a bad id even in a file whose other fields are still wrong.
    for source, _ in validated.entry_files:
        for name, value, key_path in references_in(source):
            target = str(value)
            pos = source.front.value_pos(key_path)
            problem = _check_target(source, name, target, pos, validated)
            if problem:
                problems.append(problem)
                continue
            if source.id not in entries or target not in entries:
                continue  # a file that failed validation: its problems are reported there
            relation = Relation(
                source.id, name.split(".")[0], target, _pinpoint(source, key_path), pos
            )
            outbound[source.id].append(relation)
            inbound[target].append(relation)

    anchors = _anchors(validated)
    for entry in entries.values():
        problems.extend(
            _check_body_links(entry.source.path, entry.source.body_line, entry.body.links, anchors)
        )
    for page in validated.pages:
        problems.extend(
            _check_body_links(page.source.path, page.source.body_line, page.body.links, anchors)
        )
    linked_from_pages = {
        target
        for page in validated.pages
        for target in _body_targets(page.source.path, page.body.links, anchors)
    }
    for entry in entries.values():
        if (
            not outbound.get(entry.id)
            and not inbound.get(entry.id)
            and entry.id not in linked_from_pages
        ):
            problems.append(
                at(
                    entry.path,
                    (1, 1),
                    "orphan",
                    f"nothing links to '{entry.id}' and it links to nothing",
                    "cite it from an entry, or add its relations",
                )
            )

    for entry in entries.values():
        problems.extend(_stale_reviews(entry, entries, outbound.get(entry.id, [])))
    redirects = _redirects(validated, entries, problems)

    return KnowledgeBase(
        MappingProxyType(entries),
        validated.pages,
        validated.tags,
        MappingProxyType({k: tuple(sorted(v)) for k, v in outbound.items()}),
        MappingProxyType({k: tuple(sorted(v)) for k, v in inbound.items()}),
        tuple(sorted(set(problems))),
        MappingProxyType(redirects),
        validated.last_changed,
        _neighbours(entries, outbound),
        MappingProxyType({k: v for k, v in validated.law.items() if k in entries}),
    )


def _neighbours(
    entries: Mapping[str, Entry], outbound: Mapping[str, list[Relation]]
) -> Mapping[str, tuple[str, ...]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for relations in outbound.values():
        for rel in relations:
            adjacent[rel.source].add(rel.target)
            adjacent[rel.target].add(rel.source)
    return MappingProxyType({i: tuple(sorted(adjacent[i])) for i in entries})


def _redirects(
    validated: Validated, entries: Mapping[str, Entry], problems: list[Problem]
) -> dict[str, str]:
    """content/redirects.yml (old id: new id) checked, and every id that git shows was
    published and has gone must have one: its URL may be cited or bookmarked."""
    located = validated.redirects
    path = PurePosixPath("content/redirects.yml")
    redirects: dict[str, str] = {}
    for old, new in located.data.items():
        pos = located.key_pos((old,))
        if not isinstance(new, str) or id_error(old) or id_error(new):
            problems.append(
                at(
                    path,
                    pos,
                    "invalid-value",
                    f"redirect '{old}' must map an old id to a new id",
                    "write: old-id: new-id",
                )
            )
        elif old in validated.claimed:
            problems.append(
                at(
                    path,
                    pos,
                    "duplicate-id",
                    f"'{old}' is redirected but is still an entry",
                    "remove the redirect or the entry",
                )
            )
        elif new not in entries:
            problems.append(
                at(
                    path,
                    located.value_pos((old,)),
                    "unknown-id",
                    f"redirect '{old}' points at '{new}', which no entry has",
                )
            )
        else:
            redirects[old] = new
    for gone in validated.unpublished:
        if gone.stem not in redirects and gone.stem not in validated.claimed:
            problems.append(
                at(
                    path,
                    (1, 1),
                    "missing-redirect",
                    f"'{gone.stem}' was published ({gone}) and has no redirect",
                    f"add '{gone.stem}: <new-id>' to content/redirects.yml, or use atlas mv",
                )
            )
    return redirects


def _stale_reviews(
    entry: Entry, entries: Mapping[str, Entry], relations: list[Relation]
) -> Iterator[Problem]:
    """An entry reviewed before something it relies on changed: an amendment or
    interpretation came into force, or an instrument was replaced."""
    reviewed = entry.meta.reviewed
    if isinstance(entry.meta, Offence):
        for i, enactment in enumerate(entry.meta.amended_by):
            if enactment.in_force > reviewed:
                yield at(
                    entry.path,
                    entry.source.front.value_pos(("amended_by", i, "in_force")),
                    "stale-review",
                    f"reviewed {reviewed} but amended with effect from {enactment.in_force}",
                    "check the entry against the amended text, then update 'reviewed'",
                )
    warned: set[str] = set()
    for rel in relations:
        target = entries[rel.target].meta
        if rel.target in warned or not isinstance(target, Reference):
            continue
        changes = [(target.in_force, "came into force")]
        successor = target.superseded_by
        if successor is not None and successor in entries:
            replacement = entries[successor].meta
            if isinstance(replacement, Reference):
                changes.append((replacement.in_force, "was replaced"))
        for when, what in changes:
            if when is not None and when > reviewed:
                warned.add(rel.target)
                yield at(
                    entry.path,
                    rel.pos,
                    "stale-review",
                    f"reviewed {reviewed}, but '{rel.target}' {what} on {when}",
                    "check the entry against it, then update 'reviewed'",
                )
                break


def _duplicate_ids(validated: Validated) -> Iterator[Problem]:
    first: dict[str, PurePosixPath] = {}
    for source, _ in validated.entry_files:
        folded = source.id.casefold()
        if folded in first:
            yield at(
                source.path,
                (1, 1),
                "duplicate-id",
                f"id '{source.id}' is already used by {first[folded]}",
                "ids must be unique across offences, proposals and references",
            )
        else:
            first[folded] = source.path


def references_in(source: SourceFile) -> Iterator[tuple[str, Any, KeyPath]]:
    """Every id named in a link field: (field spec, id, key path of the value)."""
    data = source.front.data
    assert source.kind is not None
    for spec in LINK_FIELDS[source.kind]:
        name, _, sub = spec.partition(".")
        value = data.get(name)
        if value is None:
            continue
        items = value if isinstance(value, tuple) else (value,)
        for i, item in enumerate(items):
            key_path: KeyPath = (name, i) if isinstance(value, tuple) else (name,)
            if sub:
                if isinstance(item, Mapping) and isinstance(item.get(sub), str):
                    yield spec, item[sub], (*key_path, sub)
            elif isinstance(item, str):
                yield spec, item, key_path


def _pinpoint(source: SourceFile, key_path: KeyPath) -> str | None:
    if key_path[-1] != "ref":
        return None
    parent: Any = source.front.data
    for part in key_path[:-1]:
        parent = parent[part]
    value = parent.get("at")
    return str(value) if value is not None else None


def _check_target(
    source: SourceFile, spec: str, target: str, pos: tuple[int, int], validated: Validated
) -> Problem | None:
    assert source.kind is not None
    allowed = LINK_FIELDS[source.kind][spec]
    if target == source.id:
        return at(source.path, pos, "self-reference", f"'{spec}' names the entry itself")
    claimed = validated.claimed.get(target)
    if claimed is None:
        candidates = [i for i, (k, _) in validated.claimed.items() if k in allowed]
        close = difflib.get_close_matches(target, candidates, n=1, cutoff=0.75)
        return at(
            source.path,
            pos,
            "unknown-id",
            f"'{spec}' names '{target}', which no entry has",
            f"did you mean '{close[0]}'?"
            if close
            else f"create {source_path(next(iter(allowed)), target)} or fix the id",
        )
    kind, path = claimed
    if kind not in allowed:
        wanted = " or ".join(sorted(_a(k) for k in allowed))
        return at(
            source.path,
            pos,
            "wrong-kind",
            f"'{spec}' must name {wanted}, but '{target}' is {_a(kind)} ({path})",
        )
    return None


def _a(kind: Kind) -> str:
    return f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"


def _anchors(validated: Validated) -> dict[str, frozenset[str]]:
    """Every linkable page (content-relative path) and the heading anchors it has."""
    found: dict[str, frozenset[str]] = {}
    for entry in validated.entries:
        found[str(entry.path)] = entry.body.anchors
    for page in validated.pages:
        found[str(page.source.path)] = page.body.anchors
    for source, body in validated.entry_files:  # invalid entries still have their headings
        found.setdefault(str(source.path), body.anchors)
    # Pages the render stage generates: one index per kind, and the tag pages.
    for kind in Kind:
        found[f"content/{index_path(kind)}"] = frozenset()
    found["content/tags/index.md"] = frozenset()
    for tag in validated.tags:
        found[f"content/tags/{tag}.md"] = frozenset()
    return found


def resolve_link(path: PurePosixPath, url: str) -> tuple[str, str] | None:
    """(target file, anchor) of a relative link, or None for external links."""
    # dirname of the (cached) string: building path.parent for every link cost 0.3 s
    # at 10,000 entries.
    resolved = _resolve_from(posixpath.dirname(str(path)), url)
    if resolved is None:
        return None
    target, anchor = resolved
    return (target or str(path)), anchor


@functools.lru_cache(maxsize=65536)
def _resolve_from(folder: str, url: str) -> tuple[str, str] | None:
    # Entries sit in three folders and link to the same few targets: worth remembering.
    # An empty target means the linking page itself.
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return "", unquote(parts.fragment)
    target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    return target, unquote(parts.fragment)


def _body_targets(
    path: PurePosixPath, links: tuple[Any, ...], anchors: Mapping[str, frozenset[str]]
) -> Iterator[str]:
    for link_ in links:
        resolved = resolve_link(path, link_.url)
        if resolved and resolved[0] in anchors:
            yield PurePosixPath(resolved[0]).stem


def _check_body_links(
    path: PurePosixPath,
    body_line: int,
    links: tuple[Any, ...],
    anchors: Mapping[str, frozenset[str]],
) -> Iterator[Problem]:
    for link_ in links:
        if not is_safe_url(link_.url):
            continue  # reported as unsafe-url by validate; not a link to follow
        if link_.url.startswith("/"):
            yield at(
                path,
                (body_line + link_.line, link_.col),
                "broken-link",
                f"absolute link '{link_.url}' will break when the site moves",
                "link to the Markdown file relatively, e.g. ../offences/art-287-2.md",
            )
            continue
        resolved = resolve_link(path, link_.url)
        if resolved is None:
            continue
        target, anchor = resolved
        pos = (body_line + link_.line, link_.col)
        if target not in anchors:
            hint = "link to an entry's .md file, e.g. ../offences/art-287-2.md"
            if not target.endswith(".md") and f"{target}.md" in anchors:
                hint = f"add '.md': {link_.url.split('#')[0]}.md"
            yield at(path, pos, "broken-link", f"link target '{target}' does not exist", hint)
        elif anchor and anchor not in anchors[target]:
            close = difflib.get_close_matches(anchor, sorted(anchors[target]), n=1)
            yield at(
                path,
                pos,
                "broken-anchor",
                f"'{target}' has no heading '#{anchor}'",
                f"did you mean '#{close[0]}'?" if close else "link to one of its ## headings",
            )
