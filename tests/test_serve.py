"""`cmograph serve` as a real process over real HTTP: one worker or several over one embedded store.

Each test starts the command in its own session (as a terminal would start it), talks to it on a
loopback port, and stops it with a signal. Waits are bounded; nothing here asserts on speed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from cmograph.cli.serve_cmds import cores, parse_workers
from cmograph.graph.falkordb_store import FalkorStore
from tests.conftest import cli

SUPPORT = "/api/v1/theories/knight-2024:pt-being/support"
STARTUP_SECONDS = 120.0
STOP_SECONDS = 90.0


@pytest.fixture(scope="module")
def example_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the example review, closed again (so its embedded server is not running)."""
    from cmograph import examples
    from cmograph.ingest.bundle_reader import read_bundle
    from cmograph.ingest.load import ingest_bundle

    path = tmp_path_factory.mktemp("serve") / "store" / "cmograph.db"
    store = FalkorStore(path)
    try:
        ingest_bundle(store, read_bundle(examples.path()))
    finally:
        store.close()
    return path


def wait_for(what: str, ready: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(0.1)


def ended(proc: psutil.Process) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return proc.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    return check


def store_servers(store: Path) -> list[int]:
    """Live redis-server processes serving this store (a server runs in the store's folder)."""
    found = []
    for proc in psutil.process_iter(["name", "status"]):
        with contextlib.suppress(psutil.Error):
            if "redis-server" in (proc.info["name"] or "") and proc.info["status"] != psutil.STATUS_ZOMBIE \
                    and proc.cwd() == str(store.parent):
                found.append(proc.pid)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes, int]:
    """One GET on a fresh connection: (status, body, this end's port), the connection closed after."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), conn.sock.getsockname()[1]
    finally:
        conn.close()


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> list[psutil.Process]:
        """The worker processes (multiprocessing's resource tracker is a child too, and is left out)."""
        try:
            children = psutil.Process(self.proc.pid).children()
        except psutil.NoSuchProcess:
            return []
        alive = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                if "spawn_main" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child)
        return alive

    def answers(self) -> bool:
        try:
            return get(self.port, "/api/v1/health")[0] == 200
        except OSError:
            return False

    def stop(self, sig: int = signal.SIGTERM, group: bool = False) -> int:
        if self.proc.poll() is None:
            if group:  # what a terminal's Ctrl+C does: the signal goes to the whole foreground group
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"cmograph serve did not stop on signal {sig}:\n{self.output()}") from None


@contextlib.contextmanager
def serving(store: Path, workers: int, tmp_path: Path, demo: bool = False) -> Iterator[Served]:
    """`cmograph --store STORE serve --workers N` (or `demo --no-browser`) until the block ends
    (SIGTERM unless the test stopped it)."""
    port = free_port()
    log = tmp_path / f"serve-{workers}-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMOGRAPH_")}
    command = ["demo", "--no-browser"] if demo else ["serve", "--workers", str(workers)]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cmograph.cli", "--store", str(store), *command, "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    served = Served(proc, port, log)
    try:
        wait_for("the server to answer", lambda: proc.poll() is not None or served.answers(), STARTUP_SECONDS)
        assert proc.poll() is None, f"cmograph serve exited with {proc.returncode}:\n{served.output()}"
        if workers > 1:
            wait_for(f"{workers} workers", lambda: len(served.workers()) == workers, STARTUP_SECONDS)
        yield served
    finally:
        if proc.poll() is None:
            served.stop()


def owner(workers: list[psutil.Process], server_port: int, client_port: int) -> int | None:
    """Which worker holds the server end of the connection from `client_port`."""
    for worker in workers:
        with contextlib.suppress(psutil.Error):
            for conn in worker.net_connections(kind="tcp"):
                if conn.laddr and conn.raddr and conn.laddr.port == server_port and conn.raddr.port == client_port:
                    return worker.pid
    return None


def answers_by_worker(served: Served, path: str, attempts: int = 400) -> dict[int, bytes]:
    """The answer to `path` from each worker: fresh connections until every worker has answered one."""
    workers = served.workers()
    seen: dict[int, bytes] = {}
    for _ in range(attempts):
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, body
            # Still open (keep-alive): the worker that accepted it still holds its end.
            pid = owner(workers, served.port, conn.sock.getsockname()[1])
        finally:
            conn.close()
        if pid is not None:
            seen[pid] = body
        if len(seen) == len(workers):
            break
    return seen


def assert_clean_stop(served: Served, returncode: int, store: Path, workers: list[psutil.Process]) -> None:
    output = served.output()
    assert returncode == 0, output
    assert "Traceback" not in output, output
    for worker in workers:
        wait_for(f"worker {worker.pid} to end", ended(worker), 30)
    assert store_servers(store) == [], f"a redis-server was left running for {store}:\n{output}"


def test_workers_option() -> None:
    assert parse_workers("2") == 2
    assert parse_workers("auto") == cores() >= 1
    for bad in ("0", "65", "two", "-1"):
        proc = cli("serve", "--workers", bad, store="/nonexistent/never-opened.db")
        assert proc.returncode == 2 and "--workers" in proc.stderr, proc.stderr


def test_bad_store_is_one_clear_error_with_workers(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    proc = cli("serve", "--workers", "2", "--port", str(free_port()), store=folder)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert " ".join(proc.stderr.split()).startswith("error:"), proc.stderr


def test_one_worker_sigterm_stops_the_store_server(example_path: Path, tmp_path: Path) -> None:
    with serving(example_path, 1, tmp_path) as served:
        status, body, _ = get(served.port, SUPPORT)
        assert status == 200 and json.loads(body)["theory"]["id"] == "knight-2024:pt-being"
        assert len(store_servers(example_path)) == 1
        returncode = served.stop(signal.SIGTERM)
    assert_clean_stop(served, returncode, example_path, [])


def test_demo_sigterm_stops_the_store_server(tmp_path: Path) -> None:
    # uvicorn re-raises SIGTERM once it has shut down: without unwinding first, the embedded
    # redis-server outlived the demo.
    store = tmp_path / "demo.db"
    with serving(store, 1, tmp_path, demo=True) as served:
        status, body, _ = get(served.port, "/api/v1/reviews")
        assert status == 200 and b"knight-2024" in body
        returncode = served.stop(signal.SIGTERM)
    assert_clean_stop(served, returncode, store, [])


def test_two_workers_share_one_store_server_and_answer_as_one_does(example_path: Path, tmp_path: Path) -> None:
    with serving(example_path, 1, tmp_path) as single:
        expected = {path: get(single.port, path)[:2] for path in (SUPPORT, "/openapi.json", "/api/v1/reviews")}
    assert all(status == 200 for status, _ in expected.values())

    with serving(example_path, 2, tmp_path) as served:
        workers = served.workers()
        assert len(workers) == 2
        # The command started the store's server once; the workers joined it.
        assert len(store_servers(example_path)) == 1
        by_worker = answers_by_worker(served, SUPPORT)
        assert set(by_worker) == {w.pid for w in workers}, "not every worker answered"
        for body in by_worker.values():
            assert json.loads(body) == json.loads(expected[SUPPORT][1])
        for path in ("/openapi.json", "/api/v1/reviews"):
            status, body, _ = get(served.port, path)
            assert (status, json.loads(body)) == (200, json.loads(expected[path][1]))
        returncode = served.stop(signal.SIGTERM)
    assert "Received SIGTERM" in served.output()
    assert_clean_stop(served, returncode, example_path, workers)


def test_ctrl_c_stops_every_process(example_path: Path, tmp_path: Path) -> None:
    with serving(example_path, 2, tmp_path) as served:
        workers = served.workers()
        assert get(served.port, SUPPORT)[0] == 200
        returncode = served.stop(signal.SIGINT, group=True)
    assert_clean_stop(served, returncode, example_path, workers)


def test_a_killed_worker_is_replaced(example_path: Path, tmp_path: Path) -> None:
    with serving(example_path, 2, tmp_path) as served:
        first = served.workers()
        victim = first[0]
        victim.kill()
        victim.wait(30)
        # The parent starts a replacement, which opens its own connection to the same store server.
        wait_for("a replacement worker", lambda: len(served.workers()) == 2
                 and victim.pid not in {w.pid for w in served.workers()}, STARTUP_SECONDS)
        wait_for("the replacement to answer", lambda: len(answers_by_worker(served, "/api/v1/health", 50)) == 2,
                 STARTUP_SECONDS)
        workers = served.workers()
        assert len(store_servers(example_path)) == 1
        for _ in range(20):
            assert get(served.port, SUPPORT)[0] == 200
        returncode = served.stop(signal.SIGTERM)
    assert_clean_stop(served, returncode, example_path, workers)


def test_workers_stop_when_the_parent_is_killed(example_path: Path, tmp_path: Path) -> None:
    with serving(example_path, 2, tmp_path) as served:
        workers = served.workers()
        assert get(served.port, SUPPORT)[0] == 200
        served.proc.kill()  # no chance to stop its workers: they notice on their own
        served.proc.wait(30)
        for worker in workers:
            wait_for(f"worker {worker.pid} to end", ended(worker), STOP_SECONDS)
        # The last worker to close the store stops its server.
        wait_for("the store's server to stop", lambda: store_servers(example_path) == [], STOP_SECONDS)
