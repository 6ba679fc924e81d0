"""`cmograph demo`: the built-in example review in the store, served with its pages and maps."""

from __future__ import annotations

import errno
import socket
import threading
import time
import webbrowser
from typing import Annotated

import typer

from cmograph import examples
from cmograph.cli.output import console
from cmograph.cli.serve_cmds import sigterm_unwinds
from cmograph.cli.state import CliState
from cmograph.graph.errors import CmographError
from cmograph.graph.store import Store

PORTS_TRIED = 20  # a busy port moves the demo to the next free one, at most this far along


def load_example(store: Store) -> tuple[str, bool]:
    """Put the example review in the store: its id, and False if it was already there (nothing written)."""
    from cmograph.ingest.bundle_reader import read_bundle
    from cmograph.ingest.load import ingest_bundle

    bundle = read_bundle(examples.path())
    return bundle.review.id, ingest_bundle(store, bundle).changed


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `port`, or on the next free one; CmographError if none is free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port, min(port + PORTS_TRIED, 65536)):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                continue
            raise CmographError(f"Cannot listen on {host}:{candidate}: {exc.strerror}. "
                                "Choose another address with --host.") from exc
        sock.listen(128)
        return sock
    raise CmographError(f"Ports {port} to {candidate} on {host} are all busy; choose another with --port.")


def demo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535,
                                      help="Port to listen on; if busy, the next free one is used.")] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a web browser.")] = False,
) -> None:
    """Load the example review (if it is not in the store yet) and serve the site: pages, maps and API."""
    import uvicorn

    from cmograph.api.app import create_app

    state: CliState = ctx.obj
    store = state.store()
    review, changed = load_example(store)
    if changed:
        console.print(f"Loaded the example review {review} into the {store.kind} store at {store.location}.")
    else:
        console.print(f"The example review {review} is already in the store at {store.location}; nothing written.")
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    if actual != port:
        console.print(f"Port {port} is busy; using {actual} instead.")
    # A wildcard address is not one a browser can open: show the loopback one instead.
    shown_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    url = f"http://[{shown_host}]:{actual}/" if ":" in shown_host else f"http://{shown_host}:{actual}/"
    server = uvicorn.Server(uvicorn.Config(create_app(store=store), log_level="warning"))

    def announce() -> None:
        # Say where, and open the browser, only once the server answers.
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            console.print(f"cmograph demo running at {url} (maps at {url}maps/all). Ctrl+C stops.",
                          highlight=False, soft_wrap=True)
            if not no_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        with sigterm_unwinds():  # so SIGTERM, too, closes the store (and stops its server) on the way out
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl+C it already handled by shutting down cleanly
    finally:
        sock.close()
    console.print("Stopped.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(demo)
