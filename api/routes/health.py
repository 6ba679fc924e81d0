"""Liveness and store statistics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cmograph.api.deps import StoreDep
from cmograph.graph.stats import store_info

router = APIRouter(tags=["health"])


@router.get("/health")
def health(store: StoreDep) -> dict[str, Any]:
    store.ping()
    return {"status": "ok", "store": store.kind}


@router.get("/stats")
def stats(store: StoreDep) -> dict[str, Any]:
    return store_info(store)
