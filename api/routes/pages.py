"""The small web front: server-rendered pages that work with JavaScript off (only the maps need it)."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from cmograph.api.deps import StoreDep
from cmograph.graph import queries
from cmograph.graph.errors import NotFound
from cmograph.graph.models import Locator
from cmograph.graph.views import TRACE_DEFAULT_LIMIT, TRACE_MAX_LIMIT, MatrixStage
from cmograph.viz.extract import locator_text
from cmograph.viz.model import SOURCE_KIND_NAMES

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
REVIEWS_PER_PAGE = 10
EXCERPTS_PER_PAGE = 100


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("cmograph.api", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["locator"] = lambda loc: locator_text(loc.model_dump() if isinstance(loc, Locator) else loc)
    env.filters["kind"] = lambda kind: SOURCE_KIND_NAMES.get(str(kind), str(kind))
    # Ids hold ":"; kept readable in paths, everything else percent-encoded.
    env.filters["path"] = lambda id: quote(str(id), safe=":")
    env.filters["query"] = lambda params: urlencode({k: v for k, v in params.items() if v is not None})
    return env


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env().get_template(template).render(**context), status_code=status)


def not_found(exc: NotFound) -> HTMLResponse:
    return render("not_found.html", 404, title="Not found", message=str(exc))


@router.get("/")
def index(store: StoreDep, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    """The reviews, each with its theories, their CMOCs and how many sources bear on each."""
    reviews = queries.list_reviews(store, REVIEWS_PER_PAGE, (page - 1) * REVIEWS_PER_PAGE)
    listed = []
    for review in reviews.items:
        theories = queries.list_theories(store, review.id).items
        support = {t.id: queries.theory_support(store, t.id) for t in theories}
        initial = queries.matrix(store, review.id, MatrixStage.INITIAL, limit=1).columns
        listed.append({"review": review, "theories": theories, "support": support,
                       "unthemed": [c for c in initial if not any(c.id == s.id for t in support.values()
                                                                 for s in t.cmocs)]})
    pages = max(1, -(-reviews.total // REVIEWS_PER_PAGE))
    return render("index.html", title="Reviews", reviews=listed, total=reviews.total, page=page, pages=pages)


@router.get("/cmocs/{cmoc_id}")
def chain_page(store: StoreDep, cmoc_id: Annotated[str, Path()],
               offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> HTMLResponse:
    """A CMOC's evidence chain: its elements, theory, lineage, and every quote with its source."""
    try:
        chain = queries.cmoc_chain(store, cmoc_id, EXCERPTS_PER_PAGE, offset)
        lineage = queries.cmoc_lineage(store, cmoc_id)
    except NotFound as exc:
        return not_found(exc)
    return render("chain.html", title=f"{chain.label}: evidence chain", chain=chain, lineage=lineage,
                  per_page=EXCERPTS_PER_PAGE)


@router.get("/trace")
def trace_page(store: StoreDep, q: Annotated[str, Query(max_length=1000)] = "",
               limit: Annotated[int, Query(ge=1, le=TRACE_MAX_LIMIT)] = TRACE_DEFAULT_LIMIT) -> HTMLResponse:
    """Trace a claim: the quotes and CMOCs that match it, each with its source and locator."""
    result = queries.trace(store, q, None, limit) if q.strip() else None
    return render("trace.html", title=f"Trace: {q}" if q.strip() else "Trace a claim", q=q, result=result)
