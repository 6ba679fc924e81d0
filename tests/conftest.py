"""Shared fixtures: real embedded stores in temporary folders, and the CLI run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmograph.graph.falkordb_store import FalkorStore
from cmograph.ingest.load import ingest_bundle
from tests.factories import small_bundle
from tests.live_server import LiveServer


@pytest.fixture(autouse=True)
def _collector_as_in_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the collector as the CLI runs it. An API server started in this process
    freezes the heap, as `cmograph serve` does, and then every collector pause ends with a full
    collection (ingest/gc_pause.py): across the many servers and ingests of one test run, that
    took the suite from 4 min to 4 min 47 s. A test that starts a server is in server mode until it ends."""
    from cmograph.ingest import gc_pause

    monkeypatch.setattr(gc_pause, "_heap_frozen", False)


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


@pytest.fixture(scope="session")
def example_server(example_store: FalkorStore) -> Iterator[LiveServer]:
    """The API over the example review, served for real over HTTP."""
    from cmograph.api.app import create_app

    with LiveServer(create_app(store=example_store)) as server:
        yield server
