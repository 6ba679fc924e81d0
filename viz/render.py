"""Renders a map as one self-contained HTML file: pyvis builds the network, our template inlines everything."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from cmograph.viz.layout import radial_layout
from cmograph.viz.model import (
    EDGE_RELS,
    EDGE_STYLES,
    NODE_KINDS,
    NODE_STYLES,
    SOURCE_KIND_NAMES,
    SOURCE_KINDS,
    MapGraph,
)

# Up to this many nodes the browser's physics polishes the layout, then stops; above it the
# precomputed layout is final, so big maps are interactive as soon as they are drawn.
PHYSICS_MAX_NODES = 300
VIS = "lib/vis-9.1.2"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("cmograph.viz", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True)


@cache
def _asset(package: str, path: str) -> Markup:
    """An asset's text, safe to inline in a <script> or <style> element."""
    text = files(package).joinpath(path).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{package}/{path} cannot be inlined: it contains a closing tag")
    return Markup(text)  # noqa: S704 - our own and pyvis's bundled files, checked above


def script_json(data: Any) -> Markup:
    """JSON that can sit inside <script type="application/json">: no "<", ">" or "&" survive."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - every markup character is escaped above


CMOC_MAX_SIZE = 56


def _cmoc_size(support: int) -> float:
    # Grows with distinct supporting sources, logarithmically and capped (reached at 63 sources)
    # so one well-evidenced CMOC does not swamp the map.
    return round(min(CMOC_MAX_SIZE, NODE_STYLES["cmoc"].size + 7 * math.log2(1 + support)), 2)


def _groups() -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for kind in NODE_KINDS:
        style = NODE_STYLES[kind]
        groups[kind] = {
            "shape": style.shape, "size": style.size,
            "color": {"background": style.color, "border": style.border,
                      "highlight": {"background": style.color, "border": "#000000"},
                      "hover": {"background": style.color, "border": "#000000"}},
        }
        if kind in ("source", "aggregate"):
            groups[kind]["shapeProperties"] = {"borderDashes": [4, 3] if kind == "aggregate" else False}
            groups[kind]["margin"] = 6
    return groups


def _options(node_count: int) -> dict[str, Any]:
    # A lone node has nothing to settle, and vis never reports stabilising an empty map.
    physics = 1 < node_count <= PHYSICS_MAX_NODES
    big = node_count > PHYSICS_MAX_NODES
    return {
        "autoResize": True,
        "groups": _groups(),
        "nodes": {"borderWidth": 1.5, "font": {"face": FONT, "size": 13, "color": "#1c2833"}},
        "edges": {"smooth": {"enabled": True, "type": "continuous", "roundness": 0.3} if not big else False,
                  "selectionWidth": 1.5, "hoverWidth": 1.2,
                  "font": {"face": FONT, "size": 11}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": False, "keyboard": {"enabled": True, "bindToWindow": False}},
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "physics": {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.008, "springLength": 90,
                                 "springConstant": 0.06, "avoidOverlap": 0.4},
            # The radial layout is a good start: a few hundred steps settle a small map.
            "stabilization": {"enabled": True, "iterations": 300 if node_count <= 100 else 150,
                              "updateInterval": 50, "fit": True},
        } if physics else {"enabled": False},
    }


@dataclass(frozen=True)
class Filter:
    value: str
    name: str
    count: int


def _network(graph: MapGraph) -> Network:
    """The pyvis network of the map: nodes with positions, edges with their meaning's style."""
    net = Network(directed=True, height="100%", width="100%", heading=graph.title)
    positions = radial_layout(graph)
    for node in graph.sorted_nodes():
        x, y = positions[node.id]
        extra: dict[str, Any] = {"group": node.kind, "x": x, "y": y, "k": node.kind}
        if node.kind == "cmoc":
            extra["size"] = _cmoc_size(node.support)
        for key, values in (("th", node.theories), ("sk", node.source_kinds), ("rl", node.relations)):
            if values:
                extra[key] = values
        net.add_node(node.id, label=node.label, shape=None, color=None, **extra)
    for edge in graph.sorted_edges():
        style = EDGE_STYLES[edge.rel]
        options: dict[str, Any] = {"rel": edge.rel, "title": edge.title or style.name, "color": {
            "color": style.color, "highlight": style.color, "hover": style.color, "inherit": False},
            "width": edge.width or style.width, "dashes": list(style.dashes) or False}
        options["arrows"] = {"to": {"enabled": True, "type": style.arrow, "scaleFactor": 0.7}} if style.arrow \
            else {"to": {"enabled": False}}
        net.add_edge(edge.source, edge.target, **options)
    return net


def render(graph: MapGraph) -> str:
    """The map as one HTML page that needs no network: every script and stylesheet inlined."""
    net = _network(graph)
    for node in net.nodes:
        # pyvis sets these from its arguments; the node's group carries them instead.
        node.pop("shape", None)
        node.pop("color", None)
        node.pop("font", None)
    nodes, edges, *_ = net.get_network_data()
    options = _options(len(nodes))
    details = {n.id: n.detail for n in graph.nodes.values()}
    search = {n.id: " ".join([n.label, n.search]).lower() for n in graph.nodes.values()}
    data = {"nodes": nodes, "edges": edges, "options": options, "details": details, "search": search,
            "physics": options["physics"]["enabled"]}

    rel_counts = {r: 0 for r in EDGE_RELS}
    for e in edges:
        rel_counts[e["rel"]] += 1
    kind_counts = {k: 0 for k in SOURCE_KINDS}
    theory_counts: dict[str, int] = {}
    no_theory = 0
    for n in graph.nodes.values():
        if n.kind == "source":
            for k in n.source_kinds:
                kind_counts[k] = kind_counts.get(k, 0) + 1
        for t in n.theories:
            theory_counts[t] = theory_counts.get(t, 0) + 1
        if not n.theories:
            no_theory += 1
    relations = [Filter(r, EDGE_STYLES[r].name, c) for r, c in rel_counts.items() if c]
    kinds = [Filter(k, SOURCE_KIND_NAMES.get(k, k), c) for k, c in kind_counts.items() if c]
    theories = [Filter(t, graph.nodes[t].label if t in graph.nodes else t, c)
                for t, c in sorted(theory_counts.items())]
    if theories and no_theory:
        theories.append(Filter("", "No theory on this map", no_theory))

    template = _env().get_template("map.html")
    return template.render(
        title=graph.title, subtitle=graph.subtitle, aggregated=graph.aggregated,
        node_count=len(nodes), edge_count=len(edges),
        node_styles=[(k, NODE_STYLES[k]) for k in NODE_KINDS],
        edge_styles=[(r, EDGE_STYLES[r]) for r in EDGE_RELS],
        relations=relations, source_kinds=kinds, theories=theories,
        data=script_json(data),
        vis_css=_asset("pyvis", f"{VIS}/vis-network.css"), vis_js=_asset("pyvis", f"{VIS}/vis-network.min.js"),
        map_css=_asset("cmograph.viz", "static/map.css"), map_js=_asset("cmograph.viz", "static/map.js"),
    )
