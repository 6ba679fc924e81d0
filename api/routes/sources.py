"""A source and everything its evidence supports, refines or contests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from cmograph.api.deps import StoreDep
from cmograph.api.encode import ModelRoute
from cmograph.api.limits import PageDep, documented, global_id
from cmograph.graph import queries
from cmograph.graph.views import SourceDetail

router = APIRouter(tags=["sources"], route_class=ModelRoute)


@router.get("/sources/{source_id}", responses=documented(404, 422, 503))
def source(
    store: StoreDep,
    source_id: Annotated[str, global_id("source", "knight-2024:sims-2021")],
    page: PageDep,
) -> SourceDetail:
    """The source (all its fields) and the CMOCs and elements its excerpts bear on, with their ids.

    `limit` and `offset` page `evidence`.
    """
    return queries.source_detail(store, source_id, page.limit, page.offset)
