"""The atlas's own copies of the official texts: content/law/<reference-id>.md, each tied
to one reference entry by content/law/sources.yml, which also says where the copy came
from (a file of the shared folder of official texts) and the snapshot's date.

Stage 1 (load.py) reads the table and the copies; `check_law` (stage 2, validate)
checks them against the entries that were claimed and parses each text. The
copies are never rendered as contributor Markdown: the law text pages are made from the
parsed text (render/law_pages.py), every piece of it escaped.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType

from generator.core.front_matter import EMPTY, Located
from generator.core.law_text import Instrument, parse_instrument
from generator.core.problems import Problem, at
from generator.core.schema import Kind, id_error

LAW_FOLDER = PurePosixPath("content/law")
SOURCES_PATH = LAW_FOLDER / "sources.yml"
_ENTRY_KEYS = frozenset({"from", "note"})


@dataclass(frozen=True, slots=True)
class LawFiles:
    """What stage 1 read: the table (with positions) and each copy's text by file name."""

    sources: Located = EMPTY
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class LawCopy:
    """One instrument's official text, tied to the reference entry `ref_id`."""

    ref_id: str
    path: PurePosixPath  # content/law/<ref_id>.md
    copied_from: str  # its path in the shared folder of official texts
    snapshot: datetime.date | None  # the date of the LawRefBook snapshot copied
    note: str  # the atlas's own remark on this copy ('' if none), shown on its page
    text: str
    instrument: Instrument


def copy_path(ref_id: str) -> PurePosixPath:
    return LAW_FOLDER / f"{ref_id}.md"


def check_law(
    files: LawFiles, claimed: Mapping[str, tuple[Kind, PurePosixPath]]
) -> tuple[Mapping[str, LawCopy], list[Problem]]:
    """Each row of the table names a reference entry and a copy that holds articles; each
    copy is named by a row; no two rows copy the same file."""
    problems: list[Problem] = []
    located = files.sources
    copies: dict[str, LawCopy] = {}
    if not located.data and not files.texts:
        return MappingProxyType(copies), problems
    snapshot = located.data.get("snapshot")
    if not isinstance(snapshot, datetime.date):
        problems.append(
            _source_problem(
                located.value_pos(("snapshot",)),
                "'snapshot' must give the date of the LawRefBook snapshot copied",
                "write: snapshot: 2025-04-19",
            )
        )
        snapshot = None
    for key in located.data:
        if key not in ("snapshot", "texts"):
            problems.append(
                _source_problem(
                    located.key_pos((key,)),
                    f"unknown key '{key}'",
                    "the table has two keys: snapshot and texts",
                )
            )
    texts = located.data.get("texts")
    if not isinstance(texts, Mapping):
        texts = {}
        if "texts" in located.data or files.texts:
            problems.append(
                _source_problem(
                    located.key_pos(("texts",)),
                    "'texts' must map each reference id to the file it was copied from",
                    "write: texts: {criminal-law: {from: criminal-law/criminal-law-current.md}}",
                )
            )
    copied: dict[str, str] = {}
    for ref_id, row in texts.items():
        pos = located.key_pos(("texts", ref_id))
        ref_id = str(ref_id)
        origin = row.get("from") if isinstance(row, Mapping) else None
        note = row.get("note", "") if isinstance(row, Mapping) else ""
        if not isinstance(origin, str) or not origin or not isinstance(note, str):
            problems.append(
                _source_problem(
                    pos,
                    f"'{ref_id}' must give 'from' (the shared file copied) and may give a 'note'",
                    "write: from: statutes/data-security-law-2021.md",
                )
            )
            continue
        extra = sorted(set(row) - _ENTRY_KEYS)
        if extra:
            problems.append(
                _source_problem(
                    located.key_pos(("texts", ref_id, extra[0])),
                    f"unknown key '{extra[0]}' for '{ref_id}'",
                    "each row has 'from' and, if needed, 'note'",
                )
            )
        if origin in copied:
            problems.append(
                _source_problem(
                    located.value_pos(("texts", ref_id, "from")),
                    f"'{origin}' is already the text of '{copied[origin]}'",
                    "one instrument, one reference: tie each file to one reference entry",
                )
            )
            continue
        copied[origin] = ref_id
        kind = claimed.get(ref_id, (None,))[0]
        if id_error(ref_id) or kind is not Kind.reference:
            what = f"is the {kind.value} {claimed[ref_id][1]}" if kind else "is no entry"
            problems.append(
                at(
                    SOURCES_PATH,
                    pos,
                    "law-unknown-reference",
                    f"'{ref_id}' {what}; a text is tied to a reference entry",
                    "use the id of the instrument's entry in content/references/",
                )
            )
            continue
        path = copy_path(ref_id)
        text = files.texts.get(path.name)
        if text is None:
            problems.append(
                at(
                    SOURCES_PATH,
                    pos,
                    "law-missing-file",
                    f"'{ref_id}' has no copy {path}",
                    f"copy shared/law/{origin} to {path}, byte for byte",
                )
            )
            continue
        instrument = parse_instrument(text)
        if not instrument.articles:
            problems.append(
                at(
                    path,
                    (instrument.body_line, 1),
                    "law-no-articles",
                    "no article (第…条, or 一、… in an amendment) starts a line of this text",
                    f"copy shared/law/{origin} again, byte for byte",
                )
            )
            continue
        copies[ref_id] = LawCopy(ref_id, path, origin, snapshot, note, text, instrument)
    for name in files.texts:
        if PurePosixPath(name).stem not in texts:
            problems.append(
                at(
                    LAW_FOLDER / name,
                    (1, 1),
                    "law-untied-file",
                    f"{LAW_FOLDER / name} is not named in {SOURCES_PATH}",
                    "add its reference id and source under 'texts', or delete the file",
                )
            )
    return MappingProxyType(copies), problems


def _source_problem(pos: tuple[int, int], message: str, hint: str) -> Problem:
    return at(SOURCES_PATH, pos, "law-source", message, hint)
