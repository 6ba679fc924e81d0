"""Store query latency: support, evidence chain, trace and matrix, against the store's PING in the same run.

    .venv/bin/python -m bench.bench_queries --store /tmp/q/cmograph.db --build 100000
    .venv/bin/python -m bench.bench_queries --store /tmp/q/cmograph.db --corpus /tmp/q/corpus \\
        --compare /tmp/old-src      # also time another copy of the code, call by call with this one

The workload is the benchmark suite's (bench/suite.py): the example review's theories, CMOCs, claims
and review, and those of up to 10 generated reviews (bundles `syn-*` under `--corpus`, which must be
in the store). `--build N` first writes N excerpts of generated bundles into `--corpus` and ingests
them and the example with `cmograph ingest` (skipping reviews already in the store).

Each implementation runs in its own worker process on the same embedded server: this code, and with
`--compare DIR` the code found under DIR (a folder holding a `cmograph` package tree: `DIR/cmograph/graph`,
`DIR/cmograph/cypher`, ...; it goes first on PYTHONPATH). The driver interleaves them call by call,
with a store PING before each call, so all see the same machine noise; times are taken inside the
workers (no pipe overhead). Results are printed and, with `--out`, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("support per theory", "evidence chain", "trace", "matrix")
PER_REVIEW = 10_000


# --- the worker: one implementation, called over stdin/stdout ------------------------------------


def _worker(store_path: str) -> None:
    from cmograph.graph import queries
    from cmograph.graph.store import open_store

    store = open_store(store_path)
    calls: dict[str, Callable[[Any], Any]] = {
        "ping": lambda _: store.ping(),
        "support per theory": lambda t: queries.theory_support(store, t),
        "evidence chain": lambda c: queries.cmoc_chain(store, c),
        "trace": lambda q: queries.trace(store, q),
        "matrix": lambda r: queries.matrix(store, r),
    }
    print(json.dumps({"ready": queries.__file__}), flush=True)
    try:
        for line in sys.stdin:
            ask = json.loads(line)
            t0 = time.perf_counter()
            try:
                result = calls[ask["q"]](ask["arg"])
                ok = True
            except Exception as exc:  # noqa: BLE001 - reported to the driver, which counts it
                result, ok = repr(exc), False
            ms = (time.perf_counter() - t0) * 1000
            size = len(result.model_dump_json()) if ok and ask.get("size") and result is not None else None
            print(json.dumps({"ms": ms, "ok": ok, "bytes": size, "error": None if ok else result}), flush=True)
    finally:
        store.close()


class Worker:
    def __init__(self, name: str, store: str, src: str | None) -> None:
        env = dict(os.environ)
        if src:
            env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.bench_queries", "--worker", "--store", store],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.code = json.loads(self._line())["ready"]

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.name} died")
        return line

    def call(self, q: str, arg: Any, size: bool = False) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"q": q, "arg": arg, "size": size}) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self._line())
        return answer

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=120)


# --- the driver ----------------------------------------------------------------------------------


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile, as bench/suite.py takes it."""
    rank = max(1, -(-int(q * 100) * len(sorted_ms) // 100))
    return sorted_ms[min(len(sorted_ms), rank) - 1]


def _stats(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    return {"p50_ms": round(percentile(s, 0.5), 3), "p95_ms": round(percentile(s, 0.95), 3),
            "max_ms": round(s[-1], 3), "mean_ms": round(statistics.fmean(s), 3), "samples": len(s)}


def build(store: str, corpus: Path, excerpts: int) -> None:
    """Generated bundles of up to 10,000 excerpts each plus the example, ingested with the CLI."""
    from bench.generate import write_bundle
    from cmograph import examples

    folders = [examples.path()]
    for i in range(max(1, -(-excerpts // PER_REVIEW))):
        folder = corpus / f"syn-{i:03d}"
        if not (folder / "extraction.csv").exists():
            write_bundle(folder, f"syn-{i:03d}", min(PER_REVIEW, excerpts - i * PER_REVIEW), seed=7 * 1000 + i)
        folders.append(folder)
    for folder in folders:
        subprocess.run([sys.executable, "-m", "cmograph.cli", "--store", store, "ingest", str(folder), "--json"],
                       check=True, stdout=subprocess.DEVNULL)


def workloads(corpus: Path | None, seed: int) -> list[tuple[str, str, list[Any]]]:
    from bench.suite import describe
    from cmograph import examples

    rng = random.Random(seed)
    ex = describe(examples.path(), rng)
    bundles = sorted(corpus.glob("syn-*")) if corpus else []
    picks = [bundles[i] for i in sorted({int(i * (len(bundles) - 1) / 9) for i in range(10)})] if bundles else []
    gen = [describe(b, rng) for b in picks]
    out: list[tuple[str, str, list[Any]]] = []
    for which, reviews in (("example", [ex]), ("generated", gen)):
        if not reviews:
            continue
        out += [("support per theory", which, [t for r in reviews for t in r.theories]),
                ("evidence chain", which, [c for r in reviews for c in r.cmocs]),
                ("trace", which, [c for r in reviews for c in r.claims]),
                ("matrix", which, [r.id for r in reviews])]
    return out


def run(workers: list[Worker], loads: list[tuple[str, str, list[Any]]], samples: int, warmup: int,
        seconds: float, rng: random.Random, only: set[str] | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for query, which, args in loads:
        if only and query not in only:
            continue
        order = list(args)
        rng.shuffle(order)
        times: dict[str, list[float]] = {f"{w.name}:{k}": [] for w in workers for k in ("ping", "call")}
        sizes: dict[str, list[int]] = {w.name: [] for w in workers}
        errors = {w.name: 0 for w in workers}
        for i in range(min(warmup, len(order) * 2)):
            for w in workers:
                answer = w.call(query, order[i % len(order)], size=True)
                if answer["bytes"]:
                    sizes[w.name].append(answer["bytes"])
        started = time.perf_counter()
        for i in range(samples):
            if time.perf_counter() - started > seconds:
                break
            arg = order[i % len(order)]
            for w in rng.sample(workers, len(workers)):
                times[f"{w.name}:ping"].append(w.call("ping", None)["ms"])
                answer = w.call(query, arg)
                times[f"{w.name}:call"].append(answer["ms"])
                if not answer["ok"]:
                    errors[w.name] += 1
                    if errors[w.name] == 1:
                        print(f"  {w.name} {query} {arg!r}: {answer['error']}", file=sys.stderr)
        entry: dict[str, Any] = {}
        for w in workers:
            call, ping = _stats(times[f"{w.name}:call"]), _stats(times[f"{w.name}:ping"])
            entry[w.name] = {**call, "ping_p50_ms": ping["p50_ms"], "errors": errors[w.name],
                             "p50_x_ping": round(call["p50_ms"] / ping["p50_ms"], 1) if ping["p50_ms"] else None,
                             "mean_answer_kib": round(statistics.fmean(sizes[w.name]) / 1024, 1)
                             if sizes[w.name] else None}
        results[f"{query} ({which})"] = entry
        line = f"{query + ', ' + which:32s}"
        for w in workers:
            e = entry[w.name]
            kib = f" {e['mean_answer_kib']} KiB" if e["mean_answer_kib"] else ""
            failed = f" ERRORS {e['errors']}" if e["errors"] else ""
            line += (f" | {w.name}: p50 {e['p50_ms']:8.2f} p95 {e['p95_ms']:8.2f} ms ({e['p50_x_ping']:,.0f}x ping"
                     f" {e['ping_p50_ms']:.3f}){kib}{failed}")
        print(line, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="embedded store path (a .db file)")
    parser.add_argument("--corpus", type=Path, help="folder of generated bundles syn-* (in the store)")
    parser.add_argument("--build", type=int, metavar="EXCERPTS", help="generate and ingest this many excerpts first")
    parser.add_argument("--compare", metavar="DIR", help="also time the cmograph package tree under DIR")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--figure-seconds", type=float, default=60.0)
    parser.add_argument("--only", help="comma-separated query names, e.g. trace,matrix")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.store)
        return
    if args.build:
        if not args.corpus:
            parser.error("--build needs --corpus for the bundles")
        build(args.store, args.corpus, args.build)
    from cmograph.graph.store import open_store

    holder = open_store(args.store)  # keeps the embedded server up while the workers come and go
    workers: list[Worker] = []
    try:
        workers.append(Worker("now", args.store, None))
        if args.compare:
            workers.append(Worker("compare", args.store, args.compare))
        for w in workers:
            print(f"{w.name}: {w.code}")
        only = set(args.only.split(",")) if args.only else None
        if only and not only <= set(QUERIES):
            parser.error(f"--only takes {', '.join(QUERIES)}")
        load = os.getloadavg()
        results = run(workers, workloads(args.corpus, args.seed), args.samples, args.warmup, args.figure_seconds,
                      random.Random(args.seed), only)
        if len(workers) == 2:
            print("\nratio compare/now (p50, p95):")
            for name, entry in results.items():
                a, b = entry["compare"], entry["now"]
                print(f"  {name:32s} {a['p50_ms'] / b['p50_ms']:6.1f}x {a['p95_ms'] / b['p95_ms']:6.1f}x")
        if args.out:
            args.out.write_text(json.dumps({"store": args.store, "loadavg_start": load, "loadavg_end": os.getloadavg(),
                                            "code": {w.name: w.code for w in workers}, "results": results}, indent=1))
    finally:
        for w in workers:
            w.close()
        holder.close()


if __name__ == "__main__":
    main()
