"""Relationship maps: standalone SVG documents in which every entry is a link to its page.

Pages are sanitised and may not carry raw HTML, so a map cannot be inline: each one is a
static `.svg` file under `map/` that the reader opens, where a browser follows its
`<a href>` elements like links in a page.

URL scheme. `href_prefix` is the path from the folder holding the SVG to the site root
("../" for `map/<id>.svg` and `map/index.svg`); an entry's page is then
`{href_prefix}{kind}s/{id}/` (MkDocs directory URLs), e.g. `../offences/art-287-2/`.

Layouts are computed here, deterministically and without a layout library:
- the whole knowledge base in three columns (proposals, offences, references), ordered
  by barycentre passes so that connected entries sit near each other;
- one entry's neighbourhood as rings around it: the entry in the middle, entries one
  relation away on the first ring, two away on the second, each ring split into a left
  and a right half whose rows never share a height, so labels cannot overlap.

Contributor text is untrusted: every text node goes through `escape` and every attribute
through `quoteattr`. The documents hold no scripts, event handlers or external resources.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.sax.saxutils import escape, quoteattr

from generator.core.link import KnowledgeBase
from generator.core.paths import page_url
from generator.core.schema import Kind, Offence, Reference
from generator.core.validate import Entry
from generator.render.pages import article_label

MAP_DIR = PurePosixPath("map")
WHOLE_MAP = "index"
# From any file in map/ to the site root.
MAP_HREF_PREFIX = "../" * len(MAP_DIR.parts)

LABEL_CHARS = 28
CENTRE_LABEL_CHARS = 56  # the entry a map is about can afford a longer label
_KIND_ORDER = {Kind.proposal: 0, Kind.offence: 1, Kind.reference: 2}
_KIND_HEADINGS = {
    Kind.proposal: "Proposals",
    Kind.offence: "Offences",
    Kind.reference: "References",
}

# Geometry, in SVG user units (px at 100%). Text widths are estimated, so boxes are sized
# for a wide sans-serif face; CJK characters take a full em.
_FONT = 12
_CHAR_W = 7.2
_WIDE_W = 12.0
_PAD = 8.0
_BOX_H = 20.0
_ROW = 26.0  # vertical distance between rows: one box plus a gap
_COLUMN_GAP = 240.0
_RING_GAP = 70.0
_MARGIN = 150.0  # room for the arcs between entries of the same column
_HEADER = 96.0
_MIN_WIDTH = 720.0  # the note and legend of the header
_BARYCENTRE_PASSES = 3

_STYLE = """
svg{background:#fff}
text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC",\
"Microsoft YaHei",sans-serif;font-size:12px;fill:#1a1a1a}
.heading{font-size:18px;font-weight:600}
.note{fill:#555}
.column{font-size:13px;font-weight:600;fill:#333}
.edge{fill:none;stroke:#8d96a8;stroke-opacity:.4;stroke-width:1}
.edge.targets{stroke:#3f51b5;stroke-opacity:.55}
.edge.related{stroke:#8e24aa;stroke-opacity:.6;stroke-dasharray:4 3}
.edge.faint{stroke-opacity:.22}
.edge.spoke{stroke-width:1.6;stroke-opacity:.8}
.link{fill:#3f51b5;text-decoration:underline}
.node rect{stroke-width:1.2}
.node.offence rect{fill:#e8eaf6;stroke:#3f51b5}
.node.proposal rect{fill:#fff3e0;stroke:#ef6c00}
.node.reference rect{fill:#e8f5e9;stroke:#2e7d32}
.node.centre rect{stroke-width:3}
.node.centre text{font-weight:600}
a:hover rect,a:focus rect{fill:#fff59d}
a:hover text,a:focus text{text-decoration:underline}
.swatch.offence{fill:#e8eaf6;stroke:#3f51b5}
.swatch.proposal{fill:#fff3e0;stroke:#ef6c00}
.swatch.reference{fill:#e8f5e9;stroke:#2e7d32}
"""


# --- public API -----------------------------------------------------------------------


def entry_url(entry: Entry, href_prefix: str) -> str:
    """The URL of an entry's page, from a document `href_prefix` away from the site root."""
    return page_url(entry.kind, entry.id, href_prefix)


def map_path(center: str | None) -> PurePosixPath:
    """Where a map is written in the docs tree (and so served in the site)."""
    return MAP_DIR / f"{center or WHOLE_MAP}.svg"


def graph_svg(
    kb: KnowledgeBase,
    center: str | None = None,
    depth: int = 1,
    *,
    href_prefix: str,
    drawings: Drawings | None = None,
) -> str:
    """An SVG document mapping the whole knowledge base (`center` None) or the entries
    within `depth` relations of `center`, in either direction. Raises KeyError for an
    unknown `center` and ValueError for a depth below 1."""
    if center is None:
        layout = _columns_layout(kb, list(kb.entries))
        title = "Cyberlaw Atlas: map of all entries"
        return _document(title, layout, _edges(kb, layout.boxes), center, href_prefix)
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    rings = neighbourhood(kb, center, depth)
    shown = [i for ring in rings for i in ring]
    edges = _edges(kb, frozenset(shown))
    key = (
        href_prefix,
        tuple(tuple(ring) for ring in rings),
        tuple(_drawn_facts(kb.entries[i]) for i in shown),
        tuple(edges),
    )
    drawn = drawings.get(key) if drawings is not None else None
    if drawn is None:
        title = f"Cyberlaw Atlas: map around {kb.entries[center].meta.title}"
        drawn = _document(title, _rings_layout(kb, rings), edges, center, href_prefix)
        if drawings is not None:
            drawings[key] = drawn
    return drawn


# Maps around an entry drawn before, by everything their drawing reads: the rings of ids,
# what is shown of each entry (_drawn_facts) and the relations among them, which are also
# all the adjacency the ring layout consults. `atlas serve` keeps one across rebuilds
# (serve_state.py), so that an edit redraws only the maps it changes, not a thousand.
Drawings = dict[tuple[object, ...], str]


def _drawn_facts(entry: Entry) -> tuple[str, ...]:
    return (
        entry.id,
        entry.kind.value,
        entry.meta.title,
        node_label(entry),
        node_label(entry, CENTRE_LABEL_CHARS),
        _tooltip(entry),
    )


def graph_files(
    kb: KnowledgeBase, drawings: Drawings | None = None
) -> dict[PurePosixPath, str]:
    """`map/index.svg` for the whole knowledge base and `map/<id>.svg` for every entry;
    `drawings` keeps maps drawn by an earlier call, to reuse those that did not change."""
    if WHOLE_MAP in kb.entries:
        # The id is otherwise valid, but its map would overwrite the whole map.
        raise ValueError(f"an entry may not be called '{WHOLE_MAP}': {map_path(WHOLE_MAP)}")
    out = {map_path(None): graph_svg(kb, None, href_prefix=MAP_HREF_PREFIX)}
    if drawings is not None and len(drawings) > 4 * len(kb.entries):
        drawings.clear()  # mostly drawings of earlier versions: start afresh
    for entry_id in kb.entries:
        out[map_path(entry_id)] = graph_svg(
            kb, entry_id, 1, href_prefix=MAP_HREF_PREFIX, drawings=drawings
        )
    return out


def neighbourhood(kb: KnowledgeBase, center: str, depth: int) -> list[list[str]]:
    """Rings of ids by distance from `center` (ring 0 is the centre), over relations in
    both directions, each ring in id order."""
    if center not in kb.entries:
        raise KeyError(center)
    adjacent = kb.neighbours
    rings = [[center]]
    seen = {center}
    for _ in range(depth):
        ring = sorted({n for i in rings[-1] for n in adjacent[i]} - seen)
        if not ring:
            break
        seen.update(ring)
        rings.append(ring)
    return rings


# --- graph ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edge:
    a: str
    b: str
    style: str  # CSS class: targets, related or cites


def _edge_style(fields: set[str]) -> str:
    # What an edge means decides how it is drawn: a proposal or a source aiming at an
    # offence is the relation readers follow, "related" is a looser tie, the rest cite.
    if fields & {"offences", "discusses"}:
        return "targets"
    if "related" in fields:
        return "related"
    return "cites"


def _edges(kb: KnowledgeBase, shown: Collection[str]) -> list[_Edge]:
    """Relations between shown entries, one edge per pair whichever fields name it."""
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source in shown:
        for rel in kb.outbound.get(source, ()):
            if rel.target in shown:
                a, b = sorted((rel.source, rel.target))
                fields[a, b].add(rel.field)
    return [_Edge(a, b, _edge_style(f)) for (a, b), f in sorted(fields.items())]


# --- labels -----------------------------------------------------------------------------


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    """At most `limit` characters, the last an ellipsis when anything was cut. The cut
    falls between words where one ends in the second half, so no word is left half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2 and text[limit - 1] != " ":
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def node_label(entry: Entry, limit: int = LABEL_CHARS) -> str:
    """An offence by its article ("Art. 287-2"), anything else by its shortened title."""
    meta = entry.meta
    if isinstance(meta, Offence):
        return article_label(meta)
    return truncate(meta.title, limit)


def _tooltip(entry: Entry) -> str:
    meta = entry.meta
    detail = entry.kind.value
    if isinstance(meta, Reference):
        year = meta.effective_year
        detail = f"{meta.type.value}, {year}" if year else meta.type.value
    return f"{meta.title} ({detail})\n{meta.summary}"


def _text_width(text: str) -> float:
    return sum(_WIDE_W if ord(ch) >= 0x2E80 else _CHAR_W for ch in text)


def _box_width(entry: Entry) -> float:
    return _text_width(node_label(entry)) + 2 * _PAD


# --- layout -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Box:
    entry: Entry
    label: str
    x0: float  # left edge
    y: float  # vertical centre
    width: float
    lane: int  # boxes in one lane stand in one column: edges between them are arcs
    outward: int  # -1 or +1: the side those arcs bulge to

    @property
    def x1(self) -> float:
        return self.x0 + self.width

    @property
    def cx(self) -> float:
        return self.x0 + self.width / 2

    def moved(self, dx: float, dy: float) -> _Box:
        return _Box(
            self.entry, self.label, self.x0 + dx, self.y + dy, self.width, self.lane, self.outward
        )


def _box(
    entry: Entry, anchor: float, y: float, align: int, lane: int, limit: int = LABEL_CHARS
) -> _Box:
    """A box whose left edge (align 1), right edge (-1) or centre (0) is at `anchor`."""
    label = node_label(entry, limit)
    width = _text_width(label) + 2 * _PAD
    x0 = anchor - width * (1 - align) / 2
    # A column aligned on its left edge has its free side on the right, and so on.
    return _Box(entry, label, x0, y, width, lane, align or 1)


@dataclass(frozen=True, slots=True)
class _Layout:
    boxes: Mapping[str, _Box]
    headings: tuple[tuple[float, str], ...]  # column headings: (centre x, text)
    width: float
    height: float


def _article_key(entry: Entry) -> tuple[int, int, int]:
    meta = entry.meta
    assert isinstance(meta, Offence)
    number, _, sub = meta.article.partition("-")
    return int(number), int(sub or 0), meta.paragraph or 0


def _mean(values: Iterable[float]) -> float | None:
    found = list(values)
    return sum(found) / len(found) if found else None


def _columns_layout(kb: KnowledgeBase, ids: list[str]) -> _Layout:
    """Proposals left, offences centre, references right, ordered by barycentres."""
    adjacent = kb.neighbours
    columns = {kind: [i for i in ids if kb.entries[i].kind is kind] for kind in _KIND_ORDER}
    columns[Kind.offence].sort(key=lambda i: _article_key(kb.entries[i]))
    for _ in range(_BARYCENTRE_PASSES):
        for kind in (Kind.proposal, Kind.reference, Kind.offence):
            columns[kind] = _barycentre_order(kb, columns, kind, adjacent)
    ys = _column_heights(kb, columns, adjacent)

    widths = {
        k: max((_box_width(kb.entries[i]) for i in c), default=0.0) for k, c in columns.items()
    }
    left = _MARGIN  # proposals: right-aligned, so edges leave from their right edges
    centre = left + widths[Kind.proposal] + _COLUMN_GAP + widths[Kind.offence] / 2
    right = centre + widths[Kind.offence] / 2 + _COLUMN_GAP  # references: left-aligned
    boxes: dict[str, _Box] = {}
    for i in columns[Kind.proposal]:
        boxes[i] = _box(kb.entries[i], left + widths[Kind.proposal], ys[i], -1, 0)
    for i in columns[Kind.offence]:
        boxes[i] = _box(kb.entries[i], centre, ys[i], 0, 1)
    for i in columns[Kind.reference]:
        boxes[i] = _box(kb.entries[i], right, ys[i], 1, 2)
    headings = (
        (left + widths[Kind.proposal] / 2, _KIND_HEADINGS[Kind.proposal]),
        (centre, _KIND_HEADINGS[Kind.offence]),
        (right + widths[Kind.reference] / 2, _KIND_HEADINGS[Kind.reference]),
    )
    width = right + widths[Kind.reference] + _MARGIN
    rows = max((len(c) for c in columns.values()), default=1)
    return _Layout(boxes, headings, width, _HEADER + rows * _ROW + _ROW)


def _positions(columns: Mapping[Kind, list[str]]) -> dict[str, float]:
    """Each id's place in its column as a fraction (0-1), so columns of different
    lengths can be compared."""
    return {i: (n + 0.5) / len(c) for c in columns.values() for n, i in enumerate(c)}


def _barycentre_order(
    kb: KnowledgeBase,
    columns: Mapping[Kind, list[str]],
    kind: Kind,
    adjacent: Mapping[str, tuple[str, ...]],
) -> list[str]:
    """Column `kind` sorted by the mean place of each entry's neighbours in the other
    columns; an entry with none keeps its place."""
    pos = _positions(columns)

    def key(i: str) -> tuple[float, float, str]:
        mean = _mean(pos[n] for n in adjacent[i] if n in pos and kb.entries[n].kind is not kind)
        return (pos[i] if mean is None else mean, pos[i], i)

    return sorted(columns[kind], key=key)


def _column_heights(
    kb: KnowledgeBase, columns: Mapping[Kind, list[str]], adjacent: Mapping[str, tuple[str, ...]]
) -> dict[str, float]:
    """Vertical centres. The longest column is evenly spaced; each shorter one is placed
    at its neighbours' mean height, pushed apart to a row's distance, so a small column
    sits beside what it connects to instead of being stretched over the whole map."""
    order = sorted(columns, key=lambda k: (-len(columns[k]), _KIND_ORDER[k]))
    rows = max((len(c) for c in columns.values()), default=1)
    top, bottom = _HEADER + _ROW / 2, _HEADER + _ROW / 2 + (rows - 1) * _ROW
    ys: dict[str, float] = {}
    for n, i in enumerate(columns[order[0]]):
        ys[i] = top + n * _ROW
    for kind in order[1:]:
        column = columns[kind]
        desired, rank = {}, {i: n for n, i in enumerate(column)}
        for n, i in enumerate(column):
            fallback = top + (n + 0.5) / len(column) * (bottom - top)
            mean = _mean(ys[m] for m in adjacent[i] if m in ys)
            desired[i] = fallback if mean is None else mean
        ranked = sorted(column, key=lambda i: (desired[i], rank[i]))
        ys.update(_spread(ranked, desired, top, bottom))
    return ys


def _spread(
    ranked: list[str], desired: Mapping[str, float], top: float, bottom: float
) -> dict[str, float]:
    """Heights as close to `desired` as rows a `_ROW` apart, between top and bottom."""
    placed: list[float] = []
    for i in ranked:  # push down past the row above
        floor = placed[-1] + _ROW if placed else top
        placed.append(max(desired[i], floor))
    for n in range(len(placed) - 1, -1, -1):  # pull back up where the bottom overflowed
        ceiling = placed[n + 1] - _ROW if n + 1 < len(placed) else bottom
        placed[n] = min(placed[n], ceiling)
    return dict(zip(ranked, placed, strict=True))


def _rings_layout(kb: KnowledgeBase, rings: list[list[str]]) -> _Layout:
    """The centre in the middle; ring d split into a left and a right half, each half a
    column of rows bent outward in the middle, so the map reads as rings around the
    entry while rows on one side never overlap."""
    centre = _box(kb.entries[rings[0][0]], 0.0, 0.0, 0, 0, CENTRE_LABEL_CHARS)
    boxes = {centre.entry.id: centre}
    sides = _ring_sides(kb, rings)
    tallest = max((len(s) for ring in sides for s in ring.values()), default=1)
    half_height = tallest * _ROW / 2 + _ROW
    bulge = min(220.0, 0.45 * half_height)
    offset = centre.width / 2 + _RING_GAP
    for distance, ring in enumerate(sides, start=1):
        for side, ids in ring.items():
            for n, i in enumerate(ids):
                y = (n - (len(ids) - 1) / 2) * _ROW
                x = side * (offset + bulge * math.sqrt(1 - (y / half_height) ** 2))
                boxes[i] = _box(kb.entries[i], x, y, side, side * distance)
        ring_width = max(_box_width(kb.entries[i]) for ids in ring.values() for i in ids)
        offset += ring_width + _RING_GAP
    return _normalised(boxes)


def _ring_sides(kb: KnowledgeBase, rings: list[list[str]]) -> list[dict[int, list[str]]]:
    """Each ring's ids by side (-1 left, +1 right), top to bottom. The first ring is in
    kind order (proposals first, references last) split in half, matching the whole map's
    left-to-right order; a later ring's entry goes to the side most of its neighbours in
    the ring before are on, at their mean row."""
    if len(rings) < 2:
        return []
    adjacent = kb.neighbours
    first = sorted(rings[1], key=lambda i: (_KIND_ORDER[kb.entries[i].kind], _label_key(kb, i)))
    half = (len(first) + 1) // 2
    out = [{-1: first[:half], 1: first[half:]}]
    for ring in rings[2:]:
        rows = {i: (side, n) for side, ids in out[-1].items() for n, i in enumerate(ids)}
        parts: dict[int, list[tuple[float, str]]] = {-1: [], 1: []}
        for i in ring:
            parents = [rows[m] for m in adjacent[i] if m in rows]
            side = 1 if sum(s for s, _ in parents) >= 0 else -1
            mean = _mean(n for s, n in parents if s == side)
            parts[side].append((math.inf if mean is None else mean, i))
        out.append({s: [i for _, i in sorted(p)] for s, p in parts.items()})
    return out


def _label_key(kb: KnowledgeBase, entry_id: str) -> tuple[str, str]:
    return node_label(kb.entries[entry_id]).casefold(), entry_id


def _normalised(boxes: Mapping[str, _Box]) -> _Layout:
    """The boxes moved so the drawing starts below the header, with a margin for arcs."""
    left = min(b.x0 for b in boxes.values())
    top = min(b.y for b in boxes.values())
    dx, dy = _MARGIN - left, _HEADER + _ROW / 2 - top
    moved = {i: b.moved(dx, dy) for i, b in boxes.items()}
    width = max(b.x1 for b in moved.values()) + _MARGIN
    height = max(b.y for b in moved.values()) + _ROW
    return _Layout(moved, (), width, height)


# --- drawing ----------------------------------------------------------------------------


def _num(value: float) -> str:
    # One decimal: deterministic, and small files.
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _edge_path(a: _Box, b: _Box) -> str:
    """A curve between the facing sides of two boxes: an S-curve across columns, an arc
    bulging outward between boxes of one column."""
    if a.lane == b.lane:
        side = a.outward
        ax, bx = (a.x1, b.x1) if side > 0 else (a.x0, b.x0)
        reach = min(30 + 0.3 * abs(a.y - b.y), 0.8 * _MARGIN)
        control = max(ax, bx) + reach if side > 0 else min(ax, bx) - reach
        return (
            f"M{_num(ax)} {_num(a.y)}C{_num(control)} {_num(a.y)} {_num(control)} {_num(b.y)} "
            f"{_num(bx)} {_num(b.y)}"
        )
    if a.cx > b.cx:
        a, b = b, a
    ax, bx = a.x1, b.x0
    mid = (ax + bx) / 2
    return (
        f"M{_num(ax)} {_num(a.y)}C{_num(mid)} {_num(a.y)} {_num(mid)} {_num(b.y)} "
        f"{_num(bx)} {_num(b.y)}"
    )


def _edge_classes(edge: _Edge, center: str | None) -> str:
    # Around one entry, its own relations are what the map is for; the ties among its
    # neighbours stay visible but recede.
    if center is None:
        return f"edge {edge.style}"
    return f"edge {edge.style} {'spoke' if center in (edge.a, edge.b) else 'faint'}"


def _node(box: _Box, href_prefix: str, centre: bool) -> str:
    entry = box.entry
    classes = f"node {entry.kind.value}" + (" centre" if centre else "")
    top = box.y - _BOX_H / 2
    return (
        f"<a class={quoteattr(classes)} id={quoteattr('n-' + entry.id)} "
        f'href={quoteattr(entry_url(entry, href_prefix))} target="_top">'
        f"<title>{escape(_tooltip(entry))}</title>"
        f'<rect x="{_num(box.x0)}" y="{_num(top)}" width="{_num(box.width)}" '
        f'height="{_num(_BOX_H)}" rx="4"/>'
        f'<text x="{_num(box.cx)}" y="{_num(box.y + _FONT * 0.35)}" text-anchor="middle">'
        f"{escape(box.label)}</text></a>"
    )


def _header(
    title: str, layout: _Layout, edges: list[_Edge], center: str | None, href_prefix: str
) -> list[str]:
    count = len(layout.boxes)
    note = (
        f"{count} {'entry' if count == 1 else 'entries'}, {len(edges)} "
        f"{'relation' if len(edges) == 1 else 'relations'}. "
        "Each box opens its page; hover over it for details."
    )
    lines = [
        f'<text class="heading" x="20" y="30">{escape(title)}</text>',
        f'<text class="note" x="20" y="52">{escape(note)}</text>',
    ]
    x = 20.0
    for kind in _KIND_ORDER:
        lines.append(
            f'<rect class="swatch {kind.value}" x="{_num(x)}" y="64" width="14" height="12" '
            'rx="2"/>'
        )
        lines.append(f'<text x="{_num(x + 20)}" y="74">{kind.value}</text>')
        x += 20 + _text_width(kind.value) + 24
    if center is not None:
        url = f"{href_prefix}{map_path(None)}"
        lines.append(
            f'<a href={quoteattr(url)} target="_top"><text class="link" x="{_num(x + 12)}" y="74">'
            "Map of all entries</text></a>"
        )
    for cx, text in layout.headings:
        lines.append(
            f'<text class="column" x="{_num(cx)}" y="{_num(_HEADER - 4)}" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
    return lines


def _document(
    title: str, layout: _Layout, edges: list[_Edge], center: str | None, href_prefix: str
) -> str:
    # Wide enough for the header too (its title is set at 1.5 times the label size).
    width = math.ceil(max(layout.width, _text_width(title) * 1.5 + 40, _MIN_WIDTH))
    height = math.ceil(layout.height)
    paths = [
        f'<path class="{_edge_classes(e, center)}" '
        f'd="{_edge_path(layout.boxes[e.a], layout.boxes[e.b])}"/>'
        for e in edges
    ]
    nodes = [_node(b, href_prefix, i == center) for i, b in layout.boxes.items()]
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" lang="en">',
            f"<title>{escape(title)}</title>",
            f"<style>{_STYLE}</style>",
            *_header(title, layout, edges, center, href_prefix),
            # Edges first: later elements paint over earlier ones, so boxes stay legible.
            '<g class="edges">',
            *paths,
            "</g>",
            '<g class="nodes">',
            *nodes,
            "</g>",
            "</svg>",
            "",
        ]
    )
