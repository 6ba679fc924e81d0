"""Every query file, run on the embedded store against the small known graph, gives exactly the known answer.

The table `CASES` has one entry per file in `cmograph.cypher.all_files()`; a test fails when a file
has none, so a new query cannot ship unexercised. Write files are exercised by ingest (their
effect is checked through the counts), store files through schema set-up and search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cmograph import cypher
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import EvidenceLink, Lineage
from cmograph.graph.schema import SCHEMA_VERSION
from cmograph.ingest.load import ingest_bundle, remove_review
from cmograph.ingest.records import EXCERPT_RELS
from tests.factories import small_bundle

Rows = list[dict[str, Any]]
T = "tiny:"  # every id of the small review carries its review's prefix

NODES = {"Review": 1, "ProgrammeTheory": 2, "CMOC": 3, "Context": 1, "MechanismResource": 2,
         "MechanismReasoning": 2, "Outcome": 2, "Source": 3, "Excerpt": 4}
RELS = {"PART_OF": 15, "BELONGS_TO": 2, "HAS_CONTEXT": 2, "HAS_RESOURCE": 2, "HAS_REASONING": 2,
        "HAS_OUTCOME": 2, "QUOTED_FROM": 4, "CITES": 2, "SUPPORTS": 3, "REFINES": 1, "CONTESTS": 0,
        "REFINED_INTO": 0, "MERGED_INTO": 1, "RECORDS_FATE": 1, "EVIDENCE_FROM": 5, "RESTS_ON": 5}
DERIVED = {"RESTS_ON"}  # written by a query of its own (write/theory_tallies), left out of ingest's diff
SMITH = {"id": T + "smith-2020", "kind": "empirical_study", "citation": None, "title": "Meeting in person",
         "year": 2020, "doi": "10.1000/smith", "included": True}
JONES = {"id": T + "jones-2021", "kind": "empirical_study", "citation": None, "title": "Dashboards",
         "year": 2021, "doi": None, "included": True}
TINY_REVIEW = {"id": T + "tiny-review", "kind": "review", "citation": None, "title": "A tiny review",
               "year": None, "doi": None, "included": None}
C1 = {"id": T + "c1", "label": "CMOC 1", "stage": "refined",
      "statement": "In a new partnership, face-to-face meetings build trust, so decisions are shared."}
C2 = {"id": T + "c2", "label": "CMOC 2", "stage": "refined",
      "statement": "In a new partnership, shared dashboards build understanding and better targeting."}
I1 = {"id": T + "i1", "label": "Initial CMOC 1", "stage": "initial", "statement": None}
TRUST = {"id": T + "pt-trust", "title": "Trust", "theme": None, "stage": "refined"}
DATA = {"id": T + "pt-data", "title": "Data", "theme": None, "stage": "refined"}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    """The small known graph (tests/factories.py), ingested once for this module; read-only."""
    store = FalkorStore(tmp_path_factory.mktemp("conformance") / "cmograph.db")
    ingest_bundle(store, small_bundle())
    yield store
    store.close()


def by(key: str, rows: Rows) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


def ids(items: list[dict[str, Any]]) -> list[str]:
    return sorted(i["id"] for i in items)


# --- the write files, through what ingest wrote ------------------------------------------------

def node_case(label: str) -> Callable[[FalkorStore], None]:
    def check(s: FalkorStore) -> None:
        counts = {r["label"]: r["count"] for r in s.read("read/count_nodes")}
        assert counts[label] == NODES[label]
        # Every node has its global id, its review, its bundle-local key and a content hash.
        for row in s.read("read/review_snapshot_nodes", {"review": "tiny"}):
            if row["label"] == label:
                assert row["id"] == "tiny" or row["id"].startswith(T)
                assert len(row["h"]) == 24
    return check


def rel_case(rel: str) -> Callable[[FalkorStore], None]:
    def check(s: FalkorStore) -> None:
        assert {r["type"]: r["count"] for r in s.read("read/count_rels")}[rel] == RELS[rel]
    return check


def variant_case(rel: str) -> Callable[[FalkorStore], None]:
    """CONTESTS and REFINED_INTO do not occur in the small graph: ingest a variant that has them."""
    def check(_: FalkorStore, tmp_path: Path) -> None:
        bundle = small_bundle("variant")
        bundle.links.append(EvidenceLink(excerpt="x2", target="c1", relation="contests"))
        bundle.cmocs[2].lineage = Lineage(fate="refined", into=["c2"], evidence=["x4"])
        s = FalkorStore(tmp_path / "variant.db")
        try:
            ingest_bundle(s, bundle)
            rels = {(r["source"], r["type"], r["target"]) for r in s.read("read/review_snapshot_rels",
                                                                          {"review": "variant"})}
            expected = {"CONTESTS": ("variant:x2", "CONTESTS", "variant:c1"),
                        "REFINED_INTO": ("variant:i1", "REFINED_INTO", "variant:c2")}[rel]
            assert expected in rels
            assert {r["type"]: r["count"] for r in s.read("read/count_rels")}[rel] == 1
        finally:
            s.close()
    check.needs_tmp = True  # type: ignore[attr-defined]
    return check


def excerpts_case(s: FalkorStore, tmp_path: Path) -> None:
    """Excerpts with every evidence relationship they carry; CONTESTS from a variant that has one."""
    node_case("Excerpt")(s)
    for rel in EXCERPT_RELS:
        if rel != "CONTESTS":
            rel_case(rel)(s)
    variant_case("CONTESTS")(s, tmp_path)


excerpts_case.needs_tmp = True  # type: ignore[attr-defined]


def delete_case(_: FalkorStore, tmp_path: Path) -> None:
    s = FalkorStore(tmp_path / "delete.db")
    try:
        ingest_bundle(s, small_bundle("gone"))
        ingest_bundle(s, small_bundle("kept"))
        assert remove_review(s, "gone") is True
        assert s.read("read/review_snapshot_nodes", {"review": "gone"}) == []
        assert len(s.read("read/review_snapshot_nodes", {"review": "kept"})) == 20
        assert remove_review(s, "gone") is False
    finally:
        s.close()


delete_case.needs_tmp = True  # type: ignore[attr-defined]


def tallies_case(s: FalkorStore, tmp_path: Path) -> None:
    """Ingest wrote them (read/theory_support checks their values); a second run writes none twice."""
    rel_case("RESTS_ON")(s)
    other = FalkorStore(tmp_path / "tallies.db")
    try:
        ingest_bundle(other, small_bundle())
        assert other.write(lambda w: w.run("write/theory_tallies", {"review": "tiny"})) == [{"created": 0}]
        assert {r["type"]: r["count"] for r in other.read("read/count_rels")}["RESTS_ON"] == RELS["RESTS_ON"]
    finally:
        other.close()


tallies_case.needs_tmp = True  # type: ignore[attr-defined]


def schema_meta_case(s: FalkorStore) -> None:
    assert s.read("read/schema_version") == [{"version": SCHEMA_VERSION}]
    # Never lowered: an older cmograph's write must not undo what this one recorded.
    assert s.write(lambda w: w.run("write/schema_meta", {"version": 1})) == [{"version": SCHEMA_VERSION}]


def falkordb_schema_case(s: FalkorStore) -> None:
    # Every index already exists, so setting the schema up again creates nothing; search needs them.
    assert s.init_schema() is False
    assert s.search("excerpts", "dashboards", 5)[0]["id"] == T + "x2"


def falkordb_fulltext_case(s: FalkorStore) -> None:
    excerpts = s.search("excerpts", "face-to-face meetings", 10)
    assert [h["id"] for h in excerpts] == [T + "x1"]
    assert excerpts[0]["score"] > 0
    assert [h["id"] for h in s.search("cmocs", "dashboards", 10)] == [T + "c2"]
    assert s.search("excerpts", "zebra", 10) == []
    assert s.search("excerpts", "!?", 10) == []  # no words: no query at all
    # Counts of the items holding a word, capped: the any-word search leaves out common words.
    matches = cypher.statements("stores/falkordb/fulltext")
    assert s._matches(matches["excerpts_matches"], "meetings") == 1
    assert s._matches(matches["excerpts_matches"], "zebra") == 0
    assert s._matches(matches["cmocs_matches"], "dashboards") == 1


def neo4j_case(_: FalkorStore) -> None:
    pytest.skip("Neo4j-only: covered by the Neo4j integration tests in tests/test_store.py "
                "(run with NEO4J_URI or a Docker engine)")


# --- shared read files -------------------------------------------------------------------------

def count_nodes(s: FalkorStore) -> None:
    assert {r["label"]: r["count"] for r in s.read("read/count_nodes")} == NODES


def count_rels(s: FalkorStore) -> None:
    assert {r["type"]: r["count"] for r in s.read("read/count_rels")} == RELS


def review_exists(s: FalkorStore) -> None:
    assert s.read("read/review_exists", {"review": "tiny"}) == [{"exists": True}]
    assert s.read("read/review_exists", {"review": "nope"}) == [{"exists": False}]


def review_snapshot_nodes(s: FalkorStore) -> None:
    rows = s.read("read/review_snapshot_nodes", {"review": "tiny"})
    labels: dict[str, int] = {}
    for r in rows:
        labels[r["label"]] = labels.get(r["label"], 0) + 1
    assert labels == NODES
    assert by("id", rows)[T + "x1"]["label"] == "Excerpt"


def review_snapshot_rels(s: FalkorStore) -> None:
    rows = s.read("read/review_snapshot_rels", {"review": "tiny"})
    assert len(rows) == sum(n for rel, n in RELS.items() if rel not in DERIVED) == 42
    assert not {r["type"] for r in rows} & DERIVED
    triples = {(r["source"], r["type"], r["target"]) for r in rows}
    assert {(T + "x3", "EVIDENCE_FROM", T + "smith-2020"), (T + "x3", "EVIDENCE_FROM", T + "jones-2021"),
            (T + "i1", "MERGED_INTO", T + "c1"), (T + "x4", "RECORDS_FATE", T + "i1")} <= triples


def review_summaries(s: FalkorStore) -> None:
    [row] = s.read("read/review_summaries")
    assert row == {"id": "tiny", "title": "A tiny review", "theories": 2, "refined_cmocs": 2,
                   "initial_cmocs": 1, "sources": 3, "excerpts": 4, "sources_by_kind": [
                       {"kind": "empirical_study", "count": 2}, {"kind": "policy_document", "count": 0},
                       {"kind": "key_informant_interview", "count": 0}, {"kind": "review", "count": 1},
                       {"kind": "other", "count": 0}]}


def schema_version(s: FalkorStore) -> None:
    assert s.read("read/schema_version") == [{"version": SCHEMA_VERSION}]


# --- the question files (graph/queries.py) -----------------------------------------------------

def reviews(s: FalkorStore) -> None:
    [row] = s.read("read/reviews", {"offset": 0, "limit": 10})
    assert {**row, "stages": sorted(row["stages"]), "kinds": sorted(row["kinds"])} == {
        "id": "tiny", "title": "A tiny review", "year": 2025, "theories": 2,
        "stages": ["initial", "refined", "refined"], "kinds": ["empirical_study", "empirical_study", "review"],
        "excerpts": 4, "links": 4}
    assert s.read("read/reviews", {"offset": 1, "limit": 10}) == []


def reviews_count(s: FalkorStore) -> None:
    assert s.read("read/reviews_count") == [{"total": 1}]


def review(s: FalkorStore) -> None:
    [row] = s.read("read/review", {"review": "tiny"})
    assert {k: row["review"][k] for k in ("id", "title", "authors", "year", "notes", "review", "key")} == {
        "id": "tiny", "title": "A tiny review", "authors": ["Doe, J."], "year": 2025,
        "notes": ["Built for tests."], "review": "tiny", "key": "tiny"}
    assert (row["theories"], sorted(row["stages"]), row["excerpts"], row["links"]) == (
        2, ["initial", "refined", "refined"], 4, 4)
    assert s.read("read/review", {"review": "nope"}) == []


def review_theories_count(s: FalkorStore) -> None:
    assert s.read("read/review_theories_count", {"review": "tiny"}) == [{"review": "tiny", "total": 2}]
    assert s.read("read/review_theories_count", {"review": "nope"}) == []


def review_theories(s: FalkorStore) -> None:
    rows = s.read("read/review_theories", {"review": "tiny", "offset": 0, "limit": 10})
    assert [(r["theory"]["id"], r["theory"]["title"], r["cmocs"], r["supporting_sources"], r["evidence_sources"])
            for r in rows] == [(T + "pt-data", "Data", 1, 2, 2), (T + "pt-trust", "Trust", 1, 2, 2)]
    page = s.read("read/review_theories", {"review": "tiny", "offset": 1, "limit": 1})
    assert [r["theory"]["id"] for r in page] == [T + "pt-trust"]


def theories(s: FalkorStore) -> None:
    assert s.read("read/theories") == [{"id": T + "pt-data"}, {"id": T + "pt-trust"}]


def theory_support(s: FalkorStore) -> None:
    def read(theory: str, kind: str | None) -> tuple[dict[str, Any], list[tuple[str, str, int, dict[str, int]]],
                                                     list[dict[str, Any]]]:
        rows = s.read("read/theory_support", {"theory": T + theory, "source_kind": kind})
        assert [r["part"] for r in rows] == ["head", "tallies", "sources"]
        head, tallies, sources = (r["value"] for r in rows)
        counts = [(t["relation"], t["source"], t["excerpts"], dict(zip(t["cmocs"], t["per_cmoc"], strict=True)))
                  for t in tallies]
        return head, sorted(counts), sources

    head, tallies, sources = read("pt-data", None)
    assert head == {"theory": {**DATA, "review": "tiny"}, "cmocs": [C2]}
    # Per (relation, source): distinct excerpts across the theory, and on each CMOC with any.
    assert tallies == [("refines", T + "jones-2021", 1, {T + "c2": 1}),
                       ("supports", T + "jones-2021", 1, {T + "c2": 1}),
                       ("supports", T + "smith-2020", 1, {T + "c2": 1})]
    assert sorted(sources, key=lambda x: x["id"]) == [JONES, SMITH]
    head, tallies, sources = read("pt-trust", "empirical_study")
    assert (head["cmocs"], tallies) == ([C1], [("supports", T + "jones-2021", 1, {T + "c1": 1}),
                                               ("supports", T + "smith-2020", 2, {T + "c1": 2})])
    head, tallies, sources = read("pt-data", "review")
    assert (head["cmocs"], sources, tallies) == ([C2], [], [])
    assert [r["part"] for r in s.read("read/theory_support", {"theory": T + "nope", "source_kind": None})] == [
        "tallies", "sources"]


def cmoc_chain(s: FalkorStore) -> None:
    [row] = s.read("read/cmoc_chain", {"cmoc": T + "c1"})
    assert row == {
        "cmoc": {**{k: C1[k] for k in ("id", "label", "stage", "statement")}, "review": "tiny",
                 "statement_reported": True, "fate": "current"},
        "theory": TRUST,
        "context": {"id": T + "ctx-partnership", "text": "a new partnership"},
        "resource": {"id": T + "res-meetings", "text": "face-to-face meetings"},
        "reasoning": {"id": T + "rea-trust", "text": "trust"},
        "outcome": {"id": T + "out-decisions", "text": "collaborative decisions"},
        "total": 2,
    }
    assert s.read("read/cmoc_chain", {"cmoc": T + "c2"})[0]["total"] == 2
    [row] = s.read("read/cmoc_chain", {"cmoc": T + "i1"})
    assert (row["cmoc"]["statement_reported"], row["cmoc"]["fate"], row["total"]) == (False, "merged", 0)
    assert [row[k] for k in ("theory", "context", "resource", "reasoning", "outcome")] == [None] * 5
    assert s.read("read/cmoc_chain", {"cmoc": T + "nope"}) == []


def cmoc_chain_excerpts(s: FalkorStore) -> None:
    rows = s.read("read/cmoc_chain_excerpts", {"cmoc": T + "c1", "offset": 0, "limit": 10})
    assert [(r["excerpt"]["id"], r["relation"], r["reviewer"], r["rationale"], r["target"]) for r in rows] == [
        (T + "x1", "supports", "JD", None, {"id": T + "c1", "label": "CMOC", "text": "CMOC 1"}),
        (T + "x3", "supports", "JD", None, {"id": T + "c1", "label": "CMOC", "text": "CMOC 1"}),
    ]
    assert (rows[0]["excerpt"]["page"], rows[0]["excerpt"]["section"], rows[0]["excerpt"]["paragraph"]) == (
        "4", "Findings", 2)
    assert (rows[0]["quoted_from"], rows[0]["cites"]) == (SMITH, [])
    assert rows[1]["quoted_from"] == TINY_REVIEW
    assert sorted(rows[1]["cites"], key=lambda c: c["id"]) == [JONES, SMITH]
    rows = s.read("read/cmoc_chain_excerpts", {"cmoc": T + "c2", "offset": 0, "limit": 10})
    assert [(r["excerpt"]["id"], r["relation"], r["rationale"]) for r in rows] == [
        (T + "x2", "refines", "Names a barrier: dashboards were not shared."), (T + "x3", "supports", None)]
    page = s.read("read/cmoc_chain_excerpts", {"cmoc": T + "c2", "offset": 1, "limit": 1})
    assert [r["excerpt"]["id"] for r in page] == [T + "x3"]


def cmoc_lineage(s: FalkorStore) -> None:
    [row] = s.read("read/cmoc_lineage", {"cmoc": T + "i1"})
    assert row["cmoc"] == {**I1, "review": "tiny", "statement_reported": False, "fate": "merged",
                           "into_reported": True, "fate_note": "merged for lack of distinct evidence"}
    assert row["into"] == [C1]
    [evidence] = row["evidence"]
    assert (evidence["excerpt"]["id"], evidence["quoted_from"]) == (T + "x4", TINY_REVIEW)
    assert (row["came_from"], row["unreported"]) == ([], [])
    [row] = s.read("read/cmoc_lineage", {"cmoc": T + "c1"})
    [step] = row["came_from"]
    assert (step["cmoc"], step["fate"], [e["excerpt"]["id"] for e in step["evidence"]]) == (
        I1, "merged", [T + "x4"])
    assert (row["into"], row["evidence"], row["unreported"]) == ([], [], [])
    assert s.read("read/cmoc_lineage", {"cmoc": T + "nope"}) == []


def trace_excerpts(s: FalkorStore) -> None:
    params = {"ids": [T + "x3", T + "x1", T + "nope", T + "x2"], "review": None, "limit": 2}
    rows = s.read("read/trace_excerpts", params)
    assert [(r["rank"], r["excerpt"]["id"]) for r in rows] == [(0, T + "x3"), (1, T + "x1")]
    x3 = rows[0]
    assert (x3["quoted_from"], sorted(x3["cites"], key=lambda c: c["id"])) == (TINY_REVIEW, [JONES, SMITH])
    assert sorted(x3["bears_on"], key=lambda d: d["via_id"]) == [
        {"relation": "supports", "via": "CMOC", "via_id": T + "c1", "cmoc": C1, "theory": TRUST},
        {"relation": "supports", "via": "CMOC", "via_id": T + "c2", "cmoc": C2, "theory": DATA},
    ]
    assert (rows[1]["excerpt"]["text"], rows[1]["excerpt"]["page"], rows[1]["cites"]) == (
        "Trust grew from face-to-face meetings.", "4", [])
    assert s.read("read/trace_excerpts", {**params, "review": "other"}) == []
    assert s.read("read/trace_excerpts", {**params, "ids": []}) == []


def trace_cmocs(s: FalkorStore) -> None:
    rows = s.read("read/trace_cmocs", {"ids": [T + "c2", T + "c1"], "review": "tiny", "limit": 5})
    assert rows == [{"rank": 0, "cmoc": {**C2, "review": "tiny"}, "theory": DATA},
                    {"rank": 1, "cmoc": {**C1, "review": "tiny"}, "theory": TRUST}]


def source(s: FalkorStore) -> None:
    [row] = s.read("read/source", {"source": T + "smith-2020"})
    assert {k: row["source"].get(k) for k in SMITH} == SMITH
    assert (row["source"]["authors"], row["source"]["key"]) == (["Smith, A."], "smith-2020")
    assert (row["excerpts_quoted"], row["excerpts_citing"]) == (1, 1)
    assert sorted(row["bearings"], key=lambda b: b["target"]) == [
        {"relation": "supports", "target": T + "c1"}, {"relation": "supports", "target": T + "c2"}]
    [row] = s.read("read/source", {"source": T + "tiny-review"})
    assert (row["excerpts_quoted"], row["excerpts_citing"], row["bearings"]) == (2, 0, [])
    assert s.read("read/source", {"source": T + "nope"}) == []


def source_evidence(s: FalkorStore) -> None:
    rows = s.read("read/source_evidence", {"source": T + "jones-2021", "offset": 0, "limit": 10})
    assert [(r["relation"], r["target"]["id"], r["target"]["label"], r["target"]["text"], r["cmocs"],
             sorted(r["excerpts"])) for r in rows] == [
        ("supports", T + "c1", "CMOC", "CMOC 1", [C1], [T + "x3"]),
        ("supports", T + "c2", "CMOC", "CMOC 2", [C2], [T + "x3"]),
        ("refines", T + "c2", "CMOC", "CMOC 2", [C2], [T + "x2"]),
    ]
    page = s.read("read/source_evidence", {"source": T + "jones-2021", "offset": 2, "limit": 5})
    assert [r["relation"] for r in page] == ["refines"]


def source_evidence_count(s: FalkorStore) -> None:
    counts = {x: s.read("read/source_evidence_count", {"source": T + x})[0]["total"]
              for x in ("smith-2020", "jones-2021", "tiny-review", "nope")}
    assert counts == {"smith-2020": 2, "jones-2021": 3, "tiny-review": 0, "nope": 0}


def matrix(s: FalkorStore) -> None:
    def read(**changes: Any) -> tuple[dict[str, Any], dict[str, set[tuple[str, str]]]]:
        params = {"review": "tiny", "stages": ["refined"], "included_only": True, "offset": 0, "limit": 10}
        rows = s.read("read/matrix", {**params, **changes})
        # At most one row per relation (one with nothing in it may be left out) and one page row.
        relations = [r["relation"] for r in rows if r["relation"]]
        assert len(relations) == len(set(relations)) and set(relations) <= {"supports", "refines", "contests"}
        cells: dict[str, set[tuple[str, str]]] = {}
        for r in rows:
            if r["relation"]:
                for source, cmocs in zip(r["value"]["sources"], r["value"]["cmocs"], strict=True):
                    cells.setdefault(source, set()).update((c, r["relation"]) for c in cmocs)
        [page] = [r["value"] for r in rows if r["relation"] is None]
        return page, cells

    page, cells = read()
    assert (page["review"], sorted(page["columns"], key=lambda c: c["id"]), page["total"]) == ("tiny", [C1, C2], 2)
    assert page["sources"] == [JONES, SMITH]
    assert cells == {T + "jones-2021": {(T + "c1", "supports"), (T + "c2", "refines"), (T + "c2", "supports")},
                     T + "smith-2020": {(T + "c1", "supports"), (T + "c2", "supports")}}
    page, _ = read(offset=1, limit=1)
    assert (page["sources"], page["total"]) == ([SMITH], 2)
    page, cells = read(stages=["refined", "initial"], included_only=False)
    assert (sorted(c["id"] for c in page["columns"]), page["total"], len(cells)) == (
        [T + "c1", T + "c2", T + "i1"], 2, 2)
    page, cells = read(stages=["initial"])
    assert (page["columns"], page["total"], page["sources"], cells) == ([I1], 0, [], {})
    rows = s.read("read/matrix", {"review": "nope", "stages": ["refined"], "included_only": False,
                                  "offset": 0, "limit": 10})
    assert all(r["relation"] and r["value"] == {"sources": [], "cmocs": []} for r in rows)  # no page row


def store_info(s: FalkorStore) -> None:
    rows = s.read("read/store_info")
    assert [r["value"] for r in rows if r["part"] == "schema"] == [SCHEMA_VERSION]
    assert {r["name"]: r["value"] for r in rows if r["part"] == "nodes"} == NODES
    assert {r["name"]: r["value"] for r in rows if r["part"] == "relationships"} == RELS
    assert [r["value"] for r in rows if r["part"] == "reviews"] == s.read("read/review_summaries")
    assert len(rows) == 1 + len(NODES) + len(RELS) + 1


# --- the map files (viz) -----------------------------------------------------------------------

def map_edges(s: FalkorStore) -> None:
    rows = s.read("read/map_edges", {"ids": [T + "x3"]})
    assert sorted((r["type"], r["target"], r["reviewer"]) for r in rows) == [
        ("CITES", T + "jones-2021", None), ("CITES", T + "smith-2020", None),
        ("EVIDENCE_FROM", T + "jones-2021", None), ("EVIDENCE_FROM", T + "smith-2020", None),
        ("QUOTED_FROM", T + "tiny-review", None), ("SUPPORTS", T + "c1", "JD"), ("SUPPORTS", T + "c2", "JD")]
    assert {r["source"] for r in rows} == {T + "x3"}


def map_elements(s: FalkorStore) -> None:
    rows = s.read("read/map_elements", {"cmocs": [T + "c1"]})
    assert sorted(r["id"] for r in rows) == [T + "ctx-partnership", T + "out-decisions", T + "rea-trust",
                                             T + "res-meetings"]


def map_evidence(s: FalkorStore) -> None:
    rows = s.read("read/map_evidence", {"targets": [T + "c1", T + "i1"]})
    assert sorted((r["excerpt"], r["type"], r["target"]) for r in rows) == [
        (T + "x1", "SUPPORTS", T + "c1"), (T + "x3", "SUPPORTS", T + "c1"), (T + "x4", "RECORDS_FATE", T + "i1")]


def map_excerpt_sources(s: FalkorStore) -> None:
    rows = s.read("read/map_excerpt_sources", {"excerpts": [T + "x1", T + "x3"]})
    assert sorted((r["excerpt"], r["type"], r["source"], r["kind"]) for r in rows) == [
        (T + "x1", "EVIDENCE_FROM", T + "smith-2020", "empirical_study"),
        (T + "x1", "QUOTED_FROM", T + "smith-2020", "empirical_study"),
        (T + "x3", "EVIDENCE_FROM", T + "jones-2021", "empirical_study"),
        (T + "x3", "EVIDENCE_FROM", T + "smith-2020", "empirical_study"),
        (T + "x3", "QUOTED_FROM", T + "tiny-review", "review"),
    ]


def map_nodes(s: FalkorStore) -> None:
    rows = by("id", s.read("read/map_nodes", {"ids": [T + "c1", T + "smith-2020", T + "nope"]}))
    assert {k: r["label"] for k, r in rows.items()} == {T + "c1": "CMOC", T + "smith-2020": "Source"}
    assert rows[T + "c1"]["props"]["statement"] == C1["statement"]


def map_scope_all(s: FalkorStore) -> None:
    [row] = s.read("read/map_scope_all")
    assert (sorted(row["theories"]), sorted(row["cmocs"]), sorted(row["evidence"])) == (
        [T + "pt-data", T + "pt-trust"], [T + "c1", T + "c2", T + "i1"], [T + "c1", T + "c2", T + "i1"])


def map_scope_cmoc(s: FalkorStore) -> None:
    [row] = s.read("read/map_scope_cmoc", {"id": T + "c1"})
    assert (row["theories"], row["evidence"], sorted(row["cmocs"])) == (
        [T + "pt-trust"], [T + "c1"], [T + "c1", T + "c2", T + "i1"])


def map_scope_review(s: FalkorStore) -> None:
    [row] = s.read("read/map_scope_review", {"id": "tiny"})
    assert (sorted(row["theories"]), sorted(row["cmocs"])) == (
        [T + "pt-data", T + "pt-trust"], [T + "c1", T + "c2", T + "i1"])
    assert s.read("read/map_scope_review", {"id": "nope"}) == []


def map_scope_theory(s: FalkorStore) -> None:
    [row] = s.read("read/map_scope_theory", {"id": T + "pt-trust"})
    assert (row["theories"], row["evidence"], sorted(row["cmocs"])) == (
        [T + "pt-trust"], [T + "c1"], [T + "c1", T + "i1"])


def map_support(s: FalkorStore) -> None:
    rows = s.read("read/map_support", {"cmocs": [T + "c1", T + "c2", T + "i1"]})
    assert {r["id"]: r["sources"] for r in rows} == {T + "c1": 2, T + "c2": 2, T + "i1": 0}


def map_target(s: FalkorStore) -> None:
    assert s.read("read/map_target", {"id": T + "c1"}) == [{"label": "CMOC"}]
    assert s.read("read/map_target", {"id": "tiny"}) == [{"label": "Review"}]
    assert s.read("read/map_target", {"id": T + "x1"}) == []


CASES: dict[str, Callable[..., None]] = {
    **{f"write/nodes/{label}": node_case(label) for label in NODES if label != "Excerpt"},
    **{f"write/rels/{rel}": rel_case(rel) for rel in RELS
       if rel not in EXCERPT_RELS and rel not in DERIVED and rel != "REFINED_INTO"},
    "write/rels/REFINED_INTO": variant_case("REFINED_INTO"),
    "write/excerpts": excerpts_case,
    "write/delete_review_batch": delete_case,
    "write/theory_tallies": tallies_case,
    "write/schema_meta": schema_meta_case,
    "stores/falkordb/schema": falkordb_schema_case,
    "stores/falkordb/fulltext": falkordb_fulltext_case,
    "stores/neo4j/schema": neo4j_case,
    "stores/neo4j/fulltext": neo4j_case,
    **{f"read/{fn.__name__}": fn for fn in (
        count_nodes, count_rels, review_exists, review_snapshot_nodes, review_snapshot_rels,
        review_summaries, schema_version, reviews, reviews_count, review, review_theories_count,
        review_theories, theories, theory_support, cmoc_chain, cmoc_chain_excerpts,
        cmoc_lineage, trace_excerpts, trace_cmocs, source, source_evidence,
        source_evidence_count, matrix, store_info, map_edges, map_elements,
        map_evidence, map_excerpt_sources, map_nodes, map_scope_all, map_scope_cmoc, map_scope_review, map_scope_theory,
        map_support, map_target)},
}


def test_every_query_file_has_a_case() -> None:
    files = set(cypher.all_files())
    assert sorted(files - set(CASES)) == [], "add an entry to CASES for each new query file"
    assert sorted(set(CASES) - files) == [], "CASES names files that do not exist"


@pytest.mark.parametrize("name", cypher.all_files())
def test_query_file(name: str, graph: FalkorStore, tmp_path: Path) -> None:
    if name not in CASES:
        pytest.fail(f"no conformance case for {name}")
    case = CASES[name]
    if getattr(case, "needs_tmp", False):
        case(graph, tmp_path)
    else:
        case(graph)
