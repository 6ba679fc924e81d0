"""Both stores: schema set-up, plain rows, full-text search and all-or-nothing writes.

Each test runs on the embedded store, and on Neo4j where NEO4J_URI is set or
testcontainers finds a Docker engine (skipped with the reason otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cmograph.graph import store as store_module
from cmograph.graph.checksum import content_checksum
from cmograph.graph.errors import WriteIncomplete
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import EvidenceLink
from cmograph.graph.schema import SCHEMA_VERSION, Rel, rel_query
from cmograph.graph.stats import store_info
from cmograph.graph.store import Store, run_batches
from cmograph.ingest.load import ingest_bundle, remove_review
from cmograph.ingest.records import build_records, rel_params, text_size
from tests.factories import small_bundle

REVIEWS = ("tiny", "other")


def _neo4j_store() -> Iterator[Store]:
    from cmograph.graph.neo4j_store import Neo4jStore
    from cmograph.graph.settings import StoreSettings

    uri = os.environ.get("NEO4J_URI")
    container = None
    if not uri:
        try:
            from testcontainers.neo4j import Neo4jContainer

            container = Neo4jContainer("neo4j:5").start()
        except Exception as exc:  # noqa: BLE001 - any failure means no Docker engine here
            pytest.skip(f"Neo4j tests need NEO4J_URI or a Docker engine for testcontainers ({type(exc).__name__})")
        uri = container.get_connection_url()
        os.environ.setdefault("CMOGRAPH_NEO4J_PASSWORD", container.password)
    settings = StoreSettings(
        store=uri,
        neo4j_user=os.environ.get("NEO4J_USERNAME", os.environ.get("CMOGRAPH_NEO4J_USER", "neo4j")),
        neo4j_password=os.environ.get("NEO4J_PASSWORD", os.environ.get("CMOGRAPH_NEO4J_PASSWORD", "")),
    )
    store = Neo4jStore(uri, settings)
    try:
        for review in REVIEWS:
            remove_review(store, review)
        yield store
        for review in REVIEWS:
            remove_review(store, review)
    finally:
        store.close()
        if container is not None:
            container.stop()


@pytest.fixture(params=["falkordb", "neo4j"])
def store(request: pytest.FixtureRequest, store_path: Path) -> Iterator[Store]:
    if request.param == "neo4j":
        yield from _neo4j_store()
        return
    s = FalkorStore(store_path)
    yield s
    s.close()


@pytest.fixture
def small_store(store: Store) -> Store:
    ingest_bundle(store, small_bundle())
    return store


def test_init_is_idempotent(store: Store) -> None:
    if store.kind == "falkordb":
        assert store.read("read/schema_version") == [{"version": None}]
    assert store.init_schema() is True
    before = store_info(store)
    assert store.init_schema() is False
    assert store_info(store) == before
    assert before["schema_version"] == SCHEMA_VERSION


def test_empty_store_info(store: Store) -> None:
    info = store_info(store)
    assert info["store"]["kind"] in {"falkordb", "neo4j"}
    if store.kind == "neo4j":
        pytest.skip("a shared Neo4j database need not be empty")
    assert set(info["nodes"].values()) == {0}
    assert set(info["relationships"].values()) == {0}
    assert info["reviews"] == []


def test_rows_are_plain_values(small_store: Store) -> None:
    rows = small_store.read("read/review_summaries")
    assert rows == [{
        "id": "tiny", "title": "A tiny review", "theories": 2, "refined_cmocs": 2, "initial_cmocs": 1,
        "sources": 3, "excerpts": 4, "sources_by_kind": [
            {"kind": "empirical_study", "count": 2}, {"kind": "policy_document", "count": 0},
            {"kind": "key_informant_interview", "count": 0}, {"kind": "review", "count": 1},
            {"kind": "other", "count": 0}],
    }]
    assert type(rows[0]) is dict and type(rows[0]["sources_by_kind"][0]) is dict


def test_fulltext_search_ignores_query_syntax(small_store: Store) -> None:
    hits = small_store.search("excerpts", "face-to-face meetings", 5)
    assert hits[0]["id"] == "tiny:x1"
    # RediSearch operators in user text are plain words, never syntax.
    assert small_store.search("excerpts", "@text:(*) | -trust ~ \"", 5)[0]["id"] == "tiny:x1"
    assert small_store.search("excerpts", "   ", 5) == []
    assert small_store.search("cmocs", "dashboards", 5)[0]["id"] == "tiny:c2"


def test_fulltext_search_in_one_review(small_store: Store) -> None:
    ingest_bundle(small_store, small_bundle("other"))
    assert {h["id"] for h in small_store.search("excerpts", "face-to-face meetings", 5)} == {"tiny:x1", "other:x1"}
    assert [h["id"] for h in small_store.search("excerpts", "face-to-face meetings", 5, "other")] == ["other:x1"]
    assert [h["id"] for h in small_store.search("cmocs", "dashboards", 5, "tiny")] == ["tiny:c2"]
    assert small_store.search("cmocs", "dashboards", 5, "no-such-review") == []


def test_failed_write_leaves_store_unchanged(small_store: Store) -> None:
    before = store_info(small_store)

    def half_then_fail(writer):  # type: ignore[no-untyped-def]
        writer.run("write/delete_review_batch", {"review": "tiny", "limit": 100000})
        raise RuntimeError("crash in the middle of a write")

    with pytest.raises(RuntimeError):
        small_store.write(half_then_fail)
    assert store_info(small_store) == before


def test_a_write_that_matches_less_than_it_was_given_fails_whole(small_store: Store) -> None:
    # Validation makes this impossible for a bundle; the check guards the write queries themselves.
    before = content_checksum(small_store)
    rows = [{"from": "tiny:c1", "to": [{"id": "tiny:pt-data", "props": {}}, {"id": "tiny:no-theory", "props": {}}]},
            {"from": "tiny:no-such-cmoc", "to": [{"id": "tiny:pt-data", "props": {}}]}]
    for batch in (rows[:1], rows[1:]):
        with pytest.raises(WriteIncomplete, match=r"write/rels/BELONGS_TO wrote 0 of \d rows"):
            small_store.write(lambda w, b=batch: run_batches(
                w, rel_query(Rel.BELONGS_TO), b, weight=lambda r: len(r["to"]), params=rel_params))
    assert content_checksum(small_store) == before


def test_ingest_twice_changes_nothing(store: Store) -> None:
    first = ingest_bundle(store, small_bundle())
    assert first.changed and first.created["Excerpt"] == 4 and first.created["SUPPORTS"] == 3
    snapshot = store_info(store)
    second = ingest_bundle(store, small_bundle())
    assert not second.changed
    assert store_info(store) == snapshot


def test_edited_bundle_reports_changes(store: Store) -> None:
    ingest_bundle(store, small_bundle())
    edited = small_bundle()
    edited.excerpts[0].text = "Trust grew from frequent face-to-face meetings."
    edited.links = [link for link in edited.links if link.excerpt != "x2"]
    edited.excerpts = [e for e in edited.excerpts if e.id != "x2"]
    report = ingest_bundle(store, edited)
    assert report.updated["Excerpt"] == 1
    assert report.removed["Excerpt"] == 1
    assert report.removed["REFINES"] == 1
    assert store_info(store)["nodes"]["Excerpt"] == 3


def test_two_reviews_do_not_collide(store: Store) -> None:
    ingest_bundle(store, small_bundle("tiny"))
    ingest_bundle(store, small_bundle("other"))
    info = store_info(store)
    assert [r["id"] for r in info["reviews"]] == ["other", "tiny"]
    assert info["nodes"]["Excerpt"] == 8
    # Re-ingesting one leaves the other alone.
    assert not ingest_bundle(store, small_bundle("other")).changed


def test_a_batch_closes_at_its_text_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"id": str(i), "props": {"text": "x" * n}} for i, n in enumerate([5, 5, 5, 20, 1])]
    monkeypatch.setattr(store_module, "BATCH_CHARS", 10)
    batches = list(store_module._batches(rows, 100, chars=text_size))
    assert [[r["id"] for r in b] for b in batches] == [["0", "1"], ["2", "3"], ["4"]]


def test_batches_start_small_and_grow_to_the_batch_size() -> None:
    rows = [{"id": str(i), "props": {}} for i in range(1_000)]
    for size in (2, 20, 320):
        sizes = [len(b) for b in store_module._batches(rows, size)]
        assert sum(sizes) == len(rows) and sizes[0] == max(1, size // store_module.FIRST_BATCH_SHARE)
        assert sizes[:-1] == sorted(sizes[:-1]) and max(sizes) == size


def test_long_quotes_go_in_smaller_batches_to_the_same_graph(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundle = small_bundle()
    for i, excerpt in enumerate(bundle.excerpts):
        excerpt.text = f"quote {i}: " + "trust grows in meetings " * 12_500  # 300,000 characters
    sizes: list[int] = []
    real = store_module._batches

    def spy(*args: Any, **kwargs: Any) -> Iterator[list[dict[str, Any]]]:
        for batch in real(*args, **kwargs):
            sizes.append(len(batch))
            yield batch

    monkeypatch.setattr(store_module, "_batches", spy)
    checksums, counts = [], []
    for name, budget in (("whole", store_module.BATCH_CHARS), ("split", 400_000)):
        monkeypatch.setattr(store_module, "BATCH_CHARS", budget)
        sizes.clear()
        s = FalkorStore(tmp_path / f"{name}.db")
        try:
            ingest_bundle(s, bundle)
            checksums.append(content_checksum(s))
        finally:
            s.close()
        counts.append(len(sizes))
    assert checksums[0] == checksums[1]
    assert counts[1] == counts[0] + 1  # the four quotes went in two batches of two


def test_records_refuse_links_to_excerpts_the_bundle_does_not_hold() -> None:
    bundle = small_bundle()
    bundle.links.append(EvidenceLink(excerpt="ghost", target="c1", relation="supports"))
    with pytest.raises(ValueError, match="ghost"):
        build_records(bundle)
