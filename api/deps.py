"""FastAPI dependencies: the store and settings the app was created with.

They are `async def` on purpose: FastAPI runs a plain `def` dependency in its thread pool, a
thread hand-off per dependency per request, which costs more than the attribute read itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cmograph.api.settings import ApiSettings
from cmograph.graph.store import Store


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
