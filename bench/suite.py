"""Every benchmark at one corpus size on one store: ingest, query and API latency, throughput, memory, maps."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from bench import bench_ingest, loadgen, system
from bench.generate import write_bundle
from bench.report import Figure, Target
from cmograph import examples
from cmograph.graph import queries
from cmograph.graph.store import Store, open_store
from tests.live_server import LiveServer

EXCERPTS_PER_REVIEW = 10_000
NAIVE_EXCERPTS = 2_000
# The ingest target's own definition: one generated bundle of 100,000 excerpts, from its files.
BATCHED_EXCERPTS = 100_000
INGEST_TRIES = 3
GIB = 1024**3

# The targets, and the corpus size (excerpts) each is set for.
MILLION = 1_000_000
INGEST_ROWS_PER_S = Target(">=", 50_000)
INGEST_RATIO = Target(">=", 20)
STORE_P95_MS = Target("<=", 20, MILLION)
TRACE_P95_MS = Target("<=", 100, MILLION)
API_RPS = Target(">=", 1_000)
API_ERRORS = Target("<=", 0)
INGEST_MEMORY_GIB = Target("<=", 4, MILLION)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@dataclass
class Options:
    sizes: list[int]
    out: Path
    neo4j: str | None = None
    per_review: int = EXCERPTS_PER_REVIEW
    naive_excerpts: int = NAIVE_EXCERPTS
    samples: int = 200
    warmup: int = 10
    figure_seconds: float = 60.0  # a latency figure stops early (and says so) after this long
    load_seconds: int = 10
    connections: int = 16
    seed: int = 7
    # A workaround, off by default: stop the embedded server rewriting its append-only file on its own,
    # because GRAPH.COPY fails ("destination key already exists") while a rewrite is in progress.
    no_aof_rewrite: bool = False
    # When `cmograph ingest` keeps failing, load the remaining bundles straight into the live graph
    # (no staging copy, not atomic) so the query, API and map benchmarks can still run at this size.
    bypass_on_failure: bool = False


# --- corpora -------------------------------------------------------------------------------------


@dataclass
class Review:
    """What the benchmark asks about one review: its theories, CMOCs and some claims from its excerpts."""

    id: str
    theories: list[str]
    cmocs: list[str]
    claims: list[str]


def _claims(extraction: Path, rng: random.Random, n: int = 20) -> list[str]:
    """Claims in the words of the review's own excerpts: 3-8 consecutive words of a random excerpt."""
    with extraction.open(encoding="utf-8") as fh:
        texts = [row["text"] for _, row in zip(range(2_000), csv.DictReader(fh), strict=False) if row.get("text")]
    claims = []
    for _ in range(n):
        words = rng.choice(texts).split()
        k = min(len(words), rng.randint(3, 8))
        start = rng.randint(0, len(words) - k)
        claims.append(" ".join(words[start:start + k]).strip(".,;:"))
    return claims


def describe(folder: Path, rng: random.Random) -> Review:
    data = yaml.safe_load((folder / "review.yaml").read_text(encoding="utf-8"))
    rid = data["review"]["id"]
    return Review(rid, [f"{rid}:{t['id']}" for t in data["theories"]], [f"{rid}:{c['id']}" for c in data["cmocs"]],
                  _claims(folder / "extraction.csv", rng))


@dataclass
class Corpus:
    """Generated bundles (review syn-000, syn-001, ...) under a temporary folder, made once, reused by size."""

    root: Path
    per_review: int
    seed: int
    bundles: list[Path] = field(default_factory=list)

    def bundles_for(self, size: int) -> list[Path]:
        count = max(1, -(-size // self.per_review))
        while len(self.bundles) < count:
            i = len(self.bundles)
            excerpts = min(self.per_review, size - i * self.per_review) if size > i * self.per_review else 1
            self.bundles.append(write_bundle(self.root / f"syn-{i:03d}", f"syn-{i:03d}", max(1, excerpts),
                                             seed=self.seed * 1000 + i))
        return self.bundles[:count]


# --- latency -------------------------------------------------------------------------------------


def percentile(sorted_ms: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, -(-int(q * 100) * len(sorted_ms) // 100))
    return sorted_ms[min(len(sorted_ms), rank) - 1]


def _stats(timings: list[float]) -> dict[str, Any]:
    timings = sorted(timings)
    return {"samples": len(timings), "p50_ms": round(percentile(timings, 0.5), 3),
            "p95_ms": round(percentile(timings, 0.95), 3), "max_ms": round(timings[-1], 3) if timings else None,
            "mean_ms": round(statistics.fmean(timings), 3) if timings else None}


def paired_latency(calls: dict[str, Callable[[Any], Any]], args: Sequence[Any], opts: Options,
                   rng: random.Random) -> dict[str, dict[str, Any]]:
    """Time each of `calls` on the same argument, interleaved, so they share the machine's noise.

    Args are taken in a shuffled cycle: `warmup` untimed rounds, then up to `samples` timed rounds,
    stopping early once `figure_seconds` have passed.
    """
    order = list(args)
    rng.shuffle(order)
    errors = dict.fromkeys(calls, 0)
    timings: dict[str, list[float]] = {name: [] for name in calls}
    warm_until = time.perf_counter() + opts.figure_seconds / 4
    for i in range(opts.warmup):
        if i and time.perf_counter() > warm_until:
            break
        for name, call in calls.items():
            try:
                call(order[i % len(order)])
            except Exception:  # noqa: BLE001 - counted; the figure says how many failed
                errors[name] += 1
    started = time.perf_counter()
    capped = False
    for i in range(opts.samples):
        if time.perf_counter() - started > opts.figure_seconds:
            capped = True
            break
        arg = order[i % len(order)]
        for name, call in calls.items():
            t0 = time.perf_counter()
            try:
                call(arg)
            except Exception:  # noqa: BLE001
                errors[name] += 1
            timings[name].append((time.perf_counter() - t0) * 1000)
    return {name: {**_stats(timings[name]), "errors": errors[name], "distinct_args": len(order),
                   "capped_after_s": opts.figure_seconds if capped else None} for name in calls}


class _Http:
    """GETs that fail on any status but 200, remembering the size of the answers."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sizes: list[int] = []

    def get(self, path: str) -> None:
        response = self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        self.sizes.append(len(response.content))


# --- one store -----------------------------------------------------------------------------------


@dataclass
class StoreUnderTest:
    """The embedded store in a temporary folder, or a Neo4j database that is emptied first."""

    kind: str
    location: str
    db_path: Path | None = None  # embedded only

    def open(self) -> Store:
        return open_store(self.location)

    def redis_pid(self, store: Store) -> int | None:
        return system.embedded_server_pid(store)


def _empty(store: Store) -> None:
    from cmograph.ingest.load import remove_review

    for _ in range(10_000):  # bounded: a page of reviews at a time until none is left
        page = queries.list_reviews(store, 100, 0)
        if not page.items:
            return
        for item in page.items:
            remove_review(store, item.id)


def _aof_rewrite_info(store: Store) -> dict[str, Any]:
    try:
        return dict(store._db.connection.info("persistence"))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - Neo4j, or the server is gone: nothing to wait for
        return {}


def _aof_rewriting(store: Store) -> bool | None:
    info = _aof_rewrite_info(store)
    return bool(info.get("aof_rewrite_in_progress")) if info else None


def _wait_for_aof_rewrite(store: Store, limit: float = 120.0) -> None:
    """Before running a failed ingest again, let an append-only-file rewrite in progress finish."""
    deadline = time.monotonic() + limit
    while _aof_rewriting(store) and time.monotonic() < deadline:
        time.sleep(0.5)


class SizeRun:
    """Runs every benchmark for one corpus size on one store and collects figures."""

    def __init__(self, size: int, sut: StoreUnderTest, corpus: Corpus, opts: Options, scratch: Path) -> None:
        self.size = size
        self.sut = sut
        self.corpus = corpus
        self.opts = opts
        self.scratch = scratch
        self.rng = random.Random(opts.seed + size)
        self.figures: list[Figure] = []
        self.data: dict[str, Any] = {}
        self.notes: list[str] = []
        self.env = {k: v for k, v in os.environ.items() if k != "CMOGRAPH_STORE"}

    def fig(self, group: str, name: str, value: float | None, unit: str, target: Target | None = None,
            baseline: str | None = None, note: str | None = None) -> None:
        self.figures.append(Figure(self.size, self.sut.kind, group, name, value, unit, target, baseline, note))

    # -- the whole size --

    def run(self) -> dict[str, Any]:
        bundles = self.corpus.bundles_for(self.size)
        example = examples.path()
        if self.sut.kind == "neo4j":
            with contextlib.closing(self.sut.open()) as s:
                _empty(s)
        holder = self.sut.open()  # keeps the embedded server up between the steps, as a running service would
        try:
            redis_pid = self.sut.redis_pid(holder)
            if redis_pid:
                self.data["server_versions"] = system.embedded_server_versions(holder)
                if self.opts.no_aof_rewrite:
                    holder._db.connection.config_set("auto-aof-rewrite-percentage", 0)  # type: ignore[attr-defined]
                    self.notes.append(f"{self.size:,}: run with --no-aof-rewrite: the embedded server's automatic "
                                      "AOF rewrite was turned off (CONFIG SET auto-aof-rewrite-percentage 0), as a "
                                      "workaround for GRAPH.COPY failing during a rewrite; ingest figures exclude "
                                      "rewrite work and the .aof folder is not compacted")
            self.ingest([example, *bundles], redis_pid, holder)
            self.naive_ratio()
            rng = random.Random(self.opts.seed)
            ex = describe(example, rng)
            picks = [bundles[i] for i in sorted({int(i * (len(bundles) - 1) / 9) for i in range(10)})]
            gen = [describe(b, rng) for b in picks]
            for step in (lambda: self.latency(holder, ex, gen), lambda: self.throughput(ex, gen, redis_pid),
                         lambda: self.maps(holder, ex, gen)):
                self._guarded(step)
            if self.sut.db_path:
                self.data["disk_live"] = system.disk_usage(self.sut.db_path)
        finally:
            with contextlib.suppress(Exception):
                self.data["redis_clients_at_close"] = holder._db.client._connection_count()  # type: ignore[attr-defined]
            holder.close()
            self._reap(redis_pid if "redis_pid" in locals() else None)
        if self.sut.db_path:
            disk = system.disk_usage(self.sut.db_path)
            self.data["disk_after_close"] = disk
            mib = {k: v / 2**20 for k, v in disk.items()}
            self.fig("disk", "store on disk (.db file + .aof folder, after close)", round(mib["total_bytes"]), "MiB",
                     note=f".db {mib['db_file_bytes']:.0f} MiB, .aof {mib['aof_bytes']:.0f} MiB")
        return self.data

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run one step; if it fails, say so in the report and go on with the next."""
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one failing step must not lose the others' figures
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            failure = f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
            self.notes.append(f"{self.size:,} / {self.sut.kind}: a step failed: {failure}")
            self.data.setdefault("failures", []).append(failure)
            log(f"step failed: {failure}")

    def _reap(self, redis_pid: int | None) -> None:
        """Make sure the embedded server we started is gone (by its pid), so nothing is left running."""
        if not redis_pid:
            return
        import psutil

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                if psutil.Process(redis_pid).status() == psutil.STATUS_ZOMBIE:
                    return  # exited; its parent (init) has not reaped it yet
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)
        if psutil.pid_exists(redis_pid):
            self.notes.append(
                f"{self.size:,}: FalkorStore.close() left the embedded redis-server (pid {redis_pid}) running: it "
                f"counted {self.data.get('redis_clients_at_close', '?')} client connections, all from this "
                "process's own pool (the API thread pool used several), so it took them for other users. "
                "The benchmark stopped it by pid.")
            system.stop_process(redis_pid, grace=10)

    # -- ingest --

    def ingest(self, folders: list[Path], redis_pid: int | None, holder: Store) -> None:
        log(f"{self.size:,} / {self.sut.kind}: ingesting {len(folders)} bundles with `cmograph ingest`")
        per: list[dict[str, Any]] = []
        pids = [redis_pid] if redis_pid else []
        hwm_before = system.vm_hwm(redis_pid) if redis_pid else None
        with system.RssSampler(pids, interval=0.1) as sampler:
            for i, folder in enumerate(folders):
                failed: list[str] = []
                spent = 0.0
                peak = 0
                for _ in range(INGEST_TRIES):  # as a user would: run the command again after a failure
                    done = system.run_measured(
                        [*system.CLI, "--store", self.sut.location, "ingest", str(folder), "--json"],
                        timeout=1800, env=self.env)
                    spent += done.seconds
                    peak = max(peak, done.max_rss)
                    if done.returncode == 0:
                        break
                    last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
                    rewriting = _aof_rewriting(holder)
                    failed.append(f"{last[-300:]} (AOF rewrite in progress: {rewriting})")
                    log(f"  cmograph ingest {folder.name} failed ({done.returncode}): {last[-300:]}; "
                        f"AOF rewrite in progress: {rewriting}")
                    _wait_for_aof_rewrite(holder)
                else:
                    if not (self.opts.bypass_on_failure and self.sut.kind == "falkordb"):
                        raise RuntimeError(f"cmograph ingest {folder} failed {INGEST_TRIES} times: {failed[-1]}")
                    self._bypass(folders[i:], holder, per, failed)
                    break
                report = json.loads(done.stdout)
                per.append({"review": report["review"], "seconds": round(spent, 3),
                            "rows": report["nodes"] + report["relationships"], "max_rss_bytes": peak,
                            "excerpts": report.get("created", {}).get("Excerpt", 0),
                            "failed_attempts": failed})
                if (i + 1) % 10 == 0 or i + 1 == len(folders):
                    log(f"  {i + 1}/{len(folders)} bundles, last took {done.seconds:.1f} s")
        stored = self.size + 41  # the example review has 41 excerpts
        with contextlib.suppress(Exception):
            stored = self._excerpt_count()
        all_rows = sum(p["rows"] for p in per)
        excerpts = stored
        if self.data.get("bypassed_from"):
            per = [p for p in per if not p.get("bypassed")]
            excerpts = sum(p.get("excerpts", 0) for p in per)  # only what `cmograph ingest` wrote counts below
        rows = sum(p["rows"] for p in per)
        seconds = sum(p["seconds"] for p in per)
        client_peak = max(p["max_rss_bytes"] for p in per)
        server_peak = max(sampler.peak, system.vm_hwm(redis_pid) or 0) if redis_pid else 0
        startup = self._cli_startup()
        rate = rows / seconds
        self.data["corpus"] = {"reviews": len(folders), "generated_reviews": len(folders) - 1,
                               "excerpts_per_review": self.corpus.per_review, "excerpts": stored,
                               "graph_rows": all_rows}
        self.data["ingest"] = {"bundles": per, "seconds": round(seconds, 2), "graph_rows": rows,
                               "graph_rows_per_s": round(rate), "excerpts_per_s": round(excerpts / seconds),
                               "cli_startup_s": startup, "client_peak_rss_bytes": client_peak,
                               "server_peak_rss_bytes": server_peak, "server_hwm_before_bytes": hwm_before}
        failures = [(p["review"], f) for p in per for f in p["failed_attempts"]]
        failures += [(self.data["bypassed_from"], f) for f in self.data.get("bypass_failures", [])]
        if failures:
            self.notes.append(f"{self.size:,}: `cmograph ingest` failed {len(failures)} time(s); each was run again, "
                              f"up to {INGEST_TRIES} tries (the retries' time is counted): "
                              + "; ".join(f"{r}: {f}" for r, f in failures[:5]))
        self.fig("ingest", "`cmograph ingest` runs that failed", len(failures), "", Target("<=", 0),
                 note=(f"gave up on {self.data['bypassed_from']} after {INGEST_TRIES} tries; "
                       if self.data.get("bypassed_from") else "") + "; ".join(sorted({f for _, f in failures}))[:300]
                 or None)
        tail = per[-min(10, len(per)):]
        tail_rate = sum(p["rows"] for p in tail) / sum(p["seconds"] for p in tail)
        self.data["ingest"]["last_bundles_graph_rows_per_s"] = round(tail_rate)
        self.fig("ingest", "end to end, `cmograph ingest` per bundle: graph rows/s", round(rate), "rows/s",
                 INGEST_ROWS_PER_S, note=f"{rows:,} rows in {seconds:.1f} s over {len(per)} processes "
                 f"(each pays ~{startup:.2f} s CLI start-up)")
        self.fig("ingest", "end to end: excerpts/s", round(excerpts / seconds), "excerpts/s")
        if len(per) > 2:
            self.fig("ingest", f"end to end, last {len(tail)} bundles only: graph rows/s", round(tail_rate), "rows/s",
                     note="rate once the store already holds the rest of the corpus")
        total_peak = client_peak + server_peak
        self.fig("memory", "ingest peak: `cmograph ingest` process (max over bundles)", round(client_peak / 2**20),
                 "MiB")
        if redis_pid:
            self.fig("memory", "ingest peak: embedded redis-server (incl. forked children)",
                     round(server_peak / 2**20), "MiB",
                     note=f"the server's own VmHWM {(system.vm_hwm(redis_pid) or 0) / 2**20:,.0f} MiB")
        self.fig("memory", "ingest peak: client + server", round(total_peak / GIB, 2), "GiB", INGEST_MEMORY_GIB)

    def _bypass(self, folders: list[Path], holder: Store, per: list[dict[str, Any]], failed: list[str]) -> None:
        """Load bundles into the live graph directly, skipping the staging copy that failed."""
        from cmograph.graph.falkordb_store import _Writer
        from cmograph.ingest.bundle_reader import read_bundle
        from cmograph.ingest.load import write_records
        from cmograph.ingest.records import build_records

        self.data["bypassed_from"] = folders[0].name
        self.data["bypass_failures"] = list(failed)
        self.notes.append(
            f"{self.size:,}: `cmograph ingest` failed {INGEST_TRIES} times on {folders[0].name} ({failed[-1]}); the "
            f"remaining {len(folders)} bundles were loaded by the benchmark straight into the live graph "
            "(ingest.load.write_records through the store's writer, no staging copy, not atomic) so that the query, "
            "API, throughput and map benchmarks could run at this size. Ingest rate and memory figures at this size "
            "cover only the bundles `cmograph ingest` wrote.")
        log(f"  bypassing the staging copy for the remaining {len(folders)} bundles")
        holder.init_schema()
        writer = _Writer(holder._graph())  # type: ignore[attr-defined]
        for j, folder in enumerate(folders):
            t0 = time.perf_counter()
            records = build_records(read_bundle(folder))
            write_records(writer, records)
            per.append({"review": records.review, "seconds": round(time.perf_counter() - t0, 3), "bypassed": True,
                        "rows": records.node_count() + records.rel_count()})
            if (j + 1) % 10 == 0:
                log(f"  {j + 1}/{len(folders)} bundles loaded directly")

    def _excerpt_count(self) -> int:
        with contextlib.closing(self.sut.open()) as s:
            return int(sum(r.counts.excerpts for r in queries.list_reviews(s, 500, 0).items))

    def _cli_startup(self) -> float:
        runs = [system.run_measured([*system.CLI, "--help"], timeout=120, env=self.env).seconds for _ in range(3)]
        return round(min(runs), 3)

    def naive_ratio(self) -> None:
        """bench_ingest's batched (one 100,000-excerpt bundle) and naive ingests, in-process, on fresh
        stores, in this run."""
        log(f"{self.size:,} / {self.sut.kind}: naive vs batched ingest, in-process, fresh stores")
        base = self.scratch / f"ingest-{self.size}"
        small = write_bundle(base / "small", "naive-small", self.opts.naive_excerpts, seed=self.opts.seed)
        bundle = write_bundle(base / "big", "batched-big", BATCHED_EXCERPTS, seed=self.opts.seed)
        if self.sut.kind == "falkordb":
            naive = bench_ingest.run_ingest(small, base / "naive" / "s.db", naive=True)
            fresh = bench_ingest.run_ingest(bundle, base / "batched" / "s.db")
        else:
            naive = self._neo4j_ingest(small, naive=True)
            fresh = self._neo4j_ingest(bundle, naive=False, review_suffix="-fresh")
        shutil.rmtree(base, ignore_errors=True)
        at_size = self.data["ingest"]["graph_rows_per_s"]
        self.data["naive"] = naive
        self.data["batched_in_process"] = fresh
        self.fig("ingest", f"naive row-at-a-time ingest ({naive['excerpts']:,} excerpts, in-process, fresh store)",
                 naive["graph_rows_per_s"], "rows/s", note=f"{naive['excerpts_per_s']:,} excerpts/s")
        self.fig("ingest", f"batched ingest ({fresh['excerpts']:,} excerpts, in-process, fresh store)",
                 fresh["graph_rows_per_s"], "rows/s", INGEST_ROWS_PER_S,
                 note=f"{fresh['excerpts_per_s']:,} excerpts/s; bench_ingest.run_ingest")
        self.fig("ingest", "ratio: end to end at this size / naive", round(at_size / naive["graph_rows_per_s"], 1), "×",
                 INGEST_RATIO)
        self.fig("ingest", "ratio: batched in-process fresh / naive",
                 round(fresh["graph_rows_per_s"] / naive["graph_rows_per_s"], 1), "×", INGEST_RATIO)

    def _neo4j_ingest(self, folder: Path, naive: bool, review_suffix: str = "") -> dict[str, Any]:
        from cmograph.ingest import load
        from cmograph.ingest.bundle_reader import read_bundle
        from cmograph.ingest.records import build_records

        start = time.perf_counter()
        bundle = read_bundle(folder)
        bundle = bundle.model_copy(update={"review": bundle.review.model_copy(
            update={"id": bundle.review.id + review_suffix})}) if review_suffix else bundle
        with contextlib.closing(self.sut.open()) as store:
            if naive:
                records = build_records(bundle)
                rows = records.node_count() + records.rel_count()
                store.init_schema()
                store.write(lambda w: bench_ingest.naive_write(w, records, lambda q, p: (q, p)))
            else:
                report = load.ingest_bundle(store, bundle)
                rows = report.nodes + report.relationships
            seconds = time.perf_counter() - start
            load.remove_review(store, bundle.review.id)
        return {"excerpts": len(bundle.excerpts), "graph_rows": rows, "seconds": round(seconds, 3),
                "graph_rows_per_s": round(rows / seconds), "excerpts_per_s": round(len(bundle.excerpts) / seconds)}

    # -- latency --

    def _workloads(self, ex: Review, gen: list[Review]) -> Iterator[tuple[str, str, list[Any], Target | None]]:
        """(query, which reviews, args, target): args are ids, claims or reviews, per query."""
        gen_theories = [t for r in gen for t in r.theories]
        gen_cmocs = [c for r in gen for c in r.cmocs]
        gen_claims = [c for r in gen for c in r.claims]
        yield "support per theory", "example", ex.theories, STORE_P95_MS
        yield "support per theory", "generated", gen_theories, STORE_P95_MS
        yield "evidence chain", "example", ex.cmocs, STORE_P95_MS
        yield "evidence chain", "generated", gen_cmocs, STORE_P95_MS
        yield "trace", "example", ex.claims, TRACE_P95_MS
        yield "trace", "generated", gen_claims, TRACE_P95_MS
        yield "matrix", "example", [ex.id], STORE_P95_MS
        yield "matrix", "generated", [r.id for r in gen], STORE_P95_MS

    def latency(self, store: Store, ex: Review, gen: list[Review]) -> None:
        """Each query straight from the store and over HTTP, interleaved with the two baselines."""
        import httpx

        from cmograph.api.app import create_app

        log(f"{self.size:,} / {self.sut.kind}: query latency, store and API (uvicorn in a thread), interleaved")
        direct: dict[str, Callable[[Any], Any]] = {
            "support per theory": lambda t: queries.theory_support(store, t),
            "evidence chain": lambda c: queries.cmoc_chain(store, c),
            "trace": lambda q: queries.trace(store, q),
            "matrix": lambda r: queries.matrix(store, r),
        }
        paths: dict[str, Callable[[Any], str]] = {
            "support per theory": lambda t: f"/api/v1/theories/{quote(t, safe=':')}/support",
            "evidence chain": lambda c: f"/api/v1/cmocs/{quote(c, safe=':')}/chain",
            "trace": lambda q: f"/api/v1/trace?q={quote(q)}",
            "matrix": lambda r: f"/api/v1/reviews/{quote(r, safe=':')}/matrix",
        }
        latency = self.data.setdefault("latency", {})
        with LiveServer(create_app(store=store)) as server, \
                httpx.Client(base_url=server.url, timeout=120) as client:
            http, health = _Http(client), _Http(client)
            base = paired_latency({"ping": lambda _: store.ping(), "health": lambda _: health.get("/api/v1/health")},
                                  [None], self.opts, self.rng)
            latency["baseline"] = base
            self.fig("store", "baseline: store ping p50", base["ping"]["p50_ms"], "ms",
                     note=f"p95 {base['ping']['p95_ms']} ms, n={base['ping']['samples']}")
            self.fig("api", "baseline: GET /api/v1/health p50", base["health"]["p50_ms"], "ms",
                     note=f"p95 {base['health']['p95_ms']} ms, n={base['health']['samples']}")
            for query, which, args, target in self._workloads(ex, gen):
                http.sizes.clear()
                stats = paired_latency({
                    "store": direct[query],
                    "api": lambda a, q=query: http.get(paths[q](a)),
                    "ping": lambda _: store.ping(),
                    "health": lambda _: health.get("/api/v1/health"),
                }, args, self.opts, self.rng)
                stats["api"]["mean_response_bytes"] = round(statistics.fmean(http.sizes)) if http.sizes else None
                latency[f"{query} ({which})"] = stats
                label = f"{query}, {which} reviews"
                for where, base_name, tgt in (("store", "ping", target), ("api", "health", None)):
                    s = stats[where]
                    b = stats[base_name]["p50_ms"]
                    ratio = f"{s['p50_ms'] / b:,.0f}× {base_name} ({b} ms)" if b else None
                    extra = []
                    if s["samples"] < self.opts.samples:
                        extra.append(f"only {s['samples']} samples: stopped after {self.opts.figure_seconds:.0f} s")
                    if s["errors"]:
                        extra.append(f"{s['errors']} errors")
                    if where == "api" and s.get("mean_response_bytes"):
                        extra.append(f"answers {s['mean_response_bytes'] / 1024:,.0f} KiB on average")
                    self.fig(where, f"{label}: p50", s["p50_ms"], "ms", baseline=ratio)
                    self.fig(where, f"{label}: p95", s["p95_ms"], "ms", tgt,
                             note="; ".join([*extra, f"n={s['samples']}, max {s['max_ms']:.0f} ms"]))

    # -- throughput and the server's memory --

    def throughput(self, ex: Review, gen: list[Review], redis_pid: int | None) -> None:
        log(f"{self.size:,} / {self.sut.kind}: API throughput against `cmograph serve --workers 2` "
            f"({self.opts.connections} connections, {self.opts.load_seconds} s each)")
        urls = {
            "GET /api/v1/health (baseline)": "/api/v1/health",
            "GET support, example theory": f"/api/v1/theories/{quote(ex.theories[0], safe=':')}/support",
            "GET support, generated theory": f"/api/v1/theories/{quote(gen[-1].theories[-1], safe=':')}/support",
        }
        results: dict[str, Any] = {}
        log_file = self.scratch / f"serve-{self.size}-{self.sut.kind}.log"
        with system.served(self.sut.location, env=self.env, log=log_file) as (base, pid):
            idle = system.tree_rss(pid)
            with system.RssSampler([pid], interval=0.1) as sampler:
                for name, path in urls.items():
                    results[name] = loadgen.load(base + path, self.opts.load_seconds, self.opts.connections).as_dict()
            server_hwm = system.vm_hwm(pid) or sampler.peak
        redis_rss = system.tree_rss(redis_pid) if redis_pid else 0
        self.data["throughput"] = results
        baseline = results["GET /api/v1/health (baseline)"]["requests_per_s"]
        for name, r in results.items():
            ratio = f"{r['requests_per_s'] / baseline:.2f}× health" if baseline and "baseline" not in name else None
            target = None if "baseline" in name else API_RPS
            self.fig("throughput", f"{name}: requests/s", r["requests_per_s"], "req/s", target, baseline=ratio,
                     note=f"`serve --workers 2`, {r['tool']}, {r['connections']} connections, "
                          f"{r['requests']:,} requests, p50 {r['latency_p50_ms']} ms, p99 {r['latency_p99_ms']} ms")
            self.fig("throughput", f"{name}: errors", r["errors"], "", None if "baseline" in name else API_ERRORS,
                     note=json.dumps(r["error_detail"]) if r["errors"] else None)
        self.data["server_memory"] = {"serve_idle_rss_bytes": idle, "serve_peak_rss_bytes": server_hwm,
                                      "redis_rss_bytes": redis_rss}
        self.fig("memory", "`cmograph serve` process: peak under load", round(server_hwm / 2**20), "MiB",
                 note=f"idle {idle / 2**20:.0f} MiB")
        if redis_pid:
            self.fig("memory", "embedded redis-server serving the corpus", round(redis_rss / 2**20), "MiB")

    # -- maps --

    def maps(self, store: Store, ex: Review, gen: list[Review]) -> None:
        """Maps of this corpus built from the store, then opened in Chromium with bench_maps's own timing."""
        try:
            from bench import bench_maps
        except ImportError as exc:
            self.data["maps"] = f"not available ({exc})"
            self.fig("maps", "map build and render", None, "s", note="not available: bench/bench_maps.py is missing")
            return
        from cmograph.viz.extract import resolve_target
        from cmograph.viz.maps import build_map

        log(f"{self.size:,} / {self.sut.kind}: maps (build from the store, open in headless Chromium)")
        wanted = {"example review": ex.id, "example theory": ex.theories[0], "generated CMOC": gen[-1].cmocs[0],
                  "generated theory": gen[-1].theories[-1], "generated review": gen[-1].id}
        if self.size <= 100_000:
            wanted["everything in the store"] = None
        folder = self.scratch / f"maps-{self.size}"
        folder.mkdir(parents=True, exist_ok=True)
        built: dict[str, tuple[Path, Any, float]] = {}
        for name, target in wanted.items():
            t0 = time.perf_counter()
            try:
                rendered = build_map(store, resolve_target(store, target))
            except Exception as exc:  # noqa: BLE001 - reported per map; the other maps still run
                self.fig("maps", f"{name}: build from the store (viz.build_map)", None, "s",
                         note=f"failed: {type(exc).__name__}: {exc}"[:200])
                continue
            seconds = time.perf_counter() - t0
            path = folder / f"{name.replace(' ', '-')}.html"
            path.write_text(rendered.html, encoding="utf-8")
            built[name] = (path, rendered, seconds)
        opened: dict[str, float | None] = {}
        browser_error = None
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=bench_maps.CHROMIUM, args=bench_maps.ARGS)
                try:
                    for name, (path, _, _) in built.items():
                        opened[name] = bench_maps.median([bench_maps.time_page(browser, path, 60) for _ in range(3)])
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001 - no browser here: the build figures still stand
            browser_error = f"{type(exc).__name__}: {exc}"[:300]
        rows = {}
        for name, (_, rendered, seconds) in built.items():
            full = rendered.full_nodes
            limit = next((bench_maps.TARGETS[k] for k in sorted(bench_maps.TARGETS) if full <= k),
                         max(bench_maps.TARGETS.values()))
            shape = (f"{full:,} nodes in the store's map, {rendered.nodes:,} drawn"
                     f"{' (collapsed)' if rendered.aggregated else ''}, {len(rendered.html) / 1024:,.0f} KiB")
            self.fig("maps", f"{name}: build from the store (viz.build_map)", round(seconds, 3), "s", note=shape)
            seen = opened.get(name)
            self.fig("maps", f"{name}: open to a stable map (bench_maps.time_page, median of 3)", seen, "s",
                     Target("<=", limit), note=browser_error or "target: bench_maps.TARGETS for this many nodes")
            rows[name] = {"build_s": round(seconds, 3), "open_s": seen, "full_nodes": full,
                          "drawn_nodes": rendered.nodes, "aggregated": rendered.aggregated,
                          "html_bytes": len(rendered.html.encode())}
        self.data["maps"] = {"maps": rows, "browser_error": browser_error}
        shutil.rmtree(folder, ignore_errors=True)
