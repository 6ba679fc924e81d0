"""The questions in graph/queries.py, answered from a real embedded store: the article's answers for the example."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.generate import write_bundle
from cmograph.api.app import create_app
from cmograph.graph import queries
from cmograph.graph.errors import NotFound
from cmograph.graph.falkordb_store import FalkorStore
from cmograph.graph.models import Bundle, EvidenceLink
from cmograph.graph.schema import SCHEMA_VERSION
from cmograph.graph.views import CountMode, MatrixStage, TargetKind
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.load import ingest_bundle, remove_review
from tests.conftest import cli
from tests.factories import small_bundle
from tests.live_server import LiveServer
from tests.test_example_bundle import EXPECTED_EVIDENCE, INCLUDED, rows, split

K = "knight-2024:"
REFINED = [f"cmoc-r{n}" for n in range(1, 7)]
THEORY_OF = {"cmoc-r1": "pt-being", "cmoc-r2": "pt-leading-visioning", "cmoc-r3": "pt-relating-communicating",
             "cmoc-r4": "pt-delivering", "cmoc-r5": "pt-delivering", "cmoc-r6": "pt-delivering"}
FACE_TO_FACE = ("Trust, fostered through frequent interactions and face-to-face meetings, is vital, as is "
                "resolving tensions to maintain trust and collaboration")


def expected(cmoc: str, relation: str) -> set[str]:
    return {K + s for s in EXPECTED_EVIDENCE.get((cmoc, relation), set())}


def local(gid: str) -> str:
    return gid.partition(":")[2]


# --- reviews and theories ----------------------------------------------------------------------

def test_reviews_and_review(example_store: FalkorStore) -> None:
    page = queries.list_reviews(example_store)
    assert (page.total, page.limit, page.offset, [r.id for r in page.items]) == (1, 100, 0, ["knight-2024"])
    counts = page.items[0].counts
    assert (counts.theories, counts.refined_cmocs, counts.initial_cmocs, counts.sources, counts.excerpts,
            counts.links) == (4, 6, 9, 39, 41, 15)
    assert {k.kind: k.count for k in counts.sources_by_kind} == {
        "empirical_study": 22, "policy_document": 11, "key_informant_interview": 5, "review": 1, "other": 0}
    review = queries.get_review(example_store, "knight-2024")
    assert review.doi == "10.1108/LHS-12-2023-0092" and review.counts == counts
    assert [(s.stage, s.screened, s.excluded) for s in review.screening] == [
        ("title_abstract", 5716, None), ("full_text", 99, None), ("relevance", 22, 1), ("richness", 21, 3),
        ("rigour", 18, 0)]
    assert any("Supplementary File 2" in note for note in review.notes)
    assert queries.list_reviews(example_store, limit=1, offset=1).items == []


def test_theories_with_their_counts(example_store: FalkorStore) -> None:
    page = queries.list_theories(example_store, "knight-2024")
    assert page.total == 4
    got = {local(t.id): (t.cmocs, t.supporting_sources, t.evidence_sources) for t in page.items}
    want = {}
    for theory in set(THEORY_OF.values()):
        cmocs = [c for c, t in THEORY_OF.items() if t == theory]
        supporting = set().union(*(expected(c, "supports") for c in cmocs))
        anything = set().union(*(expected(c, r) for c in cmocs for r in ("supports", "refines", "contests")))
        want[theory] = (len(cmocs), len(supporting), len(anything))
    assert got == want
    second = queries.list_theories(example_store, "knight-2024", limit=2, offset=1)
    assert (second.total, [t.id for t in second.items]) == (4, [t.id for t in page.items[1:3]])


# --- support -----------------------------------------------------------------------------------

def test_support_gives_the_articles_sources(example_store: FalkorStore) -> None:
    for theory in sorted(set(THEORY_OF.values())):
        view = queries.theory_support(example_store, K + theory)
        assert [c.id for c in view.cmocs] == [K + c for c, t in THEORY_OF.items() if t == theory]
        for c in view.cmocs:
            for relation in ("supports", "refines", "contests"):
                found = set(getattr(c.sources, relation))
                assert found == expected(local(c.id), relation), (c.id, relation)
                assert getattr(c.counts, relation) == len(found)
        # Every source named is described once, in `references`, in id order.
        named = {s for r in ("supports", "refines", "contests") for s in getattr(view.sources, r)}
        assert [s.id for s in view.references] == sorted(named)


def test_support_excerpt_counts_follow_the_extraction_sheet(example_store: FalkorStore) -> None:
    behind: dict[tuple[str, str, str], set[str]] = {}
    for row in rows():
        for target in split(row["bears_on"]):
            for origin in split(row["cites"]) or [row["source"]]:
                behind.setdefault((target, row["relation"], origin), set()).add(K + row["excerpt_id"])
    for theory in set(THEORY_OF.values()):
        view = queries.theory_support(example_store, K + theory)
        cmocs = [local(c.id) for c in view.cmocs]
        for relation in ("supports", "refines", "contests"):
            for c in view.cmocs:
                counts = getattr(c.sources, relation)
                assert list(counts) == sorted(counts)
                assert counts == {s: len(behind[(local(c.id), relation, local(s))]) for s in counts}
            # Across the theory an excerpt is counted once, even where it bears on several of its CMOCs.
            across = getattr(view.sources, relation)
            assert across == {s: len(set().union(*(behind.get((c, relation, local(s)), set()) for c in cmocs)))
                              for s in across}


def test_support_counted_per_theory_or_per_cmoc(example_store: FalkorStore) -> None:
    delivering = ["cmoc-r4", "cmoc-r5", "cmoc-r6"]
    whole = queries.theory_support(example_store, K + "pt-delivering")
    per_cmoc = queries.theory_support(example_store, K + "pt-delivering", count="cmoc")
    for relation in ("supports", "refines"):
        union = set().union(*(expected(c, relation) for c in delivering))
        assert getattr(whole.counts, relation) == len(union)
        assert set(getattr(whole.sources, relation)) == union
        assert getattr(per_cmoc.counts, relation) == sum(len(expected(c, relation)) for c in delivering)
    assert (whole.counts.supports, per_cmoc.counts.supports, whole.counts.refines, per_cmoc.counts.refines) == (
        11, 21, 2, 3)
    assert (whole.count, per_cmoc.count) == (CountMode.THEORY, CountMode.CMOC)
    assert per_cmoc.cmocs == whole.cmocs


def test_support_by_source_kind(example_store: FalkorStore) -> None:
    policy = queries.theory_support(example_store, K + "pt-being", source_kind="policy_document")
    assert policy.source_kind == "policy_document"
    assert (policy.counts.supports, policy.cmocs[0].sources.supports, policy.references) == (0, {}, [])
    studies = queries.theory_support(example_store, K + "pt-being", source_kind="empirical_study")
    assert set(studies.cmocs[0].sources.supports) == expected("cmoc-r1", "supports")
    assert {s.kind for s in studies.references} == {"empirical_study"}


def test_support_for_every_theory(example_store: FalkorStore) -> None:
    views = queries.all_theory_support(example_store)
    assert [v.theory.id for v in views] == [K + t for t in sorted(set(THEORY_OF.values()))]


def _support_from_bundle(bundle: Bundle) -> dict[str, tuple[dict[str, dict[str, int]], dict[str, dict]]]:
    """Per theory, what the bundle itself says its support is: (relation -> source -> distinct excerpts
    across the theory, CMOC -> relation -> source -> distinct excerpts on it), in global ids."""
    g = f"{bundle.review.id}:".__add__
    theory_of = {c.id: c.theory for c in bundle.cmocs if c.theory}
    evidence = {e.id: list(dict.fromkeys(e.cites)) or [e.source] for e in bundle.excerpts}
    across: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    on: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for link in bundle.links:
        if link.target in theory_of:
            for source in evidence[link.excerpt]:
                across[(theory_of[link.target], link.relation, source)].add(link.excerpt)
                on[(link.target, link.relation, source)].add(link.excerpt)
    out = {}
    for theory in {t.id for t in bundle.theories}:
        whole = {r: {g(s): len(x) for (t, rel, s), x in sorted(across.items()) if t == theory and rel == r}
                 for r in ("supports", "refines", "contests")}
        cmocs = {g(c): {r: {g(s): len(x) for (t, rel, s), x in sorted(on.items()) if t == c and rel == r}
                        for r in ("supports", "refines", "contests")}
                 for c, t in theory_of.items() if t == theory}
        out[g(theory)] = (whole, cmocs)
    return out


def test_support_counts_what_a_generated_review_holds_and_follows_its_edits(tmp_path: Path) -> None:
    """Thousands of links, some excerpts on several CMOCs of one theory and some on two relations:
    the counts made at ingest are what the bundle says, and an edited bundle recounts them."""
    bundle = read_bundle(write_bundle(tmp_path / "gen", "gen", 3_000, seed=11))
    on_r4 = [link for link in bundle.links if link.target == "cmoc-r4"]
    bundle.links += [EvidenceLink(excerpt=link.excerpt, target="cmoc-r5", relation=link.relation)
                     for link in on_r4[::2]]
    bundle.links += [EvidenceLink(excerpt=link.excerpt, target="cmoc-r4", relation="contests",
                                  rationale="both ways") for link in on_r4[1::5] if link.relation != "contests"]
    store = FalkorStore(tmp_path / "cmograph.db")
    try:
        for edit in range(2):
            ingest_bundle(store, bundle)
            for theory, (whole, cmocs) in _support_from_bundle(bundle).items():
                view = queries.theory_support(store, theory)
                assert view.sources.model_dump() == whole, (edit, theory)
                assert {c.id: c.sources.model_dump() for c in view.cmocs} == cmocs, (edit, theory)
            assert sum(len(v.references) for v in queries.all_theory_support(store)) > 100
            # The edit: half the excerpts lose their links, and the review is ingested again.
            dropped = {e.id for e in bundle.excerpts[::2]}
            bundle.links = [link for link in bundle.links if link.excerpt not in dropped]
    finally:
        store.close()


def _as_schema_2(store: FalkorStore) -> None:
    """Make the store look as an older cmograph left it: schema version 2, no support tallies."""
    store._graph().query("MATCH ()-[r:RESTS_ON]->() DELETE r")
    store._graph().query("MATCH (m:CmographMeta {id: 'schema'}) SET m.version = 2")
    assert queries.theory_support(store, "tiny:pt-trust").counts.supports == 0


@pytest.mark.parametrize("write", ["remove another review", "ingest another review", "ingest it unchanged"])
def test_a_write_to_an_older_store_counts_every_review_first(tmp_path: Path, write: str) -> None:
    """Any write marks an embedded store current, so the reviews it does not touch must be counted by
    then; an ingest that changes nothing upgrades the store too."""
    store = FalkorStore(tmp_path / "cmograph.db")
    try:
        ingest_bundle(store, small_bundle())
        if write == "remove another review":
            ingest_bundle(store, small_bundle("gone"))
        before = queries.theory_support(store, "tiny:pt-trust").model_dump()
        _as_schema_2(store)
        if write == "remove another review":
            assert remove_review(store, "gone") is True
        elif write == "ingest another review":
            assert ingest_bundle(store, small_bundle("other")).changed
        else:
            assert not ingest_bundle(store, small_bundle()).changed
        assert queries.theory_support(store, "tiny:pt-trust").model_dump() == before
        assert store.read("read/schema_version") == [{"version": SCHEMA_VERSION}]
    finally:
        store.close()


def test_an_older_store_gets_its_counts_on_upgrade(tmp_path: Path) -> None:
    """A store written before the counts existed is counted by `cmograph init`, and the support it
    then gives is the one a new ingest gives."""
    path = tmp_path / "cmograph.db"
    store = FalkorStore(path)
    try:
        ingest_bundle(store, small_bundle())
        before = [queries.theory_support(store, t).model_dump() for t in ("tiny:pt-trust", "tiny:pt-data")]
        _as_schema_2(store)
    finally:
        store.close()
    done = cli("init", store=path, check=True)
    assert "counted the support of 1 review(s)" in " ".join(done.stdout.split())
    again = " ".join(cli("init", store=path, check=True).stdout.split())  # the console wraps where the path ends
    assert again.endswith("schema already up to date; nothing changed.")
    store = FalkorStore(path)
    try:
        assert [queries.theory_support(store, t).model_dump() for t in ("tiny:pt-trust", "tiny:pt-data")] == before
        assert store.read("read/schema_version") == [{"version": SCHEMA_VERSION}]
    finally:
        store.close()


def test_the_api_counts_an_older_store_when_it_starts(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "cmograph.db")
    try:
        ingest_bundle(store, small_bundle())
        before = queries.theory_support(store, "tiny:pt-trust").model_dump(mode="json")
        _as_schema_2(store)
        with LiveServer(create_app(store=store)) as server:
            answer = httpx.get(f"{server.url}/api/v1/theories/tiny:pt-trust/support", timeout=30)
        assert answer.status_code == 200 and answer.json() == before
    finally:
        store.close()


# --- the evidence chain ------------------------------------------------------------------------

def test_chain_of_cmoc3(example_store: FalkorStore) -> None:
    view = queries.cmoc_chain(example_store, K + "cmoc-r3")
    assert (view.label, view.stage, view.fate, view.statement_reported) == ("CMOC 3", "refined", "current", True)
    assert view.theory is not None and view.theory.title == "Relating and communicating"
    assert view.resource is not None
    assert view.resource.text == (
        "developing strong relationships through shared goals and frequent face-to-face interactions")
    assert view.outcome is not None
    assert view.outcome.text == "support collaborative decision-making and the resolution of tensions"
    by_id = {e.id: e for e in view.excerpts.items}
    assert set(by_id) == {K + "ex-r3-s1", K + "ex-r3-s2"} and view.excerpts.total == 2
    refine, support = by_id[K + "ex-r3-s1"], by_id[K + "ex-r3-s2"]
    assert (refine.relation, support.relation) == ("refines", "supports")
    assert refine.rationale is not None and refine.rationale.startswith("Curator judgement:")
    assert support.reviewer == "cmograph curator (from the article's text)"
    assert support.bears_on.kind == TargetKind.CMOC and support.bears_on.id == K + "cmoc-r3"
    assert support.text.startswith(FACE_TO_FACE)
    assert (support.locator.paragraph, support.locator.char_start, support.locator.char_end) == (2, 21439, 21767)
    assert support.quoted_from is not None and support.quoted_from.id == K + "knight-2024-review"
    assert {s.id for s in support.cites} == expected("cmoc-r3", "supports")
    assert {s.id for s in refine.cites} == expected("cmoc-r3", "refines")
    cited = {s.id: s for s in support.cites}[K + "embuldeniya-2018"]
    assert (cited.kind, cited.doi) == ("empirical_study", "10.1111/1468-0009.12357")
    assert cited.citation is not None and cited.citation.startswith("Embuldeniya, G.")


@pytest.fixture
def element_store(tmp_path: Path) -> Iterator[FalkorStore]:
    """The small graph plus one excerpt bearing on an element (the small graph has none)."""
    bundle = small_bundle()
    bundle.links.append(EvidenceLink(excerpt="x1", target="res-meetings", relation="supports",
                                     rationale="About the resource."))
    bundle.links.append(EvidenceLink(excerpt="x2", target="ctx-partnership", relation="contests"))
    s = FalkorStore(tmp_path / "elements.db")
    ingest_bundle(s, bundle)
    yield s
    s.close()


def test_chain_marks_excerpts_on_elements(element_store: FalkorStore) -> None:
    view = queries.cmoc_chain(element_store, "tiny:c1")
    assert [(e.id, e.bears_on.kind, e.bears_on.id, e.relation) for e in view.excerpts.items] == [
        ("tiny:x1", "cmoc", "tiny:c1", "supports"), ("tiny:x3", "cmoc", "tiny:c1", "supports"),
        ("tiny:x2", "context", "tiny:ctx-partnership", "contests"),
        ("tiny:x1", "resource", "tiny:res-meetings", "supports")]
    assert view.excerpts.items[2].bears_on.text == "a new partnership"
    page = queries.cmoc_chain(element_store, "tiny:c1", limit=2, offset=2)
    assert (page.excerpts.total, [e.bears_on.kind for e in page.excerpts.items]) == (4, ["context", "resource"])
    # The shared context's evidence shows for both CMOCs that use it; support counts only direct links.
    assert "tiny:x2" in {e.id for e in queries.cmoc_chain(element_store, "tiny:c2").excerpts.items}
    assert queries.theory_support(element_store, "tiny:pt-trust").counts.contests == 0


def test_trace_and_source_through_elements(element_store: FalkorStore) -> None:
    hit = next(h for h in queries.trace(element_store, "dashboards rarely shared").excerpts if h.id == "tiny:x2")
    assert [(b.id, b.relation, b.via, b.via_id) for b in hit.bears_on] == [
        ("tiny:c1", "contests", "context", "tiny:ctx-partnership"),
        ("tiny:c2", "refines", "cmoc", "tiny:c2"),
        ("tiny:c2", "contests", "context", "tiny:ctx-partnership")]
    assert [t.title for t in hit.theories] == ["Data", "Trust"]
    jones = queries.source_detail(element_store, "tiny:jones-2021")
    context = [b for b in jones.evidence.items if b.target.kind == "context"]
    assert [(b.relation, [c.id for c in b.cmocs], b.excerpts) for b in context] == [
        ("contests", ["tiny:c1", "tiny:c2"], ["tiny:x2"])]
    assert (jones.counts.supports, jones.counts.refines, jones.counts.contests) == (2, 1, 1)


# --- lineage -----------------------------------------------------------------------------------

def test_lineage_of_initial_cmoc3(example_store: FalkorStore) -> None:
    view = queries.cmoc_lineage(example_store, K + "cmoc-i3")
    assert (view.fate, view.into, view.into_reported) == ("dropped", [], False)
    assert [e.id for e in view.evidence] == [K + "ex-phase1b-fates"]
    assert view.evidence[0].text.startswith("Four CMOCs (1, 6, 7 and 8) had empirical support with refinements")
    assert view.note is not None and "lacked evidence" in view.note
    assert view.not_reported == ["The review does not report this CMOC's wording."]


def test_lineage_says_what_is_not_reported(example_store: FalkorStore) -> None:
    for n in range(1, 10):
        view = queries.cmoc_lineage(example_store, K + f"cmoc-i{n}")
        assert view.into_reported is False and view.into == [], n
        if view.fate in ("refined", "merged"):
            assert f"which CMOC this one was {view.fate} into" in " ".join(view.not_reported)
    refined = queries.cmoc_lineage(example_store, K + "cmoc-r1")
    assert (refined.fate, refined.came_from, refined.came_from_reported) == ("current", [], False)
    assert K + "cmoc-i6" in refined.not_reported[0] and K + "cmoc-i3" not in refined.not_reported[0]


def test_lineage_where_reported(small_store: FalkorStore) -> None:
    merged = queries.cmoc_lineage(small_store, "tiny:i1")
    assert ([c.id for c in merged.into], merged.into_reported, merged.not_reported) == (
        ["tiny:c1"], True, ["The review does not report this CMOC's wording."])
    target = queries.cmoc_lineage(small_store, "tiny:c1")
    assert [(s.cmoc.id, s.fate, [e.id for e in s.evidence]) for s in target.came_from] == [
        ("tiny:i1", "merged", ["tiny:x4"])]
    assert (target.came_from_reported, target.not_reported) == (True, [])


# --- trace -------------------------------------------------------------------------------------

def test_trace_face_to_face_meetings(example_store: FalkorStore) -> None:
    view = queries.trace(example_store, "face-to-face meetings")
    top = view.excerpts[0]
    assert top.id == K + "ex-r3-s2" and top.text.startswith(FACE_TO_FACE)
    assert [(b.id, b.relation, b.via) for b in top.bears_on] == [(K + "cmoc-r3", "supports", "cmoc")]
    assert [t.title for t in top.theories] == ["Relating and communicating"]
    assert {s.id for s in top.cites} == expected("cmoc-r3", "supports")
    assert top.quoted_from is not None and top.quoted_from.kind == "review"
    assert top.locator.section is not None and top.locator.section.endswith("IPT: Relating and communicating")
    assert view.cmocs[0].id == K + "cmoc-r3"
    assert view.cmocs[0].theory is not None and view.cmocs[0].theory.id == K + "pt-relating-communicating"
    assert len(view.excerpts) <= 10 and len(queries.trace(example_store, "trust", limit=2).excerpts) == 2


def test_trace_by_review(example_store: FalkorStore) -> None:
    assert queries.trace(example_store, "face-to-face meetings", review="knight-2024").excerpts[0].id == (
        K + "ex-r3-s2")
    assert queries.trace(example_store, "%%% ***").excerpts == []
    with pytest.raises(NotFound) as caught:
        queries.trace(example_store, "trust", review="nope")
    assert (caught.value.kind, caught.value.id) == ("review", "nope")


# --- a source ----------------------------------------------------------------------------------

def test_source_and_what_it_bears_on(example_store: FalkorStore) -> None:
    view = queries.source_detail(example_store, K + "pearson-watson-2018")
    assert (view.kind, view.included, view.year, view.key, view.review) == (
        "empirical_study", True, 2018, "pearson-watson-2018", "knight-2024")
    assert [(o.stage, o.decision) for o in view.screening] == [
        ("relevance", "included"), ("richness", "included"), ("rigour", "included")]
    assert view.citation is not None and view.citation.startswith("Pearson, C. and Watson, N. (2018)")
    assert [(b.relation, b.target.id, b.excerpts) for b in view.evidence.items] == [
        ("refines", K + "cmoc-r5", [K + "ex-r5-s1"]), ("refines", K + "cmoc-r6", [K + "ex-r6-s2"])]
    assert (view.counts.supports, view.counts.refines, view.excerpts_quoted, view.excerpts_citing) == (0, 2, 0, 3)
    sims = queries.source_detail(example_store, K + "sims-2021", limit=2, offset=1)
    assert (sims.evidence.total, len(sims.evidence.items)) == (5, 2)


# --- the matrix --------------------------------------------------------------------------------

def test_matrix_is_the_articles(example_store: FalkorStore) -> None:
    view = queries.matrix(example_store, "knight-2024")
    assert [c.id for c in view.columns] == [K + c for c in REFINED]
    assert {local(r.source.id) for r in view.items} == INCLUDED and view.total == 18
    cells: dict[tuple[str, str], set[str]] = {}
    for row in view.items:
        for cmoc, relations in row.cells.items():
            for relation in relations:
                cells.setdefault((local(cmoc), relation), set()).add(local(row.source.id))
    assert cells == EXPECTED_EVIDENCE
    included = queries.matrix(example_store, "knight-2024", included_only=True)
    assert included.items == view.items
    initial = queries.matrix(example_store, "knight-2024", stage=MatrixStage.INITIAL)
    assert (len(initial.columns), initial.total, initial.items) == (9, 0, [])
    everything = queries.matrix(example_store, "knight-2024", stage="all", limit=5, offset=15)
    assert (len(everything.columns), everything.total, len(everything.items)) == (15, 18, 3)


def test_matrix_csv(example_store: FalkorStore) -> None:
    text = queries.matrix_csv(queries.matrix(example_store, "knight-2024", limit=None))
    lines = text.splitlines()
    assert lines[0] == "source,citation," + ",".join(K + c for c in REFINED)
    assert len(lines) == 19
    sims = next(line for line in lines if line.startswith(K + "sims-2021,"))
    assert sims.endswith(",supports,supports,refines,supports,,supports")


def test_a_source_with_two_relations_on_one_cmoc(small_store: FalkorStore) -> None:
    view = queries.matrix(small_store, "tiny")
    jones = next(r for r in view.items if r.source.id == "tiny:jones-2021")
    assert jones.cells == {"tiny:c1": ["supports"], "tiny:c2": ["supports", "refines"]}
    assert queries.matrix_csv(view).splitlines()[1] == 'tiny:jones-2021,Dashboards,supports,supports; refines'


# --- unknown ids -------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "kind"), [
    (lambda s: queries.get_review(s, "nope"), "review"),
    (lambda s: queries.list_theories(s, "nope"), "review"),
    (lambda s: queries.theory_support(s, "tiny:nope"), "theory"),
    (lambda s: queries.cmoc_chain(s, "tiny:nope"), "CMOC"),
    (lambda s: queries.cmoc_lineage(s, "tiny:nope"), "CMOC"),
    (lambda s: queries.source_detail(s, "tiny:nope"), "source"),
    (lambda s: queries.matrix(s, "nope"), "review"),
])
def test_unknown_ids(small_store: FalkorStore, call, kind: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as caught:
        call(small_store)
    assert caught.value.kind == kind and "nope" in caught.value.id


def test_trace_in_a_store_where_common_words_are_everywhere(tmp_path: Path) -> None:
    """The embedded store searches narrowest first (phrase, all words, any word): with far more
    matches than candidates, the hits still have the whole claim, and its exact wording first."""
    from cmograph.graph.models import Excerpt

    bundle = small_bundle("crowd")
    filler = [Excerpt(id=f"f{i}", source="smith-2020", text=f"Partners met often in year {i}.")
              for i in range(150)]
    both = [Excerpt(id=f"b{i}", source="jones-2021", text=f"Partners met and shared data, round {i}.")
            for i in range(80)]
    exact = Excerpt(id="exact", source="jones-2021", text="In the end the partners shared data weekly.")
    bundle = bundle.model_copy(update={"excerpts": [*bundle.excerpts, *filler, *both, exact]})
    store = FalkorStore(tmp_path / "crowd.db")
    try:
        ingest_bundle(store, bundle)
        hits = queries.trace(store, "partners shared data", limit=10).excerpts
        assert hits[0].id == "crowd:exact"
        assert len(hits) == 10
        assert all({"partners", "shared", "data"} <= set(h.text.lower().replace(",", "").split()) for h in hits)
    finally:
        store.close()


def test_trace_widens_to_any_word_without_stop_words_or_common_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When no excerpt holds the whole claim, the embedded store's any-word search uses only its
    telling words that few excerpts hold: "the" and a word in most excerpts would rank the store."""
    from cmograph.graph import falkordb_store
    from cmograph.graph.models import Excerpt

    monkeypatch.setattr(falkordb_store, "COMMON_MATCHES", 100)  # the store's 2,000, scaled to this bundle
    bundle = small_bundle("common")
    filler = [Excerpt(id=f"f{i}", source="smith-2020", text=f"The partners met in year {i}.") for i in range(150)]
    rare = [Excerpt(id="quokka", source="jones-2021", text="A quokka was seen at the meeting."),
            Excerpt(id="wombat", source="jones-2021", text="Wombats dig burrows.")]
    bundle = bundle.model_copy(update={"excerpts": [*bundle.excerpts, *filler, *rare]})
    store = FalkorStore(tmp_path / "common.db")
    try:
        ingest_bundle(store, bundle)
        hits = [h.id for h in queries.trace(store, "the partners saw the quokka and the wombats", limit=10).excerpts]
        assert hits == ["common:quokka", "common:wombat"]
        # Common words still match when they are all the claim has, or together with its other words.
        assert len(queries.trace(store, "the partners", limit=10).excerpts) == 10
        assert queries.trace(store, "partners met in year 7", limit=1).excerpts[0].id == "common:f7"
    finally:
        store.close()


def test_trace_in_one_review_ranks_its_own_hits_however_many_others_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review filter is applied inside the search: another review's better matches, more than
    the candidates fetched, do not crowd out the one asked for."""
    from cmograph.graph.models import Excerpt

    monkeypatch.setattr(queries, "TRACE_CANDIDATES", 1)
    monkeypatch.setattr(queries, "TRACE_MIN_CANDIDATES", 2)
    crowd = small_bundle("crowd")
    loud = [Excerpt(id=f"k{i}", source="smith-2020", text=f"Kanban boards, kanban boards everywhere ({i}).")
            for i in range(30)]
    crowd = crowd.model_copy(update={"excerpts": [*crowd.excerpts, *loud]})
    quiet = small_bundle("quiet")
    one = Excerpt(id="q1", source="jones-2021",
                  text="The board by the door held kanban cards, among many other things.")
    quiet = quiet.model_copy(update={"excerpts": [*quiet.excerpts, one]})
    store = FalkorStore(tmp_path / "two.db")
    try:
        ingest_bundle(store, crowd)
        ingest_bundle(store, quiet)
        assert all(h.review == "crowd" for h in queries.trace(store, "kanban board", limit=2).excerpts)
        scoped = queries.trace(store, "kanban board", review="quiet", limit=2).excerpts
        assert [h.id for h in scoped] == ["quiet:q1"]
        # The search itself keeps the review's hits: asked for one, it does not return crowd's best.
        assert [h["id"] for h in store.search("excerpts", "kanban board", 1, "quiet")] == ["quiet:q1"]
        assert [h["id"] for h in store.search("cmocs", "dashboards", 1, "quiet")] == ["quiet:c2"]
    finally:
        store.close()
