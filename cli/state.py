"""What every command shares: the chosen store, opened once and closed when the command ends."""

from __future__ import annotations

from dataclasses import dataclass, field

from cmograph.graph.settings import StoreSettings
from cmograph.graph.store import Store, open_store


@dataclass
class CliState:
    location: str | None = None
    debug: bool = False
    settings: StoreSettings = field(default_factory=StoreSettings)
    _store: Store | None = None

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.location, self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
