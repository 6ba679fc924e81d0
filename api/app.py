"""The FastAPI application: created with its store and settings, never at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware

from cmograph.api import problems
from cmograph.api.limits import BodyLimit
from cmograph.api.routes import admin, cmocs, health, maps, matrix, pages, reviews, sources, trace
from cmograph.api.settings import ApiSettings
from cmograph.graph.settings import StoreSettings
from cmograph.graph.store import Store, open_store
from cmograph.graph.tallies import add_missing_tallies
from cmograph.ingest.gc_pause import freeze_heap

log = logging.getLogger("cmograph.api")


def create_app(store: Store | None = None, settings: ApiSettings | None = None,
               store_settings: StoreSettings | None = None) -> FastAPI:
    """Build the app. Without a store, one is opened from the settings when the app starts."""
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.store is None
        if owned:
            app.state.store = open_store(settings=store_settings)
        # A store written by an older cmograph would answer support with nothing until counted.
        # If that fails (the store down, busy with another writer, or refusing the write), the
        # server starts as it did before and says how to count them.
        try:
            await run_in_threadpool(add_missing_tallies, app.state.store)
        except Exception as exc:  # noqa: BLE001 - serving matters more than this upgrade
            log.warning("could not count the support of a store written by an older cmograph (%s); "
                        "support answers stay empty until `cmograph init` or the next start counts it", exc)
        freeze_heap()  # full collections walking the start-up heap held requests for up to 100 ms
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(title="cmograph", version="1", lifespan=lifespan,
                  description="Realist-review programme theories: CMOCs, their support, and the quotes they rest on.")
    app.state.store = store
    app.state.settings = settings
    problems.install(app)
    # Bodies over the cap are refused before any route reads them (413 problem+json).
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    for module in (health, reviews, cmocs, trace, sources, matrix, admin):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(maps.router)
    app.include_router(pages.router)
    return app
