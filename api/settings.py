"""The API's settings, read from the environment when the app is created."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CMOGRAPH_", extra="ignore")

    # Writing endpoints exist only when a token is set, and require it as a bearer token.
    api_token: SecretStr | None = None
    # Closed by default: no cross-origin browser access unless origins are listed.
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = 50 * 1024 * 1024
    page_size_max: int = 500
