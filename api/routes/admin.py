"""Writing: upload a review bundle as JSON, or delete a review; only with the bearer token."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cmograph.api.deps import SettingsDep, StoreDep
from cmograph.api.limits import ReviewId, documented
from cmograph.graph.errors import NotFound
from cmograph.graph.models import Bundle
from cmograph.graph.views import IngestResult
from cmograph.ingest.bundle_reader import read_bundle
from cmograph.ingest.load import ingest_bundle, remove_review
from cmograph.ingest.problems import BundleInvalid

bearer = HTTPBearer(auto_error=False, description="The token set in CMOGRAPH_API_TOKEN.")


def require_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """403 when the server has no token (writing is off), 401 when the token is missing or wrong."""
    # An empty token counts as none: it would let a request without any token through.
    expected = settings.api_token.get_secret_value() if settings.api_token else ""
    if not expected:
        raise HTTPException(403, "Writing is disabled: no token configured (set CMOGRAPH_API_TOKEN).")
    given = credentials.credentials if credentials else ""
    # Constant-time comparison: the time taken says nothing about how much of the token matched.
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            401, "A valid bearer token is required.", headers={"WWW-Authenticate": "Bearer"}
        )


router = APIRouter(tags=["admin"], dependencies=[Depends(require_token)])


def _checked(bundle: Bundle) -> Bundle:
    """Run the bundle reader's whole-bundle checks: unique ids, references resolve, sound lineage."""
    with tempfile.TemporaryDirectory(prefix="cmograph-upload-") as folder:
        path = Path(folder) / "bundle.json"
        path.write_text(bundle.model_dump_json(), encoding="utf-8")
        try:
            return read_bundle(path)
        except BundleInvalid as exc:
            raise RequestValidationError(
                [{"loc": ("body",), "msg": str(p), "type": "bundle_invalid"} for p in exc.problems]
            ) from exc


@router.post(
    "/reviews",
    status_code=200,
    responses={
        201: {"model": IngestResult, "description": "The review was new and has been created."},
        **documented(400, 401, 403, 409, 413, 422, 503),
    },
)
def upload_review(store: StoreDep, bundle: Bundle, response: Response) -> IngestResult:
    """Write a whole review (the `Bundle` JSON format), replacing any review with its id.

    200 when a review with that id was already there (and is now updated), 201 when it is new.
    """
    bundle = _checked(bundle)
    existed = bool(store.read("read/review_exists", {"review": bundle.review.id})[0]["exists"])
    report = ingest_bundle(store, bundle)
    if not existed:
        response.status_code = 201
    return IngestResult.model_validate(report.as_dict())


@router.delete(
    "/reviews/{review_id}", status_code=204, responses=documented(401, 403, 404, 409, 422, 503)
)
def delete_review(store: StoreDep, review_id: ReviewId) -> Response:
    """Delete a review and everything that belongs to it."""
    if not remove_review(store, review_id):
        raise NotFound("review", review_id)
    return Response(status_code=204)
