"""The question commands, run as real processes: `--json` prints exactly the API's body for the same question.

Every command runs once, all of them side by side at the start (each process spends most of its
second starting up), and the tests then read what each printed.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from cmograph.graph.falkordb_store import FalkorStore
from tests.conftest import cli
from tests.live_server import LiveServer

K = "knight-2024:"

# The same question asked of the command line and of the API.
SAME = {
    "support": (["support", K + "pt-delivering", "--json"], f"/theories/{K}pt-delivering/support", {}),
    "support-options": (["support", K + "pt-being", "--count", "cmoc", "--source-kind", "empirical_study", "--json"],
                        f"/theories/{K}pt-being/support", {"count": "cmoc", "source_kind": "empirical_study"}),
    "chain": (["chain", K + "cmoc-r3", "--json"], f"/cmocs/{K}cmoc-r3/chain", {}),
    "trace": (["trace", "face-to-face meetings", "--json"], "/trace", {"q": "face-to-face meetings"}),
    "trace-options": (["trace", "trust", "--review", "knight-2024", "--limit", "3", "--json"], "/trace",
                      {"q": "trust", "review": "knight-2024", "limit": 3}),
    "matrix": (["matrix", "knight-2024", "--json"], "/reviews/knight-2024/matrix", {}),
    "matrix-options": (["matrix", "knight-2024", "--stage", "all", "--limit", "4", "--offset", "2", "--json"],
                       "/reviews/knight-2024/matrix", {"stage": "all", "limit": 4, "offset": 2}),
    "lineage": (["lineage", K + "cmoc-i3", "--json"], f"/cmocs/{K}cmoc-i3/lineage", {}),
    "source": (["source", K + "sims-2021", "--json"], f"/sources/{K}sims-2021", {}),
}
OTHER = {
    "support-all": ["support", "--json"],
    "csv": ["matrix", "knight-2024", "--csv"],
    "support-table": ["support", K + "pt-delivering"],
    "chain-text": ["chain", K + "cmoc-r3"],
    "trace-text": ["trace", "face-to-face meetings", "--limit", "1"],
    "matrix-table": ["matrix", "knight-2024"],
    "lineage-text": ["lineage", K + "cmoc-i3"],
    "source-text": ["source", K + "pearson-watson-2018"],
    "unknown": ["chain", K + "nope"],
    "bad-count": ["support", K + "pt-being", "--count", "bogus"],
    "csv-and-json": ["matrix", "knight-2024", "--csv", "--json"],
}


@pytest.fixture(scope="module")
def ran(example_store: FalkorStore) -> dict[str, subprocess.CompletedProcess[str]]:
    calls = {**{name: args for name, (args, _, _) in SAME.items()}, **OTHER}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(cli, *args, store=example_store.location) for name, args in calls.items()}
        return {name: future.result() for name, future in futures.items()}


def out(ran: dict[str, subprocess.CompletedProcess[str]], name: str) -> str:
    proc = ran[name]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def flat(text: str) -> str:
    """One line of words: Rich's boxes and wrapping removed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.fixture(scope="module")
def api(example_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=example_server.url + "/api/v1", timeout=30) as client:
        yield client


def body(api: httpx.Client, path: str, **params: Any) -> Any:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("name", sorted(SAME))
def test_json_is_the_api_body(ran: dict[str, subprocess.CompletedProcess[str]], api: httpx.Client,
                              name: str) -> None:
    _, path, params = SAME[name]
    assert json.loads(out(ran, name)) == body(api, path, **params)


def test_support_for_every_theory(ran: dict[str, subprocess.CompletedProcess[str]], api: httpx.Client) -> None:
    views = json.loads(out(ran, "support-all"))
    theories = sorted(t["id"] for t in body(api, "/reviews/knight-2024/theories")["items"])
    assert [v["theory"]["id"] for v in views] == theories
    assert views == [body(api, f"/theories/{t}/support") for t in theories]


def test_matrix_csv_is_the_api_csv(ran: dict[str, subprocess.CompletedProcess[str]], api: httpx.Client) -> None:
    csv_text = out(ran, "csv")
    # Line ends aside (the CSV's are CRLF; the test reads the process's output as text), the same CSV.
    assert csv_text.splitlines() == api.get("/reviews/knight-2024/matrix.csv").text.splitlines()
    assert len(csv_text.splitlines()) == 19


def test_tables_for_people(ran: dict[str, subprocess.CompletedProcess[str]]) -> None:
    support = out(ran, "support-table")
    assert "CMOC 5" in support and "pearson-watson-2018" in support and "11 supports, 2 refines" in support
    chain = flat(out(ran, "chain-text"))
    assert "Trust, fostered through frequent interactions and face-to-face meetings, is vital" in chain
    assert "refines the CMOC" in chain and "embuldeniya-2018" in chain
    trace = flat(out(ran, "trace-text"))
    assert "supports CMOC 3" in trace and "Relating and communicating" in trace
    matrix = out(ran, "matrix-table")
    assert "pearson-watson-2018" in matrix and "CMOC 6" in matrix
    lineage = flat(out(ran, "lineage-text"))
    assert "dropped" in lineage and "one (3) lacked evidence" in lineage
    source = out(ran, "source-text")
    assert "refines" in source and "ex-r5-s1" in source


def test_unknown_ids_and_bad_options(ran: dict[str, subprocess.CompletedProcess[str]]) -> None:
    proc = ran["unknown"]
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert flat(proc.stderr).startswith(f"error: No CMOC with id '{K}nope'")
    # A bad option value is refused by the command line parser (its message names the choices).
    proc = ran["bad-count"]
    assert proc.returncode == 2 and "'bogus' is not one of 'theory', 'cmoc'" in flat(proc.stderr)
    assert "Traceback" not in proc.stderr
    proc = ran["csv-and-json"]
    assert proc.returncode == 1 and "Choose one of --csv and --json" in proc.stderr


def test_serve(example_store: FalkorStore) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "cmograph.cli", "--store", example_store.location, "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/reviews", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "cmograph serve did not start"
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["items"][0]["id"] == "knight-2024"
    finally:
        server.terminate()
        server.wait(timeout=30)
