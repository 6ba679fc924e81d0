"""`cmograph serve` throughput with 1 and with N workers, health and support endpoints, in one run.

    .venv/bin/python -m bench.bench_serve                      # workers 1 and 2, 10 s per figure
    .venv/bin/python -m bench.bench_serve --workers 1,2,3 --seconds 20 --connections 64 --json out.json

The example review is ingested into a fresh temporary store; each worker count gets its own
`cmograph --store PATH serve --workers N` process, loaded with wrk (`wrk -t2 -cC -dSs --latency`;
bench/loadgen.py's multi-process httpx generator when wrk is missing) on the health endpoint (the
baseline) and the support endpoint of an example theory, then stopped as Ctrl+C stops it. The load
generator runs on the same machine, so it takes its share of the cores too. Figures are requests/s,
p50/p99 latency and errors; ratios are to the 1-worker figure of the same endpoint and to the
health endpoint of the same worker count. CPU milliseconds per request (the serve processes, the
store's redis-server, and wrk) move much less than requests/s when other work shares the machine:
2 cores give at most 2,000 CPU ms per second, so their sum bounds the requests/s this machine can reach.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

from bench import loadgen, system

CLI = [sys.executable, "-m", "cmograph.cli"]
ENDPOINTS = {
    "health": "/api/v1/health",
    "support": "/api/v1/theories/knight-2024:pt-being/support",
}


def redis_servers(folder: Path) -> list[int]:
    """Live (not zombie) redis-server processes serving a store in `folder` (a server runs in its store's folder)."""
    found = []
    for proc in psutil.process_iter(["pid", "name", "cwd", "status"]):
        with contextlib.suppress(psutil.Error):
            if "redis-server" in (proc.info["name"] or "") and proc.info["status"] != psutil.STATUS_ZOMBIE \
                    and proc.info["cwd"] == str(folder):
                found.append(proc.info["pid"])
    return found


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children (the load generator, when it is wrk)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest_example(store: Path) -> None:
    from cmograph import examples

    subprocess.run([*CLI, "--store", str(store), "ingest", str(examples.path())], check=True,
                   capture_output=True, timeout=300)


@contextlib.contextmanager
def serving(store: Path, workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """`cmograph serve --workers N` (bench.system.served) until the block ends: (base URL, pid)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMOGRAPH_")}
    with system.served(str(store), env=env, log=log, workers=workers) as (url, pid):
        # With several workers the first answer may come from one of them: give the others time to start.
        time.sleep(1.0 if workers > 1 else 0.0)
        yield url, pid


def run(workers: list[int], seconds: int, connections: int, warmup: int) -> dict[str, Any]:
    results: dict[str, Any] = {"seconds": seconds, "connections": connections, "tool": None, "runs": {},
                               "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="cmograph-bench-serve-") as tmp:
        folder = Path(tmp)
        store = folder / "store" / "cmograph.db"
        ingest_example(store)
        for n in workers:
            run: dict[str, Any] = {}
            with serving(store, n, folder / f"serve-{n}.log") as (url, pid):
                servers = redis_servers(store.parent)
                for name, path in ENDPOINTS.items():
                    if warmup:
                        loadgen.load(url + path, warmup, connections)
                    before = system.cpu_seconds([pid]), system.cpu_seconds(servers), children_cpu_seconds()
                    r = loadgen.load(url + path, seconds, connections)
                    after = system.cpu_seconds([pid]), system.cpu_seconds(servers), children_cpu_seconds()
                    results["tool"] = r.tool
                    # CPU per request moves less with other load on the machine than requests/s does.
                    cpu = {part: round(1000 * (a - b) / max(r.requests, 1), 3)
                           for part, a, b in zip(("serve", "redis", "loadgen"), after, before, strict=True)}
                    run[name] = {**r.as_dict(), "cpu_ms_per_request": cpu}
                    print(f"workers={n} {name:8} {r.requests_per_s:8.1f} req/s  p50 {r.latency_p50_ms} ms  "
                          f"p99 {r.latency_p99_ms} ms  errors {r.errors}  CPU ms/request {cpu}", flush=True)
            run["redis_servers_while_serving"] = len(servers)
            run["redis_servers_after_stop"] = len(redis_servers(store.parent))
            results["runs"][str(n)] = run
    results["load_after"] = os.getloadavg()
    return results


def summary(results: dict[str, Any]) -> str:
    runs = results["runs"]
    first = runs[min(runs, key=int)]
    lines = [f"{results['tool']}, {results['connections']} connections, {results['seconds']} s per figure; "
             f"load average before {results['load_before'][0]:.2f}, after {results['load_after'][0]:.2f}",
             "| workers | endpoint | req/s | p50 ms | p99 ms | errors | × same endpoint, fewest workers | × health "
             "| CPU ms/request: serve, redis, load generator |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, run in runs.items():
        for name in ENDPOINTS:
            r = run[name]
            lines.append(f"| {n} | {name} | {r['requests_per_s']:,.0f} | {r['latency_p50_ms']} | {r['latency_p99_ms']} "
                         f"| {r['errors']} | {r['requests_per_s'] / first[name]['requests_per_s']:.2f} "
                         f"| {r['requests_per_s'] / run['health']['requests_per_s']:.2f} "
                         f"| {', '.join(str(v) for v in r['cpu_ms_per_request'].values())} |")
    lines.append("redis-server processes while serving / after stopping: "
                 + ", ".join(f"{n} workers: {r['redis_servers_while_serving']} / {r['redis_servers_after_stop']}"
                             for n, r in runs.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per figure (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = run([int(w) for w in args.workers.split(",")], args.seconds, args.connections, args.warmup)
    print(summary(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
