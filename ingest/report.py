"""What an ingest changed: counts per node label and relationship type."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class IngestReport:
    """What an ingest changed, per node label and relationship type."""

    review: str
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    nodes: int = 0
    relationships: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def as_dict(self) -> dict[str, object]:
        return {
            "review": self.review,
            "changed": self.changed,
            "created": dict(sorted(self.created.items())),
            "updated": dict(sorted(self.updated.items())),
            "removed": dict(sorted(self.removed.items())),
            "nodes": self.nodes,
            "relationships": self.relationships,
        }
