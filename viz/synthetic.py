"""Generated maps of any size, shaped like real reviews, for the benchmark and the tests."""

from __future__ import annotations

import random

from cmograph.viz.model import EDGE_STYLES, SOURCE_KINDS, MapEdge, MapGraph, MapNode

NODES_PER_CMOC = 25  # a CMOC, its four elements and about twenty excerpts and sources
CMOCS_PER_THEORY = 8
ELEMENTS = (("context", "has_context"), ("resource", "has_resource"), ("reasoning", "has_reasoning"),
            ("outcome", "has_outcome"))


def generated_graph(size: int, seed: int = 1) -> MapGraph:
    """A map of exactly `size` nodes (at least 10): theories, CMOCs, elements, excerpts, sources."""
    rng = random.Random(seed)
    cmoc_count = max(1, size // NODES_PER_CMOC)
    theory_count = max(1, cmoc_count // CMOCS_PER_THEORY)
    rest = size - theory_count - cmoc_count * 5
    excerpt_count = max(1, int(rest * 0.55))
    source_count = max(1, rest - excerpt_count)
    graph = MapGraph(title=f"Generated map of {size} nodes", subtitle="synthetic data for benchmarks")

    def add(node_id: str, kind: str, label: str, text: str, **tags: list[str]) -> None:
        graph.add(MapNode(id=node_id, kind=kind, label=label, search=text,
                          detail={"k": kind, "t": label, "s": text, "id": node_id}, **tags))  # type: ignore[arg-type]

    theories = [f"gen:pt-{i}" for i in range(theory_count)]
    for i, t in enumerate(theories):
        add(t, "theory", f"Theory {i}", f"Programme theory number {i}.", theories=[t])
    cmocs = []
    for i in range(cmoc_count):
        c = f"gen:cmoc-{i}"
        theory = theories[i % theory_count]
        cmocs.append(c)
        add(c, "cmoc", f"CMOC {i}", f"In context {i}, resource {i} triggers reasoning {i}, giving outcome {i}.",
            theories=[theory])
        graph.edges.append(MapEdge(c, theory, "belongs_to", EDGE_STYLES["belongs_to"].name))
        for kind, rel in ELEMENTS:
            e = f"gen:{kind}-{i}"
            add(e, kind, f"{kind} {i}", f"The {kind} of CMOC {i}.", theories=[theory])
            graph.edges.append(MapEdge(c, e, rel, EDGE_STYLES[rel].name))
    sources = []
    for i in range(source_count):
        s = f"gen:src-{i}"
        kind = SOURCE_KINDS[0] if rng.random() < 0.7 else rng.choice(SOURCE_KINDS[1:])
        sources.append(s)
        add(s, "source", f"Author {i} et al. {2000 + i % 25}", f"Author {i} et al. A study, number {i}.",
            source_kinds=[kind])
    for i in range(excerpt_count):
        x = f"gen:ex-{i}"
        c = rng.choice(cmocs)
        target = c if rng.random() < 0.85 else f"gen:{rng.choice(ELEMENTS)[0]}-{c.rsplit('-', 1)[1]}"
        rel = rng.choices(("supports", "refines", "contests"), (7, 2, 1))[0]
        origin = rng.sample(sources, k=min(len(sources), rng.randint(1, 3)))
        add(x, "excerpt", f"Quote {i}…", f"Quote number {i}, which {rel} {c}.",
            theories=list(graph.nodes[c].theories), relations=[rel],
            source_kinds=sorted({k for o in origin for k in graph.nodes[o].source_kinds}))
        graph.edges.append(MapEdge(x, target, rel, EDGE_STYLES[rel].name))
        graph.edges.extend(MapEdge(x, o, "evidence_from", EDGE_STYLES["evidence_from"].name) for o in origin)
    graph.full_size = len(graph.nodes)
    return graph
