"""Theory maps as self-contained HTML pages: a theory, a CMOC's neighbourhood, a review, or everything."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from cmograph.api.deps import StoreDep
from cmograph.api.limits import documented
from cmograph.viz.extract import MapTarget, check_target
from cmograph.viz.maps import build_map, served_links

router = APIRouter(prefix="/maps", tags=["maps"], default_response_class=HTMLResponse)
HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "The map: one HTML page that needs no network."}}

TheoryId = Annotated[str, Path(description="The programme theory's id, e.g. knight-2024:pt-being.")]
CmocId = Annotated[str, Path(description="The CMOC's id, e.g. knight-2024:cmoc-r3.")]
ReviewId = Annotated[str, Path(description="The review's id, e.g. knight-2024.")]


def _page(store: StoreDep, target: MapTarget) -> HTMLResponse:
    return HTMLResponse(build_map(store, target, links=served_links).html)


@router.get("/all", responses={**HTML, **documented(503)})
def everything(store: StoreDep) -> HTMLResponse:
    """Every review's theories, CMOCs and evidence; big stores are drawn collapsed."""
    return _page(store, MapTarget("all"))


@router.get("/reviews/{review_id}", responses={**HTML, **documented(404, 503)})
def review_map(store: StoreDep, review_id: ReviewId) -> HTMLResponse:
    """A review's theories, CMOCs and the evidence on them."""
    return _page(store, check_target(store, "review", review_id))


@router.get("/theories/{theory_id}", responses={**HTML, **documented(404, 503)})
def theory_map(store: StoreDep, theory_id: TheoryId) -> HTMLResponse:
    """A programme theory, its CMOCs, their elements, excerpts and sources."""
    return _page(store, check_target(store, "theory", theory_id))


@router.get("/cmocs/{cmoc_id}", responses={**HTML, **documented(404, 503)})
def cmoc_map(store: StoreDep, cmoc_id: CmocId) -> HTMLResponse:
    """A CMOC's neighbourhood: its theory, elements, evidence, lineage and CMOCs sharing an element."""
    return _page(store, check_target(store, "cmoc", cmoc_id))
