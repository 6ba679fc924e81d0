"""A write the embedded store acknowledged survives kill -9 of both the client and the database server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
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
    try:
        psutil.Process(pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_acknowledged_write_survives_kill_9(store_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store_path)], cwd=repo,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ACK"
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
    from cmograph.ingest.load import ingest_bundle
    from tests.factories import small_bundle

    store = FalkorStore(store_path)
    try:
        ingest_bundle(store, small_bundle())
        pid = server_pid(store_path)
        os.kill(pid, signal.SIGKILL)
        wait_until_gone(pid)
        with pytest.raises(StoreUnavailable, match="restarts on the next request"):
            store_info(store)
        # The next request starts a new server on the same files: nothing acknowledged is lost.
        assert store_info(store)["nodes"]["Excerpt"] == 4
        assert server_pid(store_path) != pid
    finally:
        store.close()
