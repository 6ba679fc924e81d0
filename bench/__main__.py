"""`python -m bench`: generate corpora, run every benchmark at each size, write bench/results/report.{json,md}."""

from __future__ import annotations

import argparse
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import loadgen, report, suite, system
from bench.report import Figure

DEFAULT_SIZES = "10000,100000,1000000"


def _parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive excerpt counts, e.g. 10000,100000")
    return sizes


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl+C, so the servers and temporary corpora are cleaned up."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=_parse_sizes, default=_parse_sizes(DEFAULT_SIZES),
                        help=f"corpus sizes in excerpts (default {DEFAULT_SIZES})")
    parser.add_argument("--quick", action="store_true", help="10000 excerpts only")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="where report.json/.md go")
    parser.add_argument("--neo4j", metavar="URI", help="also run every benchmark on this Neo4j (it is emptied!)")
    parser.add_argument("--samples", type=int, default=200, help="timed calls per latency figure (default 200)")
    parser.add_argument("--figure-seconds", type=float, default=60.0,
                        help="stop a latency figure early after this long (default 60)")
    parser.add_argument("--load-seconds", type=int, default=10, help="seconds per throughput run (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--no-aof-rewrite", action="store_true",
                        help="workaround: turn off the embedded server's automatic AOF rewrite, during which "
                             "GRAPH.COPY fails and ingest stops at ~150,000 excerpts")
    parser.add_argument("--bypass-on-failure", action="store_true",
                        help="workaround: if `cmograph ingest` keeps failing, load the rest of the corpus straight "
                             "into the live graph so the other benchmarks still run (said in the report)")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else args.sizes
    opts = suite.Options(sizes=sizes, out=args.out, neo4j=args.neo4j, samples=args.samples,
                         figure_seconds=args.figure_seconds, load_seconds=args.load_seconds,
                         connections=args.connections, no_aof_rewrite=args.no_aof_rewrite,
                         bypass_on_failure=args.bypass_on_failure)
    _stop_on_sigterm()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    t0 = time.perf_counter()
    figures: list[Figure] = []
    results: dict[str, Any] = {}
    notes: list[str] = []
    failed: str | None = None
    machine = system.machine()
    machine["load_generator"] = "wrk (Debian)" if loadgen.wrk_available() else "httpx, multi-process"
    tmp = Path(tempfile.mkdtemp(prefix="cmograph-bench-"))
    suite.log(f"corpora and stores under {tmp}")
    try:
        corpus = suite.Corpus(tmp / "corpus", opts.per_review, opts.seed)
        for size in sizes:
            targets = [suite.StoreUnderTest("falkordb", str(tmp / f"store-{size}" / "cmograph.db"),
                                            tmp / f"store-{size}" / "cmograph.db")]
            if opts.neo4j:
                targets.append(suite.StoreUnderTest("neo4j", opts.neo4j))
            for sut in targets:
                started_size = time.perf_counter()
                run = suite.SizeRun(size, sut, corpus, opts, tmp)
                try:
                    data = run.run()
                finally:
                    figures += run.figures
                    notes += run.notes
                    machine.update(run.data.pop("server_versions", {}))
                    results.setdefault(str(size), {})[sut.kind] = run.data
                    results[str(size)]["corpus"] = run.data.get("corpus", {})
                data["seconds"] = round(time.perf_counter() - started_size, 1)
                results[str(size)]["complete"] = True
                if sut.db_path:
                    shutil.rmtree(sut.db_path.parent, ignore_errors=True)
                suite.log(f"{size:,} / {sut.kind} done in {data['seconds'] / 60:.1f} min")
    except Exception as exc:  # noqa: BLE001 - the figures so far are still written, with the failure
        failed = f"{type(exc).__name__}: {exc}"
        notes.append(f"the run stopped early: {failed}")
        suite.log(f"FAILED: {failed}")
    finally:
        leftovers = system.leftover_servers(tmp)
        for pid in leftovers:
            notes.append(f"stopped a leftover redis-server (pid {pid})")
            system.stop_process(pid, grace=10)
        shutil.rmtree(tmp, ignore_errors=True)
    end_tree = system.tree_fingerprint()
    if end_tree != machine["git"].get("tree"):
        notes.append(f"the code changed while the benchmark ran (source fingerprint {machine['git'].get('tree')} "
                     f"at the start, {end_tree} at the end): other engineers were editing the tree, and each "
                     "`cmograph` subprocess ran the code as it was when it started")
    machine["load_average_at_end"] = [round(x, 2) for x in __import__("os").getloadavg()]
    out = {
        "started": started,
        "duration_s": round(time.perf_counter() - t0, 1),
        "command": "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "machine": machine,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()},
        "sizes": results,
        "notes": notes,
    }
    js, md = report.write(opts.out, out, figures)
    suite.log(f"wrote {js} and {md} in {out['duration_s'] / 60:.1f} min")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
