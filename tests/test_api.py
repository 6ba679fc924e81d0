"""The JSON API over real HTTP: the article's answers, problem+json errors, paging and the writing endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cmograph.api.app import create_app
from cmograph.api.settings import ApiSettings
from cmograph.graph.falkordb_store import FalkorStore
from tests.factories import small_bundle
from tests.live_server import LiveServer
from tests.test_example_bundle import EXPECTED_EVIDENCE, INCLUDED

K = "knight-2024:"
TOKEN = "s3cret-token"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(example_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=example_server.url + "/api/v1", timeout=30) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def local(gid: str) -> str:
    return gid.partition(":")[2]


# --- the article's answers ---------------------------------------------------------------------

def test_reviews_review_and_theories(api: httpx.Client) -> None:
    page = ok(api.get("/reviews"))
    assert (page["total"], page["limit"], page["offset"]) == (1, 100, 0)
    assert page["items"][0]["id"] == "knight-2024" and page["items"][0]["counts"]["refined_cmocs"] == 6
    review = ok(api.get("/reviews/knight-2024"))
    assert review["title"] == "Integrated care system leadership: a rapid realist review"
    assert review["screening"][0] == {"stage": "title_abstract", "screened": 5716, "excluded": None,
                                      "note": review["screening"][0]["note"]}
    theories = ok(api.get("/reviews/knight-2024/theories", params={"limit": 2, "offset": 1}))
    assert (theories["total"], theories["limit"], theories["offset"], len(theories["items"])) == (4, 2, 1, 2)
    everything = ok(api.get("/reviews/knight-2024/theories"))["items"]
    assert {local(t["id"]): t["cmocs"] for t in everything} == {
        "pt-being": 1, "pt-leading-visioning": 1, "pt-relating-communicating": 1, "pt-delivering": 3}
    assert {t["id"]: t["supporting_sources"] for t in everything}[K + "pt-being"] == 10


def test_support_gives_the_articles_sources(api: httpx.Client) -> None:
    seen = set()
    for theory in ("pt-being", "pt-leading-visioning", "pt-relating-communicating", "pt-delivering"):
        body = ok(api.get(f"/theories/{K}{theory}/support"))
        assert body["theory"]["id"] == K + theory and body["count"] == "theory"
        for cmoc in body["cmocs"]:
            seen.add(local(cmoc["id"]))
            for relation in ("supports", "refines", "contests"):
                got = {local(s) for s in cmoc["sources"][relation]}
                assert got == EXPECTED_EVIDENCE.get((local(cmoc["id"]), relation), set()), (cmoc["id"], relation)
                assert cmoc["counts"][relation] == len(got)
                assert all(n >= 1 for n in cmoc["sources"][relation].values())
                assert all(body["sources"][relation][s] >= n for s, n in cmoc["sources"][relation].items())
        named = {s for relation in ("supports", "refines", "contests") for s in body["sources"][relation]}
        assert [s["id"] for s in body["references"]] == sorted(named)
        assert all(s["kind"] and "citation" in s for s in body["references"])
    assert seen == {f"cmoc-r{n}" for n in range(1, 7)}
    # CMOC 5 and 6 as the brief states them, spelled out.
    delivering = {c["id"]: c for c in ok(api.get(f"/theories/{K}pt-delivering/support"))["cmocs"]}
    assert set(delivering[K + "cmoc-r5"]["sources"]["refines"]) == {K + "embuldeniya-2018", K + "pearson-watson-2018"}
    assert set(delivering[K + "cmoc-r6"]["sources"]["refines"]) == {K + "pearson-watson-2018"}


def test_support_count_and_source_kind(api: httpx.Client) -> None:
    per_cmoc = ok(api.get(f"/theories/{K}pt-delivering/support", params={"count": "cmoc"}))
    whole = ok(api.get(f"/theories/{K}pt-delivering/support", params={"count": "theory"}))
    assert (per_cmoc["counts"]["supports"], whole["counts"]["supports"]) == (21, 11)
    policy = ok(api.get(f"/theories/{K}pt-being/support", params={"source_kind": "policy_document"}))
    assert policy["source_kind"] == "policy_document" and policy["counts"]["supports"] == 0


def test_chain_of_cmoc3(api: httpx.Client) -> None:
    body = ok(api.get(f"/cmocs/{K}cmoc-r3/chain"))
    assert (body["label"], body["stage"], body["fate"]) == ("CMOC 3", "refined", "current")
    assert body["theory"]["title"] == "Relating and communicating"
    assert body["context"]["text"].startswith("bringing together health and social care organisations")
    assert body["reasoning"]["text"] == "nurture trust and understanding"
    items = {e["id"]: e for e in body["excerpts"]["items"]}
    assert body["excerpts"]["total"] == 2 and set(items) == {K + "ex-r3-s1", K + "ex-r3-s2"}
    quote = items[K + "ex-r3-s2"]
    assert quote["relation"] == "supports" and quote["bears_on"] == {
        "id": K + "cmoc-r3", "kind": "cmoc", "text": "CMOC 3"}
    assert quote["locator"]["section"].endswith("IPT: Relating and communicating")
    assert quote["quoted_from"]["id"] == K + "knight-2024-review"
    assert {local(s["id"]) for s in quote["cites"]} == EXPECTED_EVIDENCE[("cmoc-r3", "supports")]
    assert all(s["citation"] and s["kind"] == "empirical_study" for s in quote["cites"])
    assert items[K + "ex-r3-s1"]["rationale"].startswith("Curator judgement:")


def test_lineage_of_initial_cmoc3(api: httpx.Client) -> None:
    body = ok(api.get(f"/cmocs/{K}cmoc-i3/lineage"))
    assert (body["fate"], body["into"], body["into_reported"]) == ("dropped", [], False)
    assert [e["id"] for e in body["evidence"]] == [K + "ex-phase1b-fates"]
    assert "one (3) lacked evidence" in body["evidence"][0]["text"]
    merged = ok(api.get(f"/cmocs/{K}cmoc-i2/lineage"))
    assert merged["into_reported"] is False
    assert "does not report which CMOC this one was merged into" in " ".join(merged["not_reported"])


def test_trace_face_to_face_meetings(api: httpx.Client) -> None:
    body = ok(api.get("/trace", params={"q": "face-to-face meetings"}))
    top = body["excerpts"][0]
    assert top["text"].startswith("Trust, fostered through frequent interactions and face-to-face meetings, is vital,")
    assert [(b["id"], b["label"], b["theory"]["title"]) for b in top["bears_on"]] == [
        (K + "cmoc-r3", "CMOC 3", "Relating and communicating")]
    assert [t["title"] for t in top["theories"]] == ["Relating and communicating"]
    assert {local(s["id"]) for s in top["cites"]} == EXPECTED_EVIDENCE[("cmoc-r3", "supports")]
    assert top["quoted_from"]["citation"].startswith("Knight, L., Neiva Ganga, R. and Tucker, M. (2024)")
    assert top["locator"]["paragraph"] == 2
    assert body["cmocs"][0]["id"] == K + "cmoc-r3"
    limited = ok(api.get("/trace", params={"q": "trust", "limit": 1, "review": "knight-2024"}))
    assert (limited["limit"], len(limited["excerpts"]), limited["review"]) == (1, 1, "knight-2024")


def test_source(api: httpx.Client) -> None:
    body = ok(api.get(f"/sources/{K}embuldeniya-2018"))
    assert (body["kind"], body["year"], body["doi"]) == ("empirical_study", 2018, "10.1111/1468-0009.12357")
    assert body["screening"] == [{"stage": s, "decision": "included", "note": None}
                                 for s in ("relevance", "richness", "rigour")]
    assert [(b["relation"], b["target"]["id"], b["excerpts"]) for b in body["evidence"]["items"]] == [
        ("supports", K + "cmoc-r3", [K + "ex-r3-s2"]), ("refines", K + "cmoc-r5", [K + "ex-r5-s1"])]
    assert body["counts"] == {"supports": 1, "refines": 1, "contests": 0}


def test_matrix_json_and_csv(api: httpx.Client) -> None:
    body = ok(api.get("/reviews/knight-2024/matrix"))
    assert (body["stage"], body["included_only"], body["total"]) == ("refined", False, 18)
    assert [c["label"] for c in body["columns"]] == [f"CMOC {n}" for n in range(1, 7)]
    cells: dict[tuple[str, str], set[str]] = {}
    for row in body["items"]:
        for cmoc, relations in row["cells"].items():
            for relation in relations:
                cells.setdefault((local(cmoc), relation), set()).add(local(row["source"]["id"]))
    assert cells == EXPECTED_EVIDENCE
    assert {local(r["source"]["id"]) for r in body["items"]} == INCLUDED
    page = ok(api.get("/reviews/knight-2024/matrix", params={"limit": 5, "offset": 15, "stage": "all"}))
    assert (len(page["items"]), len(page["columns"]), page["offset"]) == (3, 15, 15)
    csv_response = api.get("/reviews/knight-2024/matrix.csv")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    lines = csv_response.text.splitlines()
    assert lines[0].startswith("source,citation,knight-2024:cmoc-r1,") and len(lines) == 19
    assert next(line for line in lines if line.startswith(K + "pearson-watson-2018,")).endswith(
        ",,,,,refines,refines")


# --- errors ------------------------------------------------------------------------------------

def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(("path", "kind", "id_"), [
    ("/reviews/nope", "review", "nope"),
    ("/reviews/nope/theories", "review", "nope"),
    (f"/theories/{K}nope/support", "theory", K + "nope"),
    (f"/cmocs/{K}nope/chain", "CMOC", K + "nope"),
    (f"/cmocs/{K}nope/lineage", "CMOC", K + "nope"),
    (f"/sources/{K}nope", "source", K + "nope"),
    ("/reviews/nope/matrix", "review", "nope"),
    ("/reviews/nope/matrix.csv", "review", "nope"),
    ("/trace?q=trust&review=nope", "review", "nope"),
])
def test_unknown_ids_are_404(api: httpx.Client, path: str, kind: str, id_: str) -> None:
    body = problem(api.get(path), 404)
    assert (body["kind"], body["id"]) == (kind, id_)
    assert kind in body["detail"] and id_ in body["detail"]


@pytest.mark.parametrize(("path", "parameter"), [
    ("/reviews?limit=-1", "limit"),
    ("/reviews?limit=0", "limit"),
    ("/reviews?offset=-5", "offset"),
    ("/reviews/knight-2024/theories?limit=100000", "limit"),
    (f"/theories/{K}pt-being/support?count=bogus", "count"),
    (f"/theories/{K}pt-being/support?source_kind=bogus", "source_kind"),
    ("/reviews/knight-2024/matrix?stage=bogus", "stage"),
    ("/reviews/knight-2024/matrix.csv?included_only=maybe", "included_only"),
    ("/trace", "q"),
    ("/trace?q=", "q"),
    ("/trace?q=trust&limit=-1", "limit"),
])
def test_bad_parameters_are_422(api: httpx.Client, path: str, parameter: str) -> None:
    body = problem(api.get(path), 422)
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert parameter in body["detail"]


def test_writing_is_refused_without_a_configured_token(api: httpx.Client) -> None:
    bundle = small_bundle().model_dump(mode="json")
    for response in (api.post("/reviews", json=bundle), api.delete("/reviews/knight-2024"),
                     api.post("/reviews", json=bundle, headers={"Authorization": f"Bearer {TOKEN}"})):
        body = problem(response, 403)
        assert "writing is disabled: no token configured" in body["detail"].lower()
    assert ok(api.get("/reviews/knight-2024"))["id"] == "knight-2024"


def test_an_empty_token_does_not_enable_writing(store: FalkorStore) -> None:
    with LiveServer(create_app(store=store, settings=ApiSettings(api_token=""))) as server:
        response = httpx.post(server.url + "/api/v1/reviews", json=small_bundle().model_dump(mode="json"))
    assert "no token configured" in problem(response, 403)["detail"]


# --- writing with a token ----------------------------------------------------------------------

@pytest.fixture
def writer(store: FalkorStore) -> Iterator[httpx.Client]:
    """A separate app, with a token, a small body cap and a small page cap, on an empty store."""
    settings = ApiSettings(api_token=TOKEN, max_body_bytes=20_000, page_size_max=1)
    with LiveServer(create_app(store=store, settings=settings)) as server, \
            httpx.Client(base_url=server.url + "/api/v1", timeout=30) as client:
        yield client


def test_writing_needs_the_right_token(writer: httpx.Client) -> None:
    bundle = small_bundle().model_dump(mode="json")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = writer.post("/reviews", json=bundle, headers=headers)
        problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        problem(writer.delete("/reviews/tiny", headers=headers), 401)
    problem(writer.get("/reviews/tiny"), 404)


def test_upload_and_delete_with_the_token(writer: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bundle = small_bundle().model_dump(mode="json")
    created = writer.post("/reviews", json=bundle, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["review"] == "tiny" and created.json()["created"]["Excerpt"] == 4
    again = writer.post("/reviews", json=bundle, headers=auth)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert ok(writer.get("/reviews/tiny"))["counts"]["excerpts"] == 4
    # The server's page cap is 1: a bigger limit is brought down to it, and said so.
    assert ok(writer.get("/reviews/tiny/theories", params={"limit": 50}))["limit"] == 1
    assert writer.delete("/reviews/tiny", headers=auth).status_code == 204
    problem(writer.get("/reviews/tiny"), 404)
    assert problem(writer.delete("/reviews/tiny", headers=auth), 404)["kind"] == "review"


def test_the_server_keeps_its_start_up_heap_out_of_full_collections(store: FalkorStore) -> None:
    """Full collections walking the app and its libraries held requests for up to 100 ms: the heap is
    frozen when the app starts, and again after an upload, which pauses the collector for the bundle."""
    import gc

    gc.unfreeze()  # whatever an earlier test's server froze; conftest starts the test in CLI mode
    assert gc.get_freeze_count() == 0
    settings = ApiSettings(api_token=TOKEN)
    with LiveServer(create_app(store=store, settings=settings)) as server, \
            httpx.Client(base_url=server.url + "/api/v1", timeout=30) as client:
        assert gc.get_freeze_count() > 10_000
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.post("/reviews", json=small_bundle().model_dump(mode="json"), headers=auth).status_code == 201
        assert gc.isenabled() and gc.get_freeze_count() > 10_000


def test_upload_is_validated(writer: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bundle = small_bundle().model_dump(mode="json")
    bundle["review"]["id"] = "Not A Slug"
    del bundle["theories"][0]["title"]
    body = problem(writer.post("/reviews", json=bundle, headers=auth), 422)
    assert {e["parameter"] for e in body["errors"]} == {"review.id", "theories.0.title"}
    dangling = small_bundle().model_dump(mode="json")
    dangling["links"].append({"excerpt": "x1", "target": "no-such-cmoc", "relation": "supports"})
    body = problem(writer.post("/reviews", json=dangling, headers=auth), 422)
    assert "no-such-cmoc" in json.dumps(body["errors"])
    problem(writer.get("/reviews/tiny"), 404)
    problem(writer.post("/reviews", content=b"{not json", headers={**auth, "Content-Type": "application/json"}),
            422)


def test_a_nul_in_an_upload_is_named_in_words(writer: httpx.Client) -> None:
    bundle = small_bundle().model_dump(mode="json")
    bundle["excerpts"][0]["text"] = "before\x00after"
    body = problem(writer.post("/reviews", json=bundle, headers={"Authorization": f"Bearer {TOKEN}"}), 422)
    assert body["errors"] == [{"parameter": "excerpts.0.text", "in": "body",
                               "message": "Expected text without NUL (\\x00) characters"}]
    problem(writer.get("/reviews/tiny"), 404)


def test_oversized_bodies_are_413(writer: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bundle = small_bundle().model_dump(mode="json")
    bundle["review"]["notes"] = ["x" * 30_000]
    body = problem(writer.post("/reviews", json=bundle, headers=auth), 413)
    assert "20000 bytes" in body["detail"]

    def stream() -> Iterator[bytes]:  # no Content-Length: the body is counted as it arrives
        data = json.dumps(bundle).encode()
        for i in range(0, len(data), 4096):
            yield data[i:i + 4096]

    problem(writer.post("/reviews", content=stream(), headers={**auth, "Content-Type": "application/json"}), 413)
    # Without the token the cap still applies first: nothing that large is read.
    problem(writer.post("/reviews", json=bundle), 413)
    problem(writer.get("/reviews/tiny"), 404)
