"""The whole docs tree MkDocs builds: the rendered pages plus the timeline, the maps and
the data files. Kept apart from render.py because those modules build on its helpers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from .exports import data_files
from .graph import graph_files
from .link import KnowledgeBase
from .render import render
from .timeline import TIMELINE_PATH, timeline_page


def docs_tree(kb: KnowledgeBase, site_url: str) -> Mapping[PurePosixPath, str]:
    tree = dict(render(kb, site_url))
    tree[TIMELINE_PATH] = timeline_page(kb)
    tree.update(graph_files(kb))
    tree.update(data_files(kb, site_url))
    return tree
