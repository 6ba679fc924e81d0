"""The store interface every query goes through, and the factory that picks an adapter from a location."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from cmograph.graph.errors import WriteIncomplete
from cmograph.graph.settings import StoreSettings

T = TypeVar("T")
Row = dict[str, Any]
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
# Graph rows per write query. FalkorDB pays a fixed cost per query on top of its per-row work: a
# 100,000-excerpt review wrote its excerpts in 7.8 s of server time in batches of 5,000, 6.3 s in 20,000;
# its whole write (603,817 graph rows) took 12.5 s in batches of 50,000 against 14.4 s in 20,000.
BATCH_SIZE = 50_000
# A batch also closes at this many characters of text: FalkorDB takes parameters inside the query
# text, and the server refuses a request over 512 MB, which a batch of very long quotes could reach.
BATCH_CHARS = 32_000_000
# The first batch of a query holds 1/16 of BATCH_SIZE and each next one 1.5 times more, up to
# BATCH_SIZE: the store waits only for the small first batch to be built, and each batch after
# it is built while the store writes the one before (building a row takes about half as long
# as writing it).
FIRST_BATCH_SHARE = 16
BATCH_GROWTH = 1.5
# Letters and digits only: `_` and punctuation are syntax in full-text query languages.
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 32


def query_words(text: str) -> list[str]:
    """The distinct lower-cased words of a user's search text, in order, at most 32."""
    return list(dict.fromkeys(w.lower() for w in WORD.findall(text)))[:MAX_QUERY_WORDS]


class Writer(Protocol):
    """Runs named queries inside one atomic write.

    `encode` turns a query and its parameters into what goes on the wire and
    `send` ships it, so batches can be encoded while the previous one runs.
    """

    def encode(self, query: str, params: Mapping[str, Any] | None = None) -> Any: ...

    def send(self, encoded: Any) -> list[Row]: ...

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...


class Store(Protocol):
    kind: str
    location: str

    def init_schema(self) -> bool:
        """Create indexes and constraints; return True if anything was created."""
        ...

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run the named read-only query file and return plain rows."""
        ...

    def search(self, index: str, text: str, limit: int, review: str | None = None) -> list[Row]:
        """Full-text search over `excerpts` or `cmocs`, in one review if given: rows of id and score, best first."""
        ...

    def write(self, work: Callable[[Writer], T]) -> T:
        """Run `work` so that all its writes land together or not at all."""
        ...

    def ping(self) -> None: ...

    def close(self) -> None: ...


def _batches(rows: Iterable[Row], size: int, weight: Callable[[Row], int] | None = None,
             chars: Callable[[Row], int] | None = None) -> Iterator[list[Row]]:
    batch: list[Row] = []
    filled = text = 0
    limit = max(1, size // FIRST_BATCH_SHARE)
    for row in rows:
        batch.append(row)
        filled += weight(row) if weight else 1
        text += chars(row) if chars else 0
        if filled >= limit or text >= BATCH_CHARS:
            yield batch
            batch = []
            filled = text = 0
            limit = min(size, max(limit + 1, int(limit * BATCH_GROWTH)))
    if batch:
        yield batch


def run_batches(writer: Writer, query: str, rows: Iterable[Row], size: int = BATCH_SIZE,
                progress: Callable[[int], None] | None = None, weight: Callable[[Row], int] | None = None,
                params: Callable[[list[Row]], dict[str, Any]] | None = None,
                chars: Callable[[Row], int] | None = None) -> int:
    """UNWIND `rows` through `query` in batches; returns how many graph rows were written.

    `weight` says how many graph rows one row writes (a start node with its targets), for
    progress and for sizing batches; `chars` how much text a row carries, so a batch of long
    quotes closes early (BATCH_CHARS); `params` turns a batch into the query's parameters
    (default: `{"rows": batch}`). Every write query returns `created`, checked against the
    weight: a batch whose start or target nodes are missing fails instead of writing less.

    The next batch is encoded while the store works on the previous one: the
    store runs in another process, so the two overlap on separate cores.
    """
    written = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cmograph-write") as pool:
        pending: tuple[Future[list[Row]], int] | None = None
        for batch in _batches(rows, size, weight, chars):
            encoded = writer.encode(query, params(batch) if params else {"rows": batch})
            if pending:
                written += _finish(query, *pending, progress)
            pending = (pool.submit(writer.send, encoded), sum(map(weight, batch)) if weight else len(batch))
        if pending:
            written += _finish(query, *pending, progress)
    return written


def _finish(query: str, future: Future[list[Row]], count: int, progress: Callable[[int], None] | None) -> int:
    created = future.result()[0]["created"]
    if created != count:
        raise WriteIncomplete(
            f"{query} wrote {created:,} of {count:,} rows: a node it refers to is missing from the store. "
            "Nothing was changed; please report this as a bug."
        )
    if progress:
        progress(count)
    return count


def is_neo4j(location: str) -> bool:
    return location.startswith(NEO4J_SCHEMES)


def open_store(location: str | None = None, settings: StoreSettings | None = None) -> Store:
    """Open the store at `location` (a file path or a Neo4j URI); defaults come from settings."""
    settings = settings or StoreSettings()
    location = location or settings.store
    if is_neo4j(location):
        from cmograph.graph.neo4j_store import Neo4jStore

        return Neo4jStore(location, settings)
    from cmograph.graph.falkordb_store import FalkorStore

    return FalkorStore(location)
