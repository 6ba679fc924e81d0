"""`cmograph serve`: the HTTP API over the chosen store, served by uvicorn in one or more worker processes."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cmograph.cli.output import console
from cmograph.cli.state import CliState

if TYPE_CHECKING:
    from fastapi import FastAPI

# What the workers import: each builds its own app, whose start-up opens the store named in the environment.
APP_FACTORY = "cmograph.cli.serve_cmds:worker_app"
MAX_WORKERS = 64
PARENT_ENV = "CMOGRAPH_SERVE_PARENT"  # the pid of the `cmograph serve` process that started the workers
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_app() -> FastAPI:
    """The app in one worker process of `cmograph serve --workers N`, built from the environment.

    Its start-up opens its own connection to the store named by CMOGRAPH_STORE. On Linux the worker
    is also told to stop (SIGTERM, so it shuts down cleanly and closes the store) if the parent ends
    without stopping it, killed outright for instance, so no worker is left holding the port.
    """
    from cmograph.api.app import create_app

    parent = os.environ.get(PARENT_ENV, "")
    if sys.platform.startswith("linux") and parent.isdigit():
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != int(parent):  # the parent ended before the request was made
            raise SystemExit(f"cmograph serve (pid {parent}) has already stopped.")
    return create_app()


def parse_workers(value: str) -> int:
    """`--workers`: a whole number from 1 to 64, or `auto` for one per core."""
    text = str(value).strip().lower()
    if text == "auto":
        return min(cores(), MAX_WORKERS)
    try:
        number = int(text)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number or 'auto'.") from None
    if not 1 <= number <= MAX_WORKERS:
        raise typer.BadParameter(f"{number} is not between 1 and {MAX_WORKERS}.")
    return number


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Make SIGTERM end this process by unwinding, as Ctrl+C does, so the store is closed on the way out.

    uvicorn catches SIGTERM while it serves and, once it has shut down, raises it again; with the
    default action that would end the process on the spot, before the embedded server is stopped.
    """

    def unwind(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, unwind)
    # uvicorn's multi-worker supervisor leaves its own SIGINT handler behind; restore ours so that
    # Ctrl+C still works while the store is being closed.
    previous_int = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    workers: Annotated[
        int, typer.Option(
            "--workers", parser=parse_workers, metavar="N|auto",
            help="Worker processes answering requests: 1 to 64, or 'auto' for one per core. "
                 "A worker uses up to a core and the embedded store's server needs CPU too: on 2 cores, 1 worker "
                 "answered store-heavy requests fastest and 2 the light ones (bench/README.md). "
                 "All workers share the one store.")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request (costs throughput).")
    ] = False,
) -> None:
    """Serve the JSON API (/api/v1, docs at /docs) over the store chosen with --store."""
    with sigterm_unwinds():
        _serve(ctx.obj, host, port, workers, access_log)


def _serve(state: CliState, host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn

    from cmograph.api.app import create_app

    # Opened here, not at the app's start-up: a bad --store is one clear message, not a traceback. With
    # several workers this also starts the embedded server once, before they race to open it, and holding
    # it open keeps that server up while workers come and go (a worker's own close then never stops it).
    store = state.store()
    plural = f"{workers} workers" if workers > 1 else "1 worker"
    console.print(
        f"Serving the {store.kind} store at {store.location} on http://{host}:{port} with {plural} "
        f"(API docs at http://{host}:{port}/docs). Ctrl+C stops."
    )
    # uvloop and httptools when installed (they are dependencies; "auto" falls back where they are missing).
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "access_log": access_log,
                               "loop": "auto", "http": "auto", "timeout_graceful_shutdown": 10}
    if workers == 1:
        uvicorn.run(create_app(store=store), **options)
        return
    # Workers are fresh processes (spawned, not forked): each builds its app from the environment and opens
    # its own connection to the store at start-up. The store's location is the one this command resolved.
    os.environ["CMOGRAPH_STORE"] = store.location
    os.environ[PARENT_ENV] = str(os.getpid())
    uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(serve)
