"""Relationship maps: well-formed standalone SVG, every node a link to a page that is
generated, neighbourhoods exact, nothing executable, contributor text escaped."""

from __future__ import annotations

import itertools
import os
import posixpath
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from conftest import DATA, REPO, MakeKb
from synth import synthesise

from generator.core.history import GitHistory
from generator.core.link import KnowledgeBase
from generator.core.pipeline import build_knowledge_base
from generator.render.maps import (
    CENTRE_LABEL_CHARS,
    LABEL_CHARS,
    MAP_HREF_PREFIX,
    entry_url,
    graph_files,
    graph_svg,
    map_path,
    neighbourhood,
    node_label,
    truncate,
)
from generator.render.pages import render

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module", params=["small", "real"])
def kb(request: pytest.FixtureRequest) -> KnowledgeBase:
    kb: KnowledgeBase = request.getfixturevalue(str(request.param))
    return kb


@pytest.fixture(scope="module")
def maps(kb: KnowledgeBase) -> dict[PurePosixPath, ET.Element]:
    return {path: ET.fromstring(text) for path, text in graph_files(kb).items()}


def site_pages(kb: KnowledgeBase) -> set[str]:
    """Site paths (directory URLs, no trailing slash) of every page render() generates."""
    pages = set()
    for path in render(kb):
        if path.suffix == ".md":
            stem = path.with_suffix("")
            pages.add(str(stem.parent if stem.name == "index" else stem))
    return pages


def resolve(svg: PurePosixPath, href: str) -> str:
    return posixpath.normpath(posixpath.join(str(svg.parent), href))


def node_links(root: ET.Element) -> dict[str, ET.Element]:
    """The entry nodes of a map, by entry id (each node's id attribute is n-<entry id>)."""
    nodes = {}
    for a in root.iter(f"{SVG}a"):
        if "node" in a.get("class", "").split():
            nodes[a.get("id", "").removeprefix("n-")] = a
    return nodes


def neighbours(kb: KnowledgeBase, entry_id: str) -> set[str]:
    out = {r.target for r in kb.outbound.get(entry_id, ())}
    return out | {r.source for r in kb.inbound.get(entry_id, ())}


# --- the URL scheme -----------------------------------------------------------------------


def test_url_scheme_is_directory_urls_from_the_map_folder(small: KnowledgeBase) -> None:
    assert MAP_HREF_PREFIX == "../"
    assert map_path(None) == PurePosixPath("map/index.svg")
    assert map_path("art-287-2") == PurePosixPath("map/art-287-2.svg")
    assert entry_url(small.entries["art-287-2"], "../") == "../offences/art-287-2/"
    assert entry_url(small.entries["shi-2025"], "") == "references/shi-2025/"
    svg = ET.fromstring(graph_svg(small, "art-287-2", href_prefix="../../"))
    assert node_links(svg)["art-287-2"].get("href") == "../../offences/art-287-2/"


def test_one_map_for_the_whole_base_and_one_per_entry(kb: KnowledgeBase) -> None:
    expected = {PurePosixPath("map/index.svg")} | {
        PurePosixPath(f"map/{i}.svg") for i in kb.entries
    }
    assert set(graph_files(kb)) == expected


# --- documents ----------------------------------------------------------------------------


def test_every_map_is_a_standalone_svg_document(maps: dict[PurePosixPath, ET.Element]) -> None:
    for path, root in maps.items():
        assert root.tag == f"{SVG}svg", path
        for attribute in ("width", "height", "viewBox"):
            assert root.get(attribute), (path, attribute)
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        title = root.find(f"{SVG}title")
        assert title is not None and title.text, path
        assert root.find(f"{SVG}style") is not None, path


def test_every_node_links_to_a_generated_entry_page(
    kb: KnowledgeBase, maps: dict[PurePosixPath, ET.Element]
) -> None:
    pages = site_pages(kb)
    for path, root in maps.items():
        for entry_id, a in node_links(root).items():
            entry = kb.entries[entry_id]
            target = resolve(path, a.get("href", ""))
            assert target == f"{entry.kind.value}s/{entry_id}", (path, a.get("href"))
            assert target in pages, (path, target)
            tooltip = a.find(f"{SVG}title")
            assert tooltip is not None and tooltip.text, (path, entry_id)
            assert tooltip.text.startswith(entry.meta.title)


def test_every_other_link_is_a_generated_map(
    kb: KnowledgeBase, maps: dict[PurePosixPath, ET.Element]
) -> None:
    pages = site_pages(kb) | {str(p) for p in maps}
    for path, root in maps.items():
        for a in root.iter(f"{SVG}a"):
            assert resolve(path, a.get("href", "")) in pages, (path, a.get("href"))


def test_whole_map_shows_every_entry_in_kind_columns(
    kb: KnowledgeBase, maps: dict[PurePosixPath, ET.Element]
) -> None:
    nodes = node_links(maps[PurePosixPath("map/index.svg")])
    assert set(nodes) == set(kb.entries)

    def centre_x(a: ET.Element) -> float:
        rect = a.find(f"{SVG}rect")
        assert rect is not None
        return float(rect.get("x", "0")) + float(rect.get("width", "0")) / 2

    columns = {
        kind: {centre_x(a) for i, a in nodes.items() if kb.entries[i].kind.value == kind}
        for kind in ("proposal", "offence", "reference")
    }
    assert max(columns["proposal"]) < min(columns["offence"])
    assert max(columns["offence"]) < min(columns["reference"])


def test_nodes_never_overlap(maps: dict[PurePosixPath, ET.Element]) -> None:
    for path, root in maps.items():
        boxes: list[tuple[float, float, float, float]] = []
        for node in node_links(root).values():
            rect = node.find(f"{SVG}rect")
            assert rect is not None
            x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
            boxes.append(
                (x, y, x + float(rect.get("width", "0")), y + float(rect.get("height", "0")))
            )
            assert x >= 0 and y >= 0, path
            assert boxes[-1][2] <= float(root.get("width", "0")), path
            assert boxes[-1][3] <= float(root.get("height", "0")), path
        for one, two in itertools.combinations(boxes, 2):
            overlap = one[0] < two[2] and two[0] < one[2] and one[1] < two[3] and two[1] < one[3]
            assert not overlap, (path, one, two)


def test_edges_are_drawn_under_the_nodes(
    kb: KnowledgeBase, maps: dict[PurePosixPath, ET.Element]
) -> None:
    root = maps[PurePosixPath("map/index.svg")]
    groups = [g.get("class") for g in root.findall(f"{SVG}g")]
    assert groups == ["edges", "nodes"]
    pairs = {frozenset((r.source, r.target)) for rels in kb.outbound.values() for r in rels}
    assert len(root.findall(f"{SVG}g/{SVG}path")) == len(pairs)


def test_maps_are_deterministic(small: KnowledgeBase) -> None:
    assert graph_files(small) == graph_files(
        build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    )


# --- neighbourhoods -----------------------------------------------------------------------


def test_depth_one_map_is_the_entry_and_its_direct_neighbours(
    kb: KnowledgeBase, maps: dict[PurePosixPath, ET.Element]
) -> None:
    for entry_id in kb.entries:
        nodes = node_links(maps[PurePosixPath(f"map/{entry_id}.svg")])
        assert set(nodes) == {entry_id} | neighbours(kb, entry_id), entry_id
        centre = [i for i, a in nodes.items() if "centre" in a.get("class", "").split()]
        assert centre == [entry_id]


def test_depth_two_reaches_neighbours_of_neighbours(small: KnowledgeBase) -> None:
    # art-287-1 is named by art-287-2 (related) and cites amendment-ix; the proposal and
    # the paper are two steps away, through art-287-2.
    assert neighbours(small, "art-287-1") == {"art-287-2", "amendment-ix"}
    rings = neighbourhood(small, "art-287-1", 2)
    assert rings == [
        ["art-287-1"],
        ["amendment-ix", "art-287-2"],
        ["s001-liability-tiers", "shi-2025"],
    ]
    nodes = node_links(ET.fromstring(graph_svg(small, "art-287-1", 2, href_prefix="../")))
    assert set(nodes) == set(small.entries)


def test_bad_centre_or_depth_is_refused(small: KnowledgeBase) -> None:
    with pytest.raises(KeyError):
        graph_svg(small, "no-such-entry", href_prefix="../")
    with pytest.raises(ValueError, match="depth"):
        graph_svg(small, "art-287-2", 0, href_prefix="../")


# --- labels -------------------------------------------------------------------------------


def test_labels_are_short(small: KnowledgeBase) -> None:
    assert node_label(small.entries["art-287-2"]) == "Art. 287-2"
    assert truncate("short") == "short"
    assert truncate("Criminal Regulation of AI Crimes") == "Criminal Regulation of AI…"
    assert (
        truncate("Supercalifragilisticexpialidocious-and-so-on") == "Supercalifragilisticexpiali…"
    )
    assert truncate("Rules, in their entirety, of", 20) == "Rules, in their…"
    assert truncate("x" * 40, 28) == "x" * 27 + "…"
    assert node_label(small.entries["shi-2025"]) == "Criminal Regulation of AI…"
    assert node_label(small.entries["shi-2025"], 40) == "Criminal Regulation of AI Crimes"


# --- safety -------------------------------------------------------------------------------

HOSTILE_TITLE = "AT&T \"quoted\" 'single' &amp; & done"
HOSTILE = {
    "tags.yml": "t:\n  label: T\n  description: A tag.\n",
    "references/hostile.md": f"""\
        ---
        title: '{HOSTILE_TITLE.replace("'", "''")}'
        summary: 'Summary with & and "quotes".'
        type: statute
        issuer: ['Issuer & "Co"']
        date: 2020-01-02
        reviewed: 2026-01-01
        ---
        """,
    "offences/art-1.md": """\
        ---
        title: 'Art. 1: "Quoted" & co'
        title_zh: 罪
        summary: An offence & more.
        article: "1"
        chapter: 6
        max_penalty: fixed-term imprisonment
        max_years: 3
        unit_liability: false
        sources: [{ref: hostile, at: "Art. 1 & 2"}]
        reviewed: 2026-01-01
        ---
        """,
}


@pytest.fixture
def hostile(make_kb: MakeKb) -> KnowledgeBase:
    kb = build_knowledge_base(make_kb(HOSTILE), GitHistory.skipped())
    assert kb.problems == (), [p.text() for p in kb.problems]
    assert kb.entries["hostile"].meta.title == HOSTILE_TITLE
    return kb


@pytest.mark.parametrize("which", ["small", "real", "hostile"])
def test_maps_hold_nothing_executable_or_external(
    request: pytest.FixtureRequest, which: str
) -> None:
    kb = request.getfixturevalue(which)
    for path, text in graph_files(kb).items():
        assert "<script" not in text.lower(), path
        assert "javascript:" not in text.lower() and "url(" not in text, path
        for element in ET.fromstring(text).iter():
            tag = element.tag.removeprefix(SVG)
            assert tag not in {"script", "foreignObject", "iframe", "image", "use"}, path
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (path, name)
                assert not name.startswith(XLINK), (path, name)
                if name == "href":
                    parts = urlsplit(value)
                    assert not parts.scheme and not parts.netloc, (path, value)


def test_hostile_titles_are_escaped(hostile: KnowledgeBase) -> None:
    for path, text in graph_files(hostile).items():
        root = ET.fromstring(text)  # a stray '&' or quote would make it ill-formed
        nodes = node_links(root)
        if "hostile" not in nodes:
            continue
        tooltip = nodes["hostile"].find(f"{SVG}title")
        label = nodes["hostile"].find(f"{SVG}text")
        assert tooltip is not None and tooltip.text is not None
        assert label is not None
        # The text comes back exactly, so '&amp;' in the title was escaped once more.
        assert tooltip.text.startswith(HOSTILE_TITLE), path
        # The map around the entry gives it a longer label than the others do.
        limit = CENTRE_LABEL_CHARS if path.stem == "hostile" else LABEL_CHARS
        assert label.text == node_label(hostile.entries["hostile"], limit), path
        assert "AT&amp;T" in text and "&amp;amp;" in text, path
    centre = ET.fromstring(graph_svg(hostile, "hostile", href_prefix="../"))
    title = centre.find(f"{SVG}title")
    assert title is not None and title.text == f"Cyberlaw Atlas: map around {HOSTILE_TITLE}"


def test_an_entry_called_index_would_overwrite_the_whole_map(make_kb: MakeKb) -> None:
    files = dict(HOSTILE)
    files["references/index.md"] = files.pop("references/hostile.md")
    files["offences/art-1.md"] = files["offences/art-1.md"].replace("ref: hostile", "ref: index")
    kb = build_knowledge_base(make_kb(files), GitHistory.skipped())
    assert "index" in kb.entries
    with pytest.raises(ValueError, match="index"):
        graph_files(kb)


def test_real_maps_stay_small(real: KnowledgeBase) -> None:
    # Sizes stay small enough to ship one map per entry: the whole map well under 1 MB.
    files = graph_files(real)
    assert len(files[PurePosixPath("map/index.svg")]) < 500_000
    assert all(len(text) < 200_000 for text in files.values())


@pytest.mark.slow
def test_the_whole_map_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Layouts average positions over neighbours: summed in set order, which changes with
    Python's hash seed, the floats moved boxes, and each build wrote another map of all
    entries (at 1,000 entries every seed gave a different one)."""
    synthesise(1000, tmp_path, REPO)
    script = (
        "import hashlib, sys; from pathlib import Path; from generator.core.pipeline import "
        "build_knowledge_base; from generator.render.maps import graph_svg; "
        "from generator.core.history import GitHistory; "
        "kb = build_knowledge_base(Path(sys.argv[1]), GitHistory.skipped()); "
        "print(hashlib.sha256(graph_svg(kb, None, href_prefix='../').encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
