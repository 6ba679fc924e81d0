"""The questions cmograph answers, asked of any store: the API and the CLI call these functions."""

from __future__ import annotations

import csv
import io
import json
import types
from collections.abc import Callable
from operator import itemgetter
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from cmograph.graph.errors import NotFound
from cmograph.graph.models import Fate, Locator, Relation, SourceKind, Stage
from cmograph.graph.schema import Label
from cmograph.graph.store import WORD, Row, Store
from cmograph.graph.views import (
    DEFAULT_LIMIT,
    TRACE_DEFAULT_LIMIT,
    ChainExcerpt,
    ChainExcerptPage,
    ChainView,
    CmocBearing,
    CmocHit,
    CmocRef,
    CmocSupport,
    CountMode,
    ElementRef,
    ExcerptHit,
    FateExcerpt,
    KindCount,
    LineageStep,
    LineageView,
    MatrixRow,
    MatrixStage,
    MatrixView,
    RelationCounts,
    RelationExcerpts,
    ReviewCounts,
    ReviewPage,
    ReviewSummary,
    ReviewView,
    SourceBearing,
    SourceBearingPage,
    SourceDetail,
    SourceRef,
    TargetKind,
    TargetRef,
    TheoryPage,
    TheoryRef,
    TheorySupport,
    TheoryView,
    TraceView,
    pick,
)

# The node label of what an excerpt bears on -> how views name it.
TARGET_KIND = {
    Label.CMOC.value: TargetKind.CMOC,
    Label.CONTEXT.value: TargetKind.CONTEXT,
    Label.MECHANISM_RESOURCE.value: TargetKind.RESOURCE,
    Label.MECHANISM_REASONING.value: TargetKind.REASONING,
    Label.OUTCOME.value: TargetKind.OUTCOME,
}
TARGET_ORDER = list(TargetKind)
RELATION_ORDER = list(Relation)
STAGE_ORDER = [Stage.INITIAL, Stage.REFINED]
MATRIX_STAGES = {
    MatrixStage.REFINED: [Stage.REFINED.value],
    MatrixStage.INITIAL: [Stage.INITIAL.value],
    MatrixStage.ALL: [Stage.REFINED.value, Stage.INITIAL.value],
}
# List slices in FalkorDB take 32-bit bounds (a larger end gives an empty list): pages are cut to fit.
SLICE_MAX = 2**31 - 1
# Hits fetched per hit returned, so re-ranking can lift a phrase match the index scored low.
TRACE_CANDIDATES = 5
TRACE_MIN_CANDIDATES = 50
# The words of a claim: letters and digits. Underscores are left out: RediSearch reads a lone "_"
# between ORs as a syntax error, and no excerpt is searched for its underscores.


# --- helpers -----------------------------------------------------------------------------------


def _structured(annotation: Any) -> bool:
    """Whether a field holds a list or dict (stored as JSON text when its items are objects)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_structured(a) for a in get_args(annotation) if a is not type(None))
    return get_origin(annotation) in (list, dict)


def from_props[M: BaseModel](model: type[M], props: dict[str, Any], **extra: Any) -> M:
    """Build a view from a node's stored properties: unknown keys dropped, JSON text decoded."""
    data = pick(model, props)
    for name, value in data.items():
        if isinstance(value, str) and _structured(model.model_fields[name].annotation):
            data[name] = json.loads(value)
    return model.model_validate({**data, **extra})


def _source(props: dict[str, Any] | None) -> SourceRef | None:
    return None if props is None else SourceRef.model_validate(pick(SourceRef, props))


def _sources(rows: list[dict[str, Any]]) -> list[SourceRef]:
    return sorted((SourceRef.model_validate(pick(SourceRef, r)) for r in rows), key=lambda s: s.id)


def _theory(props: dict[str, Any] | None) -> TheoryRef | None:
    return None if props is None else TheoryRef.model_validate(pick(TheoryRef, props))


def _cmoc(props: dict[str, Any]) -> CmocRef:
    return CmocRef.model_validate(pick(CmocRef, props))


def _locator(props: dict[str, Any]) -> Locator:
    return Locator.model_validate(pick(Locator, props))


def _target(target: dict[str, Any]) -> TargetRef:
    return TargetRef(id=target["id"], kind=TARGET_KIND[target["label"]], text=target["text"] or "")


def _total(rows: list[Row]) -> int:
    return int(rows[0]["total"]) if rows else 0


# --- reviews and theories ----------------------------------------------------------------------


def _review_counts(row: Row) -> ReviewCounts:
    stages, kinds = row["stages"], row["kinds"]
    return ReviewCounts(
        theories=row["theories"],
        refined_cmocs=stages.count(Stage.REFINED.value),
        initial_cmocs=stages.count(Stage.INITIAL.value),
        sources=len(kinds),
        sources_by_kind=[KindCount(kind=k, count=kinds.count(k.value)) for k in SourceKind],
        excerpts=row["excerpts"],
        links=row["links"],
    )


def list_reviews(store: Store, limit: int = DEFAULT_LIMIT, offset: int = 0) -> ReviewPage:
    total = _total(store.read("read/reviews_count"))
    rows = store.read("read/reviews", {"offset": offset, "limit": limit})
    items = [
        ReviewSummary(id=r["id"], title=r["title"], year=r["year"], counts=_review_counts(r))
        for r in rows
    ]
    return ReviewPage(total=total, limit=limit, offset=offset, items=items)


def get_review(store: Store, review_id: str) -> ReviewView:
    rows = store.read("read/review", {"review": review_id})
    if not rows:
        raise NotFound("review", review_id)
    return from_props(ReviewView, rows[0]["review"], counts=_review_counts(rows[0]))


def list_theories(
    store: Store, review_id: str, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> TheoryPage:
    counted = store.read("read/review_theories_count", {"review": review_id})
    if not counted:
        raise NotFound("review", review_id)
    rows = store.read(
        "read/review_theories", {"review": review_id, "offset": offset, "limit": limit}
    )
    items = [
        from_props(
            TheoryView,
            r["theory"],
            cmocs=r["cmocs"],
            supporting_sources=r["supporting_sources"],
            evidence_sources=r["evidence_sources"],
        )
        for r in rows
    ]
    return TheoryPage(total=_total(counted), limit=limit, offset=offset, items=items)


# --- support per theory ------------------------------------------------------------------------

def theory_support(
    store: Store,
    theory_id: str,
    source_kind: SourceKind | str | None = None,
    count: CountMode | str = CountMode.THEORY,
) -> TheorySupport:
    """Each CMOC of a theory with the distinct sources that support, refine or contest it.

    The counts were made at ingest (write/theory_tallies), so the answer costs what it holds:
    one tally per relation and source, however many excerpts stand behind them.
    """
    count = CountMode(count)
    kind = SourceKind(source_kind).value if source_kind else None
    parts = {r["part"]: r["value"] for r in store.read("read/theory_support", {"theory": theory_id,
                                                                                 "source_kind": kind})}
    head = parts.get("head")
    if head is None:
        raise NotFound("theory", theory_id)
    whole: dict[str, dict[str, int]] = {r.value: {} for r in Relation}
    on_cmoc: list[dict[str, dict[str, int]]] = [{r.value: {} for r in Relation} for _ in head["cmocs"]]
    position = {c["id"]: i for i, c in enumerate(head["cmocs"])}
    for tally in sorted(parts["tallies"], key=itemgetter("source", "relation")):
        relation, source = tally["relation"], tally["source"]
        whole[relation][source] = tally["excerpts"]
        for cmoc, n in zip(tally["cmocs"], tally["per_cmoc"], strict=True):
            on_cmoc[position[cmoc]][relation][source] = n
    cmocs = [
        CmocSupport(
            **pick(CmocRef, c),
            counts=RelationCounts(**{r: len(sources) for r, sources in by_relation.items()}),
            sources=RelationExcerpts(**by_relation),
        )
        for c, by_relation in zip(head["cmocs"], on_cmoc, strict=True)
    ]
    if count is CountMode.THEORY:
        counts = RelationCounts(**{r: len(sources) for r, sources in whole.items()})
    else:
        counts = RelationCounts(**{r.value: sum(getattr(c.counts, r.value) for c in cmocs) for r in Relation})
    theory = head["theory"]
    return TheorySupport(
        theory=TheoryRef.model_validate(pick(TheoryRef, theory)),
        review=theory["review"],
        count=count,
        source_kind=kind,
        counts=counts,
        sources=RelationExcerpts(**whole),
        references=_sources(parts["sources"]),
        cmocs=cmocs,
    )


def all_theory_support(
    store: Store,
    source_kind: SourceKind | str | None = None,
    count: CountMode | str = CountMode.THEORY,
) -> list[TheorySupport]:
    """`theory_support` for every theory in the store, by review then theory id."""
    return [
        theory_support(store, row["id"], source_kind, count) for row in store.read("read/theories")
    ]


# --- the evidence chain ------------------------------------------------------------------------


def cmoc_chain(
    store: Store, cmoc_id: str, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> ChainView:
    """A CMOC, its elements and theory, and every excerpt bearing on it or on its elements."""
    rows = store.read("read/cmoc_chain", {"cmoc": cmoc_id})
    if not rows:
        raise NotFound("CMOC", cmoc_id)
    row = rows[0]
    total = int(row["total"])
    items = [
        ChainExcerpt(
            id=r["excerpt"]["id"],
            text=r["excerpt"]["text"],
            locator=_locator(r["excerpt"]),
            relation=r["relation"],
            rationale=r["rationale"],
            reviewer=r["reviewer"],
            bears_on=_target(r["target"]),
            quoted_from=_source(r["quoted_from"]),
            cites=_sources(r["cites"]),
        )
        for r in store.read(
            "read/cmoc_chain_excerpts", {"cmoc": cmoc_id, "offset": offset, "limit": limit}
        )
    ]

    def element(props: dict[str, Any] | None) -> ElementRef | None:
        return None if props is None else ElementRef.model_validate(props)

    cmoc = row["cmoc"]
    return ChainView(
        id=cmoc["id"],
        review=cmoc["review"],
        label=cmoc["label"],
        stage=cmoc["stage"],
        statement=cmoc["statement"],
        statement_reported=cmoc["statement_reported"] is not False,
        fate=cmoc["fate"] or Fate.CURRENT,
        context=element(row["context"]),
        resource=element(row["resource"]),
        reasoning=element(row["reasoning"]),
        outcome=element(row["outcome"]),
        theory=_theory(row["theory"]),
        excerpts=ChainExcerptPage(total=total, limit=limit, offset=offset, items=items),
    )


# --- lineage -----------------------------------------------------------------------------------


def _fate_excerpts(rows: list[dict[str, Any]]) -> list[FateExcerpt]:
    found = [
        FateExcerpt(
            id=r["excerpt"]["id"],
            text=r["excerpt"]["text"],
            locator=_locator(r["excerpt"]),
            quoted_from=_source(r["quoted_from"]),
        )
        for r in rows
    ]
    return sorted(found, key=lambda e: e.id)


def cmoc_lineage(store: Store, cmoc_id: str) -> LineageView:
    """Where a CMOC came from and what it became, saying plainly what the review does not report."""
    rows = store.read("read/cmoc_lineage", {"cmoc": cmoc_id})
    if not rows:
        raise NotFound("CMOC", cmoc_id)
    row = rows[0]
    c = row["cmoc"]
    fate = Fate(c["fate"] or Fate.CURRENT)
    into_reported = c["into_reported"] is not False
    stage = STAGE_ORDER.index(Stage(c["stage"]))
    # Earlier CMOCs whose successor the review does not name may have become this one.
    unnamed = sorted(
        o["id"] for o in row["unreported"] if STAGE_ORDER.index(Stage(o["stage"])) < stage
    )
    not_reported: list[str] = []
    if c["statement_reported"] is False:
        not_reported.append("The review does not report this CMOC's wording.")
    if fate in (Fate.REFINED, Fate.MERGED) and not into_reported:
        not_reported.append(
            f"The review does not report which CMOC this one was {fate.value} into."
        )
    if unnamed:
        not_reported.append(
            f"The review does not report which earlier CMOCs became this one: "
            f"{len(unnamed)} earlier CMOCs "
            f"went on to CMOCs it does not name ({', '.join(unnamed)})."
        )
    came_from = sorted(
        (
            LineageStep(
                cmoc=_cmoc(p["cmoc"]), fate=p["fate"], evidence=_fate_excerpts(p["evidence"])
            )
            for p in row["came_from"]
        ),
        key=lambda s: s.cmoc.id,
    )
    return LineageView(
        cmoc=_cmoc(c),
        review=c["review"],
        fate=fate,
        into=sorted((_cmoc(n) for n in row["into"]), key=lambda n: n.id),
        into_reported=into_reported,
        note=c["fate_note"],
        evidence=_fate_excerpts(row["evidence"]),
        came_from=came_from,
        came_from_reported=not unnamed,
        not_reported=not_reported,
    )


# --- trace a claim -----------------------------------------------------------------------------


def _bearings(row: Row) -> list[CmocBearing]:
    found = [
        CmocBearing(
            **pick(CmocRef, b["cmoc"]),
            relation=b["relation"],
            via=TARGET_KIND[b["via"]],
            via_id=b["via_id"],
            theory=_theory(b["theory"]),
        )
        for b in row["bears_on"]
    ]
    return sorted(
        found,
        key=lambda b: (b.id, TARGET_ORDER.index(b.via), b.via_id, RELATION_ORDER.index(b.relation)),
    )


def _match_rank(words: list[str], text: str) -> tuple[int, float]:
    """How well a text matches the query: (holds the exact phrase, share of the query's words)."""
    found = [w.lower() for w in WORD.findall(text)]
    n = len(words)
    phrase = int(any(found[i : i + n] == words for i in range(len(found) - n + 1))) if n else 0
    distinct = set(words)
    return phrase, (len(distinct & set(found)) / len(distinct)) if distinct else 0.0


def _ranked[H: ExcerptHit | CmocHit](
    hits: list[H], words: list[str], text_of: Callable[[H], str], limit: int
) -> list[H]:
    # The index's OR query weighs rare words over the claim's phrase; put the phrase first.
    def key(h: H) -> tuple[int, float, float, str]:
        phrase, share = _match_rank(words, text_of(h))
        return -phrase, -share, -h.score, h.id

    return sorted(hits, key=key)[:limit]


def trace(
    store: Store, text: str, review: str | None = None, limit: int = TRACE_DEFAULT_LIMIT
) -> TraceView:
    """Best-matching excerpts and CMOC statements for a claim, with what each rests on or sits in.

    Ranked by: the claim's exact wording first, then the share of its words found, then the
    full-text index's score (which is reported as `score`).
    """
    if review is not None and not store.read("read/review_exists", {"review": review})[0]["exists"]:
        raise NotFound("review", review)
    words = [w.lower() for w in WORD.findall(text)]
    plain = " ".join(words)
    candidates = max(limit * TRACE_CANDIDATES, TRACE_MIN_CANDIDATES)
    params = {"review": review, "limit": candidates}

    hits = store.search("excerpts", plain, candidates, review)
    scores = {h["id"]: float(h["score"]) for h in hits}
    excerpts: list[ExcerptHit] = []
    for row in store.read("read/trace_excerpts", {**params, "ids": [h["id"] for h in hits]}):
        ex = row["excerpt"]
        bears_on = _bearings(row)
        theories = {b.theory.id: b.theory for b in bears_on if b.theory is not None}
        excerpts.append(
            ExcerptHit(
                id=ex["id"],
                review=ex["review"],
                score=scores[ex["id"]],
                text=ex["text"],
                locator=_locator(ex),
                quoted_from=_source(row["quoted_from"]),
                cites=_sources(row["cites"]),
                bears_on=bears_on,
                theories=[theories[k] for k in sorted(theories)],
            )
        )

    hits = store.search("cmocs", plain, candidates, review)
    scores = {h["id"]: float(h["score"]) for h in hits}
    cmocs = [
        CmocHit(
            **pick(CmocRef, row["cmoc"]),
            review=row["cmoc"]["review"],
            score=scores[row["cmoc"]["id"]],
            theory=_theory(row["theory"]),
        )
        for row in store.read("read/trace_cmocs", {**params, "ids": [h["id"] for h in hits]})
    ]
    return TraceView(
        query=text,
        review=review,
        limit=limit,
        excerpts=_ranked(excerpts, words, lambda h: h.text, limit),
        cmocs=_ranked(cmocs, words, lambda h: h.statement or "", limit),
    )


# --- a source ----------------------------------------------------------------------------------


def source_detail(
    store: Store, source_id: str, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> SourceDetail:
    """A source with everything its excerpts support, refine or contest."""
    rows = store.read("read/source", {"source": source_id})
    if not rows:
        raise NotFound("source", source_id)
    row = rows[0]
    counts = RelationCounts()
    for b in row["bearings"]:
        if b is not None:
            setattr(counts, b["relation"], getattr(counts, b["relation"]) + 1)
    total = _total(store.read("read/source_evidence_count", {"source": source_id}))
    items = [
        SourceBearing(
            relation=r["relation"],
            target=_target(r["target"]),
            cmocs=sorted((_cmoc(c) for c in r["cmocs"]), key=lambda c: c.id),
            excerpts=sorted(r["excerpts"]),
        )
        for r in store.read(
            "read/source_evidence", {"source": source_id, "offset": offset, "limit": limit}
        )
    ]
    return from_props(
        SourceDetail,
        row["source"],
        excerpts_quoted=row["excerpts_quoted"],
        excerpts_citing=row["excerpts_citing"],
        counts=counts,
        evidence=SourceBearingPage(total=total, limit=limit, offset=offset, items=items),
    )


# --- the matrix --------------------------------------------------------------------------------


def matrix(
    store: Store,
    review_id: str,
    stage: MatrixStage | str = MatrixStage.REFINED,
    included_only: bool = False,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
) -> MatrixView:
    """Sources with evidence on the review's CMOCs (rows) by CMOCs; `limit=None` gives all rows."""
    stage = MatrixStage(stage)
    params = {
        "review": review_id,
        "stages": MATRIX_STAGES[stage],
        "included_only": included_only,
        "offset": min(offset, SLICE_MAX),
        "limit": min(SLICE_MAX if limit is None else limit, SLICE_MAX - min(offset, SLICE_MAX)),
    }
    rows = store.read("read/matrix", params)
    page = next((r["value"] for r in rows if r["relation"] is None), None)
    if page is None:
        raise NotFound("review", review_id)
    # source id -> CMOC id -> the relations, from the one row per relation.
    cells: dict[str, dict[str, list[Relation]]] = {}
    for row in sorted(rows, key=lambda r: RELATION_ORDER.index(Relation(r["relation"])) if r["relation"] else -1):
        if row["relation"] is None:
            continue
        relation = Relation(row["relation"])
        for source, cmocs in zip(row["value"]["sources"], row["value"]["cmocs"], strict=True):
            by_cmoc = cells.setdefault(source, {})
            for cmoc in cmocs:
                by_cmoc.setdefault(cmoc, []).append(relation)
    total = int(page["total"])
    if limit is None:
        limit = max(total - offset, 1)
    items = [
        MatrixRow(
            source=SourceRef.model_validate(pick(SourceRef, source)),
            cells=dict(sorted(cells.get(source["id"], {}).items())),
        )
        for source in page["sources"]
    ]
    # Refined CMOCs first, then by id.
    columns = sorted(page["columns"], key=lambda c: (c["stage"] != Stage.REFINED.value, c["id"]))
    return MatrixView(
        review=review_id,
        stage=stage,
        included_only=included_only,
        columns=[_cmoc(c) for c in columns],
        total=total,
        limit=limit,
        offset=offset,
        items=items,
    )


def matrix_csv(view: MatrixView) -> str:
    """The matrix as CSV: source id, citation, then one column per CMOC ("supports; refines")."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["source", "citation", *(c.id for c in view.columns)])
    for row in view.items:
        s = row.source
        writer.writerow(
            [
                s.id,
                s.citation or s.title or "",
                *("; ".join(r.value for r in row.cells.get(c.id, [])) for c in view.columns),
            ]
        )
    return out.getvalue()
