"""Machine-readable files published with the site: the whole knowledge base as JSON,
the JSON Schemas, per-reference citation downloads and an Atom feed of changes."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from xml.sax.saxutils import escape, quoteattr

from generator.core.link import KnowledgeBase
from generator.core.paths import page_url
from generator.core.schema import Kind, Offence, Reference, json_schema
from generator.render.citations import bibtex, csl_item, ris
from generator.render.pages import absolute_url, article_forms, cite_path, last_updated

DATA_DIR = PurePosixPath("data")
FEED_PATH = PurePosixPath("feed.xml")
FEED_SIZE = 50


def knowledge_base_json(kb: KnowledgeBase, site_url: str) -> str:
    entries = []
    for entry in kb.entries.values():
        entries.append(
            {
                "id": entry.id,
                "kind": entry.kind.value,
                "url": absolute_url(site_url, entry),
                "source": str(entry.path),
                "last_updated": last_updated(kb, entry),
                "fields": entry.meta.model_dump(mode="json", exclude_defaults=True),
                "relations": [
                    {"field": r.field, "target": r.target, **({"at": r.at} if r.at else {})}
                    for r in kb.outbound.get(entry.id, ())
                ],
                "cited_by": sorted({r.source for r in kb.inbound.get(entry.id, ())}),
            }
        )
    document = {"generator": "Cyberlaw Atlas", "entries": entries, "redirects": dict(kb.redirects)}
    return _compact_json(document)


def citation_files(kb: KnowledgeBase, site_url: str) -> dict[PurePosixPath, str]:
    files: dict[PurePosixPath, str] = {}
    for entry in kb.of_kind(Kind.reference):
        meta = entry.meta
        assert isinstance(meta, Reference)
        url = absolute_url(site_url, entry)
        files[cite_path(entry.id, "bib")] = bibtex(entry.id, meta, url)
        files[cite_path(entry.id, "ris")] = ris(entry.id, meta, url)
        files[cite_path(entry.id, "json")] = _compact_json([csl_item(entry.id, meta, url)])
    return files


def _compact_json(data: object) -> str:
    # Read by programs and reference managers, not people: without `indent` the json
    # module encodes in C, ten times faster (the whole knowledge base at 10,000 entries:
    # 1.7 s down to 0.6 s).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def atom_feed(kb: KnowledgeBase, site_url: str) -> str:
    """The most recently changed entries, newest first (dates from git history)."""
    newest = sorted(kb.entries.values(), key=lambda e: (last_updated(kb, e), e.id), reverse=True)[
        :FEED_SIZE
    ]
    updated = last_updated(kb, newest[0]) if newest else "1970-01-01"
    items = []
    for entry in newest:
        url = absolute_url(site_url, entry)
        when = last_updated(kb, entry)
        items.append(
            "  <entry>\n"
            f"    <title>{escape(entry.meta.title)}</title>\n"
            f"    <link href={quoteattr(url)}/>\n"
            f"    <id>{escape(url)}</id>\n"
            f"    <updated>{when}T00:00:00Z</updated>\n"
            f"    <summary>{escape(entry.meta.summary)}</summary>\n"
            f"    <category term={quoteattr(entry.kind.value)}/>\n"
            "  </entry>\n"
        )
    base = site_url.rstrip("/") + "/"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "  <title>Cyberlaw Atlas: recent changes</title>\n"
        f"  <link href={quoteattr(base)}/>\n"
        f'  <link rel="self" href={quoteattr(base + str(FEED_PATH))}/>\n'
        f"  <id>{escape(base)}</id>\n"
        f"  <updated>{updated}T00:00:00Z</updated>\n"
        "  <author><name>Cyberlaw Atlas contributors</name></author>\n"
        + "".join(items)
        + "</feed>\n"
    )


def lookup_key(text: str) -> str:
    """How a typed citation is compared: case, spaces, dots and brackets ignored.
    overrides/assets/atlas.js applies the same rule to what the reader types."""
    return re.sub(r"[\s.()（）]", "", text.lower())


def article_lookup(kb: KnowledgeBase) -> str:
    """Every way of writing each offence's article number -> the offences it names, so
    that the search box can offer the article itself first, however it is written."""
    table: dict[str, list[dict[str, str]]] = {}
    for entry in kb.of_kind(Kind.offence):
        meta = entry.meta
        assert isinstance(meta, Offence)
        target = {"url": page_url(entry.kind, entry.id), "title": meta.title}
        for form in {meta.article, *article_forms(meta)}:
            matches = table.setdefault(lookup_key(form), [])
            if target not in matches:
                matches.append(target)
    return json.dumps(table, ensure_ascii=False, sort_keys=True) + "\n"


def data_files(kb: KnowledgeBase, site_url: str) -> dict[PurePosixPath, str]:
    files = {
        DATA_DIR / "atlas.json": knowledge_base_json(kb, site_url),
        FEED_PATH: atom_feed(kb, site_url),
    }
    for kind in Kind:
        files[DATA_DIR / f"{kind.value}.schema.json"] = (
            json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"
        )
    files[DATA_DIR / "articles.json"] = article_lookup(kb)
    files.update(citation_files(kb, site_url))
    return files
