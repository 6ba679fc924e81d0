"""Read views over the domain: the response models the API returns and the CLI prints as JSON."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cmograph.graph.models import (
    SLUG_PATTERN,
    Fate,
    Locator,
    ProgrammeTheory,
    Relation,
    Review,
    Slug,
    Source,
    SourceKind,
    Stage,
)

# Page sizes: the API's bounds and the CLI's defaults are the same numbers.
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
TRACE_DEFAULT_LIMIT = 10
TRACE_MAX_LIMIT = 100
# A review's id is a slug; everything else in the store is "review:local".
_SLUG = SLUG_PATTERN.removeprefix("^").removesuffix("$")
GLOBAL_ID_PATTERN = f"^{_SLUG}:{_SLUG}$"


class CountMode(StrEnum):
    """How a theory's support is counted: distinct sources over all its CMOCs, or summed per CMOC."""

    THEORY = "theory"
    CMOC = "cmoc"


class MatrixStage(StrEnum):
    """Which CMOCs the matrix has as columns."""

    REFINED = "refined"
    INITIAL = "initial"
    ALL = "all"


class TargetKind(StrEnum):
    """What an excerpt bears on: a CMOC itself or one of its elements."""

    CMOC = "cmoc"
    CONTEXT = "context"
    RESOURCE = "resource"
    REASONING = "reasoning"
    OUTCOME = "outcome"


class View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page[T](View):
    """One page of a list: `items` are `offset` .. `offset + limit` of `total`."""

    total: int = Field(ge=0, description="How many items the whole list has.")
    limit: int = Field(ge=1, description="The page size applied.")
    offset: int = Field(ge=0, description="How many items were skipped.")
    items: list[T]


# --- references: the few fields that name a thing where it appears inside another view -----------


class SourceRef(View):
    id: str
    kind: SourceKind
    citation: str | None = Field(
        default=None, description=Source.model_fields["citation"].description
    )
    title: str | None = None
    year: int | None = None
    doi: str | None = None
    included: bool | None = None


class TheoryRef(View):
    id: str
    title: str
    theme: str | None = None
    stage: Stage


class CmocRef(View):
    id: str
    label: str
    stage: Stage
    statement: str | None = None


class TargetRef(View):
    """A CMOC or an element: `text` is the CMOC's label or the element's text."""

    id: str
    kind: TargetKind
    text: str


class RelationCounts(View):
    supports: int = 0
    refines: int = 0
    contests: int = 0


# --- reviews and theories ----------------------------------------------------------------------


class KindCount(View):
    kind: SourceKind
    count: int


class ReviewCounts(View):
    theories: int
    refined_cmocs: int
    initial_cmocs: int
    sources: int
    sources_by_kind: list[KindCount]
    excerpts: int
    links: int = Field(
        description="Evidence links: an excerpt supports, refines or contests a CMOC or element."
    )


class ReviewSummary(View):
    id: str
    title: str
    year: int | None = None
    counts: ReviewCounts


class ReviewPage(Page[ReviewSummary]):
    pass


class ReviewView(Review):
    """The review as ingested, with what it holds."""

    counts: ReviewCounts


class TheoryView(ProgrammeTheory):
    id: str  # type: ignore[assignment]  # global id: "review:local"
    review: Slug
    key: Slug = Field(description="The theory's id inside its bundle.")
    cmocs: int = Field(description="CMOCs that belong to the theory.")
    supporting_sources: int = Field(
        description="Distinct sources of excerpts that support its CMOCs."
    )
    evidence_sources: int = Field(
        description="Distinct sources of excerpts that support, refine or contest its CMOCs."
    )


class TheoryPage(Page[TheoryView]):
    pass


# --- support per theory ------------------------------------------------------------------------


class RelationExcerpts(View):
    """Per relation: each source (by id, in id order) and how many distinct excerpts behind it are evidence from it."""

    supports: dict[str, int] = {}
    refines: dict[str, int] = {}
    contests: dict[str, int] = {}


class CmocSupport(CmocRef):
    counts: RelationCounts = Field(description="Distinct sources per relation for this CMOC.")
    sources: RelationExcerpts = Field(
        description="Per relation, source id -> distinct excerpts on this CMOC (the CMOC's chain lists them)."
    )


class TheorySupport(View):
    """Evidence linked to each CMOC of a theory (evidence on elements is in the CMOC's chain)."""

    theory: TheoryRef
    review: str
    count: CountMode
    source_kind: SourceKind | None = None
    counts: RelationCounts = Field(
        description=(
            "count=theory: distinct sources per relation across all the theory's CMOCs; "
            "count=cmoc: the sum over CMOCs of each CMOC's distinct sources."
        )
    )
    sources: RelationExcerpts = Field(
        description="Per relation, source id -> distinct excerpts across all the theory's CMOCs."
    )
    references: list[SourceRef] = Field(
        description="Every source named in `sources`, once, by id."
    )
    cmocs: list[CmocSupport]


# --- the evidence chain of a CMOC --------------------------------------------------------------


class ElementRef(View):
    id: str
    text: str


class ChainExcerpt(View):
    """One judgement: an excerpt bears on the CMOC or one of its elements."""

    id: str
    text: str
    locator: Locator
    relation: Relation
    rationale: str | None = None
    reviewer: str | None = None
    bears_on: TargetRef
    quoted_from: SourceRef | None = None
    cites: list[SourceRef]


class ChainExcerptPage(Page[ChainExcerpt]):
    pass


class ChainView(View):
    id: str
    review: str
    label: str
    stage: Stage
    statement: str | None = None
    statement_reported: bool
    fate: Fate
    context: ElementRef | None = None
    resource: ElementRef | None = None
    reasoning: ElementRef | None = None
    outcome: ElementRef | None = None
    theory: TheoryRef | None = None
    excerpts: ChainExcerptPage


# --- lineage -----------------------------------------------------------------------------------


class FateExcerpt(View):
    """An excerpt that records a step of a CMOC's lineage."""

    id: str
    text: str
    locator: Locator
    quoted_from: SourceRef | None = None


class LineageStep(View):
    """A CMOC that was refined or merged into the one asked about."""

    cmoc: CmocRef
    fate: Fate
    evidence: list[FateExcerpt]


class LineageView(View):
    cmoc: CmocRef
    review: str
    fate: Fate
    into: list[CmocRef] = Field(
        description="The CMOCs it was refined or merged into, where the review says."
    )
    into_reported: bool = Field(
        description="False where the review does not report which CMOCs it went into."
    )
    note: str | None = None
    evidence: list[FateExcerpt] = Field(description="Excerpts that record this CMOC's fate.")
    came_from: list[LineageStep] = Field(
        description="CMOCs recorded as refined or merged into this one."
    )
    came_from_reported: bool = Field(
        description=(
            "False where CMOCs of the review went somewhere the review does not report, "
            "so some of them may have become this one."
        )
    )
    not_reported: list[str] = Field(
        description="What the review does not report about this CMOC's lineage."
    )


# --- trace a claim -----------------------------------------------------------------------------


class CmocBearing(CmocRef):
    """A CMOC an excerpt bears on, directly (`via` cmoc) or through one of its elements."""

    relation: Relation
    via: TargetKind
    via_id: str
    theory: TheoryRef | None = None


class ExcerptHit(View):
    id: str
    review: str
    score: float
    text: str
    locator: Locator
    quoted_from: SourceRef | None = None
    cites: list[SourceRef]
    bears_on: list[CmocBearing]
    theories: list[TheoryRef]


class CmocHit(CmocRef):
    review: str
    score: float
    theory: TheoryRef | None = None


class TraceView(View):
    query: str
    review: str | None = None
    limit: int
    excerpts: list[ExcerptHit] = Field(description="Best-matching excerpts, best first.")
    cmocs: list[CmocHit] = Field(description="Best-matching CMOC statements, best first.")


# --- a source and what it bears on -------------------------------------------------------------


class SourceBearing(View):
    """Everything one source's excerpts say about one CMOC or element, with one relation."""

    relation: Relation
    target: TargetRef
    cmocs: list[CmocRef] = Field(description="The CMOC itself, or the CMOCs that use the element.")
    excerpts: list[str] = Field(
        description="Ids of the excerpts whose evidence comes from this source."
    )


class SourceBearingPage(Page[SourceBearing]):
    pass


class SourceView(Source):
    """A source as ingested; `screening` decoded."""

    id: str  # type: ignore[assignment]  # global id: "review:local"
    review: Slug
    key: Slug = Field(description="The source's id inside its bundle.")


class SourceDetail(SourceView):
    excerpts_quoted: int = Field(description="Excerpts quoted from this source.")
    excerpts_citing: int = Field(description="Excerpts that cite this source.")
    counts: RelationCounts = Field(
        description="CMOCs and elements it supports, refines or contests."
    )
    evidence: SourceBearingPage


# --- the matrix --------------------------------------------------------------------------------


class MatrixRow(View):
    source: SourceRef
    cells: dict[str, list[Relation]] = Field(
        description="CMOC id -> the relations; empty cells are left out."
    )


class MatrixView(Page[MatrixRow]):
    """Sources (rows, those with at least one cell) by CMOCs (columns)."""

    review: str
    stage: MatrixStage
    included_only: bool
    columns: list[CmocRef]


# --- writing -----------------------------------------------------------------------------------


class IngestResult(View):
    review: str
    changed: bool
    created: dict[str, int]
    updated: dict[str, int]
    removed: dict[str, int]
    nodes: int
    relationships: int


class ParameterError(View):
    parameter: str
    in_: str = Field(alias="in")
    message: str


class Problem(BaseModel):
    """An error (RFC 9457 problem details), as every endpoint returns it."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    kind: str | None = Field(default=None, description="What was not found (404).")
    id: str | None = Field(default=None, description="The id that was not found (404).")
    errors: list[ParameterError] | None = Field(
        default=None, description="Each invalid parameter (422)."
    )


@cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields)


def pick(model: type[BaseModel], props: dict[str, Any]) -> dict[str, Any]:
    """The properties a model knows, from a node's stored properties (which also hold `h` etc.)."""
    names = _field_names(model)  # model_fields is a property that costs more than the lookup
    return {k: v for k, v in props.items() if k in names}
