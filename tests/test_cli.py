"""The command line as a user meets it: init, info, and one clear message for each bad store."""

from __future__ import annotations

import json
from pathlib import Path

from cmograph.graph.schema import SCHEMA_VERSION
from tests.conftest import cli


def test_init_twice_then_info(store_path: Path) -> None:
    # The console wraps its lines wherever the store's path ends: compare the words.
    first = " ".join(cli("init", store=store_path, check=True).stdout.split())
    assert "created the schema" in first
    second = " ".join(cli("init", store=store_path, check=True).stdout.split())
    assert "nothing changed" in second
    info = json.loads(cli("info", "--json", store=store_path, check=True).stdout)
    assert info["store"] == {"kind": "falkordb", "location": str(store_path)}
    assert info["schema_version"] == SCHEMA_VERSION
    assert set(info["nodes"].values()) == {0} and info["reviews"] == []


def test_info_table(store_path: Path) -> None:
    out = cli("info", store=store_path, check=True).stdout
    assert "falkordb store at" in out and "Excerpt" in out and "SUPPORTS" in out


def test_store_from_environment(store_path: Path) -> None:
    out = cli("info", "--json", env={"CMOGRAPH_STORE": str(store_path)}, check=True).stdout
    assert json.loads(out)["store"]["kind"] == "falkordb"


def assert_one_clear_error(proc, *phrases: str) -> None:  # type: ignore[no-untyped-def]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    message = " ".join(proc.stderr.split())
    assert message.startswith("error:"), proc.stderr
    for phrase in phrases:
        assert phrase in message, message


def test_store_path_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = cli("info", store=blocker / "cmograph.db")
    assert_one_clear_error(proc, "Cannot create the store folder", "--store")


def test_store_path_is_a_folder(tmp_path: Path) -> None:
    assert_one_clear_error(cli("info", store=tmp_path), "is a folder")


def test_corrupt_database_file(store_path: Path) -> None:
    cli("init", store=store_path, check=True)
    aof = Path(f"{store_path}.aof")
    for part in aof.iterdir():
        part.write_bytes(b"\x00garbage that is not a redis journal\xff" * 50)
    proc = cli("info", store=store_path, timeout=60)
    assert_one_clear_error(proc, "could not be opened", "backup")


def test_unreachable_neo4j() -> None:
    proc = cli("info", store="bolt://127.0.0.1:9", env={"CMOGRAPH_NEO4J_TIMEOUT": "3"})
    assert_one_clear_error(proc, "Cannot reach Neo4j at bolt://127.0.0.1:9")


def test_debug_shows_traceback() -> None:
    proc = cli("--debug", "info", store="bolt://127.0.0.1:9", env={"CMOGRAPH_NEO4J_TIMEOUT": "3"})
    assert proc.returncode != 0 and "Traceback" in proc.stderr
