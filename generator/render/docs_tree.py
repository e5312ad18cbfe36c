"""The whole docs tree MkDocs builds: the rendered pages plus the timeline, the maps and
the data files. Kept apart from render.py because those modules build on its helpers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from generator.core.link import KnowledgeBase
from generator.render.exports import data_files
from generator.render.law_pages import law_pages
from generator.render.maps import Drawings, graph_files
from generator.render.pages import render
from generator.render.timeline import TIMELINE_PATH, timeline_page


def docs_tree(
    kb: KnowledgeBase, site_url: str, drawings: Drawings | None = None
) -> Mapping[PurePosixPath, str]:
    # The pages last: on a cold build their formatted citations are still being made in
    # other processes (citations.FormattedCitations.preparing) while the rest is rendered.
    timeline = timeline_page(kb)
    graphs = graph_files(kb, drawings)
    data = data_files(kb, site_url)
    texts = law_pages(kb, site_url)
    return {**render(kb, site_url), TIMELINE_PATH: timeline, **texts, **graphs, **data}
