"""Keeps big maps usable: collapses excerpts and sources (then elements, then CMOCs) into count nodes."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from cmograph.viz.extract import RELATION_VERB, Links, no_links
from cmograph.viz.model import EDGE_STYLES, EVIDENCE_RELS, MapEdge, MapGraph, MapNode

# Above this many nodes a map collapses; 2,000-node maps still draw in full within about 2 s.
DEFAULT_MAX_NODES = 2500
ELEMENT_KINDS = ("context", "resource", "reasoning", "outcome")


def fit(graph: MapGraph, max_nodes: int = DEFAULT_MAX_NODES, links: Links = no_links) -> MapGraph:
    """`graph` itself if small enough, else the least collapsed version that is."""
    if len(graph.nodes) <= max_nodes:
        return graph
    for per_cmoc in (False, True):
        collapsed = collapse_evidence(graph, links, per_cmoc=per_cmoc)
        if len(collapsed.nodes) <= max_nodes:
            return collapsed
    return collapse_cmocs(graph, links)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _expand(detail: dict[str, Any], cmocs: list[str], graph: MapGraph, links: Links) -> None:
    """How to see what a count node stands for: a link to each CMOC's map, or the command for it."""
    found = [[f"Map of {graph.nodes[c].label}", href] for c in cmocs if (href := links("cmoc_map", c))]
    if found:
        detail["a"] = found
    else:
        detail["c"] = [f"cmograph map {c} -o {c.replace(':', '-')}.html" for c in cmocs]


def collapse_evidence(graph: MapGraph, links: Links = no_links, *, per_cmoc: bool) -> MapGraph:
    """Count nodes in place of excerpts and their sources.

    First one per CMOC or element and relation; with `per_cmoc`, the elements go too and each
    CMOC gets one count node, joined to it by one edge per relation.
    """
    keep_kinds = {"theory", "cmoc", *(() if per_cmoc else ELEMENT_KINDS)}
    kept = {i: n for i, n in graph.nodes.items() if n.kind in keep_kinds}
    users: dict[str, list[str]] = defaultdict(list)  # element -> CMOCs that use it
    origins: dict[str, set[str]] = defaultdict(set)  # excerpt -> sources it is evidence from
    for e in graph.edges:
        if e.rel.startswith("has_"):
            users[e.target].append(e.source)
        elif e.rel == "evidence_from":
            origins[e.source].add(e.target)
    # (target, relation) -> excerpts
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in graph.edges:
        if e.rel in EVIDENCE_RELS and graph.nodes[e.source].kind == "excerpt":
            targets = [e.target] if e.target in kept else sorted(users.get(e.target, []))
            for target in targets:
                if target in kept:
                    groups[(target, e.rel)].add(e.source)
    by_node: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for (target, rel), excerpts in groups.items():
        by_node[target if per_cmoc else f"{target}\x00{rel}"][rel] = excerpts

    out = MapGraph(title=graph.title, subtitle=graph.subtitle, nodes=dict(kept), full_size=graph.full_size)
    out.edges = [e for e in graph.edges if e.source in kept and e.target in kept]
    for key, rels in sorted(by_node.items()):
        target = key.split("\x00")[0]
        tnode = kept[target]
        node_id = f"agg:{target}" if per_cmoc else f"agg:{next(iter(rels))}:{target}"
        every = {x for xs in rels.values() for x in xs}
        sources = {s for x in every for s in origins[x]}
        kinds = sorted({k for x in every for k in graph.nodes[x].source_kinds})
        counts = [f"{len(rels[r])} {RELATION_VERB[r]}" for r in EVIDENCE_RELS if r in rels]
        name = tnode.detail.get("t", tnode.label)
        detail: dict[str, Any] = {
            "k": "Collapsed evidence",
            "t": f"{_plural(len(every), 'excerpt')} on {tnode.label}",
            "s": f"{_plural(len(every), 'excerpt')} from {_plural(len(sources), 'distinct source')} bear on "
                 f"{name}: {', '.join(counts)}. They are collapsed to keep this big map usable.",
            "f": [["Source kinds", ", ".join(kinds) or "none"]], "id": node_id}
        cmocs = [target] if tnode.kind == "cmoc" else sorted(users.get(target, []))
        _expand(detail, cmocs, graph, links)
        label = "\n".join([*counts, _plural(len(sources), "source")])
        out.add(MapNode(id=node_id, kind="aggregate", label=label, detail=detail, theories=list(tnode.theories),
                        source_kinds=kinds, relations=sorted(rels), search=str(detail["t"])))
        for rel, excerpts in sorted(rels.items()):
            n_sources = len({s for x in excerpts for s in origins[x]})
            out.edges.append(MapEdge(node_id, target, rel,
                                     f"{_plural(len(excerpts), 'excerpt')} {RELATION_VERB[rel]} "
                                     f"(from {_plural(n_sources, 'source')})",
                                     width=round(1.5 + math.log2(len(excerpts)), 2)))
    what = ("excerpts and sources are collapsed into one count node per CMOC or element and relation"
            if not per_cmoc else
            "elements, excerpts and sources are collapsed into one count node per CMOC")
    out.aggregated = (f"This map has {graph.full_size} nodes, too many to draw usefully: its {what}. "
                      f"Click a count node for the way to that CMOC's own map.")
    return out


def collapse_cmocs(graph: MapGraph, links: Links = no_links) -> MapGraph:
    """The last resort: the theories only, each with one count node for its CMOCs."""
    theories = {i: n for i, n in graph.nodes.items() if n.kind == "theory"}
    out = MapGraph(title=graph.title, subtitle=graph.subtitle, nodes=dict(theories), full_size=graph.full_size)
    members: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        if e.rel == "belongs_to" and e.target in theories:
            members[e.target].append(e.source)
    for theory, cmocs in sorted(members.items()):
        node_id = f"agg:cmocs:{theory}"
        detail: dict[str, Any] = {"k": "Collapsed CMOCs",
                                  "t": f"{_plural(len(cmocs), 'CMOC')} of {theories[theory].label}",
                                  "s": "Collapsed to keep this big map usable.", "id": node_id}
        href = links("theory_map", theory)
        if href:
            detail["a"] = [[f"Map of {theories[theory].label}", href]]
        else:
            detail["c"] = [f"cmograph map {theory} -o {theory.replace(':', '-')}.html"]
        out.add(MapNode(id=node_id, kind="aggregate", label=_plural(len(cmocs), "CMOC"), detail=detail,
                        theories=[theory], relations=["belongs_to"], search=str(detail["t"])))
        out.edges.append(MapEdge(node_id, theory, "belongs_to", EDGE_STYLES["belongs_to"].name,
                                 width=round(1.5 + math.log2(len(cmocs)), 2)))
    out.aggregated = (f"This map has {graph.full_size} nodes, too many to draw usefully: only the programme "
                      f"theories are drawn, each with a count of its CMOCs. Open a theory's own map to see them.")
    return out
