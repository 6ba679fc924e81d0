"""`cmograph init` and `cmograph info`: set up a store and say what is in it."""

from __future__ import annotations

from typing import Annotated

import typer

from cmograph.cli.output import console, print_json, table
from cmograph.cli.state import CliState
from cmograph.graph.stats import store_info
from cmograph.graph.tallies import add_missing_tallies


def init(ctx: typer.Context) -> None:
    """Create the store's indexes and constraints, or bring an older store up to date (safe to run again)."""
    state: CliState = ctx.obj
    store = state.store()
    tallied = add_missing_tallies(store)
    created = store.init_schema()
    what = "created the schema" if created else "schema already up to date; nothing changed"
    if tallied is not None:
        what = f"upgraded the schema and counted the support of {len(tallied)} review(s)"
    console.print(f"{store.kind} store at {store.location}: {what}.")


def info(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the store, its schema version, and counts per node label and relationship type."""
    state: CliState = ctx.obj
    data = store_info(state.store())
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['store']['kind']}[/] store at {data['store']['location']}, "
                  f"schema version {data['schema_version'] or 'none (run cmograph init)'}")
    console.print(table("Nodes", ["label", "count"], data["nodes"].items()))
    console.print(table("Relationships", ["type", "count"], data["relationships"].items()))
    if data["reviews"]:
        console.print(table("Reviews", ["id", "theories", "refined CMOCs", "initial CMOCs", "sources", "excerpts"],
                            [(r["id"], r["theories"], r["refined_cmocs"], r["initial_cmocs"], r["sources"],
                              r["excerpts"]) for r in data["reviews"]]))


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(info)
