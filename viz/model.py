"""What a map draws: its nodes, edges and panel details, and the style of each kind of node and edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Drawing order and legend order; also the order nodes are written out, for stable bytes.
NODE_KINDS = ("theory", "cmoc", "context", "resource", "reasoning", "outcome", "excerpt", "source",
              "aggregate")
EVIDENCE_RELS = ("supports", "refines", "contests", "records_fate")
STRUCTURAL_RELS = ("has_context", "has_resource", "has_reasoning", "has_outcome")
EDGE_RELS = ("supports", "refines", "contests", "refined_into", "merged_into", *STRUCTURAL_RELS,
             "belongs_to", "records_fate", "evidence_from", "quoted_from")
SOURCE_KINDS = ("empirical_study", "policy_document", "key_informant_interview", "review", "other")
LABEL_KIND = {"ProgrammeTheory": "theory", "CMOC": "cmoc", "Context": "context",
              "MechanismResource": "resource", "MechanismReasoning": "reasoning", "Outcome": "outcome",
              "Excerpt": "excerpt", "Source": "source"}


@dataclass(frozen=True)
class NodeStyle:
    name: str
    shape: str  # a vis-network shape
    color: str
    border: str
    size: int


@dataclass(frozen=True)
class EdgeStyle:
    name: str
    color: str
    dashes: tuple[int, ...] = ()
    arrow: str = "arrow"  # a vis-network arrow type, or "" for none
    width: float = 1.5


NODE_STYLES: dict[str, NodeStyle] = {
    "theory": NodeStyle("Programme theory", "star", "#8e44ad", "#5b2c6f", 30),
    "cmoc": NodeStyle("CMOC (size: distinct supporting sources)", "dot", "#2e86c1", "#1b4f72", 14),
    "context": NodeStyle("Context (C)", "square", "#17a589", "#0e6655", 11),
    "resource": NodeStyle("Mechanism resource (M-Res)", "triangle", "#e67e22", "#a04000", 12),
    "reasoning": NodeStyle("Mechanism reasoning (M-Rea)", "triangleDown", "#f1c40f", "#9a7d0a", 12),
    "outcome": NodeStyle("Outcome (O)", "diamond", "#c0392b", "#78281f", 12),
    "excerpt": NodeStyle("Excerpt (verbatim quote)", "hexagon", "#95a5a6", "#5d6d7e", 9),
    "source": NodeStyle("Source", "ellipse", "#f5eef8", "#6c3483", 10),
    "aggregate": NodeStyle("Collapsed excerpts and sources", "box", "#fdfefe", "#566573", 10),
}

EDGE_STYLES: dict[str, EdgeStyle] = {
    "supports": EdgeStyle("supports", "#1e8449", (), "arrow", 2.5),
    "refines": EdgeStyle("refines", "#d68910", (8, 5), "arrow", 2.5),
    "contests": EdgeStyle("contests", "#cb4335", (2, 4), "bar", 2.5),
    "refined_into": EdgeStyle("refined into", "#6c3483", (), "vee", 3),
    "merged_into": EdgeStyle("merged into", "#6c3483", (12, 6), "vee", 3),
    "has_context": EdgeStyle("context (C)", "#17a589", (), "", 1.5),
    "has_resource": EdgeStyle("mechanism resource (M-Res)", "#e67e22", (), "", 1.5),
    "has_reasoning": EdgeStyle("mechanism reasoning (M-Rea)", "#b7950b", (), "", 1.5),
    "has_outcome": EdgeStyle("outcome (O)", "#c0392b", (), "", 1.5),
    "belongs_to": EdgeStyle("belongs to theory", "#a569bd", (3, 3), "", 1.5),
    "records_fate": EdgeStyle("records the fate of", "#5d6d7e", (10, 3, 2, 3), "diamond", 1.5),
    "evidence_from": EdgeStyle("evidence from", "#7f8c8d", (), "arrow", 1),
    "quoted_from": EdgeStyle("quoted from", "#aab7b8", (1, 3), "circle", 1),
}

SOURCE_KIND_NAMES = {
    "empirical_study": "Empirical study",
    "policy_document": "Policy or guidance document",
    "key_informant_interview": "Key-informant interview",
    "review": "The review itself",
    "other": "Other",
}


@dataclass
class MapNode:
    """One drawn node; `detail` is what the side panel shows, as plain text fields."""

    id: str
    kind: str
    label: str
    detail: dict[str, Any] = field(default_factory=dict)
    theories: list[str] = field(default_factory=list)
    source_kinds: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    support: int = 0
    search: str = ""


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    rel: str
    title: str = ""
    width: float | None = None


@dataclass
class MapGraph:
    """A map's content before layout: sorted, plain data, independent of any store."""

    title: str
    subtitle: str = ""
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    # Set when the map collapsed evidence so that it stays usable; says what was collapsed.
    aggregated: str = ""
    full_size: int = 0

    def add(self, node: MapNode) -> None:
        self.nodes.setdefault(node.id, node)

    def sorted_nodes(self) -> list[MapNode]:
        order = {k: i for i, k in enumerate(NODE_KINDS)}
        return sorted(self.nodes.values(), key=lambda n: (order.get(n.kind, 99), n.id))

    def sorted_edges(self) -> list[MapEdge]:
        order = {k: i for i, k in enumerate(EDGE_RELS)}
        unique = {(e.source, e.rel, e.target): e for e in self.edges}
        return sorted(unique.values(), key=lambda e: (e.source, order.get(e.rel, 99), e.target))
