"""Request limits: page bounds, the body-size cap, and the error responses routes document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cmograph.api.deps import SettingsDep
from cmograph.api.problems import PROBLEM, problem
from cmograph.graph.models import SLUG_PATTERN
from cmograph.graph.views import DEFAULT_LIMIT, GLOBAL_ID_PATTERN, MAX_LIMIT, Problem

# Cypher SKIP takes a 64-bit integer; nobody pages this far.
MAX_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


async def page_params(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageParams:
    # A server may be configured with a smaller cap; the response's `limit` says what was applied.
    # `async def`: nothing here blocks, and a plain `def` would be sent to the thread pool.
    return PageParams(limit=min(limit, settings.page_size_max), offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]

# Ids in paths: well-formed or 422, so nothing but an id ever reaches a query.
ReviewId = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120, description="The review's id, e.g. knight-2024.")]


def global_id(what: str, example: str) -> Any:
    """A path parameter holding a store id ("review:local")."""
    return Path(pattern=GLOBAL_ID_PATTERN, max_length=241, description=f"The {what}'s id, e.g. {example}.")


_DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8 JSON text), or the request cannot be carried out.",
    401: "The bearer token is missing or wrong.",
    403: "Writing is disabled: no token is configured.",
    404: "No such item (the problem names its kind and id).",
    409: "Another process is writing to the store.",
    413: "The request body is larger than the server accepts.",
    422: "A parameter or the body is invalid (the problem lists each one).",
    503: "The store is unavailable.",
}


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with its local `$defs` references replaced by what they name."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


# Inlined rather than given as a `model`: FastAPI would also list it under the route's own media
# type (application/json, text/csv), but errors are only ever application/problem+json.
_PROBLEM_SCHEMA = _inline(Problem.model_json_schema(), Problem.model_json_schema().get("$defs", {}))


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem+json errors a route can answer with."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the cap."""


class BodyLimit:
    """Pure ASGI middleware: refuse request bodies over `max_bytes` with 413 problem+json.

    A declared Content-Length over the cap is refused before the app runs; a body streamed
    without one is counted as it is read, and the app's own response is then replaced.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked:
            # No body, or one framed by a Content-Length within the cap: the HTTP server never hands the
            # app more than that, so there is nothing to count (and GETs skip the wrapping below).
            await self.app(scope, receive, send)
            return
        seen = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app makes of the interrupted read, the answer is 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "Content too large",
            f"The request body is larger than the {self.max_bytes} bytes this server accepts.",
        )
        await response(scope, receive, send)
