"""Stage 4, render: turn the linked knowledge base into a plain-Markdown docs tree.

The output is a mapping of docs-relative path to text; `write_tree` puts it on disk.
Every value taken from front matter is Markdown-escaped here, because contributor text
must never become markup. The pages carry only a few meta keys, which the theme
overrides print escaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

import yaml

from generator.core.link import KnowledgeBase
from generator.core.paths import index_path, law_page_path, page_path, page_url, redirect_path
from generator.core.schema import (
    CHAPTERS,
    INSTRUMENT_TYPES,
    Enactment,
    EntryBase,
    Kind,
    MaxPenalty,
    Offence,
    Proposal,
    Reference,
    SourceCitation,
)
from generator.core.validate import Entry
from generator.render.citations import formatted

KIND_TITLES = {Kind.offence: "Offences", Kind.proposal: "Proposals", Kind.reference: "References"}
SEARCH_BOOST = {Kind.offence: 3, Kind.proposal: 1.5, Kind.reference: 1}
# Index and tag pages repeat every entry's name; in the search index they would compete
# with the entries themselves, so readers find the entry, not a list that mentions it.
_NOT_SEARCHED = {"search": {"exclude": True}}
_ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# Python-Markdown's backslash escapes (plus '|' for tables). '<' needs none: the schema
# refuses it in every front-matter text field.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>])")


def md(text: str) -> str:
    """Contributor text as inert Markdown: every character that could start markup escaped."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
    # '&' would let '&lt;' through as an entity; '\&' is not an escape, so spell it out.
    return escaped.replace("&", "&amp;")


_BLOCK_START = re.compile(r"[-+*>#]|\d+[.)]")


def law_md(text: str) -> str:
    """A line of official text as one inert Markdown block: escaped as `md` does, and
    nothing at its start can open a list, a heading or a quote, nor '<' raw HTML."""
    escaped = md(text).replace("<", "&lt;").lstrip(" \t")
    start = _BLOCK_START.match(escaped)
    if start is None:
        return escaped
    if escaped[0].isdigit():  # '1.' would start an ordered list: '1\.'
        return escaped[: start.end() - 1] + "\\" + escaped[start.end() - 1 :]
    return "\\" + escaped


def md_url(url: str) -> str:
    """A URL as a Markdown link destination that nothing in it can end or extend: every
    character that Markdown or a table reads ('(', ')', '<', '|', '!', '[', ...) is
    percent-encoded, which is the same address to a browser."""
    return quote(url, safe=_URL_SAFE)


_URL_SAFE = "/:?#=&%@+,;~-._"


def zh(text: str) -> str:
    """Chinese text, marked with its language for screen readers, fonts and search."""
    return f'*{md(text)}*{{ lang="zh" }}'


_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1-999 in Chinese numerals as statutes write them: 287 -> 二百八十七, 10 -> 十."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = f"{_ZH_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _ZH_DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    return out + (_ZH_DIGITS[units] if units else "")


def article_forms(offence: Offence) -> list[str]:
    """Every common way of writing the article, so that search finds it however typed."""
    number, _, sub = offence.article.partition("-")
    forms = [f"Art. {offence.article}", f"Article {offence.article}"]
    chinese = f"第{zh_number(int(number))}条"
    if sub:
        suffix = f"之{_ZH_DIGITS[int(sub)]}"
        forms += [f"{number}{suffix}", f"{chinese}{suffix}", f"Article {number}({sub})"]
    else:
        forms.append(chinese)
    if offence.paragraph:
        forms.append(f"{chinese}第{zh_number(offence.paragraph)}款")
    return forms


def search_terms(entry: Entry) -> list[str] | None:
    """Names a reader may type, indexed above body text (Material's search 'tags' field).
    The kind comes first: search results show these terms, so a reader sees what the
    result is."""
    meta = entry.meta
    terms = [entry.kind.value.capitalize(), *meta.aliases]
    if meta.title_zh:
        terms.append(meta.title_zh)
    if isinstance(meta, Offence):
        terms = article_forms(meta) + terms
    return list(dict.fromkeys(terms)) or None


def article_label(offence: Offence) -> str:
    label = f"Art. {offence.article}"
    return f"{label} ¶{offence.paragraph}" if offence.paragraph else label


def chapter_label(offence: Offence) -> str:
    label = f"Chapter {_ROMAN[offence.chapter]}"
    return f"{label}, Section {offence.section}" if offence.section else label


def penalty_label(offence: Offence) -> str:
    if offence.max_penalty is MaxPenalty.fixed_term:
        return f"{offence.max_years} years' fixed-term imprisonment"
    return offence.max_penalty.value.capitalize()


@dataclass(frozen=True, slots=True)
class _Context:
    kb: KnowledgeBase
    here: PurePosixPath  # docs-relative path of the page being rendered

    def href(self, entry: Entry) -> str:
        return self.relative(str(page_path(entry.kind, entry.id)))

    def link(self, entry_id: str) -> str:
        entry = self.kb.entries[entry_id]
        return f"[{md(short_title(entry))}]({self.href(entry)})"

    def tag_link(self, tag: str) -> str:
        label = self.kb.tags[tag].label if tag in self.kb.tags else tag
        return f"[{md(label)}]({self.relative(f'tags/{tag}.md')})"

    def relative(self, target: str) -> str:
        """`target` (docs-relative, '/'-separated) as a link from this page."""
        # A string, not a path object: pages link to each other some 10 times each.
        return _up(str(self.here)) + target


@functools.lru_cache(maxsize=64)
def _up(page: str) -> str:
    return "../" * page.count("/")


def short_title(entry: Entry) -> str:
    return entry.meta.title


def render(kb: KnowledgeBase, site_url: str = "") -> Mapping[PurePosixPath, str]:
    """Entry pages, index pages, tag pages, redirects and the hand-written pages."""
    out: dict[PurePosixPath, str] = {}
    for entry in kb.entries.values():
        out[page_path(entry.kind, entry.id)] = ""  # keeps the order
    # References last: their citations may still be formatting elsewhere (docs_tree.py).
    for entry in sorted(kb.entries.values(), key=lambda e: e.kind is Kind.reference):
        path = page_path(entry.kind, entry.id)
        out[path] = render_entry(kb, entry, path, site_url)
    for kind in Kind:
        path = index_path(kind)
        out[path] = render_index(kb, kind, path)
    out[PurePosixPath("tags/index.md")] = render_tag_index(kb)
    for tag in kb.tags:
        path = PurePosixPath(f"tags/{tag}.md")
        out[path] = render_tag(kb, tag, path)
    for old, new in kb.redirects.items():
        target = kb.entries[new]
        out[redirect_path(target.kind, old)] = redirect_page(new)
    for page in kb.pages:
        path = PurePosixPath(page.source.path.name)
        # The generator's own block comes first, always: MkDocs reads page metadata from
        # the first block only, so nothing the body holds can become metadata.
        front = _front({"source_path": str(page.source.path)})
        out[path] = front + page.source.body.lstrip("\n")
    return MappingProxyType(out)


def _front(meta: Mapping[str, object]) -> str:
    kept = {k: v for k, v in meta.items() if v is not None}
    if not kept:
        return ""
    # libyaml's emitter: the pure-Python one took a fifth of the generation time.
    text = yaml.dump(kept, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    return "---\n" + text + "---\n\n"


_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# --- entry pages ------------------------------------------------------------------


def absolute_url(site_url: str, entry: Entry) -> str:
    return page_url(entry.kind, entry.id, site_url.rstrip("/") + "/")


def cite_path(entry_id: str, extension: str) -> PurePosixPath:
    return PurePosixPath("cite") / f"{entry_id}.{extension}"


def last_updated(kb: KnowledgeBase, entry: Entry) -> str:
    """When the entry's file last changed in git; its review date where git cannot say."""
    return kb.last_changed.get(str(entry.path), "")[:10] or entry.meta.reviewed.isoformat()


def render_entry(kb: KnowledgeBase, entry: Entry, path: PurePosixPath, site_url: str = "") -> str:
    ctx = _Context(kb, path)
    meta = entry.meta
    updated = last_updated(kb, entry)
    parts = [
        _front(
            {
                "kind": entry.kind.value,
                "entry_id": entry.id,
                "summary": meta.summary,
                "title_zh": meta.title_zh,
                "tags": search_terms(entry),
                "search": {"boost": SEARCH_BOOST[entry.kind]},
                # Read by the theme override: edit link, dates, citation meta tags.
                "source_path": str(entry.path),
                "last_updated": updated,
                "reviewed": meta.reviewed.isoformat(),
                "citation_title": meta.title,
            }
        ),
        f"# {md(meta.title)}\n",
    ]
    if meta.title_zh:
        parts.append(f"{zh(meta.title_zh)}\n")
    parts.append(f"{md(meta.summary)}\n")
    parts.append(_panel(ctx, entry))
    if isinstance(meta, Offence):
        parts.append(_article_text(ctx, meta))
    body = entry.source.body.strip("\n")
    if body:
        parts.append(body + "\n")
    for heading, lines in _computed_sections(ctx, entry):
        if lines:
            parts.append(f"## {heading}\n\n" + "\n".join(lines) + "\n")
    parts.append(_sources_section(ctx, meta.sources))
    if isinstance(meta, Reference):
        parts.append(_cite_source_section(ctx, entry, meta, site_url))
    return "\n".join(p for p in parts if p)


def _cite_source_section(ctx: _Context, entry: Entry, meta: Reference, site_url: str) -> str:
    url = absolute_url(site_url, entry)
    gbt = formatted(entry.id, meta, url, "gb-t-7714-2015")
    apa = formatted(entry.id, meta, url, "apa")
    downloads = ", ".join(
        f"[{label}]({ctx.relative(str(cite_path(entry.id, ext)))})"
        for label, ext in (("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json"))
    )
    return (
        "## Cite this source\n\n"
        f"GB/T 7714-2015\n:   {md(gbt)}\n\n"
        f"APA\n:   {md(apa)}\n\n"
        f"Download\n:   {downloads}\n"
    )


def _panel(ctx: _Context, entry: Entry) -> str:
    rows: list[tuple[str, str]] = [("Kind", entry.kind.value.capitalize())]
    meta = entry.meta
    if isinstance(meta, Offence):
        rows += [
            ("Article", f"{article_label(meta)}, {chapter_label(meta)}"),
            ("Chinese name", zh(meta.title_zh)),
            ("Status", meta.status.value),
            ("Maximum penalty", penalty_label(meta)),
            ("Unit liability", "Yes" if meta.unit_liability else "No"),
        ]
        if meta.introduced_by:
            rows.append(("Introduced by", _enactment(ctx, meta.introduced_by)))
        for amendment in meta.amended_by:
            rows.append(("Amended by", _enactment(ctx, amendment)))
    elif isinstance(meta, Proposal):
        targets = ", ".join(ctx.link(o) for o in meta.offences if o in ctx.kb.entries)
        if meta.general:
            targets = "Cyber offences in general" + (f"; {targets}" if targets else "")
        rows += [
            ("Would change", targets or "—"),
            ("Type of change", meta.change.value),
            ("Level", meta.level.value),
            ("Status", meta.status.value),
            ("Proposed in", "; ".join(_citation(ctx, c) for c in meta.proposed_in)),
        ]
    elif isinstance(meta, Reference):
        rows.append(("Type", meta.type.value))
        if meta.authors:
            rows.append(("Authors", md("; ".join(meta.authors))))
        if meta.issuer:
            rows.append(("Issued by", md("; ".join(meta.issuer))))
        if meta.number:
            rows.append(("Number", md(meta.number)))
        rows.append(("Date", md(_reference_date(meta))))
        if meta.in_force:
            rows.append(("In force", meta.in_force.isoformat()))
        if meta.status:
            rows.append(("Status", meta.status.value))
        if meta.superseded_by and meta.superseded_by in ctx.kb.entries:
            rows.append(("Superseded by", ctx.link(meta.superseded_by)))
        if meta.container:
            rows.append(("Published in", md(_container(meta))))
        if meta.doi:
            rows.append(("DOI", f"[{md(meta.doi)}]({md_url('https://doi.org/' + meta.doi)})"))
        if meta.url:
            rows.append(("Online", f"[{md(meta.url)}]({md_url(meta.url)})"))
        rows.append(("Language", "Chinese" if meta.language.value == "zh" else "English"))
        if entry.id in ctx.kb.law:
            href = ctx.relative(str(law_page_path(entry.id)))
            rows.append(("Official text", f"[The Chinese text, article by article]({href})"))
    if meta.aliases:
        rows.append(
            ("Also known as", "; ".join(zh(a) if _is_chinese(a) else md(a) for a in meta.aliases))
        )
    if meta.tags:
        rows.append(("Tags", ", ".join(ctx.tag_link(t) for t in meta.tags)))
    rows.append(("Last reviewed", meta.reviewed.isoformat()))
    rows.append(("Last updated", last_updated(ctx.kb, entry)))
    map_link = ctx.relative(f"map/{entry.id}.svg")
    rows.append(("Map", f"[Relationships of this entry]({map_link})"))
    # An admonition gives the panel a box of its own; the table inside must be indented.
    table = ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    return '!!! atlas-panel "At a glance"\n\n' + "\n".join(f"    {row}" for row in table) + "\n"


# The reference entry whose official text holds the offences' articles.
CRIMINAL_LAW_ID = "criminal-law"


def _article_text(ctx: _Context, meta: Offence) -> str:
    """The current text of the offence's article (or of its one paragraph), quoted from
    the atlas's copy of the Criminal Law, with a link to it on the text page."""
    copy = ctx.kb.law.get(CRIMINAL_LAW_ID)
    article = copy.instrument.article(meta.article) if copy else None
    if article is None:
        return ""
    paragraphs = article.paragraphs
    anchor, what = article.anchor, f"Art. {meta.article}"
    if meta.paragraph:
        if meta.paragraph > len(paragraphs):
            return ""
        paragraphs = paragraphs[meta.paragraph - 1 : meta.paragraph]
        anchor, what = paragraphs[0].anchor, f"paragraph {meta.paragraph} of {what}"
    lines: list[str] = []
    for paragraph in paragraphs:
        first = paragraph.number == 1 and not meta.paragraph
        text = f"{article.label} {paragraph.text}" if first else paragraph.text
        lines += [law_md(text), '{: lang="zh" }', ""]
        for item in paragraph.items:
            lines += [law_md(item.text), '{: lang="zh" }', ""]
    quote = "\n".join(f"> {line}" if line else ">" for line in lines[:-1])
    href = f"{ctx.relative(str(law_page_path(CRIMINAL_LAW_ID)))}#{anchor}"
    return (
        "## Text of the article (official Chinese)\n\n"
        f"{quote}\n\n"
        f"The current text of {what}, from [the official text of the Criminal Law]({href}) "
        "as amended through Amendment XII. The Chinese is the official text; the atlas gives "
        "no official English.\n"
    )


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _enactment(ctx: _Context, enactment: Enactment) -> str:
    text = ctx.link(enactment.ref) if enactment.ref in ctx.kb.entries else md(enactment.ref)
    if enactment.at:
        text += f", {md(enactment.at)}"
    text += f", in force {enactment.in_force.isoformat()}"
    if enactment.change:
        text += f": {md(enactment.change)}"
    return text


def _citation(ctx: _Context, citation: SourceCitation) -> str:
    text = ctx.link(citation.ref) if citation.ref in ctx.kb.entries else md(citation.ref)
    text += f", {md(citation.at)}"
    if citation.note:
        text += f" ({md(citation.note)})"
    return text


def _reference_date(meta: Reference) -> str:
    if meta.date:
        return meta.date.isoformat()
    if meta.year:
        return str(meta.year)
    return "undated"


def _container(meta: Reference) -> str:
    text = meta.container or ""
    if meta.volume:
        text += f", vol. {meta.volume}"
    if meta.issue:
        text += f", no. {meta.issue}"
    if meta.pages:
        text += f", pp. {meta.pages}"
    if meta.publisher:
        text += f" ({meta.publisher})"
    return text


def _computed_sections(ctx: _Context, entry: Entry) -> list[tuple[str, list[str]]]:
    kb, meta = ctx.kb, entry.meta
    if isinstance(meta, Offence):
        proposals = kb.inbound_from(entry.id, Kind.proposal, "offences")
        discussing = kb.inbound_from(entry.id, Kind.reference, "discusses")
        return [
            ("Dated history", _dated_history(ctx, meta)),
            (
                "Interpretations that apply",
                [f"- {_reference_line(ctx, r)}" for r in meta.interpretations],
            ),
            ("Proposals to reform this offence", _proposal_table(ctx, proposals)),
            ("Related offences", [f"- {ctx.link(o)}" for o in _related(kb, entry, Kind.offence)]),
            (
                "Sources discussing this offence",
                [f"- {_reference_line(ctx, r.id)}" for r in discussing],
            ),
        ]
    if isinstance(meta, Proposal):
        return [
            ("Related proposals", [f"- {ctx.link(p)}" for p in _related(kb, entry, Kind.proposal)]),
        ]
    assert isinstance(meta, Reference)
    citing = _citing(kb, entry.id)
    return [
        ("Offences discussed", [f"- {ctx.link(o)}" for o in meta.discusses if o in kb.entries]),
        ("Cites", [f"- {_reference_line(ctx, r)}" for r in meta.cites]),
        ("Cited by", [f"- {ctx.link(e.id)} ({e.kind.value})" for e in citing]),
    ]


def _dated_history(ctx: _Context, meta: Offence) -> list[str]:
    """Introduction, amendments and interpretations in the order they took effect."""
    events: list[tuple[str, str]] = []
    if meta.introduced_by:
        events.append(
            (
                meta.introduced_by.in_force.isoformat(),
                f"Introduced: {_enactment(ctx, meta.introduced_by)}",
            )
        )
    for amendment in meta.amended_by:
        events.append((amendment.in_force.isoformat(), f"Amended: {_enactment(ctx, amendment)}"))
    for ref_id in meta.interpretations:
        ref = ctx.kb.entries.get(ref_id)
        if ref is not None and isinstance(ref.meta, Reference):
            day = ref.meta.in_force or ref.meta.date
            if day is not None:
                events.append((day.isoformat(), f"Interpretation takes effect: {ctx.link(ref_id)}"))
    if not events:
        return []
    rows = [f"| {day} | {text} |" for day, text in sorted(events)]
    return ["| In force from | Event |", "|---|---|", *rows]


def _related(kb: KnowledgeBase, entry: Entry, kind: Kind) -> list[str]:
    """Related entries of `kind`, whichever side wrote the relation."""
    out = [
        r.target
        for r in kb.outbound.get(entry.id, ())
        if r.field == "related" and kb.entries[r.target].kind is kind
    ]
    out += [e.id for e in kb.inbound_from(entry.id, entry.kind, "related") if e.kind is kind]
    return sorted(dict.fromkeys(out))


def _citing(kb: KnowledgeBase, ref_id: str) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for rel in kb.inbound.get(ref_id, ()):
        if rel.field != "superseded_by":
            seen.setdefault(rel.source, kb.entries[rel.source])
    kind_order = {Kind.offence: 0, Kind.proposal: 1, Kind.reference: 2}
    return sorted(seen.values(), key=lambda e: (kind_order[e.kind], e.id))


def _reference_line(ctx: _Context, ref_id: str) -> str:
    if ref_id not in ctx.kb.entries:
        return md(ref_id)
    meta = ctx.kb.entries[ref_id].meta
    assert isinstance(meta, Reference)
    details = [meta.type.value, _reference_date(meta)]
    if meta.in_force and meta.type in INSTRUMENT_TYPES:
        details.append(f"in force {meta.in_force.isoformat()}")
    return f"{ctx.link(ref_id)} ({md(', '.join(details))})"


def _proposal_table(ctx: _Context, proposals: Iterable[Entry]) -> list[str]:
    rows = []
    for p in proposals:
        meta = p.meta
        assert isinstance(meta, Proposal)
        source = "; ".join(_citation(ctx, c) for c in meta.proposed_in)
        rows.append(
            f"| {ctx.link(p.id)} | {meta.change.value} | {meta.level.value} | "
            f"{meta.status.value} | {source} |"
        )
    if not rows:
        return []
    return ["| Proposal | Change | Level | Status | Proposed in |", "|---|---|---|---|---|", *rows]


def _sources_section(ctx: _Context, sources: tuple[SourceCitation, ...]) -> str:
    if not sources:
        return ""
    lines = [f"{i}. {_citation(ctx, c)}" for i, c in enumerate(sources, start=1)]
    return "## Sources\n\n" + "\n".join(lines) + "\n"


# --- index and tag pages ------------------------------------------------------------


def render_index(kb: KnowledgeBase, kind: Kind, path: PurePosixPath) -> str:
    ctx = _Context(kb, path)
    entries = kb.of_kind(kind)
    head = _front(
        {
            "summary": f"All {len(entries)} {KIND_TITLES[kind].lower()} in Cyberlaw Atlas.",
            "atlas_table": True,  # the theme adds sorting and filters to this page's table
            **_NOT_SEARCHED,
        }
    )
    head += f"# {KIND_TITLES[kind]}\n\n"
    head += (
        "See also the [timeline](../timeline/index.md) and the "
        "[map of all entries](../map/index.svg).\n\n"
    )
    if kind is Kind.offence:
        rows = [
            "| Article | Offence | Chinese name | Chapter | Maximum penalty | Status |",
            "|---|---|---|---|---|---|",
        ]
        for e in sorted(entries, key=lambda e: _article_key(e.meta)):
            m = e.meta
            assert isinstance(m, Offence)
            rows.append(
                f"| {article_label(m)} | {ctx.link(e.id)} | {zh(m.title_zh)} | "
                f"{_ROMAN[m.chapter]}: {md(CHAPTERS[m.chapter][0])} | {penalty_label(m)} | "
                f"{m.status.value} |"
            )
    elif kind is Kind.proposal:
        rows = [
            "| Proposal | Would change | Change | Level | Status | Proposed in |",
            "|---|---|---|---|---|---|",
        ]
        for e in entries:
            m = e.meta
            assert isinstance(m, Proposal)
            targets = ", ".join(ctx.link(o) for o in m.offences if o in kb.entries) or "general"
            source = "; ".join(_citation(ctx, c) for c in m.proposed_in)
            rows.append(
                f"| {ctx.link(e.id)} | {targets} | {m.change.value} | {m.level.value} | "
                f"{m.status.value} | {source} |"
            )
    else:
        rows = ["| Reference | Type | Year | Language |", "|---|---|---|---|"]
        for e in entries:
            m = e.meta
            assert isinstance(m, Reference)
            year = m.effective_year
            rows.append(
                f"| {ctx.link(e.id)} | {m.type.value} | {year if year else 'undated'} | "
                f"{m.language.value} |"
            )
    return head + "\n".join(rows) + "\n"


def _article_key(meta: EntryBase) -> tuple[int, int, int]:
    assert isinstance(meta, Offence)
    number, _, sub = meta.article.partition("-")
    return int(number), int(sub or 0), meta.paragraph or 0


def render_tag_index(kb: KnowledgeBase) -> str:
    ctx = _Context(kb, PurePosixPath("tags/index.md"))
    counts = dict.fromkeys(kb.tags, 0)
    for entry in kb.entries.values():
        for t in entry.meta.tags:
            if t in counts:
                counts[t] += 1
    lines = ["| Tag | 标签 | Entries | What it covers |", "|---|---|---|---|"]
    for tag_id, tag in kb.tags.items():
        lines.append(
            f"| {ctx.tag_link(tag_id)} | {zh(tag.label_zh) if tag.label_zh else ''} | "
            f"{counts[tag_id]} | {md(tag.description)} |"
        )
    return (
        _front({"summary": "Topics used to group entries.", **_NOT_SEARCHED})
        + "# Tags\n\n"
        + "\n".join(lines)
        + "\n"
    )


def render_tag(kb: KnowledgeBase, tag_id: str, path: PurePosixPath) -> str:
    ctx = _Context(kb, path)
    tag = kb.tags[tag_id]
    parts = [_front({"summary": tag.description, **_NOT_SEARCHED}), f"# {md(tag.label)}\n"]
    if tag.label_zh:
        parts.append(f"{zh(tag.label_zh)}\n")
    parts.append(f"{md(tag.description)}\n")
    for kind in Kind:
        tagged = [e for e in kb.of_kind(kind) if tag_id in e.meta.tags]
        if tagged:
            parts.append(
                f"## {KIND_TITLES[kind]}\n\n"
                + "\n".join(f"- {ctx.link(e.id)}: {md(e.meta.summary)}" for e in tagged)
                + "\n"
            )
    return "\n".join(parts)


def redirect_page(new_id: str) -> str:
    """A static page left at a renamed entry's old URL (ids are [a-z0-9-], safe in HTML)."""
    url = f"../{new_id}/"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<title>Moved to {new_id}</title>\n<link rel="canonical" href="{url}">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n'
        f'</head><body><p>This entry moved to <a href="{url}">{new_id}</a>.</p></body></html>\n'
    )
