"""The embedded store: FalkorDB in a private redis-server, one durable file on disk."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import psutil
import redis.exceptions
from falkordb.query_result import QueryResult, parse_scalar
from redis.backoff import NoBackoff
from redis.retry import Retry

from cmograph import cypher
from cmograph.graph import falkordb_server
from cmograph.graph.errors import StoreBusy, StoreConfigError, StoreUnavailable
from cmograph.graph.schema import SCHEMA_VERSION
from cmograph.graph.store import Row, query_words

T = TypeVar("T")
GRAPH = "cmograph"
STAGING = "cmograph__staging"
LOCK_KEY = "cmograph:write-lock"


def _nothing() -> None:
    pass


def _plain(value: Any) -> Any:
    """Result maps arrive as OrderedDicts; hand back the same plain types Neo4j gives."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(result: Any) -> list[Row]:
    names = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
    return [dict(zip(names, (_plain(v) for v in row), strict=True)) for row in result.result_set]


# Type codes of FalkorDB's compact result format (falkordb.query_result.ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _ARRAY, _MAP = 1, 2, 3, 6, 10


def _value(cell: list[Any], graph: Any) -> Any:
    """One compact-format value as `_plain(parse_scalar(cell))` gives it, without the generic dispatch.

    Reads answer with strings, numbers, lists and maps, and the client library's parser, called per
    value through a table, cost more than the query's own work on small answers. Anything else
    (nodes, edges, paths, points, temporal values, strings not yet decoded) goes to the library.
    """
    kind, value = cell
    if kind == _STRING and type(value) is str:
        return value
    if kind == _INTEGER and type(value) is int:
        return value
    if kind == _MAP:
        return {str(value[i]): _value(value[i + 1], graph) for i in range(0, len(value), 2)}
    if kind == _ARRAY:
        return [_value(v, graph) for v in value]
    if kind == _NULL:
        return None
    return _plain(parse_scalar(cell, graph))


def _read_rows(graph: Any, query: str) -> list[Row]:
    """GRAPH.RO_QUERY as `_rows(graph.ro_query(query))` answers it, parsed with `_value`."""
    response = graph.execute_command("GRAPH.RO_QUERY", graph.name, query, "--compact")
    if len(response) != 3 or any(isinstance(part, redis.exceptions.ResponseError) for part in response):
        return _rows(QueryResult(graph, response))  # errors and answers without columns, as the library reports them
    header, records, _ = response
    names = [h[1] for h in header]
    return [dict(zip(names, (_value(cell, graph) for cell in row), strict=True)) for row in records]


def _graphs(db: Any) -> list[str]:
    """GRAPH.LIST, letting errors through: redislite's list_graphs() answers [] on any error,
    and a write that believed the store empty would replace every other review."""
    return list(db.execute_command("GRAPH.LIST"))


def _copy(db: Any) -> None:
    """GRAPH.COPY forks the server; while a journal rewrite holds the fork it fails, so wait and try again.

    A failed attempt may leave a partial staging graph behind, which the next attempt would
    refuse to overwrite ("destination key already exists"): it is deleted first.
    """
    deadline = time.monotonic() + 300
    while True:
        if STAGING in _graphs(db):
            db.select_graph(STAGING).delete()
        try:
            db.execute_command("GRAPH.COPY", GRAPH, STAGING)
            return
        except redis.exceptions.ResponseError as exc:
            retryable = "fork" in str(exc) or "already exists" in str(exc)
            if not retryable or time.monotonic() > deadline:
                raise
        time.sleep(0.1)  # a fork can fail for want of memory too, with nothing to wait for
        while time.monotonic() < deadline:
            info = db.client.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("rdb_bgsave_in_progress"):
                break
            time.sleep(0.05)


# RediSearch's default English stop words. FalkorDB's full-text index keeps them, so "the" matches
# nearly every excerpt, and its procedure hands every match to ORDER BY: on a million excerpts, a
# claim's "with" or "of" alone cost most of a second.
STOP_WORDS = frozenset(
    [
        "a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "it", "no",
        "not", "of", "on", "or", "such", "that", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with"
    ]
)
# A word in more items than this widens a search only together with the claim's other words: alone
# it would rank a large share of the store (Elasticsearch's common-terms cutoff, for the same reason).
COMMON_MATCHES = 2_000


def fulltext_queries(text: str) -> tuple[list[str], list[str]]:
    """RediSearch queries for a user's text, narrowest first (its words as a phrase, then all its telling
    words), and the telling words that an any-word query may widen to.

    Only the phrase keeps stop words, where they fix the wording. Plain words only, so punctuation
    is never syntax.
    """
    words = query_words(text)
    if len(words) < 2:
        return words, []
    telling = [w for w in words if w not in STOP_WORDS] or words
    narrow = list(dict.fromkeys(['"' + " ".join(words) + '"', " ".join(telling)]))
    return narrow, telling if len(telling) > 1 else []


def _literal(value: Any) -> str:
    """A parameter as FalkorDB's `CYPHER name=value` header wants it.

    The client library's own encoder is generic and was half the cost of a
    batched write; this one dispatches on exact types and escapes the same way.
    """
    kind = type(value)
    if kind is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is dict:
        return "{" + ",".join(f"`{k}`:{_literal(v)}" for k, v in value.items()) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join(map(_literal, value)) + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    if isinstance(value, str | Mapping | list | tuple):  # subclasses, e.g. StrEnum values
        return _literal(str(value) if isinstance(value, str) else dict(value) if isinstance(value, Mapping)
                        else list(value))
    raise TypeError(f"cannot send a {kind.__name__} as a query parameter")


def _with_params(query: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return query
    return "CYPHER " + " ".join(f"{k}={_literal(v)}" for k, v in params.items()) + " " + query


class _Writer:
    def __init__(self, graph: Any) -> None:
        self._graph = graph

    def encode(self, query: str, params: Mapping[str, Any] | None = None) -> str:
        return _with_params(cypher.query(query), params)

    def send(self, encoded: str) -> list[Row]:
        return _rows(self._graph.query(encoded))

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.send(self.encode(query, params))


class FalkorStore:
    """FalkorDB embedded through falkordblite.

    Every acknowledged write is fsynced to an append-only file before the call
    returns. A write builds a copy of the graph and renames it over the live
    one, so readers and crashes see the old graph or the new one, never half.
    """

    kind = "falkordb"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser().resolve()
        self.location = str(self.path)
        self._lost_db: Any = None  # the client whose server stopped answering
        self._restart_lock = threading.Lock()
        self._release: Callable[[], Any] = weakref.finalize(self, _nothing)
        self._db = self._open()

    def _open(self, retry: bool = True) -> Any:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreConfigError(
                f"Cannot create the store folder {folder}: {exc.strerror}. "
                "Choose another path with --store or CMOGRAPH_STORE."
            ) from exc
        if not os.access(folder, os.W_OK) or (self.path.exists() and not os.access(self.path, os.W_OK)):
            raise StoreConfigError(
                f"The store path {self.path} is not writable. "
                "Choose another path with --store or CMOGRAPH_STORE, or fix its permissions."
            )
        if self.path.exists() and self.path.is_dir():
            raise StoreConfigError(
                f"The store path {self.path} is a folder; give a file path such as {self.path}/cmograph.db."
            )
        from redislite.client import RedisLiteException
        from redislite.falkordb_client import FalkorDB

        config = {
            "appendonly": "yes",
            "appendfsync": "always",
            "appenddirname": f"{self.path.name}.aof",
            # The journal is the durability; periodic snapshots only fork the server, and a
            # GRAPH.COPY issued while it is forked fails.
            "save": '""',
        }
        try:
            with falkordb_server.store_lock(self.path):
                falkordb_server.clear_stale_registry(self.path)
                falkordb_server.stop_orphans(self.path)
                # No socket timeout and no automatic resend: redis-py's defaults (5 s, then retry)
                # would send a slow GRAPH.COPY or write batch twice.
                db = FalkorDB(str(self.path), serverconfig=config, socket_timeout=None)
                falkordb_server.detach(db.client)
                self._release = weakref.finalize(self, falkordb_server.release, self.path, db.client)
            db.client.set_retry(Retry(NoBackoff(), 0))
            # A query in write mode creates the (empty) graph, so reads never meet a missing key.
            if GRAPH not in _graphs(db):
                db.select_graph(GRAPH).query(cypher.query("read/schema_version"))
            return db
        except redis.exceptions.ConnectionError as exc:
            # The server died while we connected: killed under us (then a second start works),
            # or it could not load its files (then the second start fails the same way).
            if retry:
                self._release()
                return self._open(retry=False)
            raise StoreConfigError(self._damaged(exc)) from exc
        except (RedisLiteException, redis.exceptions.RedisError, OSError) as exc:
            raise StoreConfigError(self._damaged(exc)) from exc

    def _damaged(self, exc: Exception) -> str:
        return (f"The store at {self.path} could not be opened; its files look damaged or unreadable ({exc}). "
                f"Restore it from a backup, or move {self.path} and {self.path}.aof aside to start a new store.")

    def _graph(self, name: str = GRAPH) -> Any:
        return self._db.select_graph(name)

    def _call(self, fn: Callable[[], T], idempotent: bool = False) -> T:
        """Run `fn` against the server; a read that finds the server gone restarts it and runs once more."""
        db = self._db
        if self._lost_db is db:
            self._restart(db)
            db = self._db
        try:
            return fn()
        except redis.exceptions.BusyLoadingError as exc:  # a ConnectionError subclass: test it first
            raise StoreUnavailable(f"The embedded store at {self.path} is still loading; try again shortly.") from exc
        except redis.exceptions.ConnectionError as exc:
            # Only the server this call used is lost: another thread may have restarted it already.
            self._lost_db = db
            return self._lost(fn, idempotent, exc)
        except (TypeError, AttributeError) as exc:
            # A restart in another thread disconnects the lost server's pool, connections in use
            # included, and redis-py then meets a socket set to None mid-call (seen in
            # tests/test_faults.py under load). Anything else of this kind is a bug: raise it.
            if self._lost_db is not db:
                raise
            return self._lost(fn, idempotent, exc)

    def _lost(self, fn: Callable[[], T], idempotent: bool, exc: Exception) -> T:
        if idempotent:
            return self._call(fn)
        raise StoreUnavailable(
            f"The embedded store at {self.path} stopped answering (its server process ended); "
            "it restarts on the next request or command."
        ) from exc

    def _restart(self, failed: Any) -> None:
        """Start a new private server on the same files after the old one died (the journal has every write)."""
        with self._restart_lock:
            if self._db is not failed:
                return  # another thread restarted it
            self._release()  # the dead server's files and registry
            try:
                self._db = self._open()
            except StoreConfigError as exc:
                raise StoreUnavailable(f"The embedded store at {self.path} could not be restarted: {exc}") from exc

    def _exists(self, name: str) -> bool:
        return name in self._call(lambda: _graphs(self._db), idempotent=True)

    def ping(self) -> None:
        self._call(lambda: self._db.connection.ping(), idempotent=True)

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._read(cypher.query(query), params)

    def _read(self, statement: str, params: Mapping[str, Any] | None) -> list[Row]:
        text = _with_params(statement, params)
        return self._call(lambda: _read_rows(self._graph(), text), idempotent=True)

    def search(self, index: str, text: str, limit: int, review: str | None = None) -> list[Row]:
        """The best `limit` hits (in `review`, if given): the text's words as a phrase, then with all of them,
        then with any. Which words are common is counted over the whole store, as the procedure's cost is.

        FalkorDB's full-text procedure yields every match to ORDER BY, so a common word alone
        would rank a large share of the store. The exact wording, then the share of the words
        found, rank first anyway (see queries.trace), so each wider search runs only while the
        narrower ones found too few, and the any-word search leaves out the common words.
        """
        statements = cypher.statements("stores/falkordb/fulltext")
        narrow, widening = fulltext_queries(text)
        hits: dict[str, Row] = {}
        for query in narrow:
            self._add_hits(hits, statements[index], query, limit, review)
            if len(hits) >= limit:
                return list(hits.values())[:limit]
        rare = [w for w in widening if self._matches(statements[f"{index}_matches"], w) < COMMON_MATCHES]
        if rare:
            self._add_hits(hits, statements[index], "|".join(rare), limit, review)
        return list(hits.values())[:limit]

    def _add_hits(self, hits: dict[str, Row], statement: str, query: str, limit: int, review: str | None) -> None:
        for row in self._read(statement, {"query": query, "review": review, "limit": limit}):
            hits.setdefault(row["id"], row)

    def _matches(self, statement: str, word: str) -> int:
        """How many items hold `word`, counted up to COMMON_MATCHES (the procedure stops there)."""
        return int(self._read(statement, {"query": word, "cap": COMMON_MATCHES})[0]["matches"])

    def _create_schema(self, graph: Any) -> bool:
        created = False
        for statement in cypher.statements("stores/falkordb/schema").values():
            try:
                graph.query(statement)
                created = True
            except redis.exceptions.ResponseError as exc:
                if "already indexed" not in str(exc) and "already exists" not in str(exc):
                    raise
        version = _rows(graph.ro_query(cypher.query("read/schema_version")))[0]["version"]
        if version != SCHEMA_VERSION:
            graph.query(_with_params(cypher.query("write/schema_meta"), {"version": SCHEMA_VERSION}))
            created = True
        return created

    def init_schema(self) -> bool:
        return self._call(lambda: self._create_schema(self._graph()))

    def write(self, work: Callable[[Any], T]) -> T:
        lock = _Lock(lambda: self._db.connection, self.path)
        self._call(lock.acquire)
        try:
            return self._call(lambda: self._write_staged(work))
        finally:
            with contextlib.suppress(redis.exceptions.RedisError, OSError):
                lock.release()

    def _write_staged(self, work: Callable[[Any], T]) -> T:
        db = self._db
        if GRAPH in _graphs(db):
            _copy(db)  # also drops a staging graph left by a process killed mid-write
        elif STAGING in _graphs(db):
            db.select_graph(STAGING).delete()
        staging = db.select_graph(STAGING)
        self._create_schema(staging)
        try:
            result = work(_Writer(staging))
        except BaseException:
            with contextlib.suppress(redis.exceptions.RedisError, OSError):
                staging.delete()
            raise
        # RENAME is one atomic command: readers and the journal see old or new.
        db.execute_command("RENAME", STAGING, GRAPH)
        return result

    def close(self) -> None:
        """Stop the private server if no other process is using it (also run at exit if not called)."""
        self._release()


class _Lock:
    """One writer at a time, across processes; a lock left by a killed process is taken over."""

    def __init__(self, connection: Callable[[], Any], path: Path) -> None:
        self._connection = connection
        self._path = path
        self._me = str(os.getpid())

    def acquire(self) -> None:
        db = self._connection()
        if db.set(LOCK_KEY, self._me, nx=True):
            return
        holder = db.get(LOCK_KEY)
        holder = holder.decode() if isinstance(holder, bytes) else holder
        holder_pid = int(holder) if holder and holder.isdigit() else 0
        if holder_pid and holder_pid != os.getpid() and psutil.pid_exists(holder_pid):
            raise StoreBusy(
                f"Another cmograph process (pid {holder_pid}) is writing to {self._path}; wait for it to finish."
            )
        db.set(LOCK_KEY, self._me)

    def release(self) -> None:
        db = self._connection()
        if db.get(LOCK_KEY) in (self._me, self._me.encode()):
            db.delete(LOCK_KEY)
