"""A checksum of everything a store holds, equal for equal content whatever the write order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from cmograph.graph.store import Row, Store


def content_checksum(store: Store) -> str:
    """A hex digest of the store's whole content, independent of order and of the store kind.

    It goes through the existing query files only. Per review (from `read/review_summaries`)
    it takes every node as (id, label, h) from `read/review_snapshot_nodes` and every
    relationship leaving the review's nodes as (source, type, target, properties) from
    `read/review_snapshot_rels`. `h` is the content hash ingest writes on every node: a
    hash of all its other properties (see `cmograph.ingest.records`), so these tuples
    stand for every property. The schema
    version (`read/schema_version`) and the counts per label and per relationship type
    (`read/count_nodes`, `read/count_rels`) are included too, so nodes or relationships
    outside any review (orphans of a torn write) change the checksum as well.

    What it cannot see: a property changed in the store without its `h` being changed
    (nothing in cmograph writes so), nodes with none of the labels cmograph writes, and the
    values of the support tallies (RESTS_ON): only their count, as they are derived from the
    relationships it does compare.
    """
    digest = hashlib.blake2b(digest_size=20)

    def feed(section: str, rows: Iterable[Any]) -> None:
        # Canonical JSON per row, sorted: the order rows come back in never matters.
        lines = sorted(json.dumps(row, sort_keys=True, ensure_ascii=True) for row in rows)
        digest.update(f"{section}\n{len(lines)}\n".encode())
        for line in lines:
            digest.update(line.encode())
            digest.update(b"\n")

    feed("schema", store.read("read/schema_version"))
    feed("nodes", _nonzero(store.read("read/count_nodes")))
    feed("relationships", _nonzero(store.read("read/count_rels")))
    summaries = store.read("read/review_summaries")
    feed("reviews", summaries)
    for review in sorted({row["id"] for row in summaries}):
        params = {"review": review}
        feed(f"review {review} nodes",
             ([r["id"], r["label"], r["h"]] for r in store.read("read/review_snapshot_nodes", params)))
        feed(f"review {review} relationships",
             ([r["source"], r["type"], r["target"], r["props"]]
              for r in store.read("read/review_snapshot_rels", params)))
    return digest.hexdigest()


def _nonzero(rows: list[Row]) -> list[Row]:
    """Counts without the zero rows, so a store kind that omits them checksums the same."""
    return [row for row in rows if row.get("count")]
