"""The Timeline page: every dated event of the knowledge base, newest first, by year.

Events come from two places: a reference's own dates (adoption, publication or decision,
and entry into force) and an offence's `introduced_by` / `amended_by` enactments. The
page is generated Markdown like the index pages, so every contributor value goes
through `render.md()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import PurePosixPath

import yaml

from generator.core.link import KnowledgeBase
from generator.core.paths import page_path
from generator.core.schema import Enactment, Offence, Reference, ReferenceType
from generator.core.validate import Entry
from generator.render.pages import article_label, md, short_title

TIMELINE_PATH = PurePosixPath("timeline/index.md")

# What the first date of a source means depends on what the source is: a law is
# adopted, an interpretation issued, a case decided, everything else published.
_VERBS: dict[ReferenceType, str] = {
    ReferenceType.statute: "adopted",
    ReferenceType.amendment: "adopted",
    ReferenceType.judicial_interpretation: "issued",
    ReferenceType.normative_document: "issued",
    ReferenceType.regulation: "issued",
    ReferenceType.court_case: "decided",
}

# Events on the same day are listed in the order things happen to a law: the source is
# adopted, it takes effect, then the offences it creates or amends change.
_RANK_ADOPTED, _RANK_IN_FORCE, _RANK_CREATED, _RANK_AMENDED = range(4)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the timeline. `day` is None when only the year is known."""

    year: int
    day: dt.date | None
    rank: int
    entry_id: str
    text: str  # Markdown, already escaped
    kind: str  # plain label from a closed vocabulary (reference type or "offence")

    @property
    def shown_date(self) -> str:
        return self.day.isoformat() if self.day else str(self.year)

    def sort_key(self) -> tuple[int, int, int, int, str]:
        # Newest first; within a year, events known only by their year come last,
        # because they cannot be placed among the dated ones.
        ordinal = self.day.toordinal() if self.day else 0
        return (-self.year, self.day is None, -ordinal, self.rank, self.entry_id)


def timeline_page(kb: KnowledgeBase) -> str:
    """The Markdown of `timeline/index.md`: one table per year, newest year first."""
    events = sorted(timeline_events(kb), key=Event.sort_key)
    parts = [
        _front(len(events)),
        "# Timeline\n",
        "Every dated event in the atlas, newest first: when sources were adopted, issued, "
        "decided or published, when instruments took effect, and when offences were "
        "created or amended.\n",
    ]
    for year, group in groupby(events, key=lambda e: e.year):
        rows = [f"| {e.shown_date} | {e.text} | {e.kind} |" for e in group]
        parts.append(
            f"## {year}\n\n| Date | Event | Kind |\n|---|---|---|\n" + "\n".join(rows) + "\n"
        )
    return "\n".join(parts)


def timeline_events(kb: KnowledgeBase) -> Iterator[Event]:
    """Every dated event, in knowledge-base (id) order; `timeline_page` sorts them."""
    for entry in kb.entries.values():
        meta = entry.meta
        if isinstance(meta, Reference):
            yield from _reference_events(entry, meta)
        elif isinstance(meta, Offence):
            yield from _offence_events(kb, entry, meta)


def _front(count: int) -> str:
    # Like the other generated lists, kept out of search: it repeats every entry's name.
    meta = {
        "summary": f"{count} dated events in Cyberlaw Atlas, newest first.",
        "search": {"exclude": True},
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _reference_events(entry: Entry, meta: Reference) -> Iterator[Event]:
    kind = meta.type.value
    link = _link(entry, short_title(entry))
    verb = _VERBS.get(meta.type, "published")
    same_day = meta.in_force is not None and meta.in_force == meta.date
    if meta.date is not None:
        text = f"{link} {verb}" + (" and takes effect" if same_day else "")
        yield Event(meta.date.year, meta.date, _RANK_ADOPTED, entry.id, text, kind)
    elif meta.year is not None:
        yield Event(meta.year, None, _RANK_ADOPTED, entry.id, f"{link} {verb}", kind)
    # An entry into force is a dated event of its own even when the source's own date is
    # unknown; only a source with no date at all is left out.
    if meta.in_force is not None and not same_day:
        day = meta.in_force
        yield Event(day.year, day, _RANK_IN_FORCE, entry.id, f"{link} takes effect", kind)


def _offence_events(kb: KnowledgeBase, entry: Entry, meta: Offence) -> Iterator[Event]:
    if meta.introduced_by is not None:
        yield _enactment_event(kb, entry, meta, meta.introduced_by, "created", _RANK_CREATED)
    for enactment in meta.amended_by:
        yield _enactment_event(kb, entry, meta, enactment, "amended", _RANK_AMENDED)


def _enactment_event(
    kb: KnowledgeBase, entry: Entry, meta: Offence, enactment: Enactment, what: str, rank: int
) -> Event:
    source = kb.entries.get(enactment.ref)
    # The link stage has already reported an unknown id; the row still shows it as text.
    by = _link(source, short_title(source)) if source else md(enactment.ref)
    if enactment.at:
        by += f", {md(enactment.at)}"
    text = f"{_link(entry, article_label(meta))} {what} by {by} (in force)"
    day = enactment.in_force
    return Event(day.year, day, rank, entry.id, text, "offence")


def _link(entry: Entry, text: str) -> str:
    target = page_path(entry.kind, entry.id)
    up = "/".join([".."] * len(TIMELINE_PATH.parent.parts))
    return f"[{md(text)}]({up}/{target})"
