"""`cmograph map`: save an interactive theory map as one HTML file that works offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cmograph.cli.output import console
from cmograph.cli.state import CliState
from cmograph.graph.errors import CmographError
from cmograph.viz.aggregate import DEFAULT_MAX_NODES


def map_(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Argument(
        metavar="[THEORY|CMOC|REVIEW]", show_default=False,
        help="An id such as knight-2024:pt-being, knight-2024:cmoc-r1 or knight-2024. "
             "Without one: everything in the store.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", dir_okay=False, show_default=False,
        help="The HTML file to write. Default: the id with ':' as '-', plus .html (all.html without one).")] = None,
    max_nodes: Annotated[int, typer.Option(
        "--max-nodes", min=10, help="Above this many nodes, excerpts and sources are collapsed into counts.")
    ] = DEFAULT_MAX_NODES,
) -> None:
    """Write the map of a programme theory, a CMOC's neighbourhood, a review, or everything."""
    state: CliState = ctx.obj
    store = state.store()
    # Imported here: pyvis and the templates cost half a second that other commands should not pay.
    from cmograph.viz.extract import resolve_target
    from cmograph.viz.maps import build_map

    found = resolve_target(store, target)
    rendered = build_map(store, found, max_nodes=max_nodes)
    path = output or Path(f"{(target or 'all').replace(':', '-')}.html")
    try:
        path.write_text(rendered.html, encoding="utf-8")
    except OSError as exc:
        raise CmographError(f"Cannot write {path}: {exc.strerror}. Choose another file with -o.") from exc
    collapsed = (f", collapsed from {rendered.full_nodes} nodes to keep it usable"
                 if rendered.aggregated else "")
    console.print(f"Wrote {path}: {rendered.nodes} nodes, {rendered.edges} edges{collapsed}. "
                  "It needs no network: open it in any browser.", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("map")(map_)
