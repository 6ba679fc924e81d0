"""The one entry point the CLI and the API share: a map of a target in the store, as HTML."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from cmograph.graph.store import Store
from cmograph.viz.aggregate import DEFAULT_MAX_NODES, fit
from cmograph.viz.extract import Links, MapTarget, extract, no_links
from cmograph.viz.model import MapGraph
from cmograph.viz.render import render


@dataclass(frozen=True)
class RenderedMap:
    html: str
    nodes: int
    edges: int
    full_nodes: int
    aggregated: bool


def served_links(kind: str, id: str) -> str | None:
    """Same-site paths of the pages and maps the API serves."""
    path = quote(id, safe=":")
    return {"theory_map": f"/maps/theories/{path}", "cmoc_map": f"/maps/cmocs/{path}",
            "review_map": f"/maps/reviews/{path}", "evidence": f"/cmocs/{path}"}.get(kind)


def render_graph(graph: MapGraph, *, links: Links = no_links, max_nodes: int = DEFAULT_MAX_NODES) -> RenderedMap:
    """Collapse `graph` if it is too big, then render it."""
    shown = fit(graph, max_nodes, links)
    html = render(shown)
    return RenderedMap(html=html, nodes=len(shown.nodes), edges=len(shown.sorted_edges()),
                       full_nodes=graph.full_size or len(graph.nodes), aggregated=bool(shown.aggregated))


def build_map(store: Store, target: MapTarget, *, links: Links = no_links,
              max_nodes: int = DEFAULT_MAX_NODES) -> RenderedMap:
    """The map of `target` (everything, a review, a theory or a CMOC); NotFound if it is not there."""
    return render_graph(extract(store, target, links, max_nodes), links=links, max_nodes=max_nodes)
