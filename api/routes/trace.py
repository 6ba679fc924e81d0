"""Trace a claim back to the quotes and CMOCs that match it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cmograph.api.deps import StoreDep
from cmograph.api.encode import ModelRoute
from cmograph.api.limits import documented
from cmograph.graph import queries
from cmograph.graph.models import SLUG_PATTERN
from cmograph.graph.views import TRACE_DEFAULT_LIMIT, TRACE_MAX_LIMIT, TraceView

router = APIRouter(tags=["trace"], route_class=ModelRoute)


@router.get("/trace", responses=documented(404, 422, 503))
def trace(
    store: StoreDep,
    q: Annotated[
        str, Query(min_length=1, max_length=1000, description="The claim, in plain words.")
    ],
    review: Annotated[
        str | None, Query(pattern=SLUG_PATTERN, max_length=120, description="Only this review's excerpts and CMOCs.")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=TRACE_MAX_LIMIT, description="Hits of each kind.")
    ] = TRACE_DEFAULT_LIMIT,
) -> TraceView:
    """The best-matching excerpts and CMOC statements, best first.

    Each excerpt comes with its source, locator, the studies it cites, and the CMOCs and theories
    it bears on; each CMOC with its theory. An exact match of the claim's wording ranks first.
    """
    return queries.trace(store, q, review, limit)
