"""Reviews, their programme theories, and the support behind each theory's CMOCs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cmograph.api.deps import StoreDep
from cmograph.api.encode import ModelRoute
from cmograph.api.limits import PageDep, ReviewId, documented, global_id
from cmograph.graph import queries
from cmograph.graph.models import SourceKind
from cmograph.graph.views import CountMode, ReviewPage, ReviewView, TheoryPage, TheorySupport

router = APIRouter(tags=["reviews"], route_class=ModelRoute)


@router.get("/reviews", responses=documented(422, 503))
def reviews(store: StoreDep, page: PageDep) -> ReviewPage:
    """Every review in the store, with what it holds."""
    return queries.list_reviews(store, page.limit, page.offset)


@router.get("/reviews/{review_id}", responses=documented(404, 422, 503))
def review(store: StoreDep, review_id: ReviewId) -> ReviewView:
    """One review as ingested: question, method, screening counts, notes, and what it holds."""
    return queries.get_review(store, review_id)


@router.get("/reviews/{review_id}/theories", responses=documented(404, 422, 503))
def theories(store: StoreDep, review_id: ReviewId, page: PageDep) -> TheoryPage:
    """The review's programme theories, each with its CMOCs and distinct supporting sources counted."""
    return queries.list_theories(store, review_id, page.limit, page.offset)


@router.get("/theories/{theory_id}/support", responses=documented(404, 422, 503))
def support(
    store: StoreDep,
    theory_id: Annotated[str, global_id("theory", "knight-2024:pt-being")],
    source_kind: Annotated[
        SourceKind | None, Query(description="Count only sources of this kind.")
    ] = None,
    count: Annotated[
        CountMode,
        Query(
            description=(
                "theory: distinct sources across all the theory's CMOCs; "
                "cmoc: each CMOC's distinct sources, summed."
            )
        ),
    ] = CountMode.THEORY,
) -> TheorySupport:
    """Each CMOC of the theory with its distinct sources per relation (supports, refines, contests).

    A CMOC's sources are those its excerpts are evidence from: the studies an excerpt cites, else
    the source it is quoted from. Each source id comes with the number of distinct excerpts behind
    it (per CMOC, and across the theory); `references` describes each source once. The excerpts
    themselves, and evidence on a CMOC's elements, are in the CMOC's chain.
    """
    return queries.theory_support(store, theory_id, source_kind, count)
