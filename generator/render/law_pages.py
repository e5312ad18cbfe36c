"""The text pages of the official texts: law/<reference-id>.md in the docs tree, one per
copy in content/law/ (core/law_sources.py), made from the parsed text (core/law_text.py).

Every article is a heading with its anchor (art-287-2) and the theme's permalink; every
paragraph and item is a block with an anchor of its own (art-287-2-p1, art-287-2-p1-i3),
given through attr_list, which only generator-made Markdown may use. Every piece of law
text is escaped into inert Markdown: a copy is data, never markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

import yaml

from generator.core.law_sources import LawCopy
from generator.core.law_text import Article, Heading, Paragraph
from generator.core.link import KnowledgeBase
from generator.core.paths import law_page_path, law_page_url, page_path
from generator.core.schema import Kind
from generator.render.pages import law_md, md, zh, zh_number

SNAPSHOT_SOURCE = "LawRefBook/Laws"


def _zh_block(text: str, anchor: str) -> str:
    return f'{law_md(text)}\n{{: #{anchor} lang="zh" }}\n'


def english_title(kb: KnowledgeBase, ref_id: str) -> str:
    return kb.entries[ref_id].meta.title.replace("People's Republic of China", "PRC")


def cite_chinese(copy: LawCopy, article: Article) -> str:
    """《中华人民共和国刑法》第二百八十七条之二; an amendment's point 一、 is its 第一条."""
    label = article.label if article.label.startswith("第") else f"第{zh_number(article.number)}条"
    return f"《{copy.instrument.title}》{label}"


def cite_english(kb: KnowledgeBase, copy: LawCopy, article: Article) -> str:
    return f"{english_title(kb, copy.ref_id)}, Art. {article.article_id}"


def law_pages(kb: KnowledgeBase, site_url: str) -> Mapping[PurePosixPath, str]:
    base = site_url.rstrip("/") + "/"
    return {
        law_page_path(ref_id): render_law_page(kb, copy, base) for ref_id, copy in kb.law.items()
    }


def render_law_page(kb: KnowledgeBase, copy: LawCopy, base: str) -> str:
    entry = kb.entries[copy.ref_id]
    path = law_page_path(copy.ref_id)
    up = "../" * (len(path.parts) - 1)
    url = law_page_url(copy.ref_id, base)
    instrument = copy.instrument
    title = f"{entry.meta.title}: official Chinese text"
    parts = [
        _front(title, copy),
        f"# {md(title)}\n",
        f'{law_md(instrument.title)}\n{{: lang="zh" }}\n',
        _source_statement(copy, f"{up}{page_path(Kind.reference, copy.ref_id)}"),
    ]
    if copy.note:
        parts.append(f"**Note.** {md(copy.note)}\n")
    parts.extend(
        f'{law_md(line)}\n{{: lang="zh" }}\n' for line in (*instrument.info, *instrument.preamble)
    )
    level = 1
    for block in instrument.body:
        if isinstance(block, Heading):
            level = min(block.level, 5)
            parts.append(f'{"#" * level} {law_md(block.text)} {{: lang="zh" }}\n')
            parts.extend(f'{law_md(line)}\n{{: lang="zh" }}\n' for line in block.lines)
        else:
            parts.append(_article(kb, copy, block, min(level + 1, 6), url))
    return "\n".join(parts)


def _front(title: str, copy: LawCopy) -> str:
    meta = {
        "kind": "law",
        "entry_id": copy.ref_id,
        "summary": f"{title}, article by article, each with its own anchor.",
        "source_path": str(copy.path),
        "search": {"boost": 0.5},
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def _source_statement(copy: LawCopy, reference_href: str) -> str:
    snapshot = copy.snapshot.strftime("%-d %B %Y") if copy.snapshot else "an undated snapshot"
    return (
        "The Chinese text on this page is the official text of the instrument described in "
        f"[its reference entry]({reference_href}). It is copied, unchanged, from the open "
        f"LawRefBook project's transcription ({md(SNAPSHOT_SOURCE)}, snapshot of {snapshot}) "
        "of the National People's Congress database of laws and regulations and the courts' "
        f"published interpretations (file {md(copy.copied_from)}). The Chinese is the official "
        "text; the atlas gives no official English. Any English on this site is the atlas's "
        "own, unofficial rendering. Official texts are not protected by copyright "
        "(PRC Copyright Law, Art. 5).\n"
    )


def _article(kb: KnowledgeBase, copy: LawCopy, article: Article, level: int, url: str) -> str:
    lines = [f'{"#" * level} {law_md(article.label)} {{: #{article.anchor} lang="zh" }}\n']
    lines.extend(paragraph_blocks(article.paragraphs))
    lines.extend(f'{law_md(note)}\n{{: lang="zh" }}\n' for note in article.notes)
    lines.append(_cite_line(kb, copy, article, url))
    return "\n".join(lines)


def _cite_line(kb: KnowledgeBase, copy: LawCopy, article: Article, url: str) -> str:
    link = f"{url}#{article.anchor}"
    return (
        f"Cite this provision: {zh(cite_chinese(copy, article))} · "
        f"{md(cite_english(kb, copy, article))} · [{md(link)}](#{article.anchor})\n"
    )


def paragraph_blocks(paragraphs: tuple[Paragraph, ...]) -> Iterator[str]:
    """Each paragraph and each of its items a block with its own anchor."""
    for paragraph in paragraphs:
        yield _zh_block(paragraph.text, paragraph.anchor)
        for item in paragraph.items:
            yield _zh_block(item.text, item.anchor)
