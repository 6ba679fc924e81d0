"""`cmograph support`, `chain`, `trace`, `matrix`, `lineage`, `source`: the API's questions, here."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cmograph.cli.output import console, print_json, table
from cmograph.cli.state import CliState
from cmograph.graph import queries
from cmograph.graph.errors import CmographError
from cmograph.graph.models import Fate, Locator, SourceKind
from cmograph.graph.views import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    TRACE_DEFAULT_LIMIT,
    TRACE_MAX_LIMIT,
    ChainView,
    CountMode,
    LineageView,
    MatrixStage,
    MatrixView,
    RelationCounts,
    SourceDetail,
    SourceRef,
    TheorySupport,
    TraceView,
)

AsJson = Annotated[
    bool, typer.Option("--json", help="Print exactly what the API answers, as JSON.")
]
Limit = Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="Items per page.")]
Offset = Annotated[int, typer.Option("--offset", min=0, help="Items to skip.")]


def _table(title: str, columns: list[str], rows: Sequence[Sequence[object]]) -> Table:
    """A Rich table whose cells are shown as written: "[...]" in a quote is text, not markup."""
    return table(
        escape(title),
        columns,
        [tuple(escape(str(v)) if v is not None else "" for v in row) for row in rows],
    )


def _local(gid: str) -> str:
    """`knight-2024:cmoc-r1` -> `cmoc-r1`: tables are read one review at a time."""
    return gid.partition(":")[2] or gid


def _where(locator: Locator) -> str:
    parts = [
        locator.section or "",
        f"p. {locator.page}" if locator.page else "",
        f"para {locator.paragraph}" if locator.paragraph else "",
    ]
    return ", ".join(p for p in parts if p)


def _cite(source: SourceRef | SourceDetail | None) -> str:
    if source is None:
        return ""
    return source.citation or source.title or _local(source.id)


def _counts(counts: RelationCounts) -> str:
    return f"{counts.supports} supports, {counts.refines} refines, {counts.contests} contests"


def _page_note(total: int, offset: int, shown: int, what: str) -> None:
    if shown < total:
        console.print(
            f"[dim]{what} {offset + 1}-{offset + shown} of {total}; "
            "use --offset and --limit for more.[/]"
        )


# --- support -----------------------------------------------------------------------------------


def _print_support(view: TheorySupport) -> None:
    kind = f", {view.source_kind} only" if view.source_kind else ""
    rows = []
    for c in view.cmocs:
        cells = [
            f"{getattr(c.counts, r)}: "
            + ", ".join(f"{_local(source)} ({n})" for source, n in getattr(c.sources, r).items())
            if getattr(c.counts, r)
            else "0"
            for r in ("supports", "refines", "contests")
        ]
        rows.append((c.label, *cells))
    title = f"{view.theory.title} ({view.theory.id}) - distinct sources per CMOC{kind}"
    console.print(_table(title, ["CMOC", "supports", "refines", "contests"], rows))
    how = "across the theory's CMOCs" if view.count is CountMode.THEORY else "summed per CMOC"
    console.print(f"Theory total ({how}): {_counts(view.counts)}\n")


def support(
    ctx: typer.Context,
    theory: Annotated[
        str | None,
        typer.Argument(
            help="A theory id (e.g. knight-2024:pt-being); none: every theory in the store."
        ),
    ] = None,
    source_kind: Annotated[
        SourceKind | None, typer.Option("--source-kind", help="Only sources of this kind.")
    ] = None,
    count: Annotated[
        CountMode,
        typer.Option(
            "--count", help="theory: distinct across the theory's CMOCs; cmoc: per CMOC, summed."
        ),
    ] = CountMode.THEORY,
    as_json: AsJson = False,
) -> None:
    """How much evidence each CMOC of a theory has: distinct sources by relation."""
    state: CliState = ctx.obj
    store = state.store()
    if theory is not None:
        view = queries.theory_support(store, theory, source_kind, count)
        if as_json:
            print_json(view.model_dump(mode="json"))
        else:
            _print_support(view)
        return
    views = queries.all_theory_support(store, source_kind, count)
    if as_json:
        print_json([v.model_dump(mode="json") for v in views])
        return
    if not views:
        console.print("No theories in the store; ingest a review first (cmograph ingest example).")
    for v in views:
        _print_support(v)


# --- chain -------------------------------------------------------------------------------------


def _print_quote(text: str, locator: Locator, quoted_from: SourceRef | None,
                 cites: list[SourceRef]) -> None:
    """One excerpt as a block: the words, where they stand, and what they cite."""
    console.print(f"  [italic]\u201c{escape(text)}\u201d[/]")
    # Short source ids here; `cmograph source ID` gives the full reference.
    origin = _local(quoted_from.id) if quoted_from else "unknown source"
    where = _where(locator)
    console.print(f"  [dim]quoted from {escape(origin)}{', ' + escape(where) if where else ''}[/]")
    if cites:
        console.print(f"  cites: {escape('; '.join(_local(s.id) for s in cites))}")


def _print_chain(view: ChainView) -> None:
    console.print(f"[bold]{escape(view.label)}[/] ({view.id}), {view.stage}, fate {view.fate}")
    if view.theory:
        console.print(f"Theory: {escape(view.theory.title)} ({view.theory.id})")
    if view.statement:
        console.print(escape(view.statement))
    else:
        console.print("[dim]Wording not reported by the review.[/]")
    elements = [("C", view.context), ("M-Res", view.resource), ("M-Rea", view.reasoning), ("O", view.outcome)]
    for name, element in elements:
        if element:
            console.print(f"  {name}: {escape(element.text)}")
    console.print(f"\n[bold]Evidence[/] ({view.excerpts.total} judgements)")
    for e in view.excerpts.items:
        target = "the CMOC" if e.bears_on.kind == "cmoc" else f"its {e.bears_on.kind} ({_local(e.bears_on.id)})"
        by = f" by {escape(e.reviewer)}" if e.reviewer else ""
        console.print(f"\n[bold]{e.relation}[/] {target}{by}: {_local(e.id)}")
        _print_quote(e.text, e.locator, e.quoted_from, e.cites)
        if e.rationale:
            console.print(f"  rationale: {escape(e.rationale)}")
    _page_note(view.excerpts.total, view.excerpts.offset, len(view.excerpts.items), "Excerpts")


def chain(
    ctx: typer.Context,
    cmoc: Annotated[str, typer.Argument(help="A CMOC id, e.g. knight-2024:cmoc-r3.")],
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    as_json: AsJson = False,
) -> None:
    """A CMOC down to its evidence: elements, theory, every excerpt with its source and citations."""
    state: CliState = ctx.obj
    view = queries.cmoc_chain(state.store(), cmoc, limit, offset)
    if as_json:
        print_json(view.model_dump(mode="json"))
    else:
        _print_chain(view)


# --- trace -------------------------------------------------------------------------------------


def _print_trace(view: TraceView) -> None:
    console.print(f"[bold]Excerpts matching[/] {escape(repr(view.query))}")
    for h in view.excerpts:
        console.print(f"\n{escape(h.id)} (score {h.score:.2f})")
        _print_quote(h.text, h.locator, h.quoted_from, h.cites)
        for b in h.bears_on:
            via = "" if b.via == "cmoc" else f" via its {b.via}"
            theory = f", theory {escape(b.theory.title)}" if b.theory else ""
            console.print(f"  {b.relation} {escape(b.label)} ({b.id}){via}{theory}")
    if not view.excerpts:
        console.print("[dim]No excerpt matches.[/]")
    console.print(f"\n[bold]CMOCs matching[/] {escape(repr(view.query))}")
    for c in view.cmocs:
        theory = f" - theory {escape(c.theory.title)}" if c.theory else ""
        console.print(f"\n{escape(c.label)} ({c.id}){theory}")
        console.print(f"  {escape(c.statement or '')}")
    if not view.cmocs:
        console.print("[dim]No CMOC matches.[/]")


def trace(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The claim to trace, in plain words.")],
    review: Annotated[str | None, typer.Option("--review", help="Only this review.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=TRACE_MAX_LIMIT, help="Hits of each kind.")
    ] = TRACE_DEFAULT_LIMIT,
    as_json: AsJson = False,
) -> None:
    """Trace a claim back to the quotes that match it, their sources, and the CMOCs they bear on."""
    state: CliState = ctx.obj
    view = queries.trace(state.store(), text, review, limit)
    if as_json:
        print_json(view.model_dump(mode="json"))
    else:
        _print_trace(view)


# --- matrix ------------------------------------------------------------------------------------

ABBREVIATION = {"supports": "S", "refines": "R", "contests": "C"}


def _print_matrix(view: MatrixView) -> None:
    rows = [
        (
            _local(r.source.id),
            *("".join(ABBREVIATION[x] for x in r.cells.get(c.id, [])) for c in view.columns),
        )
        for r in view.items
    ]
    console.print(
        _table(
            f"{view.review}: sources x {view.stage} CMOCs (S supports, R refines, C contests)",
            ["source", *(c.label for c in view.columns)],
            rows,
        )
    )
    _page_note(view.total, view.offset, len(view.items), "Rows")


def matrix(
    ctx: typer.Context,
    review: Annotated[str, typer.Argument(help="A review id, e.g. knight-2024.")],
    stage: Annotated[
        MatrixStage, typer.Option("--stage", help="Which CMOCs are the columns.")
    ] = MatrixStage.REFINED,
    included_only: Annotated[
        bool, typer.Option("--included-only", help="Only sources included in the synthesis.")
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the whole matrix as CSV.")] = False,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    as_json: AsJson = False,
) -> None:
    """The evidence matrix: sources with evidence (rows) by CMOCs (columns), relations in the cells."""
    if as_csv and as_json:
        raise CmographError("Choose one of --csv and --json.")
    state: CliState = ctx.obj
    if as_csv:
        sys.stdout.write(
            queries.matrix_csv(
                queries.matrix(state.store(), review, stage, included_only, limit=None)
            )
        )
        return
    view = queries.matrix(state.store(), review, stage, included_only, limit, offset)
    if as_json:
        print_json(view.model_dump(mode="json"))
    else:
        _print_matrix(view)


# --- lineage -----------------------------------------------------------------------------------


def _print_lineage(view: LineageView) -> None:
    console.print(
        f"[bold]{escape(view.cmoc.label)}[/] ({view.cmoc.id}), {view.cmoc.stage}: {view.fate}"
        + (f" - {escape(view.note)}" if view.note else "")
    )
    if view.into:
        console.print("Became: " + ", ".join(f"{c.label} ({c.id})" for c in view.into))
    elif view.fate in (Fate.REFINED, Fate.MERGED) and not view.into_reported:
        console.print("Became: [dim]not reported by the review[/]")
    for step in view.came_from:
        console.print(f"Came from: {step.cmoc.label} ({step.cmoc.id}), {step.fate}")
    for note in view.not_reported:
        console.print(f"[dim]Not reported: {escape(note)}[/]")
    for e in view.evidence:
        console.print("\nRecorded by:")
        _print_quote(e.text, e.locator, e.quoted_from, [])


def lineage(
    ctx: typer.Context,
    cmoc: Annotated[str, typer.Argument(help="A CMOC id, e.g. knight-2024:cmoc-i3.")],
    as_json: AsJson = False,
) -> None:
    """Where a CMOC came from and what it became, with the excerpts that record each step."""
    state: CliState = ctx.obj
    view = queries.cmoc_lineage(state.store(), cmoc)
    if as_json:
        print_json(view.model_dump(mode="json"))
    else:
        _print_lineage(view)


# --- source ------------------------------------------------------------------------------------


def _print_source(view: SourceDetail) -> None:
    console.print(f"[bold]{escape(_cite(view))}[/]")
    console.print(
        f"{view.id}: {view.kind}, included: {'not stated' if view.included is None else view.included}; "
        f"{view.excerpts_quoted} excerpts quoted from it, {view.excerpts_citing} citing it"
    )
    for outcome in view.screening:
        console.print(f"  screening {outcome.stage}: {outcome.decision}")
    rows = [
        (
            b.relation,
            f"{b.target.kind}: {b.target.text}",
            ", ".join(c.label for c in b.cmocs),
            ", ".join(_local(x) for x in b.excerpts),
        )
        for b in view.evidence.items
    ]
    console.print(
        _table(
            f"Evidence ({_counts(view.counts)})",
            ["relation", "bears on", "CMOCs", "excerpts"],
            rows,
        )
    )
    _page_note(view.evidence.total, view.evidence.offset, len(view.evidence.items), "Rows")


def source(
    ctx: typer.Context,
    source_id: Annotated[
        str, typer.Argument(metavar="SOURCE", help="A source id, e.g. knight-2024:sims-2021.")
    ],
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    as_json: AsJson = False,
) -> None:
    """A source with everything its excerpts support, refine or contest."""
    state: CliState = ctx.obj
    view = queries.source_detail(state.store(), source_id, limit, offset)
    if as_json:
        print_json(view.model_dump(mode="json"))
    else:
        _print_source(view)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (support, chain, trace, matrix, lineage, source):
        app.command()(command)
