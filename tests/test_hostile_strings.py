"""Hostile strings go in as quotes, statements, titles and rationales and come back unchanged, never as markup."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import ValidationError

from cmograph.api.app import create_app
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import (
    CMOC,
    NO_NUL_PATTERN,
    Bundle,
    EvidenceLink,
    Excerpt,
    ProgrammeTheory,
    Review,
    Source,
)
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.columns import COLUMNS
from cmograph.ingest.load import ingest_bundle
from tests.conftest import LiveServer
from tests.factories import small_bundle
from tests.hostile import HOSTILE

STORABLE = [(name, text) for name, text in HOSTILE if "\x00" not in text]
WITH_NUL = [(name, text) for name, text in HOSTILE if "\x00" in text]
IDS = [name for name, _ in STORABLE]
IN_CODE, IN_FILES = "hostile", "hostile-files"
PER_THEORY = 12
# Theory titles are hostile too: they are the map's <title> and heading.
THEORY_TITLES = [text for name, text in HOSTILE if name.startswith(("html-", "js-"))]
MAP_DATA = re.compile(r'<script id="map-data" type="application/json">(.*?)</script>', re.DOTALL)


def hostile_bundle(review: str, strings: list[tuple[str, str]]) -> Bundle:
    """One CMOC, source, excerpt and judgement per string, the string in every text field."""
    theories = (len(strings) + PER_THEORY - 1) // PER_THEORY
    return Bundle(
        review=Review(id=review, title="Hostile strings"),
        theories=[ProgrammeTheory(id=f"pt-{k}", title=THEORY_TITLES[k % len(THEORY_TITLES)])
                  for k in range(theories)],
        cmocs=[CMOC(id=f"c-{i}", label=f"CMOC {i}", stage="refined", theory=f"pt-{i // PER_THEORY}", statement=text)
               for i, (_, text) in enumerate(strings)],
        sources=[Source(id=f"s-{i}", kind="empirical_study", title=text, included=True)
                 for i, (_, text) in enumerate(strings)],
        excerpts=[Excerpt(id=f"x-{i}", source=f"s-{i}", text=text) for i, (_, text) in enumerate(strings)],
        links=[EvidenceLink(excerpt=f"x-{i}", target=f"c-{i}", relation="refines", reviewer="R", rationale=text)
               for i, (_, text) in enumerate(strings)],
    )


def in_a_cell(text: str) -> str | None:
    """What the extraction sheet keeps of a cell: the reader trims every cell, and an empty one is absent."""
    return text.strip() or None


class _QuotingDumper(yaml.SafeDumper):
    """Writes every string double-quoted: PyYAML's other styles write a NEL (U+0085) as it is, and a
    YAML reader takes a bare NEL for a line break (so "a\\x85b" would come back as "a b")."""


_QuotingDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


def write_bundle_files(folder: Path, strings: list[tuple[str, str]]) -> Path:
    """The same review as files: statements and titles in review.yaml, quotes and rationales in the CSV sheet."""
    bundle = hostile_bundle(IN_FILES, strings).model_dump(mode="json", exclude_defaults=True)
    review = {key: bundle[key] for key in ("review", "theories", "cmocs", "sources")}
    text = yaml.dump(review, Dumper=_QuotingDumper, allow_unicode=True, sort_keys=False)
    (folder / "review.yaml").write_text(text, encoding="utf-8")
    out = io.StringIO()
    sheet = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    sheet.writeheader()
    for i, (_, text) in enumerate(strings):
        sheet.writerow({"excerpt_id": f"x-{i}", "source": f"s-{i}", "text": in_a_cell(text) or "(only whitespace)",
                        "bears_on": f"c-{i}", "relation": "refines", "reviewer": "R", "rationale": text})
    (folder / "extraction.csv").write_bytes(out.getvalue().encode("utf-8"))
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FalkorStore, httpx.Client]]:
    """One store with the hostile review (built in code and from files) and a plain one, served over HTTP."""
    root = tmp_path_factory.mktemp("hostile")
    store = FalkorStore(root / "store" / "cmograph.db")
    try:
        ingest_bundle(store, hostile_bundle(IN_CODE, STORABLE))
        (root / "bundle").mkdir()
        ingest_bundle(store, read_bundle(write_bundle_files(root / "bundle", STORABLE)))
        ingest_bundle(store, small_bundle())
        with LiveServer(create_app(store=store)) as server, httpx.Client(base_url=server.url, timeout=120) as client:
            yield store, client
    finally:
        store.close()


def _get(client: httpx.Client, path: str) -> httpx.Response:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response


_maps: dict[str, tuple[str, dict[str, Any]]] = {}


def theory_map(client: httpx.Client, theory: str) -> tuple[str, dict[str, Any]]:
    """The theory's map page and the data it embeds (fetched once per theory: they are megabytes)."""
    if theory not in _maps:
        html = _get(client, f"/maps/theories/{theory}").text
        blobs = MAP_DATA.findall(html)
        assert len(blobs) == 1, "the map embeds its data once"
        _maps[theory] = (html, json.loads(blobs[0]))
    return _maps[theory]


# --- built in code: every layer gives back exactly what went in ------------------------------------


@pytest.mark.parametrize("index", range(len(STORABLE)), ids=IDS)
def test_the_store_gives_the_text_back(served: tuple[FalkorStore, httpx.Client], index: int) -> None:
    store, _ = served
    text = STORABLE[index][1]
    cmoc = f"{IN_CODE}:c-{index}"
    assert store.read("read/cmoc_chain", {"cmoc": cmoc})[0]["cmoc"]["statement"] == text
    [link] = store.read("read/cmoc_chain_excerpts", {"cmoc": cmoc, "offset": 0, "limit": 10})
    assert link["excerpt"]["text"] == text
    assert link["rationale"] == text
    assert link["quoted_from"]["title"] == text
    assert store.read("read/source", {"source": f"{IN_CODE}:s-{index}"})[0]["source"]["title"] == text


@pytest.mark.parametrize("index", range(len(STORABLE)), ids=IDS)
def test_the_api_gives_the_text_back(served: tuple[FalkorStore, httpx.Client], index: int) -> None:
    _, client = served
    text = STORABLE[index][1]
    chain = _get(client, f"/api/v1/cmocs/{IN_CODE}:c-{index}/chain").json()
    assert chain["statement"] == text
    [excerpt] = chain["excerpts"]["items"]
    assert (excerpt["text"], excerpt["rationale"], excerpt["quoted_from"]["title"]) == (text, text, text)
    assert _get(client, f"/api/v1/sources/{IN_CODE}:s-{index}").json()["title"] == text


@pytest.mark.parametrize("index", range(len(STORABLE)), ids=IDS)
def test_the_map_data_gives_the_text_back(served: tuple[FalkorStore, httpx.Client], index: int) -> None:
    _, client = served
    text = STORABLE[index][1]
    _, data = theory_map(client, f"{IN_CODE}:pt-{index // PER_THEORY}")
    details = data["details"]
    cmoc, excerpt, source = (f"{IN_CODE}:{kind}-{index}" for kind in ("c", "x", "s"))
    assert details[cmoc]["s"] == text
    assert details[excerpt]["q"] == text
    assert ["Title", text] in details[source]["f"]
    bears_on = dict(details[excerpt]["ls"])["Bears on"]
    assert any(line.endswith(f" — {text} (judged by R)") for line in bears_on), bears_on
    [edge] = [e for e in data["edges"] if (e["from"], e["to"]) == (excerpt, cmoc)]
    assert f"rationale: {text}" in edge["title"]


class _Tags(HTMLParser):
    """Every element a browser would build from a page, with its attribute names."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, frozenset[str]]] = []
        self.urls: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, frozenset(name for name, _ in attrs)))
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


@pytest.mark.parametrize("theory", range((len(STORABLE) + PER_THEORY - 1) // PER_THEORY))
def test_the_map_page_runs_none_of_it(served: tuple[FalkorStore, httpx.Client], theory: int) -> None:
    """Markup in the data stays text: the page has the elements and scripts a plain map has, no more."""
    _, client = served
    html, _ = theory_map(client, f"{IN_CODE}:pt-{theory}")
    plain, _ = theory_map(client, "tiny:pt-trust")
    blob = MAP_DATA.search(html)
    assert blob is not None
    assert not set("<>&") & set(blob.group(1)), "the embedded JSON holds raw markup characters"
    title = THEORY_TITLES[theory % len(THEORY_TITLES)]
    if set("<>&") & set(title):
        assert title not in html, "the theory's title is on the page unescaped"
    hostile, expected = _Tags(html), _Tags(plain)
    assert {tag for tag, _ in hostile.tags} <= {tag for tag, _ in expected.tags}
    assert [t for t in hostile.tags if t[0] == "script"] == [t for t in expected.tags if t[0] == "script"]
    handlers = {name for _, names in hostile.tags for name in names if name.startswith("on")}
    assert handlers <= {name for _, names in expected.tags for name in names if name.startswith("on")}
    assert not [url for url in hostile.urls if url.lower().lstrip().startswith("javascript:")]


@pytest.mark.parametrize("index", range(len(STORABLE)), ids=IDS)
def test_the_evidence_page_shows_it_as_text(served: tuple[FalkorStore, httpx.Client], index: int) -> None:
    """The web front's page of a CMOC's evidence: the text is there once unescaped, and no markup is added."""
    _, client = served
    text = STORABLE[index][1]
    page = _get(client, f"/cmocs/{IN_CODE}:c-{index}").text
    plain = _get(client, "/cmocs/tiny:c2").text
    if set("<>&") & set(text):
        assert text not in page
    assert text in unescape(page)
    hostile, expected = _Tags(page), _Tags(plain)
    assert {tag for tag, _ in hostile.tags} <= {tag for tag, _ in expected.tags}
    assert [t for t in hostile.tags if t[0] == "script"] == [t for t in expected.tags if t[0] == "script"]
    assert not [url for url in hostile.urls if url.lower().lstrip().startswith("javascript:")]


# --- through the readers: review.yaml keeps text as it is; the sheet trims its cells ---------------


@pytest.mark.parametrize("index", range(len(STORABLE)), ids=IDS)
def test_text_read_from_files_comes_back(served: tuple[FalkorStore, httpx.Client], index: int) -> None:
    _, client = served
    text = STORABLE[index][1]
    chain = _get(client, f"/api/v1/cmocs/{IN_FILES}:c-{index}/chain").json()
    assert chain["statement"] == text  # from review.yaml
    [excerpt] = chain["excerpts"]["items"]
    assert excerpt["quoted_from"]["title"] == text  # from review.yaml
    assert excerpt["text"] == (in_a_cell(text) or "(only whitespace)")  # from extraction.csv
    assert excerpt["rationale"] == in_a_cell(text)


# --- NUL -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(WITH_NUL)), ids=[name for name, _ in WITH_NUL])
def test_text_with_nul_is_refused_where_it_is_typed(index: int) -> None:
    # FalkorDB cuts a query off at its first NUL, so the domain models refuse NUL in any text,
    # and the bundle reader turns that into a located problem (see tests/test_bundle_reader.py).
    with pytest.raises(ValidationError) as refused:
        hostile_bundle(IN_CODE, [WITH_NUL[index]])
    assert {e["ctx"]["pattern"] for e in refused.value.errors()} == {NO_NUL_PATTERN}
