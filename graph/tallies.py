"""Theory support tallies (RESTS_ON): written with each review, and added to stores written before them."""

from __future__ import annotations

from cmograph.graph.store import Store, Writer

# The schema version from which every review's theories carry their tallies.
TALLIES_SINCE = 3


def write_tallies(writer: Writer, review: str) -> int:
    """Count a review's evidence per theory, relation and source, in the same write as the review."""
    return int(writer.run("write/theory_tallies", {"review": review})[0]["created"])


def add_missing_tallies(store: Store) -> list[str]:
    """Tally every review of a store whose schema predates tallies, in one write; the reviews tallied.

    A store without a schema version is new (nothing to tally). Theories already tallied are skipped,
    so an upgrade stopped half-way is finished by the next one.
    """
    version = store.read("read/schema_version")[0]["version"]
    if version is None or version >= TALLIES_SINCE:
        return []
    reviews = [row["id"] for row in store.read("read/review_summaries")]
    if reviews:
        store.write(lambda w: [write_tallies(w, review) for review in reviews])
    return reviews
