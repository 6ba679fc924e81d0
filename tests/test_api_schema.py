"""Schemathesis over every operation in /openapi.json, on a live server of the example: no 5xx, no schema violations.

The server has no API token, so the writing endpoints must refuse (403, documented). Each operation
gets CMOGRAPH_SCHEMATHESIS_EXAMPLES valid and as many invalid requests (default 10: the file runs
in well under a minute on two cores). Schemathesis's own pytest loader does not run on this pytest,
so each operation is driven through its Hypothesis strategy.
"""

from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from cmograph.api.app import create_app
from tests.live_server import LiveServer

EXAMPLES = int(os.environ.get("CMOGRAPH_SCHEMATHESIS_EXAMPLES", "10"))
# The operations the app declares; the app is only built here, it opens no store.
OPERATIONS = sorted((method.upper(), path) for path, item in create_app().openapi()["paths"].items()
                    for method in item)


@pytest.fixture(scope="module")
def api_schema(example_server: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{example_server.url}/openapi.json")


def test_the_live_schema_has_every_operation(api_schema: schemathesis.BaseSchema) -> None:
    live = sorted((op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations())
    assert live == OPERATIONS
    assert {("GET", "/api/v1/cmocs/{cmoc_id}/chain"), ("DELETE", "/api/v1/reviews/{review_id}")} <= set(OPERATIONS)


def test_errors_are_documented_as_problems(example_server: LiveServer) -> None:
    spec = httpx.get(f"{example_server.url}/openapi.json").json()
    for method, path in (("post", "/api/v1/reviews"), ("delete", "/api/v1/reviews/{review_id}")):
        responses = spec["paths"][path][method]["responses"]
        assert {"401", "403", "422"} <= set(responses)
        assert list(responses["403"]["content"]) == ["application/problem+json"]
    chain = spec["paths"]["/api/v1/cmocs/{cmoc_id}/chain"]["get"]["responses"]
    assert chain["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ChainView"}
    assert list(chain["404"]["content"]) == ["application/problem+json"]
    assert httpx.get(f"{example_server.url}/docs").status_code == 200


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation(api_schema: schemathesis.BaseSchema, example_server: LiveServer, method: str, path: str,
                   mode: GenerationMode) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=example_server.url)

    try:
        check()
    except Unsatisfiable:
        # Only plain-string path parameters and no query: no request is invalid by the schema.
        assert mode is GenerationMode.NEGATIVE
        pytest.skip("nothing in this operation's schema can be made invalid")
