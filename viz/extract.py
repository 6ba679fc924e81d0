"""Reads what a map shows from the store: a theory, a CMOC's neighbourhood, a review, or everything."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cmograph.graph.errors import NotFound
from cmograph.graph.store import Row, Store
from cmograph.viz.model import (
    EDGE_STYLES,
    EVIDENCE_RELS,
    LABEL_KIND,
    SOURCE_KIND_NAMES,
    MapEdge,
    MapGraph,
    MapNode,
)

# The kinds of map and the node label each is asked for by.
MAP_KINDS = {"review": "Review", "theory": "ProgrammeTheory", "cmoc": "CMOC"}
KIND_NAMES = {"review": "review", "theory": "programme theory", "cmoc": "CMOC"}
SCOPE_QUERY = {"all": "read/map_scope_all", "review": "read/map_scope_review",
               "theory": "read/map_scope_theory", "cmoc": "read/map_scope_cmoc"}
ELEMENT_RELS = {"HAS_CONTEXT": "C", "HAS_RESOURCE": "M-Res", "HAS_REASONING": "M-Rea", "HAS_OUTCOME": "O"}
ELEMENT_KIND_NAMES = {"context": "Context (C)", "resource": "Mechanism resource (M-Res)",
                      "reasoning": "Mechanism reasoning (M-Rea)", "outcome": "Outcome (O)"}
RELATION_VERB = {"supports": "supports", "refines": "refines", "contests": "contests",
                 "records_fate": "records the fate of"}
# Links a served map offers (kind, id) -> URL; a saved file has none.
Links = Callable[[str, str], str | None]


def no_links(kind: str, id: str) -> str | None:
    return None


@dataclass(frozen=True)
class MapTarget:
    """What a map is of: everything (`id` None), a review, a programme theory or a CMOC."""

    kind: str
    id: str | None = None


def resolve_target(store: Store, id: str | None) -> MapTarget:
    """Find what `id` names; no id means everything in the store."""
    if id is None:
        return MapTarget("all")
    rows = store.read("read/map_target", {"id": id})
    if not rows:
        raise NotFound("programme theory, CMOC or review", id)
    label = rows[0]["label"]
    return MapTarget(next(k for k, v in MAP_KINDS.items() if v == label), id)


def check_target(store: Store, kind: str, id: str) -> MapTarget:
    """The target `id` if it is a `kind`; otherwise NotFound, as for an unknown id."""
    rows = store.read("read/map_target", {"id": id})
    if not rows or rows[0]["label"] != MAP_KINDS[kind]:
        raise NotFound(KIND_NAMES[kind], id)
    return MapTarget(kind, id)


def _short(text: str, words: int = 6, chars: int = 40) -> str:
    parts = text.split()
    out = " ".join(parts[:words])
    if len(out) > chars:
        out = out[:chars].rstrip()
    return out + ("…" if out != " ".join(parts) else "")


def source_label(props: dict[str, Any]) -> str:
    """A short name such as "Aunger et al. 2022b" from the source's authors and year."""
    authors = [a for a in props.get("authors") or [] if a]
    year = props.get("year")
    key = str(props.get("key") or props.get("id") or "")
    suffix = key[-1] if key and key[-1].isalpha() and key[-2:-1].isdigit() else ""
    if authors:
        names = [a.split(",")[0].strip() for a in authors]
        name = names[0] if len(names) == 1 else (
            f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
        return f"{name} {year}{suffix}" if year else name
    if props.get("title"):
        return _short(str(props["title"]), 5, 36)
    return key


def locator_text(props: dict[str, Any]) -> str:
    parts = []
    if props.get("section"):
        parts.append(str(props["section"]))
    if props.get("paragraph") is not None:
        parts.append(f"paragraph {props['paragraph']}")
    if props.get("page"):
        parts.append(f"page {props['page']}")
    if props.get("char_start") is not None and props.get("char_end") is not None:
        parts.append(f"characters {props['char_start']}–{props['char_end']}")
    return ", ".join(parts) or "not recorded"


def citation_text(props: dict[str, Any]) -> str:
    if props.get("citation"):
        return str(props["citation"])
    bits = [", ".join(props.get("authors") or []), f"({props['year']})" if props.get("year") else "",
            str(props.get("title") or ""), str(props.get("container") or "")]
    return " ".join(b for b in bits if b) or str(props.get("key") or props.get("id"))


class _Reader:
    """Runs the map queries and keeps the rows; one instance per map."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.props: dict[str, dict[str, Any]] = {}
        self.kind: dict[str, str] = {}
        self.out: dict[str, list[Row]] = defaultdict(list)

    def load(self, ids: Iterable[str]) -> None:
        todo = sorted(set(ids) - self.props.keys())
        if not todo:
            return
        for row in self.store.read("read/map_nodes", {"ids": todo}):
            props = {k: v for k, v in row["props"].items() if k != "h"}
            self.props[row["id"]] = props
            self.kind[row["id"]] = LABEL_KIND.get(row["label"], "other")
        for row in self.store.read("read/map_edges", {"ids": todo}):
            self.out[row["source"]].append(row)
        for rows in self.out.values():
            rows.sort(key=lambda r: (r["type"], r["target"]))


def extract(store: Store, target: MapTarget, links: Links = no_links, max_nodes: int | None = None) -> MapGraph:
    """The full map of `target`, before any collapsing or layout.

    Past `max_nodes` the map will be collapsed anyway, so excerpts and sources are read only as
    ids and kinds (an outline): enough to count them, without their text.
    """
    params = {} if target.kind == "all" else {"id": target.id}
    rows = store.read(SCOPE_QUERY[target.kind], params)
    if not rows:
        raise NotFound(KIND_NAMES.get(target.kind, target.kind), str(target.id))
    scope = rows[0]
    theories = sorted(set(scope["theories"] or []))
    cmocs = sorted(set(scope["cmocs"] or []))
    with_evidence = sorted(set(scope["evidence"] or []))

    reader = _Reader(store)
    reader.load([*theories, *cmocs])
    # Every CMOC's elements are read (for its C/M/O breakdown); only those of the CMOCs
    # whose evidence the map shows are drawn.
    all_elements = [r["id"] for r in store.read("read/map_elements", {"cmocs": cmocs})] if cmocs else []
    reader.load(all_elements)
    drawn_elements = sorted({r["target"] for c in with_evidence for r in reader.out[c]
                             if r["type"] in ELEMENT_RELS})
    targets = [*with_evidence, *drawn_elements]
    bearing = store.read("read/map_evidence", {"targets": targets}) if targets else []
    excerpts = sorted({r["excerpt"] for r in bearing})
    origins = store.read("read/map_excerpt_sources", {"excerpts": excerpts}) if excerpts else []
    sources = sorted({r["source"] for r in origins})
    full_size = len(theories) + len(cmocs) + len(drawn_elements) + len(excerpts) + len(sources)
    outline = max_nodes is not None and full_size > max_nodes
    if outline:
        for row in bearing:
            reader.out[row["excerpt"]].append({"source": row["excerpt"], "type": row["type"], "target": row["target"]})
        for row in origins:
            reader.out[row["excerpt"]].append({"source": row["excerpt"], "type": row["type"], "target": row["source"]})
            reader.props[row["source"]] = {"kind": row["kind"]}
            reader.kind[row["source"]] = "source"
        for excerpt in excerpts:
            reader.props[excerpt] = {}
            reader.kind[excerpt] = "excerpt"
            reader.out[excerpt].sort(key=lambda r: (r["type"], r["target"]))
    else:
        reader.load([*excerpts, *sources])
    # Theories named by a drawn CMOC but outside the map: read for the panel only.
    reader.load(r["target"] for c in cmocs for r in reader.out[c] if r["type"] == "BELONGS_TO")
    support = {r["id"]: r["sources"] for r in store.read("read/map_support", {"cmocs": cmocs})} if cmocs else {}

    drawn = [*theories, *cmocs, *drawn_elements, *excerpts, *sources]
    title, subtitle = _titles(target, reader)
    graph = MapGraph(title=title, subtitle=subtitle)
    for node_id in drawn:
        if node_id in reader.props:
            graph.add(MapNode(id=node_id, kind=reader.kind[node_id], label=""))
    graph.edges = _edges(reader, graph)
    _describe(graph, reader, support, links, outline=outline)
    graph.full_size = len(graph.nodes)
    return graph


def _titles(target: MapTarget, reader: _Reader) -> tuple[str, str]:
    if target.kind == "all":
        return "Everything in the store", "Every review's programme theories, CMOCs and their evidence"
    assert target.id is not None
    props = reader.props.get(target.id, {})
    if target.kind == "theory":
        return f"Programme theory: {props.get('title', target.id)}", f"{target.id}: its CMOCs and their evidence"
    if target.kind == "cmoc":
        return (f"{props.get('label', target.id)} and its neighbourhood",
                f"{target.id}: its theory, elements, evidence, lineage and CMOCs sharing an element")
    title = reader.store.read("read/map_nodes", {"ids": [target.id]})
    name = title[0]["props"].get("title", target.id) if title else target.id
    return f"Review: {name}", f"{target.id}: all its programme theories, CMOCs and their evidence"


def _edges(reader: _Reader, graph: MapGraph) -> list[MapEdge]:
    edges: list[MapEdge] = []
    for source in sorted(graph.nodes):
        rows = [r for r in reader.out[source] if r["target"] in graph.nodes]
        evidence_from = {r["target"] for r in rows if r["type"] == "EVIDENCE_FROM"}
        quoted_from = {r["target"] for r in rows if r["type"] == "QUOTED_FROM"}
        for row in rows:
            rel = row["type"].lower()
            if rel not in EDGE_STYLES:
                continue  # CITES: drawn as evidence_from, which is derived from it
            title = EDGE_STYLES[rel].name
            if rel == "quoted_from" and row["target"] in evidence_from:
                continue  # one edge says both: see the evidence_from title
            if rel == "evidence_from" and row["target"] in quoted_from:
                title = "evidence from (and quoted from)"
            if rel in EVIDENCE_RELS:
                extra = [f"reviewer: {row['reviewer']}" if row.get("reviewer") else "",
                         f"rationale: {row['rationale']}" if row.get("rationale") else ""]
                title = " · ".join([title, *(e for e in extra if e)])
            edges.append(MapEdge(source, row["target"], rel, title))
    return edges


def _describe(graph: MapGraph, reader: _Reader, support: dict[str, int], links: Links, *, outline: bool) -> None:
    """Fill each node's label, panel detail and filter tags from its properties and edges.

    In an outline, excerpts and sources get only what collapsing needs: their source kinds.
    """
    props = reader.props
    into: dict[str, list[MapEdge]] = defaultdict(list)
    out: dict[str, list[MapEdge]] = defaultdict(list)
    for edge in graph.edges:
        out[edge.source].append(edge)
        into[edge.target].append(edge)

    def name(node_id: str) -> str:
        p = props.get(node_id, {})
        return str(p.get("label") or p.get("title") or p.get("text") or node_id)

    # Theories first, then CMOCs, elements, excerpts, sources: each takes its tags from the one before.
    for node in graph.sorted_nodes():
        p = props[node.id]
        kind = node.kind
        if outline and kind in ("excerpt", "source"):
            node.source_kinds = [str(p["kind"])] if kind == "source" else []
        elif kind == "theory":
            node.label = str(p.get("title", node.id))
            node.theories = [node.id]
            node.detail = _theory_detail(node.id, p, links, sum(1 for e in into[node.id] if e.rel == "belongs_to"))
            node.search = " ".join([node.label, str(p.get("statement") or "")])
        elif kind == "cmoc":
            node.label = str(p.get("label", node.id))
            node.support = support.get(node.id, 0)
            node.theories = sorted({e.target for e in out[node.id] if e.rel == "belongs_to"})
            node.detail = _cmoc_detail(node.id, p, reader, node.support, links, name)
            node.search = " ".join([node.label, str(p.get("statement") or "")])
        elif kind in ELEMENT_KIND_NAMES:
            node.label = _short(str(p.get("text", "")), 7, 42)
            users = sorted(e.source for e in into[node.id] if e.rel.startswith("has_"))
            node.theories = sorted({t for u in users for t in graph.nodes[u].theories})
            node.detail = {"k": ELEMENT_KIND_NAMES[kind], "t": str(p.get("text", "")),
                           "ls": [["Used by", [name(u) for u in users]]], "id": node.id}
            node.search = str(p.get("text", ""))
        elif kind == "excerpt":
            node.label = _short(str(p.get("text", "")))
            bears = [e for e in out[node.id] if e.rel in EVIDENCE_RELS]
            node.relations = sorted({e.rel for e in bears})
            node.theories = sorted({t for e in bears for t in graph.nodes[e.target].theories})
            node.detail = _excerpt_detail(node.id, p, reader, bears, name)
            node.search = str(p.get("text", ""))
        elif kind == "source":
            node.label = source_label(p)
            node.source_kinds = [str(p.get("kind", "other"))]
            users = [e.source for e in into[node.id] if e.rel in ("evidence_from", "quoted_from")]
            node.theories = sorted({t for u in users for t in graph.nodes[u].theories})
            node.detail = _source_detail(node.id, p, len(set(users)))
            node.search = " ".join([node.label, citation_text(p)])
    # Excerpts take the kinds of the sources they are evidence from.
    for node in graph.nodes.values():
        if node.kind == "excerpt":
            origins = [e.target for e in out[node.id] if e.rel == "evidence_from"] or [
                e.target for e in out[node.id] if e.rel == "quoted_from"]
            node.source_kinds = sorted({k for o in origins for k in graph.nodes[o].source_kinds})


def _fields(pairs: list[tuple[str, Any]]) -> list[list[str]]:
    """Panel fields as [name, text], leaving out what is not recorded."""
    return [[name, str(value)] for name, value in pairs if value is not None and value != ""]


def _theory_detail(node_id: str, p: dict[str, Any], links: Links, cmocs: int) -> dict[str, Any]:
    fields = _fields([("Theme", p.get("theme")), ("Stage", p.get("stage")), ("Review", p.get("review")),
                      ("CMOCs on this map", cmocs), ("Id", node_id)])
    detail: dict[str, Any] = {"k": "Programme theory", "t": str(p.get("title", node_id)),
                              "s": p.get("statement") or "Statement not recorded.", "f": fields, "id": node_id}
    _add_links(detail, [("Map of this theory", links("theory_map", node_id))])
    return detail


def _cmoc_detail(node_id: str, p: dict[str, Any], reader: _Reader, support: int, links: Links,
                 name: Callable[[str], str]) -> dict[str, Any]:
    statement = p.get("statement") or (
        "Statement not reported by the review." if p.get("statement_reported") is False else "No statement recorded.")
    parts: dict[str, list[str]] = defaultdict(list)
    theory = ""
    lineage: list[str] = []
    for row in reader.out[node_id]:
        if row["type"] in ELEMENT_RELS:
            parts[ELEMENT_RELS[row["type"]]].append(str(reader.props.get(row["target"], {}).get("text", row["target"])))
        elif row["type"] == "BELONGS_TO":
            theory = name(row["target"])
        elif row["type"] in ("REFINED_INTO", "MERGED_INTO"):
            lineage.append(f"{row['type'].lower().replace('_', ' ')} {name(row['target'])}")
    fate = str(p.get("fate") or "current")
    fate_text = fate + (f": {p['fate_note']}" if p.get("fate_note") else "")
    pairs: list[tuple[str, Any]] = [(part, "; ".join(parts[part]) or "not recorded")
                                    for part in ("C", "M-Res", "M-Rea", "O")]
    pairs += [("Distinct supporting sources", support), ("Stage", p.get("stage")), ("Fate", fate_text),
              ("Theory", theory or "none"), ("Review", p.get("review")), ("Id", node_id)]
    if p.get("into_reported") is False and fate in ("refined", "merged"):
        pairs.append(("Went into", "not reported by the review"))
    detail: dict[str, Any] = {"k": "CMOC", "t": str(p.get("label", node_id)), "s": statement,
                              "f": _fields(pairs), "id": node_id}
    if lineage:
        detail["ls"] = [["Lineage", lineage]]
    _add_links(detail, [("Evidence chain", links("evidence", node_id)),
                        ("Map of this CMOC's neighbourhood", links("cmoc_map", node_id))])
    return detail


def _excerpt_detail(node_id: str, p: dict[str, Any], reader: _Reader, bears: list[MapEdge],
                    name: Callable[[str], str]) -> dict[str, Any]:
    out = reader.out[node_id]
    quoted = [r["target"] for r in out if r["type"] == "QUOTED_FROM"]
    cites = [r["target"] for r in out if r["type"] == "CITES"]
    fields = [["Locator", locator_text(p)]]
    fields += [["Quoted from", citation_text(reader.props.get(q, {"id": q}))] for q in quoted]
    detail: dict[str, Any] = {"k": "Excerpt (verbatim)", "t": f"Excerpt {p.get('key', node_id)}",
                              "q": str(p.get("text", "")), "f": fields, "id": node_id}
    lists = []
    if cites:
        lists.append(["Cites", [citation_text(reader.props.get(c, {"id": c})) for c in cites]])
    judgements = []
    for edge in bears:
        row: Row = next((r for r in out if r["target"] == edge.target and r["type"].lower() == edge.rel), {})
        text = f"{RELATION_VERB[edge.rel]} {name(edge.target)}"
        if row.get("rationale"):
            text += f" — {row['rationale']}"
        if row.get("reviewer"):
            text += f" (judged by {row['reviewer']})"
        judgements.append(text)
    lists.append(["Bears on", judgements])
    detail["ls"] = lists
    return detail


def _source_detail(node_id: str, p: dict[str, Any], excerpts: int) -> dict[str, Any]:
    authors = p.get("authors") or []
    included = p.get("included")
    pairs: list[tuple[str, Any]] = [
        ("Kind", SOURCE_KIND_NAMES.get(str(p.get("kind")), str(p.get("kind")))),
        ("Anonymous", "yes" if p.get("anonymous") else None),
        ("DOI", p.get("doi")), ("Title", p.get("title")), ("Authors", "; ".join(authors)), ("Year", p.get("year")),
        ("Published in", p.get("container")),
        ("Included in the synthesis", None if included is None else ("yes" if included else "no")),
        ("Excerpts on this map", excerpts), ("Id", node_id)]
    screening = p.get("screening")
    if isinstance(screening, str):
        try:
            steps = json.loads(screening)
            pairs.append(("Screening", "; ".join(f"{s.get('stage')}: {s.get('decision')}" for s in steps)))
        except (ValueError, AttributeError):
            pass
    return {"k": "Source", "t": source_label(p), "s": citation_text(p), "f": _fields(pairs), "id": node_id}


def _add_links(detail: dict[str, Any], candidates: list[tuple[str, str | None]]) -> None:
    found = [[text, href] for text, href in candidates if href]
    if found:
        detail["a"] = found
