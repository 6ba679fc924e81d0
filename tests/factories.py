"""A small, fully known review built in code, for tests that need a graph but not the example."""

from __future__ import annotations

from cmograph.graph.models import (
    CMOC,
    Bundle,
    Element,
    EvidenceLink,
    Excerpt,
    Lineage,
    Locator,
    ProgrammeTheory,
    Review,
    Source,
)


def small_bundle(review_id: str = "tiny") -> Bundle:
    """Two theories, three CMOCs (one initial, merged), three sources, four excerpts."""
    return Bundle(
        review=Review(id=review_id, title="A tiny review", authors=["Doe, J."], year=2025,
                      notes=["Built for tests."]),
        theories=[
            ProgrammeTheory(id="pt-trust", title="Trust", statement="Leaders who meet build trust."),
            ProgrammeTheory(id="pt-data", title="Data", statement="Shared data helps targeting."),
        ],
        elements=[
            Element(id="ctx-partnership", kind="context", text="a new partnership"),
            Element(id="res-meetings", kind="resource", text="face-to-face meetings"),
            Element(id="rea-trust", kind="reasoning", text="trust"),
            Element(id="out-decisions", kind="outcome", text="collaborative decisions"),
            Element(id="res-dashboards", kind="resource", text="shared dashboards"),
            Element(id="rea-understanding", kind="reasoning", text="understanding of needs"),
            Element(id="out-targeting", kind="outcome", text="better targeting"),
        ],
        cmocs=[
            CMOC(id="c1", label="CMOC 1", stage="refined", theory="pt-trust",
                 statement="In a new partnership, face-to-face meetings build trust, so decisions are shared.",
                 context="ctx-partnership", resource="res-meetings", reasoning="rea-trust",
                 outcome="out-decisions"),
            CMOC(id="c2", label="CMOC 2", stage="refined", theory="pt-data",
                 statement="In a new partnership, shared dashboards build understanding and better targeting.",
                 context="ctx-partnership", resource="res-dashboards", reasoning="rea-understanding",
                 outcome="out-targeting"),
            CMOC(id="i1", label="Initial CMOC 1", stage="initial", statement_reported=False,
                 lineage=Lineage(fate="merged", into=["c1"], note="merged for lack of distinct evidence",
                                 evidence=["x4"])),
        ],
        sources=[
            Source(id="smith-2020", kind="empirical_study", title="Meeting in person", authors=["Smith, A."],
                   year=2020, doi="10.1000/smith", included=True),
            Source(id="jones-2021", kind="empirical_study", title="Dashboards", authors=["Jones, B."],
                   year=2021, included=True),
            Source(id="tiny-review", kind="review", title="A tiny review"),
        ],
        excerpts=[
            Excerpt(id="x1", source="smith-2020", text="Trust grew from face-to-face meetings.",
                    locator=Locator(page="4", section="Findings", paragraph=2)),
            Excerpt(id="x2", source="jones-2021", text="Dashboards were rarely shared across partners.",
                    locator=Locator(page="7")),
            Excerpt(id="x3", source="tiny-review", text="Both studies stress shared goals (Smith 2020; Jones 2021).",
                    cites=["smith-2020", "jones-2021"]),
            Excerpt(id="x4", source="tiny-review", text="The initial CMOC was merged for lack of evidence."),
        ],
        links=[
            EvidenceLink(excerpt="x1", target="c1", relation="supports", reviewer="JD"),
            EvidenceLink(excerpt="x2", target="c2", relation="refines", reviewer="JD",
                         rationale="Names a barrier: dashboards were not shared."),
            EvidenceLink(excerpt="x3", target="c1", relation="supports", reviewer="JD"),
            EvidenceLink(excerpt="x3", target="c2", relation="supports", reviewer="JD"),
        ],
    )
