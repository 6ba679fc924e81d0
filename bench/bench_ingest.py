"""Ingest benchmark: a generated bundle end to end from files, against a row-at-a-time ingest in the same run.

    .venv/bin/python -m bench.bench_ingest [--excerpts 100000] [--naive-excerpts 2000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.generate import write_bundle
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.schema import node_query, rel_query
from cmograph.graph.store import Writer
from cmograph.ingest import load
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.records import Records, build_records

RESULTS = Path(__file__).resolve().parent / "results"


def naive_write(writer: Writer, records: Records) -> None:
    """The baseline: the same queries, one row per round trip, as a loop over a sheet would do."""
    for label, rows in records.nodes.items():
        for row in rows:
            writer.run(node_query(label), {"rows": [row]})
    for rel, groups in records.rels.items():
        for start, targets in groups.items():
            for target in targets:
                writer.run(rel_query(rel), {"rows": [{"from": start, "to": [target]}]})


def run_ingest(folder: Path, store_path: Path, naive: bool = False) -> dict[str, Any]:
    start = time.perf_counter()
    bundle = read_bundle(folder)
    parsed = time.perf_counter()
    store = FalkorStore(store_path)
    try:
        if naive:
            records = build_records(bundle)
            store.init_schema()
            store.write(lambda w: naive_write(w, records))
        else:
            records = build_records(bundle)
            load.ingest_bundle(store, bundle)
        done = time.perf_counter()
    finally:
        store.close()
    rows = records.node_count() + records.rel_count()
    seconds = done - start
    return {"excerpts": len(bundle.excerpts), "graph_rows": rows, "seconds": round(seconds, 3),
            "read_and_validate_seconds": round(parsed - start, 3),
            "graph_rows_per_s": round(rows / seconds), "excerpts_per_s": round(len(bundle.excerpts) / seconds)}


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
    print("| path | excerpts | graph rows | seconds | graph rows/s | excerpts/s |")
    print("|---|---|---|---|---|---|")
    for name, r in (("batched (UNWIND, 5,000 a batch)", batched), ("naive (one row a query)", naive)):
        print(f"| {name} | {r['excerpts']:,} | {r['graph_rows']:,} | {r['seconds']} | {r['graph_rows_per_s']:,} "
              f"| {r['excerpts_per_s']:,} |")
    print(f"\nratio batched / naive: {ratio:.1f}x (target ≥ 20x); batched {batched['graph_rows_per_s']:,} rows/s "
          f"(target ≥ 50,000)")


if __name__ == "__main__":
    main()
