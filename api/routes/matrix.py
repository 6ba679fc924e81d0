"""The evidence matrix of a review: sources by CMOCs, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from cmograph.api.deps import StoreDep
from cmograph.api.encode import ModelRoute
from cmograph.api.limits import PageDep, ReviewId, documented
from cmograph.graph import queries
from cmograph.graph.views import MatrixStage, MatrixView

router = APIRouter(tags=["matrix"], route_class=ModelRoute)

StageParam = Annotated[MatrixStage, Query(description="Which CMOCs are the columns.")]
IncludedOnly = Annotated[bool, Query(description="Only sources included in the synthesis.")]


class CSVResponse(Response):
    media_type = "text/csv"


@router.get("/reviews/{review_id}/matrix", responses=documented(404, 422, 503))
def matrix(
    store: StoreDep,
    review_id: ReviewId,
    page: PageDep,
    stage: StageParam = MatrixStage.REFINED,
    included_only: IncludedOnly = False,
) -> MatrixView:
    """Sources (rows: those with evidence on a column's CMOC) by CMOCs, the relation(s) in each cell.

    `limit` and `offset` page the rows.
    """
    return queries.matrix(store, review_id, stage, included_only, page.limit, page.offset)


@router.get(
    "/reviews/{review_id}/matrix.csv",
    response_class=CSVResponse,
    responses={
        200: {
            "description": "The whole matrix as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **documented(404, 422, 503),
    },
)
def matrix_csv(
    store: StoreDep,
    review_id: ReviewId,
    stage: StageParam = MatrixStage.REFINED,
    included_only: IncludedOnly = False,
) -> CSVResponse:
    """The whole matrix as CSV: source id, citation, one column per CMOC ("supports; refines")."""
    view = queries.matrix(store, review_id, stage, included_only, limit=None)
    filename = f"{view.review}-matrix-{view.stage.value}.csv"
    return CSVResponse(
        queries.matrix_csv(view),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
