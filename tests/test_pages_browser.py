"""The web front and the maps as a person meets them, in headless Chromium against the live example server.

One browser for the whole session, one page per context, reused: the machine has two cores.
Screenshots go to $CMOGRAPH_SCREENSHOTS (default: the test's tmp folder).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cmograph import examples
from cmograph.graph.models import Bundle
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.viz.maps import render_graph
from cmograph.viz.synthetic import generated_graph
from tests.conftest import LiveServer
from tests.test_maps import HOSTILE, expected_theory_nodes

CHROMIUM = os.environ.get("CMOGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
THEORIES = ("pt-being", "pt-leading-visioning", "pt-relating-communicating", "pt-delivering")
DOCS_SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "theory-map-being.png"
FACE_TO_FACE = "Trust, fostered through frequent interactions and face-to-face meetings, is vital"

if not shutil.which(CHROMIUM):
    pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


class Watched:
    """A page that records console errors, page errors and every request it makes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def reset(self) -> None:
        self.errors.clear()
        self.requests.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def js_page(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(scope="session")
def no_js_page(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return read_bundle(examples.path())


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CMOGRAPH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assert_stayed_local(watched: Watched, server: LiveServer) -> None:
    loopback = urlsplit(server.url).netloc
    for url in watched.requests:
        parts = urlsplit(url)
        assert parts.scheme in ("data", "about") or (parts.scheme == "http" and parts.netloc == loopback), url


def open_map(watched: Watched, url: str) -> None:
    watched.reset()
    watched.page.goto(url)
    watched.page.wait_for_selector("body[data-map-ready]", state="attached", timeout=60_000)


def node_on_screen(page: Page, node_id: str) -> dict[str, float]:
    """Where a node is drawn, in page coordinates."""
    at: dict[str, float] = page.evaluate(
        "id => { const n = cmoMap.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node_id)
    box = page.locator("#map").bounding_box()
    assert box is not None
    return {"x": box["x"] + at["x"], "y": box["y"] + at["y"]}


@pytest.mark.parametrize("theory", THEORIES)
def test_theory_map_loads_offline_with_every_node(js_page: Watched, example_server: LiveServer, bundle: Bundle,
                                                  shots: Path, theory: str) -> None:
    expected = expected_theory_nodes(bundle, theory)
    open_map(js_page, f"{example_server.url}/maps/theories/knight-2024:{theory}")
    page = js_page.page
    assert js_page.errors == []
    assert_stayed_local(js_page, example_server)
    assert len(js_page.requests) == 1  # the page itself: every script and style is inside it
    drawn: list[str] = page.evaluate("cmoMap.network.body.nodeIndices.slice()")
    assert sorted(drawn) == sorted(expected)
    expect(page.locator("#shown-count")).to_have_text(f"{len(expected)} nodes, "
                                                      f"{page.evaluate('cmoMap.edges.length')} edges")
    expect(page.locator("#map canvas")).to_be_visible()
    page.screenshot(path=str(shots / f"theory-map-{theory}.png"))
    if theory == "pt-being" and (not DOCS_SCREENSHOT.exists() or os.environ.get("CMOGRAPH_UPDATE_DOCS")):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        at = node_on_screen(page, "knight-2024:cmoc-r1")
        page.mouse.click(at["x"], at["y"])  # the docs show the side panel in use
        expect(page.locator("#panel h2")).to_have_text("CMOC 1")
        page.screenshot(path=str(DOCS_SCREENSHOT))


def test_clicking_a_cmoc_shows_it_in_full(js_page: Watched, example_server: LiveServer, bundle: Bundle) -> None:
    open_map(js_page, f"{example_server.url}/maps/theories/knight-2024:pt-relating-communicating")
    page = js_page.page
    cmoc = next(c for c in bundle.cmocs if c.id == "cmoc-r3")
    at = node_on_screen(page, "knight-2024:cmoc-r3")
    page.mouse.click(at["x"], at["y"])
    panel = page.locator("#panel")
    assert cmoc.statement is not None
    expect(panel.locator(".statement")).to_have_text(cmoc.statement)
    expect(panel.locator("h2")).to_have_text("CMOC 3")
    for part in ("C", "M-Res", "M-Rea", "O"):
        expect(panel.locator("dt", has_text=part).first).to_be_visible()
    expect(panel).to_contain_text("developing strong relationships through shared goals")
    # Hovering a quote shows it with its locator and citation; moving away shows the clicked CMOC again.
    quote = node_on_screen(page, "knight-2024:ex-r3-s2")
    page.mouse.move(quote["x"], quote["y"])
    expect(panel.locator("blockquote")).to_contain_text(FACE_TO_FACE)
    expect(panel).to_contain_text("paragraph 2")
    expect(panel).to_contain_text("Knight, L., Neiva Ganga, R. and Tucker, M. (2024)")
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 3, box["y"] + 3)  # an empty corner of the map
    expect(panel.locator("h2")).to_have_text("CMOC 3")
    assert js_page.errors == []


def test_search_finds_and_focuses_a_node_and_filters_hide(js_page: Watched, example_server: LiveServer) -> None:
    open_map(js_page, f"{example_server.url}/maps/reviews/knight-2024")
    page = js_page.page
    page.fill("#search-input", "face-to-face meetings")
    page.press("#search-input", "Enter")
    expect(page.locator("#search-results li")).to_have_count(1)
    expect(page.locator("#panel blockquote")).to_contain_text(FACE_TO_FACE)
    assert page.evaluate("cmoMap.network.getSelectedNodes()") == ["knight-2024:ex-r3-s2"]
    edges_before = page.evaluate("cmoMap.edgeView.length")
    page.locator('fieldset[data-filter="rel"] input[value="supports"]').uncheck()
    assert page.evaluate("cmoMap.edgeView.length") < edges_before
    assert page.evaluate("cmoMap.nodeView.get('knight-2024:ex-r3-s2')") is None  # only supports: hidden
    expect(page.locator("#shown-count")).to_contain_text("shown")
    page.locator('fieldset[data-filter="th"] input[value="knight-2024:pt-being"]').uncheck()
    assert page.evaluate("cmoMap.nodeView.get('knight-2024:cmoc-r1')") is None
    page.click("#reset-filters")
    assert page.evaluate("cmoMap.edgeView.length") == edges_before
    page.locator('fieldset[data-filter="sk"] input[value="review"]').uncheck()
    assert page.evaluate("cmoMap.nodeView.get('knight-2024:knight-2024-review')") is None
    assert js_page.errors == []
    assert_stayed_local(js_page, example_server)


def test_hostile_text_renders_as_text(js_page: Watched, tmp_path: Path) -> None:
    graph = generated_graph(60)
    node = next(n for n in graph.nodes.values() if n.kind == "cmoc")
    node.label = HOSTILE
    node.detail = {"k": HOSTILE, "t": HOSTILE, "s": HOSTILE, "q": HOSTILE, "f": [[HOSTILE, HOSTILE]],
                   "ls": [[HOSTILE, [HOSTILE]]], "a": [["evil", "javascript:alert(1)"], ["evil", "//evil.example/"]]}
    file = tmp_path / "hostile.html"
    file.write_text(render_graph(graph).html, encoding="utf-8")
    dialogs: list[Any] = []
    page = js_page.page

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    open_map(js_page, file.as_uri())
    page.evaluate("id => cmoMap.focus(id)", node.id)
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text(HOSTILE)
    expect(panel.locator("blockquote")).to_have_text(HOSTILE)
    assert panel.locator("img").count() == 0 and panel.locator("a").count() == 0
    assert page.locator("img").count() == 0
    page.fill("#search-input", "onerror")
    page.press("#search-input", "Enter")
    expect(page.locator("#search-results button").first).to_have_text(HOSTILE)
    assert dialogs == [] and js_page.errors == []
    page.remove_listener("dialog", on_dialog)


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_trace_box_finds_the_face_to_face_sentence(js_page: Watched, no_js_page: Watched,
                                                  example_server: LiveServer, javascript: bool) -> None:
    watched = js_page if javascript else no_js_page
    watched.reset()
    page = watched.page
    page.goto(example_server.url + "/")
    page.fill("#trace-q", "face-to-face meetings trust")
    page.click("header form.trace button[type=submit]")
    page.wait_for_url("**/trace?q=*")
    hit = page.locator("ol.hits > li", has_text=FACE_TO_FACE)
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("paragraph 2")  # where it stands
    expect(hit).to_contain_text("Knight, L., Neiva Ganga, R. and Tucker, M. (2024)")  # quoted from
    expect(hit).to_contain_text("Aunger, J.A.")  # a study it cites
    expect(hit.locator("a", has_text="CMOC 3")).to_have_attribute("href", "/cmocs/knight-2024:cmoc-r3")
    assert watched.errors == []
    assert_stayed_local(watched, example_server)


def test_pages_work_without_javascript(no_js_page: Watched, example_server: LiveServer, bundle: Bundle) -> None:
    no_js_page.reset()
    page = no_js_page.page
    page.goto(example_server.url + "/")
    expect(page.locator("h2", has_text="Integrated care system leadership")).to_be_visible()
    row = page.locator("table.theories tr", has_text="Relating and communicating")
    expect(row.locator("td.n").nth(1)).to_have_text("8")  # distinct supporting sources
    expect(row.locator("a")).to_have_attribute("href", "/maps/theories/knight-2024:pt-relating-communicating")
    page.click("table.cmocs a:text-is('CMOC 3')")
    page.wait_for_url("**/cmocs/knight-2024:cmoc-r3")
    expect(page.locator("h1")).to_have_text("CMOC 3: evidence chain")
    quote = page.locator("ol.excerpts > li", has_text=FACE_TO_FACE)
    expect(quote).to_contain_text("supports")
    expect(quote).to_contain_text("Phase 1b: empirical testing")
    expect(quote).to_contain_text("Shand, J. and Turner, S. (2019)")
    initial = page.goto(example_server.url + "/cmocs/knight-2024:cmoc-i3")
    assert initial is not None and initial.status == 200
    expect(page.locator("main")).to_contain_text("The review does not report this CMOC's wording.")
    missing = page.goto(example_server.url + "/cmocs/knight-2024:nope")
    assert missing is not None and missing.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    assert no_js_page.errors == [] or all("404" in e for e in no_js_page.errors)
    assert_stayed_local(no_js_page, example_server)
