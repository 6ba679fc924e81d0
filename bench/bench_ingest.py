"""Ingest benchmark: a generated bundle end to end from files, against a row-at-a-time ingest in the same run.

    .venv/bin/python -m bench.bench_ingest [--excerpts 100000] [--naive-excerpts 2000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import write_bundle
from bench.system import cpu_seconds, embedded_server_pid
from cmograph.graph.falkordb_store import FalkorStore, _with_params
from cmograph.graph.schema import Label, Rel
from cmograph.graph.store import BATCH_SIZE, Row, Writer
from cmograph.ingest import load
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.records import EXCERPT_RELS, Records, build_records

RESULTS = Path(__file__).resolve().parent / "results"
Encode = Callable[[str, dict[str, Any]], Any]


def naive_write(writer: Writer, records: Records, encode: Encode = _with_params) -> None:
    """The baseline: one graph row per round trip, as a script looping over a sheet would write.

    Its queries are the plain ones such a script would use (labels and types from the
    allow-list), not cmograph's batched files, which write an excerpt with its relationships.
    `encode` puts a query text and its parameters in the form the store's writer sends.
    """
    def node(label: Label, row: Row) -> None:
        query = f"CREATE (n:Entity:{Label(label).value} {{id: $id}}) SET n += $props"
        writer.send(encode(query, {"id": row["id"], "props": row["props"]}))

    def rel(rel: Rel, start: str, target: Row) -> None:
        query = (f"MATCH (a:Entity {{id: $from}}) MATCH (b:Entity {{id: $to}}) "
                 f"CREATE (a)-[r:{Rel(rel).value}]->(b) SET r += $props")
        writer.send(encode(query, {"from": start, "to": target["id"], "props": target["props"]}))

    for label, rows in records.nodes.items():
        for row in rows:
            node(label, row)
    excerpts = list(records.excerpt_rows())
    for row in excerpts:
        node(Label.EXCERPT, row)
    for row in excerpts:
        for excerpt_rel, key in EXCERPT_RELS.items():
            for target in row[key]:
                rel(excerpt_rel, row["id"], target)
    for other_rel, groups in records.rels.items():
        for start, targets in groups.items():
            for target in targets:
                rel(other_rel, start, target)


def run_ingest(folder: Path, store_path: Path, naive: bool = False) -> dict[str, Any]:
    """Read, validate and write one bundle into a fresh store, timed from the files.

    Also reports the CPU time of the store's server during the ingest. Ingest validates the whole
    bundle before it writes anything, so reading plus the server's own work is the least time the
    ingest can take on this machine, however well the rest overlaps: `bound_graph_rows_per_s`.
    """
    start = time.perf_counter()
    bundle = read_bundle(folder)
    parsed = time.perf_counter()
    store = FalkorStore(store_path)
    pid = embedded_server_pid(store)
    assert pid is not None  # an embedded store always runs its own server
    server = [pid]
    server_start = cpu_seconds(server)
    try:
        if naive:
            records = build_records(bundle)
            rows = records.node_count() + records.rel_count()
            store.init_schema()
            store.write(lambda w: naive_write(w, records))
        else:
            report = load.ingest_bundle(store, bundle)
            rows = report.nodes + report.relationships
        done = time.perf_counter()
        server_seconds = cpu_seconds(server) - server_start
    finally:
        store.close()
    seconds = done - start
    read_seconds = parsed - start
    return {"excerpts": len(bundle.excerpts), "graph_rows": rows, "seconds": round(seconds, 3),
            "read_and_validate_seconds": round(read_seconds, 3), "store_cpu_seconds": round(server_seconds, 3),
            "graph_rows_per_s": round(rows / seconds), "excerpts_per_s": round(len(bundle.excerpts) / seconds),
            "bound_graph_rows_per_s": round(rows / (read_seconds + server_seconds))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--naive-excerpts", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        batched = run_ingest(write_bundle(root / "big", "big", args.excerpts), root / "a" / "s.db")
        naive = run_ingest(write_bundle(root / "small", "small", args.naive_excerpts), root / "b" / "s.db", naive=True)
    ratio = batched["graph_rows_per_s"] / naive["graph_rows_per_s"]
    report = {"batched": batched, "naive_row_at_a_time": naive, "ratio": round(ratio, 1),
              "targets": {"graph_rows_per_s": 50_000, "ratio": 20}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(report, indent=2) + "\n")
    print("| path | excerpts | graph rows | seconds | of which reading | store CPU | graph rows/s | excerpts/s |")
    print("|---|---|---|---|---|---|---|---|")
    batched_name = f"batched (UNWIND, up to {BATCH_SIZE:,} graph rows a batch)"
    for name, r in ((batched_name, batched), ("naive (one graph row a query)", naive)):
        print(f"| {name} | {r['excerpts']:,} | {r['graph_rows']:,} | {r['seconds']} | {r['read_and_validate_seconds']} "
              f"| {r['store_cpu_seconds']} | {r['graph_rows_per_s']:,} | {r['excerpts_per_s']:,} |")
    print(f"\nratio batched / naive: {ratio:.1f}x (target ≥ 20x); batched {batched['graph_rows_per_s']:,} rows/s "
          f"(target ≥ 50,000)")
    print(f"at best {batched['bound_graph_rows_per_s']:,} rows/s on this machine: the bundle is read and checked "
          f"({batched['read_and_validate_seconds']} s) before the store's server does its "
          f"{batched['store_cpu_seconds']} s of work")


if __name__ == "__main__":
    main()
