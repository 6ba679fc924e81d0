"""Shared fixtures: real embedded stores in temporary folders, and the CLI run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cmograph.graph.falkordb_store import FalkorStore
from cmograph.ingest.load import ingest_bundle
from tests.factories import small_bundle


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "cmograph.db"


@pytest.fixture
def store(store_path: Path) -> Iterator[FalkorStore]:
    s = FalkorStore(store_path)
    yield s
    s.close()


@pytest.fixture
def small_store(store: FalkorStore) -> FalkorStore:
    ingest_bundle(store, small_bundle())
    return store


def cli(*args: str, store: Path | str | None = None, check: bool = False,
        env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `cmograph ARGS` as a user would, in its own process."""
    inherited = {k: v for k, v in os.environ.items() if k != "CMOGRAPH_STORE"}
    full_env = {**inherited, **(env or {})}
    cmd = [sys.executable, "-m", "cmograph.cli"]
    if store is not None:
        cmd += ["--store", str(store)]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, env=full_env, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"cmograph {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    """The built-in example review, ingested once per test session. Read-only: do not write to it."""
    from cmograph import examples
    from cmograph.ingest.bundle_reader import read_bundle

    s = FalkorStore(tmp_path_factory.mktemp("example") / "cmograph.db")
    ingest_bundle(s, read_bundle(examples.path()))
    yield s
    s.close()


class LiveServer:
    """The real app served by uvicorn on a loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def example_server(example_store: FalkorStore) -> Iterator[LiveServer]:
    """The API over the example review, served for real over HTTP."""
    from cmograph.api.app import create_app

    with LiveServer(create_app(store=example_store)) as server:
        yield server
