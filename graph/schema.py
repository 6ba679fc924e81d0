"""The graph's allow-list: every node label and relationship type cmograph writes, and the schema version."""

from __future__ import annotations

from enum import StrEnum

# 3: theories carry their support tallies (RESTS_ON); graph/tallies.py adds them to older stores.
SCHEMA_VERSION = 3


class Label(StrEnum):
    REVIEW = "Review"
    PROGRAMME_THEORY = "ProgrammeTheory"
    CMOC = "CMOC"
    CONTEXT = "Context"
    MECHANISM_RESOURCE = "MechanismResource"
    MECHANISM_REASONING = "MechanismReasoning"
    OUTCOME = "Outcome"
    SOURCE = "Source"
    EXCERPT = "Excerpt"


class Rel(StrEnum):
    PART_OF = "PART_OF"
    BELONGS_TO = "BELONGS_TO"
    HAS_CONTEXT = "HAS_CONTEXT"
    HAS_RESOURCE = "HAS_RESOURCE"
    HAS_REASONING = "HAS_REASONING"
    HAS_OUTCOME = "HAS_OUTCOME"
    QUOTED_FROM = "QUOTED_FROM"
    CITES = "CITES"
    SUPPORTS = "SUPPORTS"
    REFINES = "REFINES"
    CONTESTS = "CONTESTS"
    REFINED_INTO = "REFINED_INTO"
    MERGED_INTO = "MERGED_INTO"
    RECORDS_FATE = "RECORDS_FATE"
    # Derived at ingest: the sources an excerpt is evidence from (what it cites, else where it is quoted from).
    EVIDENCE_FROM = "EVIDENCE_FROM"
    # Derived at ingest: a theory's evidence per source and relation, counted (write/theory_tallies).
    RESTS_ON = "RESTS_ON"


def node_query(label: Label) -> str:
    """The write query for one label; the name comes from the allow-list, never from input."""
    return f"write/nodes/{Label(label).value}"


def rel_query(rel: Rel) -> str:
    return f"write/rels/{Rel(rel).value}"
