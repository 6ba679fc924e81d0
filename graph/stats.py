"""What is in a store: kind, schema version, counts, and a summary per review."""

from __future__ import annotations

from typing import Any

from cmograph.graph.store import Store


def store_info(store: Store) -> dict[str, Any]:
    """One read (read/store_info), so every figure comes from the same version of the store."""
    info: dict[str, Any] = {
        "store": {"kind": store.kind, "location": store.location},
        "schema_version": None,
        "nodes": {},
        "relationships": {},
        "reviews": [],
    }
    for row in store.read("read/store_info"):
        part, name, value = row["part"], row["name"], row["value"]
        if part == "schema":
            info["schema_version"] = value
        elif part == "reviews":
            info["reviews"].append(value)
        else:
            info[part][name] = value
    info["reviews"].sort(key=lambda r: r["id"])
    return info
