"""The team store: Neo4j 5 through the official driver, reads routed to readers, retries by managed transactions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo

from cmograph import cypher
from cmograph.graph.errors import StoreConfigError, StoreUnavailable
from cmograph.graph.schema import SCHEMA_VERSION
from cmograph.graph.settings import StoreSettings
from cmograph.graph.store import Row, query_words

T = TypeVar("T")
# Hits a search in one review takes from the index's top-k before keeping the review's own: the index
# cannot filter on the review, and an unbounded search would score and sort every excerpt holding "the".
REVIEW_FETCH = 10_000


def fulltext_query(text: str) -> str | None:
    """Plain words joined with Lucene's OR, so punctuation in user text is never syntax."""
    words = query_words(text)
    return " OR ".join(words) if words else None


class _Writer:
    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def encode(self, query: str, params: Mapping[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        return cypher.query(query), dict(params or {})

    def send(self, encoded: tuple[str, dict[str, Any]]) -> list[Row]:
        # Called from one thread at a time (run_batches waits for each batch), as the driver requires.
        text, params = encoded
        return self._tx.run(text, params).data()

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.send(self.encode(query, params))


class Neo4jStore:
    kind = "neo4j"

    def __init__(self, uri: str, settings: StoreSettings) -> None:
        self.location = uri
        self._database = settings.neo4j_database
        password = settings.neo4j_password.get_secret_value()
        self._driver = GraphDatabase.driver(
            uri,
            auth=(settings.neo4j_user, password) if password else None,
            connection_timeout=settings.neo4j_timeout,
            max_transaction_retry_time=settings.neo4j_timeout,
        )
        self.ping()

    def _call(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except neo.AuthError as exc:
            raise StoreConfigError(
                f"Neo4j at {self.location} refused the credentials; "
                "set CMOGRAPH_NEO4J_USER and CMOGRAPH_NEO4J_PASSWORD."
            ) from exc
        except (neo.ServiceUnavailable, neo.SessionExpired) as exc:
            raise StoreUnavailable(
                f"Cannot reach Neo4j at {self.location}; check that the server is running and the URI is right."
            ) from exc
        except neo.ConfigurationError as exc:
            raise StoreConfigError(f"The Neo4j URI {self.location} is not usable: {exc}.") from exc

    def ping(self) -> None:
        self._call(self._driver.verify_connectivity)

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        records, _, _ = self._call(
            lambda: self._driver.execute_query(
                cypher.query(query), dict(params or {}), routing_=RoutingControl.READ, database_=self._database
            )
        )
        return [r.data() for r in records]

    def search(self, index: str, text: str, limit: int, review: str | None = None) -> list[Row]:
        query = fulltext_query(text)
        if query is None:
            return []
        statement = cypher.statements("stores/neo4j/fulltext")[index]
        fetch = limit if review is None else max(limit, REVIEW_FETCH)
        params = {"query": query, "limit": limit, "review": review, "fetch": fetch}
        records, _, _ = self._call(
            lambda: self._driver.execute_query(
                statement, params, routing_=RoutingControl.READ, database_=self._database
            )
        )
        return [r.data() for r in records]

    def init_schema(self) -> bool:
        def setup() -> bool:
            created = False
            for statement in cypher.statements("stores/neo4j/schema").values():
                summary = self._driver.execute_query(statement, database_=self._database).summary
                created = created or summary.counters.system_updates > 0 or summary.counters.contains_system_updates
            version = self.read("read/schema_version")[0]["version"]
            if version != SCHEMA_VERSION:
                self.write(lambda w: w.run("write/schema_meta", {"version": SCHEMA_VERSION}))
                created = True
            return created

        return self._call(setup)

    def write(self, work: Callable[[Any], T]) -> T:
        def unit(tx: neo4j.ManagedTransaction) -> T:
            return work(_Writer(tx))

        def run() -> T:
            # Share execute_query's bookmarks so later reads (possibly on a secondary) see this write.
            with self._driver.session(database=self._database,
                                      bookmark_manager=self._driver.execute_query_bookmark_manager) as session:
                return session.execute_write(unit)

        return self._call(run)

    def close(self) -> None:
        self._driver.close()
