"""Handlers' pydantic answers serialised once, in the handler's own thread."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel


class ModelRoute(APIRoute):
    """A route whose sync handler's model is written straight to JSON.

    FastAPI would validate a returned model against the response model again and serialise
    it in a second thread-pool hop; the query functions already build these models from
    validated data. The response model (from the handler's annotation) still documents the
    route in the OpenAPI schema, and Schemathesis checks the answers against it.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _serialised(endpoint), **kwargs)


def _serialised(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    def call(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        if isinstance(result, BaseModel):
            return Response(result.model_dump_json(by_alias=True), media_type="application/json")
        return result

    return call
