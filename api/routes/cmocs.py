"""A CMOC's evidence chain down to the quotes, and its lineage through the review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from cmograph.api.deps import StoreDep
from cmograph.api.encode import ModelRoute
from cmograph.api.limits import PageDep, documented, global_id
from cmograph.graph import queries
from cmograph.graph.views import ChainView, LineageView

router = APIRouter(tags=["cmocs"], route_class=ModelRoute)

CmocId = Annotated[str, global_id("CMOC", "knight-2024:cmoc-r3")]


@router.get("/cmocs/{cmoc_id}/chain", responses=documented(404, 422, 503))
def chain(store: StoreDep, cmoc_id: CmocId, page: PageDep) -> ChainView:
    """The CMOC, its context, mechanism and outcome, its theory, and every excerpt bearing on it.

    Excerpts on the CMOC's elements are included and marked with what they bear on; `limit` and
    `offset` page the excerpts.
    """
    return queries.cmoc_chain(store, cmoc_id, page.limit, page.offset)


@router.get("/cmocs/{cmoc_id}/lineage", responses=documented(404, 422, 503))
def lineage(store: StoreDep, cmoc_id: CmocId) -> LineageView:
    """Where the CMOC came from and what it became, with the excerpts that record each step.

    Where the review does not report a step, `into_reported` is false and `not_reported`
    says what is missing.
    """
    return queries.cmoc_lineage(store, cmoc_id)
