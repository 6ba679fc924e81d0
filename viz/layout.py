"""A deterministic radial layout, linear in the map's size: theories in the middle of their clusters."""

from __future__ import annotations

import math
from collections import defaultdict, deque

from cmograph.viz.model import NODE_KINDS, MapGraph

RING_GAP = 170.0  # distance between successive rings of a cluster
SPACING = 34.0  # room per node along a ring
MARGIN = 160.0  # between clusters


def radial_layout(graph: MapGraph) -> dict[str, tuple[int, int]]:
    """Positions for every node: each theory (else each leftover node) roots a tree laid out in rings.

    Breadth-first from all theories at once, so a CMOC joins its own theory's cluster even when
    another theory reaches it through a shared element or source. Same graph, same positions.
    """
    rank = {k: i for i, k in enumerate(NODE_KINDS)}
    nodes = graph.sorted_nodes()
    adjacency: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        if e.source in graph.nodes and e.target in graph.nodes and e.source != e.target:
            adjacency[e.source].add(e.target)
            adjacency[e.target].add(e.source)

    def neighbours(node_id: str) -> list[str]:
        return sorted(adjacency[node_id], key=lambda n: (rank.get(graph.nodes[n].kind, 99), n))

    parent: dict[str, str | None] = {}
    children: dict[str, list[str]] = defaultdict(list)
    roots: list[str] = []

    def grow(starts: list[str]) -> None:
        queue = deque(starts)
        for s in starts:
            parent[s] = None
            roots.append(s)
        while queue:
            current = queue.popleft()
            for n in neighbours(current):
                if n not in parent:
                    parent[n] = current
                    children[current].append(n)
                    queue.append(n)

    grow([n.id for n in nodes if n.kind == "theory"])
    for n in nodes:
        if n.id not in parent:
            grow([n.id])

    # Leaves under each node decide the width of its wedge; rings widen to fit their nodes.
    order: list[tuple[str, int]] = []
    for root in roots:
        stack = [(root, 0)]
        while stack:
            node_id, depth = stack.pop()
            order.append((node_id, depth))
            stack.extend((c, depth + 1) for c in reversed(children[node_id]))
    leaves: dict[str, int] = {}
    for node_id, _ in reversed(order):
        leaves[node_id] = sum(leaves[c] for c in children[node_id]) or 1

    positions: dict[str, tuple[float, float]] = {}
    clusters: list[tuple[str, float]] = []
    for root in roots:
        per_depth: dict[int, int] = defaultdict(int)
        members = [(root, 0)]
        i = 0
        while i < len(members):
            node_id, depth = members[i]
            per_depth[depth] += 1
            members.extend((c, depth + 1) for c in children[node_id])
            i += 1
        radius = [0.0]
        for depth in range(1, max(per_depth) + 1):
            radius.append(max(radius[-1] + RING_GAP, per_depth[depth] * SPACING / (2 * math.pi)))
        local: dict[str, tuple[float, float]] = {root: (0.0, 0.0)}
        wedges = [(root, 0, 0.0, 2 * math.pi)]
        while wedges:
            node_id, depth, start, width = wedges.pop()
            kids = children[node_id]
            total = sum(leaves[c] for c in kids)
            at = start
            for c in kids:
                share = width * leaves[c] / total
                angle = at + share / 2
                r = radius[depth + 1]
                local[c] = (r * math.cos(angle), r * math.sin(angle))
                wedges.append((c, depth + 1, at, share))
                at += share
        for node_id, xy in local.items():
            positions[node_id] = xy
        clusters.append((root, radius[-1] + 40.0))

    # Pack the clusters in rows, biggest first, into a roughly square block.
    members_of: dict[str, list[str]] = defaultdict(list)
    for node_id in positions:
        root = node_id
        while parent[root] is not None:
            root = parent[root]  # type: ignore[assignment]
        members_of[root].append(node_id)
    clusters.sort(key=lambda c: (-c[1], c[0]))
    total_area = sum((2 * r + MARGIN) ** 2 for _, r in clusters)
    row_width = max(math.sqrt(total_area), max((2 * r for _, r in clusters), default=0.0))
    x = y = row_height = 0.0
    final: dict[str, tuple[int, int]] = {}
    for root, r in clusters:
        size = 2 * r + MARGIN
        if x > 0 and x + size > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + size / 2, y + size / 2
        for node_id in members_of[root]:
            px, py = positions[node_id]
            final[node_id] = (round(cx + px), round(cy + py))
        x += size
        row_height = max(row_height, size)
    return final
