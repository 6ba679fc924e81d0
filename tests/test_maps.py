"""Theory maps without a browser: content, determinism, offline HTML, collapsing, escaping, the CLI and the demo."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import httpx
import pytest

from cmograph import examples
from cmograph.graph import queries
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import Bundle
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.load import ingest_bundle
from cmograph.viz.aggregate import DEFAULT_MAX_NODES
from cmograph.viz.extract import MapTarget, extract, resolve_target
from cmograph.viz.maps import build_map, render_graph, served_links
from cmograph.viz.synthetic import generated_graph
from tests.conftest import LiveServer, cli
from tests.factories import small_bundle

HOSTILE = '</script><img src=x onerror=alert(1)>"\'&<b>'
THEORIES = ("pt-being", "pt-leading-visioning", "pt-relating-communicating", "pt-delivering")


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return read_bundle(examples.path())


def expected_theory_nodes(bundle: Bundle, theory: str) -> set[str]:
    """What a theory's map must show, worked out from the bundle rather than the store."""
    own = {c.id for c in bundle.cmocs if c.theory == theory}
    linked = {c.id for c in bundle.cmocs if set(c.lineage.into) & own}
    linked |= {t for c in bundle.cmocs if c.id in own for t in c.lineage.into}
    elements = {e for c in bundle.cmocs if c.id in own
                for e in (c.context, c.resource, c.reasoning, c.outcome) if e}
    targets = own | elements
    excerpt_ids = {link.excerpt for link in bundle.links if link.target in targets}
    excerpt_ids |= {x for c in bundle.cmocs if c.id in own for x in c.lineage.evidence}
    excerpts = [x for x in bundle.excerpts if x.id in excerpt_ids]
    sources = {x.source for x in excerpts} | {s for x in excerpts for s in x.cites}
    local = {theory} | own | linked | elements | excerpt_ids | sources
    return {f"{bundle.review.id}:{i}" for i in local}


def map_data(html: str) -> dict:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no map data in the page"
    return json.loads(match.group(1))


class _Refs(HTMLParser):
    """Every URL-valued attribute, every <script src>, and the text of every <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data", "xlink:href", "background"):
                self.urls.append((tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def without_library(html: str) -> str:
    """The page without the inlined vis-network code (whose own source holds strings such as "<b>")."""
    library = (files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    assert library in html
    return html.replace(library, "")


def refs(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    return parser


# --- what a map shows ---------------------------------------------------------------------------

@pytest.mark.parametrize("theory", THEORIES)
def test_theory_map_shows_the_theory_its_cmocs_and_their_evidence(example_store: FalkorStore, bundle: Bundle,
                                                                 theory: str) -> None:
    target = resolve_target(example_store, f"knight-2024:{theory}")
    assert target == MapTarget("theory", f"knight-2024:{theory}")
    data = map_data(build_map(example_store, target).html)
    assert {n["id"] for n in data["nodes"]} == expected_theory_nodes(bundle, theory)
    kinds = {n["k"] for n in data["nodes"]}
    assert {"theory", "cmoc", "context", "resource", "reasoning", "outcome", "excerpt", "source"} <= kinds
    rels = {e["rel"] for e in data["edges"]}
    assert {"supports", "belongs_to", "has_context", "has_resource", "has_reasoning", "has_outcome",
            "evidence_from"} <= rels


def test_panel_details_carry_the_full_text(example_store: FalkorStore) -> None:
    data = map_data(build_map(example_store, MapTarget("theory", "knight-2024:pt-relating-communicating")).html)
    cmoc = data["details"]["knight-2024:cmoc-r3"]
    assert cmoc["s"].startswith("CMOC 3: In the context of bringing together")
    fields = dict(cmoc["f"])
    assert fields["M-Res"] == ("developing strong relationships through shared goals and frequent "
                               "face-to-face interactions")
    assert fields["C"].startswith("bringing together") and fields["M-Rea"] and fields["O"]
    assert fields["Distinct supporting sources"] == "8"
    quote = data["details"]["knight-2024:ex-r3-s2"]
    assert quote["q"].startswith("Trust, fostered through frequent interactions and face-to-face meetings, is vital")
    assert "paragraph 2" in dict(quote["f"])["Locator"]
    assert dict(quote["f"])["Quoted from"].startswith("Knight, L., Neiva Ganga, R. and Tucker, M. (2024)")
    assert any(c.startswith("Aunger, J.A.") for c in dict(quote["ls"])["Cites"])
    source = data["details"]["knight-2024:aunger-2022b"]
    assert dict(source["f"])["DOI"] == "10.1371/journal.pone.0266899" and source["s"].startswith("Aunger, J.A.")


def test_cmoc_size_grows_with_distinct_supporting_sources(example_store: FalkorStore) -> None:
    data = map_data(build_map(example_store, MapTarget("review", "knight-2024")).html)
    sizes = {n["id"]: n["size"] for n in data["nodes"] if n["k"] == "cmoc"}
    # The same count the JSON API reports per CMOC.
    for theory in queries.list_theories(example_store, "knight-2024").items:
        for cmoc in queries.theory_support(example_store, theory.id).cmocs:
            supported = dict(data["details"][cmoc.id]["f"])["Distinct supporting sources"]
            assert int(supported) == cmoc.counts.supports
    assert sizes["knight-2024:cmoc-r3"] > sizes["knight-2024:cmoc-i3"]  # 8 sources against none
    ordered = sorted(sizes, key=lambda c: int(dict(data["details"][c]["f"])["Distinct supporting sources"]))
    assert [sizes[c] for c in ordered] == sorted(sizes.values())


def test_cmoc_and_review_maps(example_store: FalkorStore) -> None:
    near = map_data(build_map(example_store, resolve_target(example_store, "knight-2024:cmoc-r5")).html)
    ids = {n["id"] for n in near["nodes"]}
    assert {"knight-2024:cmoc-r5", "knight-2024:pt-delivering", "knight-2024:res-shared-digital-intelligence"} <= ids
    assert "knight-2024:cmoc-r4" not in ids  # same theory, but no shared element: not a neighbour
    review = map_data(build_map(example_store, resolve_target(example_store, "knight-2024")).html)
    kinds = [n["k"] for n in review["nodes"]]
    assert kinds.count("theory") == 4 and kinds.count("cmoc") == 15
    assert {"records_fate", "refines"} <= {e["rel"] for e in review["edges"]}


def test_map_is_deterministic(example_store: FalkorStore) -> None:
    for target in (MapTarget("review", "knight-2024"), MapTarget("all")):
        assert build_map(example_store, target).html == build_map(example_store, target).html
    big = generated_graph(3000)
    assert render_graph(big).html == render_graph(generated_graph(3000)).html


def test_the_page_fetches_nothing(example_store: FalkorStore) -> None:
    html = build_map(example_store, MapTarget("review", "knight-2024")).html
    found = refs(html)
    assert "script" in found.tags and "style" in found.tags
    # Nothing to load: no src or href that leaves the page, no external stylesheet or font.
    for tag, attr, url in found.urls:
        assert url.startswith(("data:", "#")), (tag, attr, url)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link[^>]*rel=[\"']?stylesheet", html, re.I)
    for css in found.styles:
        assert "@import" not in css
        assert not re.search(r"url\(\s*(?![\"']?data:)", css), "a stylesheet loads something"
    assert "cdn" not in " ".join(u for _, _, u in found.urls).lower()


# --- big maps --------------------------------------------------------------------------------------

def test_small_and_medium_maps_are_drawn_in_full() -> None:
    for size in (200, 2000):
        rendered = render_graph(generated_graph(size))
        assert (rendered.nodes, rendered.aggregated) == (size, False)
        data = map_data(rendered.html)
        assert data["physics"] is (size <= 300)
        assert all("x" in n and "y" in n for n in data["nodes"])  # a precomputed layout


def test_big_maps_collapse_evidence_into_count_nodes() -> None:
    graph = generated_graph(DEFAULT_MAX_NODES + 500)
    full_edges = [e for e in graph.edges if e.rel in ("supports", "refines", "contests")]
    rendered = render_graph(graph, links=served_links)
    assert rendered.aggregated and rendered.nodes <= DEFAULT_MAX_NODES
    assert rendered.full_nodes == DEFAULT_MAX_NODES + 500
    data = map_data(rendered.html)
    kinds = {n["k"] for n in data["nodes"]}
    assert "aggregate" in kinds and not kinds & {"excerpt", "source"}
    assert "too many to draw usefully" in rendered.html
    # Every judgement is counted once, on the count node of its target and relation.
    counted = 0
    for node in data["nodes"]:
        if node["k"] == "aggregate":
            counted += sum(int(line.split()[0]) for line in node["label"].split("\n")[:-1])
    assert counted == len(full_edges)
    # Each count node says where to see it in full: its CMOC's own map.
    agg = next(d for d in data["details"].values() if d["k"] == "Collapsed evidence")
    assert agg["a"][0][1].startswith("/maps/cmocs/gen%3A") or agg["a"][0][1].startswith("/maps/cmocs/gen:")


def test_a_collapsed_store_map_reads_only_what_it_draws(example_store: FalkorStore, bundle: Bundle) -> None:
    target = MapTarget("review", "knight-2024")
    for max_nodes in (30, 50):
        quick = build_map(example_store, target, max_nodes=max_nodes)
        assert quick.aggregated and quick.nodes <= max_nodes and quick.full_nodes == 78
        # Reading excerpts and sources as bare ids gives the very map reading them whole would.
        assert quick.html == render_graph(extract(example_store, target), max_nodes=max_nodes).html
    data = map_data(build_map(example_store, target, max_nodes=50).html)
    counted = sum(int(line.split()[0]) for n in data["nodes"] if n["k"] == "aggregate"
                  for line in n["label"].split("\n")[:-1])
    fates = sum(len(c.lineage.evidence) for c in bundle.cmocs)
    assert counted == len(bundle.links) + fates


def test_huge_maps_still_collapse_below_the_threshold() -> None:
    rendered = render_graph(generated_graph(20_000))
    assert rendered.aggregated and rendered.nodes <= DEFAULT_MAX_NODES
    data = map_data(rendered.html)
    assert data["physics"] is False
    saved = next(d for d in data["details"].values() if d["k"].startswith("Collapsed"))
    assert saved["c"][0].startswith("cmograph map gen:")  # a saved file says which command expands it


# --- escaping --------------------------------------------------------------------------------------

def hostile_bundle() -> Bundle:
    bundle = small_bundle("evil")
    bundle.review.title = HOSTILE
    bundle.theories[0].title = HOSTILE
    bundle.theories[0].statement = HOSTILE
    bundle.cmocs[0].statement = HOSTILE
    bundle.cmocs[0].label = HOSTILE
    bundle.elements[1].text = HOSTILE
    bundle.sources[0].citation = HOSTILE
    bundle.sources[0].title = HOSTILE
    bundle.excerpts[0].text = "Trust grew " + HOSTILE
    bundle.excerpts[0].locator.section = HOSTILE
    bundle.links[0].rationale = HOSTILE
    return bundle


def test_hostile_text_is_escaped_everywhere(store: FalkorStore) -> None:
    from cmograph.api.app import create_app

    ingest_bundle(store, hostile_bundle())
    html = build_map(store, MapTarget("theory", "evil:pt-trust")).html
    mine = without_library(html)
    assert "<img" not in mine.lower() and "</script><" not in mine.lower() and "<b>" not in mine
    assert "onerror=alert(1)>" not in html
    # Escaped, not lost: the panel gets the exact text back.
    data = map_data(html)
    assert data["details"]["evil:c1"]["s"] == HOSTILE
    assert data["details"]["evil:x1"]["q"] == "Trust grew " + HOSTILE
    assert HOSTILE in dict(data["details"]["evil:x1"]["f"])["Locator"]
    assert [n["label"] for n in data["nodes"] if n["id"] == "evil:pt-trust"] == [HOSTILE]
    assert all(tag != "img" for tag in refs(html).tags)

    with LiveServer(create_app(store=store)) as server:
        for path in ("/", "/cmocs/evil:c1", "/trace?q=" + httpx.QueryParams({"q": HOSTILE})["q"],
                     "/trace?q=Trust", "/maps/theories/evil:pt-trust", "/maps/reviews/evil"):
            page = httpx.get(server.url + path, timeout=30)
            assert page.status_code == 200, path
            mine = without_library(page.text) if path.startswith("/maps/") else page.text
            assert "<img" not in mine.lower() and "<b>" not in mine, path
            assert all(tag != "img" for tag in refs(page.text).tags), path
        assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in httpx.get(server.url + "/", timeout=30).text


def test_an_empty_store_says_so(store: FalkorStore) -> None:
    from cmograph.api.app import create_app

    rendered = build_map(store, MapTarget("all"))
    assert (rendered.nodes, rendered.edges) == (0, 0) and "Nothing to draw" in rendered.html
    assert map_data(rendered.html)["physics"] is False  # nothing to settle: ready at once
    with LiveServer(create_app(store=store)) as server:
        home = httpx.get(server.url + "/", timeout=30)
        assert home.status_code == 200 and "The store holds no review yet" in home.text


# --- served ----------------------------------------------------------------------------------------

def test_served_maps_and_their_errors(example_server: LiveServer) -> None:
    with httpx.Client(base_url=example_server.url, timeout=60) as http:
        for path in ("/maps/theories/knight-2024:pt-being", "/maps/cmocs/knight-2024:cmoc-r3",
                     "/maps/reviews/knight-2024", "/maps/all"):
            page = http.get(path)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
            assert 'id="map-data"' in page.text
        theory = map_data(http.get("/maps/theories/knight-2024:pt-being").text)
        assert dict(theory["details"]["knight-2024:cmoc-r1"]["a"])["Evidence chain"] == "/cmocs/knight-2024:cmoc-r1"
        for path in ("/maps/theories/knight-2024:nope", "/maps/theories/knight-2024:cmoc-r1",
                     "/maps/cmocs/knight-2024:pt-being", "/maps/reviews/nope"):
            missing = http.get(path)
            assert missing.status_code == 404, path
            assert missing.headers["content-type"] == "application/problem+json"


# --- the command line ------------------------------------------------------------------------------

def test_cmograph_map_writes_a_file(example_store: FalkorStore, tmp_path: Path) -> None:
    out = tmp_path / "being.html"
    proc = cli("map", "knight-2024:pt-being", "-o", str(out), store=example_store.location, check=True)
    said = " ".join(proc.stdout.split())  # the console wraps where the path ends
    assert f"Wrote {out}" in said and "18 nodes" in said
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Programme theory: Being" in html
    # A saved file has no server behind it: no links, the same bytes from another process.
    again = tmp_path / "again.html"
    cli("map", "knight-2024:pt-being", "-o", str(again), store=example_store.location, check=True,
        env={"PYTHONHASHSEED": "12345"})
    assert again.read_bytes() == out.read_bytes()
    assert '"a":' not in html
    everything = tmp_path / "all.html"
    proc = cli("map", "-o", str(everything), "--max-nodes", "30", store=example_store.location, check=True)
    assert "collapsed from" in " ".join(proc.stdout.split()) and everything.stat().st_size > 100_000


def test_cmograph_map_unknown_id_is_one_clear_error(example_store: FalkorStore, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    proc = cli("map", "knight-2024:no-such-theory", "-o", str(out), store=example_store.location)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    message = " ".join(proc.stderr.split())
    assert message == "error: No programme theory, CMOC or review with id 'knight-2024:no-such-theory' in the store."
    assert not out.exists()


# --- the demo --------------------------------------------------------------------------------------

def _start_demo(store_path: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "CMOGRAPH_STORE"}
    proc = subprocess.Popen([sys.executable, "-m", "cmograph.cli", "--store", str(store_path), "demo",
                             "--no-browser", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl+C stops" in line:
            return proc, lines
    proc.kill()
    raise AssertionError("the demo did not start:\n" + "".join(lines))


def _stop_demo(proc: subprocess.Popen[str], lines: list[str]) -> str:
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + rest
    return " ".join(("".join(lines) + rest).split())


def test_demo_loads_the_example_once_serves_it_and_stops_on_ctrl_c(store_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc, lines = _start_demo(store_path, port)
        out = " ".join("".join(lines).split())
        url = re.search(r"running at (http://127\.0\.0\.1:(\d+)/)", out)
        assert url and int(url.group(2)) != port, out
        assert f"Port {port} is busy; using {url.group(2)} instead." in out
        assert "Loaded the example review knight-2024" in out
        try:
            home = httpx.get(url.group(1), timeout=30)
            assert home.status_code == 200 and "Integrated care system leadership" in home.text
            assert httpx.get(url.group(1) + "maps/theories/knight-2024:pt-being", timeout=30).status_code == 200
        finally:
            out = _stop_demo(proc, lines)
        assert out.endswith("Stopped.")
    # The journal's data files; its manifest is redis's own bookkeeping, rewritten at every start.
    journal = [p for p in store_path.parent.rglob("appendonly.aof.*") if not p.name.endswith(".manifest")]
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in journal}
    assert any(p.name.endswith(".incr.aof") for p in before)
    proc, lines = _start_demo(store_path, port)
    out = _stop_demo(proc, lines)
    assert "already in the store" in out and "nothing written" in out
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in before}
    assert after == before  # the second run wrote nothing
