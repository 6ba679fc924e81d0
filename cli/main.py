"""The `cmograph` command: global options, the command groups, and errors shown as one clear message."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cmograph.cli import demo_cmds, ingest_cmds, map_cmds, query_cmds, serve_cmds, store_cmds
from cmograph.cli.output import err_console
from cmograph.cli.state import CliState
from cmograph.graph.errors import CmographError

app = typer.Typer(
    name="cmograph",
    help="Realist-review programme theories as a graph: CMOCs, their evidence, and the quotes they rest on.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_state: CliState | None = None


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[str | None, typer.Option(
        "--store", envvar="CMOGRAPH_STORE", show_default=False,
        help="A file path (embedded FalkorDB) or a neo4j:// / bolt:// URI. "
             "Default: ~/.local/share/cmograph/cmograph.db.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    global _state
    _state = ctx.obj = CliState(location=store, debug=debug)
    ctx.call_on_close(_state.close)


for module in (store_cmds, ingest_cmds, query_cmds, serve_cmds, map_cmds, demo_cmds):
    module.register(app)


def run() -> None:
    """Entry point: a CmographError becomes one message and exit code 1, never a traceback.

    Click's standalone mode already turns usage errors and Ctrl-C into messages
    and exit codes; only our own errors come out of `app()`.
    """
    try:
        app()
    except CmographError as exc:
        if _state is not None and _state.debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
