"""Where the store is and how to reach it, read from the environment when a command or the app starts."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_store_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cmograph" / "cmograph.db"


class StoreSettings(BaseSettings):
    """`CMOGRAPH_STORE` is a file path (embedded FalkorDB) or a neo4j:// / bolt:// URI."""

    model_config = SettingsConfigDict(env_prefix="CMOGRAPH_", extra="ignore")

    store: str = Field(default_factory=lambda: str(default_store_path()))
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str | None = None
    # Seconds to wait for Neo4j before saying it is unreachable.
    neo4j_timeout: float = 10.0
