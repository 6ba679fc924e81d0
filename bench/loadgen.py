"""Concurrent HTTP load from separate processes: wrk when installed, else a multi-process httpx loop."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

MAX_REQUESTS_PER_PROCESS = 2_000_000  # a bound on the fallback's loop, far above what it can reach


@dataclass
class LoadResult:
    tool: str
    url: str
    seconds: float
    connections: int
    requests: int
    requests_per_s: float
    errors: int  # non-2xx answers plus connection, read, write and timeout errors
    error_detail: dict[str, int]
    latency_p50_ms: float | None
    latency_p99_ms: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def parse_wrk(output: str, url: str, seconds: float, connections: int) -> LoadResult:
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))  # type: ignore[union-attr]
    detail: dict[str, int] = {}
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        detail = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()), strict=True))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        detail["non_2xx"] = int(m.group(1))
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.M)
    return LoadResult("wrk", url, seconds, connections, requests, round(rate, 1), sum(detail.values()), detail,
                      _ms(p50.group(1)) if p50 else None, _ms(p99.group(1)) if p99 else None)


def run_wrk(url: str, seconds: int, connections: int, threads: int = 2) -> LoadResult:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return parse_wrk(out, url, seconds, connections)


def _worker(url: str, seconds: float, connections: int) -> tuple[int, int, list[float]]:
    """One load process: `connections` keep-alive connections, requests back to back until time is up."""
    import httpx

    ok = errors = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    with httpx.Client(limits=limits, timeout=10) as client:
        for _ in range(MAX_REQUESTS_PER_PROCESS):
            start = time.perf_counter()
            if start > deadline:
                break
            try:
                status = client.get(url).status_code
                ok += 200 <= status < 400
                errors += not 200 <= status < 400
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - start)
    return ok, errors, latencies


def run_httpx(url: str, seconds: int, processes: int) -> LoadResult:
    """Fallback when wrk is missing: `processes` processes each sending one request at a time."""
    with ProcessPoolExecutor(processes) as pool:
        start = time.perf_counter()
        parts = list(pool.map(_worker, [url] * processes, [seconds] * processes, [1] * processes))
        wall = time.perf_counter() - start
    ok = sum(p[0] for p in parts)
    errors = sum(p[1] for p in parts)
    lat = sorted(x for p in parts for x in p[2])

    def pct(q: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2) if lat else None

    return LoadResult("httpx (multi-process)", url, round(wall, 2), processes, ok + errors,
                      round((ok + errors) / wall, 1), errors, {"errors": errors}, pct(0.5), pct(0.99))


def load(url: str, seconds: int = 10, connections: int = 16) -> LoadResult:
    if wrk_available():
        return run_wrk(url, seconds, connections)
    return run_httpx(url, seconds, min(connections, 8))
