"""What is in a store: kind, schema version, counts, and a summary per review."""

from __future__ import annotations

from typing import Any

from cmograph.graph.store import Store


def store_info(store: Store) -> dict[str, Any]:
    return {
        "store": {"kind": store.kind, "location": store.location},
        "schema_version": store.read("read/schema_version")[0]["version"],
        "nodes": {r["label"]: r["count"] for r in store.read("read/count_nodes")},
        "relationships": {r["type"]: r["count"] for r in store.read("read/count_rels")},
        "reviews": store.read("read/review_summaries"),
    }
