"""Writes a review's records to a store: diffed against what is there, in batches, all or nothing."""

from __future__ import annotations

from collections.abc import Callable

from cmograph.graph.models import Bundle
from cmograph.graph.schema import node_query, rel_query
from cmograph.graph.store import BATCH_SIZE, Row, Store, Writer, run_batches
from cmograph.graph.tallies import add_missing_tallies, write_tallies
from cmograph.ingest.gc_pause import gc_paused
from cmograph.ingest.records import (
    Records,
    build_records,
    excerpt_params,
    excerpt_text_size,
    excerpt_weight,
    rel_params,
    text_size,
)
from cmograph.ingest.report import IngestReport

DELETE_BATCH = 20_000


def diff(store: Store, records: Records) -> IngestReport:
    """Compare the review in the store with `records` by id and content hash."""
    report = IngestReport(review=records.review, nodes=records.node_count(), relationships=records.rel_count())
    snapshot = store.read("read/review_snapshot_nodes", {"review": records.review})
    if not snapshot:  # a review new to the store: everything is created, no need to compare
        report.created.update(records.counts())
        return report
    old_nodes = {r["id"]: (r["label"], r["h"]) for r in snapshot}
    node_keys, rel_keys = records.keys()
    for node_id, label, h in node_keys:
        before = old_nodes.pop(node_id, None)
        if before is None:
            report.created[label] += 1
        elif before != (label, h):
            report.updated[label] += 1
    for label, _ in old_nodes.values():
        report.removed[label] += 1

    old_rels: dict[tuple[str, str, str], dict[str, object]] = {}
    for r in store.read("read/review_snapshot_rels", {"review": records.review}):
        # Older stores also kept a content hash `h` on every relationship: not a property anyone wrote.
        old_rels[(r["source"], r["type"], r["target"])] = {k: v for k, v in r["props"].items() if k != "h"}
    for key, props in rel_keys:
        old_props = old_rels.pop(key, None)
        if old_props is None:
            report.created[key[1]] += 1
        elif old_props != props:
            report.updated[key[1]] += 1
    for key in old_rels:
        report.removed[key[1]] += 1
    return report


def delete_review(writer: Writer, review: str) -> None:
    while writer.run("write/delete_review_batch", {"review": review, "limit": DELETE_BATCH})[0]["deleted"]:
        pass


def write_records(writer: Writer, records: Records, progress: Callable[[int], None] | None = None,
                  size: int = BATCH_SIZE) -> None:
    """Replace the review with `records`: delete what was there, then create nodes and relationships,
    then count its theories' support from them (graph/tallies.py).

    Excerpts go after the nodes their evidence points at, and before RECORDS_FATE, which starts at one.
    """
    delete_review(writer, records.review)
    for label, rows in records.nodes.items():
        run_batches(writer, node_query(label), rows, size, progress, chars=text_size)
    run_batches(writer, "write/excerpts", records.excerpt_rows(), size, progress,
                weight=excerpt_weight, params=excerpt_params, chars=excerpt_text_size)
    for rel in records.rels:
        run_batches(writer, rel_query(rel), records.rel_rows(rel), size, progress, weight=_targets,
                    params=rel_params)
    write_tallies(writer, records.review)


def _targets(row: Row) -> int:
    return len(row["to"])


def ingest_bundle(store: Store, bundle: Bundle, progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Make the store hold exactly `bundle` for its review; a second identical ingest writes nothing.

    `progress(done, total)` is called as rows are written.
    """
    add_missing_tallies(store)  # an older store is counted even when this bundle changes nothing
    with gc_paused():
        records = build_records(bundle)
        report = diff(store, records)
        if not report.changed:
            return report
        total = report.nodes + report.relationships
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        store.init_schema()
        store.write(lambda w: write_records(w, records, step))
    return report


def remove_review(store: Store, review: str) -> bool:
    """Delete a review and everything that belongs to it; False if it was not there."""
    if not store.read("read/review_exists", {"review": review})[0]["exists"]:
        return False
    add_missing_tallies(store)  # before a write marks the store current (FalkorDB's records the version)
    store.write(lambda w: delete_review(w, review))
    return True
