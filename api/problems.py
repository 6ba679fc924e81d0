"""Errors as RFC 9457 problem details (application/problem+json), never a bare 500 with a traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from cmograph.graph.errors import (
    CmographError,
    NotFound,
    StoreBusy,
    StoreConfigError,
    StoreUnavailable,
    WriteIncomplete,
)
from cmograph.graph.models import NO_NUL_EXPECTED, NO_NUL_PATTERN

log = logging.getLogger("cmograph.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, headers: Mapping[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=dict(headers or {}))


def install(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc), kind=exc.kind, id=exc.id)

    @app.exception_handler(StoreUnavailable)
    async def unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return problem(503, "Store unavailable", str(exc), headers={"Retry-After": "5"})

    @app.exception_handler(StoreBusy)
    async def busy(_: Request, exc: StoreBusy) -> JSONResponse:
        return problem(409, "Store busy", str(exc), headers={"Retry-After": "5"})

    @app.exception_handler(StoreConfigError)
    async def misconfigured(_: Request, exc: StoreConfigError) -> JSONResponse:
        return problem(503, "Store misconfigured", str(exc))

    @app.exception_handler(WriteIncomplete)
    async def write_incomplete(_: Request, exc: WriteIncomplete) -> JSONResponse:
        log.error("write incomplete: %s", exc)  # a fault of ours, not of the request: a 500, not a 400
        return problem(500, "Write incomplete", str(exc))

    @app.exception_handler(CmographError)
    async def bad_input(_: Request, exc: CmographError) -> JSONResponse:
        return problem(400, "Bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"parameter": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "in": str(e["loc"][0]),
                   "message": _message(e)} for e in exc.errors()]
        names = ", ".join(e["parameter"] for e in errors)
        return problem(422, "Invalid parameter", f"Invalid value for {names}.", errors=errors)

    @app.exception_handler(HTTPException)
    async def http(_: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(500, "Internal error", "The server hit an unexpected error; it has been logged.")


def _message(error: Mapping[str, Any]) -> str:
    # The one pattern a user meets as text: say what it asks for rather than show the regex.
    if (error.get("ctx") or {}).get("pattern") == NO_NUL_PATTERN:
        return f"Expected {NO_NUL_EXPECTED}"
    return str(error["msg"])


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
