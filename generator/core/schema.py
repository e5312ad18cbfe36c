"""The one declaration of every entry's front matter.

Validation, the JSON Schema for editors (`atlas schema`) and the contributor field
reference in CONTRIBUTING.md (`atlas docs`) are all derived from these models, so they cannot drift.
Each field's `description` is written for a legal researcher, not a programmer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# For pydantic (Rust regex) and JSON Schema, where '$' is the end of the text.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# In Python '$' also matches before a final newline, which made 'shi-2025\n' a second,
# distinct id: Python code tests ids with fullmatch.
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 80
# Names Windows refuses as files whatever their extension, and 'index', which would take
# the place of a generated list page.
_RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul", "index"}
    | {f"{device}{n}" for device in ("com", "lpt") for n in range(10)}
)


def id_error(value: str) -> str | None:
    """Why `value` cannot be an id (it becomes a file name and a URL), or None."""
    if not ID_RE.fullmatch(value):
        return f"'{_shown(value)}' is not a valid id"
    if len(value) > MAX_ID_LENGTH:
        return f"id is {len(value)} characters long; the limit is {MAX_ID_LENGTH}"
    if value in _RESERVED_IDS:
        return f"'{value}' is a reserved name and cannot be an id"
    return None


def _shown(value: str) -> str:
    # An id that fails may hold anything, including terminal escapes: show it inert.
    return value.encode("unicode_escape").decode("ascii")[:100]


# Characters that change how text around them is displayed without being seen: C0 and
# C1 controls, bidirectional overrides and isolates, zero-width characters. In a title
# or an id they spoof what a reader or reviewer sees; in feeds and maps they break XML.
INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)

# Values that become page text are plain text: no markup characters that a browser or
# Markdown could turn into HTML. Bodies are checked separately (see validate.py).
_MARKUP_RE = re.compile(r"[<>]")


def _plain_text(value: str) -> str:
    if _MARKUP_RE.search(value):
        raise ValueError("must be plain text: '<' and '>' are not allowed here")
    if "\n" in value.strip():
        raise ValueError("must be a single paragraph on one line")
    return value.strip()


PlainText = Annotated[str, StringConstraints(min_length=1), AfterValidator(_plain_text)]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
Pinpoint = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120),
    AfterValidator(_plain_text),
    Field(description="Where in the source: a section, article, page or panel, e.g. '§4.1'."),
]
Url = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=500),
    Field(description="An http or https address."),
]


class Kind(StrEnum):
    offence = "offence"
    proposal = "proposal"
    reference = "reference"


@dataclass(frozen=True)
class LinksTo:
    """Marks a field whose value is the id of another entry, and of which kinds. The link
    stage, the contributor field reference and the list of link fields all read it from
    the fields themselves (`link_fields`)."""

    kinds: frozenset[Kind]


def links_to(*kinds: Kind) -> LinksTo:
    return LinksTo(frozenset(kinds))


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, values never change after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class SourceCitation(Strict):
    """A pointer into a reference, with a pinpoint."""

    ref: Annotated[Id, links_to(Kind.reference)] = Field(
        description="Id of the reference entry (a file in content/references)."
    )
    at: Pinpoint
    note: PlainText | None = Field(
        default=None, description="Optional: what exactly this source supports."
    )


class EntryBase(Strict):
    """Fields every entry has."""

    kind: ClassVar[Kind]

    title: PlainText = Field(
        max_length=200, description="English title, as it should appear on the page."
    )
    title_zh: PlainText | None = Field(
        default=None, max_length=120, description="Chinese title in Chinese characters."
    )
    summary: PlainText = Field(
        max_length=600,
        description=(
            "One plain-text paragraph (no Markdown), used in tables, link previews and "
            "the page description."
        ),
    )
    aliases: tuple[PlainText, ...] = Field(
        default=(),
        description="Other names people search for: nicknames, other numberings, translations.",
    )
    tags: tuple[Id, ...] = Field(default=(), description="Tag ids from content/tags.yml.")
    sources: tuple[SourceCitation, ...] = Field(
        default=(), description="The sources this entry's facts come from, each with a pinpoint."
    )
    reviewed: dt.date = Field(
        description="Date (YYYY-MM-DD) the entry was last checked against its sources."
    )


# --- offences ---------------------------------------------------------------------

CHAPTERS: dict[int, tuple[str, str]] = {
    1: ("Crimes of Endangering National Security", "危害国家安全罪"),
    2: ("Crimes of Endangering Public Security", "危害公共安全罪"),
    3: (
        "Crimes of Undermining the Order of the Socialist Market Economy",
        "破坏社会主义市场经济秩序罪",
    ),
    4: (
        "Crimes of Infringing on Citizens' Personal Rights and Democratic Rights",
        "侵犯公民人身权利、民主权利罪",
    ),
    5: ("Crimes of Infringing on Property", "侵犯财产罪"),
    6: ("Crimes of Obstructing the Administration of Public Order", "妨害社会管理秩序罪"),
    7: ("Crimes of Endangering the Interests of National Defence", "危害国防利益罪"),
    8: ("Crimes of Embezzlement and Bribery", "贪污贿赂罪"),
    9: ("Crimes of Dereliction of Duty", "渎职罪"),
    10: ("Crimes of Servicemen's Transgression of Duties", "军人违反职责罪"),
}


class OffenceStatus(StrEnum):
    in_force = "in-force"
    repealed = "repealed"


class MaxPenalty(StrEnum):
    public_surveillance = "public surveillance"
    criminal_detention = "criminal detention"
    fixed_term = "fixed-term imprisonment"
    life = "life imprisonment"
    death = "death"
    # Art. 287 creates no charge of its own: the act is punished under the offence it is.
    underlying = "as for the underlying offence"


class Enactment(Strict):
    """The amendment or statute that introduced or changed a provision."""

    ref: Annotated[Id, links_to(Kind.reference)] = Field(
        description="Id of the amendment or statute reference."
    )
    in_force: dt.date = Field(description="Date the change came into force (YYYY-MM-DD).")
    at: Pinpoint | None = Field(default=None, description="Article of the amending instrument.")
    change: PlainText | None = Field(
        default=None, max_length=300, description="What the change did, in a few words."
    )


class Offence(EntryBase):
    """A provision of the PRC Criminal Law and the charge(s) under it."""

    kind: ClassVar[Kind] = Kind.offence

    sources: tuple[SourceCitation, ...] = Field(
        min_length=1, description="The sources of this fact sheet, each with a pinpoint."
    )

    title_zh: PlainText = Field(
        max_length=120, description="The Chinese charge name (罪名), e.g. 帮助信息网络犯罪活动罪."
    )
    article: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,2}(?:-[1-9])?$")] = Field(
        description="Article number in hyphen form: '287-2' for 第二百八十七条之二. Quote it."
    )
    paragraph: Annotated[int, Field(ge=1, le=9)] | None = Field(
        default=None, description="Paragraph (款) number, when the offence is one paragraph."
    )
    chapter: Annotated[int, Field(ge=1, le=10)] = Field(
        description="Chapter of Part II of the Criminal Law (1-10), e.g. 6 for Chapter VI."
    )
    section: Annotated[int, Field(ge=1, le=9)] | None = Field(
        default=None, description="Section (节) within the chapter, where it has sections."
    )
    status: OffenceStatus = Field(
        default=OffenceStatus.in_force, description="in-force or repealed."
    )
    introduced_by: Enactment | None = Field(
        default=None, description="The amendment (or the 1997 Code) that introduced it."
    )
    amended_by: tuple[Enactment, ...] = Field(
        default=(), description="Later amendments that changed it, oldest first."
    )
    max_penalty: MaxPenalty = Field(description="The most severe principal punishment available.")
    max_years: Annotated[int, Field(ge=1, le=25)] | None = Field(
        default=None, description="Maximum years of fixed-term imprisonment (with that penalty)."
    )
    unit_liability: bool = Field(
        description="true if a unit (company, organisation) can commit the offence."
    )
    interpretations: Annotated[tuple[Id, ...], links_to(Kind.reference)] = Field(
        default=(),
        description="Ids of judicial interpretations and normative documents that apply.",
    )
    related: Annotated[tuple[Id, ...], links_to(Kind.offence)] = Field(
        default=(), description="Ids of related offences."
    )

    @model_validator(mode="after")
    def _years_match_penalty(self) -> Offence:
        if self.max_penalty is MaxPenalty.fixed_term and self.max_years is None:
            raise ValueError(
                "'max_years' is required when 'max_penalty' is fixed-term imprisonment"
            )
        if self.max_penalty is not MaxPenalty.fixed_term and self.max_years is not None:
            raise ValueError("'max_years' only goes with 'max_penalty: fixed-term imprisonment'")
        return self


# --- proposals --------------------------------------------------------------------


class ChangeType(StrEnum):
    new_offence = "new offence"
    amend = "amend"
    rename = "rename"
    interpretation = "interpretation"
    sentencing = "sentencing"
    supervision = "supervision"
    institution = "institution"
    principle = "principle"
    legislative_structure = "legislative structure"
    new_law = "new law"
    compliance = "compliance"
    adjudication = "adjudication"


class Level(StrEnum):
    legislative = "legislative"
    judicial = "judicial"
    regulatory = "regulatory"
    industry = "industry"


class ProposalStatus(StrEnum):
    proposed = "proposed"
    partly_adopted = "partly adopted"
    adopted = "adopted"
    overtaken = "overtaken"
    rejected = "rejected"
    withdrawn = "withdrawn"


class Proposal(EntryBase):
    """A reform proposed in a source: what it would change and who proposed it."""

    kind: ClassVar[Kind] = Kind.proposal

    offences: Annotated[tuple[Id, ...], links_to(Kind.offence)] = Field(
        default=(), description="Ids of the offences it would change. Empty only if general."
    )
    general: bool = Field(
        default=False, description="true if it concerns cyber offences in general, not one offence."
    )
    change: ChangeType = Field(description="What kind of change it proposes.")
    level: Level = Field(description="Who would have to act.")
    status: ProposalStatus = Field(default=ProposalStatus.proposed, description="Where it stands.")
    proposed_in: tuple[SourceCitation, ...] = Field(
        min_length=1, description="The source(s) that propose it, each with a pinpoint."
    )
    related: Annotated[tuple[Id, ...], links_to(Kind.proposal, Kind.offence)] = Field(
        default=(), description="Ids of related proposals."
    )

    @model_validator(mode="after")
    def _targets_or_general(self) -> Proposal:
        if not self.offences and not self.general:
            raise ValueError("name at least one offence in 'offences', or set 'general: true'")
        return self


# --- references -------------------------------------------------------------------


class ReferenceType(StrEnum):
    journal_article = "journal article"
    conference_paper = "conference paper"
    book = "book"
    statute = "statute"
    amendment = "amendment"
    judicial_interpretation = "judicial interpretation"
    normative_document = "normative document"
    regulation = "regulation"
    white_paper = "white paper"
    report = "report"
    news = "news"
    web_page = "web page"
    court_case = "court case"


INSTRUMENT_TYPES = frozenset(
    {
        ReferenceType.statute,
        ReferenceType.amendment,
        ReferenceType.judicial_interpretation,
        ReferenceType.normative_document,
        ReferenceType.regulation,
    }
)


class InstrumentStatus(StrEnum):
    in_force = "in-force"
    amended = "amended"
    repealed = "repealed"
    superseded = "superseded"
    expired = "expired"
    withdrawn = "withdrawn"
    never_adopted = "never adopted"


class Language(StrEnum):
    en = "en"
    zh = "zh"


class Reference(EntryBase):
    """A source: paper, statute, amendment, interpretation, regulation, report or case."""

    kind: ClassVar[Kind] = Kind.reference

    type: ReferenceType = Field(description="What kind of source it is.")
    authors: tuple[PlainText, ...] = Field(
        default=(), description="Authors as printed, family name first where known."
    )
    issuer: tuple[PlainText, ...] = Field(
        default=(), description="Issuing bodies, for instruments, white papers and cases."
    )
    year: Annotated[int, Field(ge=1949, le=2100)] | None = Field(
        default=None, description="Year of publication or adoption."
    )
    date: dt.date | None = Field(
        default=None, description="Date of publication, adoption or decision (YYYY-MM-DD)."
    )
    in_force: dt.date | None = Field(
        default=None, description="For instruments: the date it came into force."
    )
    number: PlainText | None = Field(
        default=None, description="Document or case number, e.g. 法释〔2019〕15号."
    )
    container: PlainText | None = Field(
        default=None, description="Journal, proceedings or website the item appeared in."
    )
    volume: PlainText | None = None
    issue: PlainText | None = None
    pages: PlainText | None = None
    publisher: PlainText | None = None
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/[^\s<>\"']+$")] | None = Field(
        default=None, description="DOI without the https://doi.org/ prefix."
    )
    url: Url | None = None
    issn: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{3}[\dX]$")] | None = None
    isbn: Annotated[str, StringConstraints(pattern=r"^(?:97[89]-?)?[\d-]{9,13}[\dX]$")] | None = (
        None
    )
    language: Language = Field(default=Language.en, description="Language of the source: en or zh.")
    accessed: dt.date | None = Field(default=None, description="When a web source was read.")
    undated: bool = Field(
        default=False,
        description="true when the source itself prints no date or year (explain in the body).",
    )
    cites: Annotated[tuple[Id, ...], links_to(Kind.reference)] = Field(
        default=(), description="Ids of references this one cites (its reference list)."
    )
    discusses: Annotated[tuple[Id, ...], links_to(Kind.offence)] = Field(
        default=(), description="Ids of offences this source discusses."
    )
    status: InstrumentStatus | None = Field(
        default=None, description="For instruments and proposals of law: whether still in force."
    )
    superseded_by: Annotated[Id, links_to(Kind.reference)] | None = Field(
        default=None, description="Id of the reference that replaced it."
    )

    @model_validator(mode="after")
    def _has_origin(self) -> Reference:
        if not self.authors and not self.issuer:
            raise ValueError("give 'authors' or 'issuer' (who wrote or issued it)")
        if self.year is None and self.date is None and not self.undated:
            raise ValueError("give 'year' or 'date', or 'undated: true' if the source prints none")
        if self.undated and (self.year is not None or self.date is not None):
            raise ValueError("'undated: true' cannot go with 'year' or 'date'")
        if self.date is not None and self.year is not None and self.date.year != self.year:
            raise ValueError("'year' and 'date' disagree")
        return self

    @property
    def effective_year(self) -> int | None:
        if self.year is not None:
            return self.year
        return self.date.year if self.date is not None else None


MODELS: dict[Kind, type[EntryBase]] = {
    Kind.offence: Offence,
    Kind.proposal: Proposal,
    Kind.reference: Reference,
}

def link_fields(model: type[BaseModel]) -> dict[str, frozenset[Kind]]:
    """Every field of `model` that names another entry, as a dotted path ('sources.ref'
    for a field of a nested model), with the kinds it may name: read from the LinksTo
    markers on the fields."""
    found: dict[str, frozenset[Kind]] = {}
    for name, info in model.model_fields.items():
        marker = next((m for m in _markers(info) if isinstance(m, LinksTo)), None)
        if marker is not None:
            found[name] = marker.kinds
            continue
        for nested in _nested_models(info.annotation):
            for inner, kinds in link_fields(nested).items():
                found[f"{name}.{inner}"] = kinds
    return found


def field_names(model: type[BaseModel]) -> set[str]:
    """The names of `model`'s fields and of the fields of every model nested in it."""
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for nested in _nested_models(info.annotation):
            names |= field_names(nested)
    return names


def _markers(info: Any) -> list[object]:
    # A marker on the field itself, or inside an Optional (`Annotated[Id, ...] | None`).
    found = list(info.metadata)
    for arg in get_args(info.annotation):
        found.extend(getattr(arg, "__metadata__", ()))
    return found


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested_models(arg)]


LINK_FIELDS: dict[Kind, dict[str, frozenset[Kind]]] = {
    kind: link_fields(model) for kind, model in MODELS.items()
}


class PageFront(Strict):
    """The front matter of a hand-written page (content/index.md, content/about.md)."""

    title: PlainText | None = Field(default=None, max_length=200)
    summary: PlainText | None = Field(default=None, max_length=600)


class Tag(Strict):
    """One entry of content/tags.yml."""

    label: PlainText = Field(max_length=60, description="English label.")
    label_zh: PlainText | None = Field(default=None, max_length=30, description="Chinese label.")
    description: PlainText = Field(max_length=300, description="What belongs under this tag.")


def json_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema editors use to complete and check an entry's front matter."""
    schema = MODELS[kind].model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Cyberlaw Atlas {kind.value}"
    return schema
