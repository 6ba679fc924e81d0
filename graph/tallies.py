"""Theory support tallies (RESTS_ON): written with each review, and added to stores written before them."""

from __future__ import annotations

from cmograph.graph.store import Store, Writer

# The schema version from which every review's theories carry their tallies.
TALLIES_SINCE = 3


def write_tallies(writer: Writer, review: str) -> int:
    """Count a review's evidence per theory, relation and source, in the same write as the review."""
    return int(writer.run("write/theory_tallies", {"review": review})[0]["created"])


def add_missing_tallies(store: Store) -> list[str] | None:
    """Tally every review of a store whose schema predates tallies: the reviews tallied, or None if the
    store needed nothing (it is new, or current).

    One write counts them all and records the version they came with, so the store is upgraded
    whole or not at all. The version is written first: on Neo4j that locks a second upgrade out
    until this one commits, and it then finds every theory tallied (theories with tallies are
    skipped). A store without a schema version is new: nothing to tally.
    """
    version = store.read("read/schema_version")[0]["version"]
    if version is None or version >= TALLIES_SINCE:
        return None
    reviews = [row["id"] for row in store.read("read/review_summaries")]

    def upgrade(writer: Writer) -> None:
        writer.run("write/schema_meta", {"version": TALLIES_SINCE})
        for review in reviews:
            write_tallies(writer, review)

    store.write(upgrade)
    return reviews
