"""FastAPI dependencies: the store and settings the app was created with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cmograph.api.settings import ApiSettings
from cmograph.graph.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
