"""The domain of a realist review: the one definition behind the bundle format, the API and validation."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Ids are stable, human-readable slugs. Inside a bundle they are local; in the
# store they are prefixed with the review's id ("knight-2024:cmoc-r1") so that
# several reviews can share one store.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG_MAX_LENGTH = 120
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
# No quote holds a NUL, and FalkorDB would cut a query off at one: every text field refuses it.
# A pattern rather than a validator, so the check runs in pydantic-core, not as a Python call per field.
NO_NUL_PATTERN = r"^[^\x00]*$"
NO_NUL_EXPECTED = "text without NUL (\\x00) characters"
Plain = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, pattern=NO_NUL_PATTERN)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a bundle must not vanish silently."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class SourceKind(StrEnum):
    EMPIRICAL_STUDY = "empirical_study"
    POLICY_DOCUMENT = "policy_document"
    KEY_INFORMANT_INTERVIEW = "key_informant_interview"
    REVIEW = "review"
    OTHER = "other"


class ScreeningStage(StrEnum):
    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"
    RELEVANCE = "relevance"
    RICHNESS = "richness"
    RIGOUR = "rigour"


class ScreeningDecision(StrEnum):
    INCLUDED = "included"
    EXCLUDED = "excluded"


class Relation(StrEnum):
    """How a piece of evidence bears on a CMOC or one of its elements."""

    SUPPORTS = "supports"
    REFINES = "refines"
    CONTESTS = "contests"


class Stage(StrEnum):
    INITIAL = "initial"
    REFINED = "refined"


class Fate(StrEnum):
    """What became of a CMOC at the next stage of the review."""

    CURRENT = "current"
    REFINED = "refined"
    MERGED = "merged"
    DROPPED = "dropped"


class ElementKind(StrEnum):
    CONTEXT = "context"
    RESOURCE = "resource"
    REASONING = "reasoning"
    OUTCOME = "outcome"


class ScreeningCount(Strict):
    stage: ScreeningStage
    screened: int = Field(ge=0, description="Records that entered this stage.")
    excluded: int | None = Field(default=None, ge=0)
    note: Plain | None = None


class Review(Strict):
    id: Slug
    title: Text
    authors: list[Plain] = []
    year: int | None = None
    doi: Plain | None = None
    citation: Plain | None = None
    question: Plain | None = None
    method: Plain | None = None
    organising_framework: Plain | None = None
    substantive_theory: Plain | None = None
    screening: list[ScreeningCount] = []
    notes: list[Plain] = Field(default=[], description="What the review does not report, and other caveats.")


class ScreeningOutcome(Strict):
    stage: ScreeningStage
    decision: ScreeningDecision
    note: Plain | None = None


class Source(Strict):
    """A paper, document, interview or the review itself: where evidence comes from."""

    id: Slug
    kind: SourceKind
    title: Plain | None = None
    authors: list[Plain] = []
    year: int | None = None
    container: Plain | None = Field(default=None, description="Journal, book or publisher.")
    volume: Plain | None = None
    issue: Plain | None = None
    pages: Plain | None = None
    doi: Plain | None = None
    url: Plain | None = None
    citation: Plain | None = Field(default=None, description="The full reference as the review prints it.")
    anonymous: bool = False
    screening: list[ScreeningOutcome] = []
    included: bool | None = Field(default=None, description="Whether the source was included in the synthesis.")


class Locator(Strict):
    """Where an excerpt stands in its source."""

    page: Plain | None = None
    section: Plain | None = None
    paragraph: int | None = Field(default=None, ge=1)
    char_start: int | None = Field(default=None, ge=0)
    char_end: int | None = Field(default=None, ge=0)


class Excerpt(Strict):
    """A verbatim quote: the bottom of every evidence chain."""

    id: Slug
    source: Slug = Field(description="The source the text is quoted from.")
    text: Text
    locator: Locator = Locator()
    cites: list[Slug] = Field(default=[], description="Sources the quoted text itself cites.")


class EvidenceLink(Strict):
    """A reviewer's judgement that an excerpt supports, refines or contests a CMOC or element."""

    excerpt: Slug
    target: Slug
    relation: Relation
    reviewer: Plain | None = None
    rationale: Plain | None = None


class Element(Strict):
    """A context, mechanism resource, mechanism reasoning or outcome, shared between CMOCs."""

    id: Slug
    kind: ElementKind
    text: Text


class ProgrammeTheory(Strict):
    id: Slug
    title: Text
    statement: Plain | None = None
    stage: Stage = Stage.REFINED
    theme: Plain | None = Field(default=None, description="The organising framework's theme it sits under.")


class Lineage(Strict):
    """Where a CMOC went next; `into_reported` is false where the review does not say."""

    fate: Fate = Fate.CURRENT
    into: list[Slug] = []
    into_reported: bool = True
    note: Plain | None = None
    evidence: list[Slug] = Field(default=[], description="Excerpts that record this step.")


class CMOC(Strict):
    id: Slug
    label: Text
    stage: Stage
    statement: Plain | None = None
    statement_reported: bool = True
    theory: Slug | None = None
    context: Slug | None = None
    resource: Slug | None = None
    reasoning: Slug | None = None
    outcome: Slug | None = None
    lineage: Lineage = Lineage()


class ReviewFile(Strict):
    """The content of a bundle's `review.yaml` (or `review.json`)."""

    review: Review
    theories: list[ProgrammeTheory] = []
    elements: list[Element] = []
    cmocs: list[CMOC] = []
    sources: list[Source] = Field(
        default=[],
        description="Source kinds and screening; citations may instead come from BibTeX or RIS.",
    )


class Bundle(Strict):
    """A whole review, validated and ready to write."""

    review: Review
    theories: list[ProgrammeTheory] = []
    elements: list[Element] = []
    cmocs: list[CMOC] = []
    sources: list[Source] = []
    excerpts: list[Excerpt] = []
    links: list[EvidenceLink] = []
