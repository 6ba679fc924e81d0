"""`cmograph serve`: the HTTP API over the chosen store, served by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cmograph.cli.output import console
from cmograph.cli.state import CliState


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
) -> None:
    """Serve the JSON API (/api/v1, docs at /docs) over the store chosen with --store."""
    import uvicorn

    from cmograph.api.app import create_app

    state: CliState = ctx.obj
    # Opened here, not at the app's start-up: a bad --store is one clear message, not a traceback.
    store = state.store()
    console.print(
        f"Serving the {store.kind} store at {store.location} on http://{host}:{port} "
        f"(API docs at http://{host}:{port}/docs). Ctrl+C stops."
    )
    uvicorn.run(create_app(store=store), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(serve)
