"""The published OpenAPI 3.1 document: FastAPI's, with every error response documented as
``application/problem+json`` (`ProblemDetails`).

Why rewrite the media type: FastAPI documents every response model as ``application/json``,
but the service answers errors as ``application/problem+json``; a client generated from the
schema, or schemathesis checking answers against it, must find the type that is really sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from ceasefire.api.models import ProblemDetails

REF_TEMPLATE = "#/components/schemas/{model}"
PROBLEM = "application/problem+json"

#: The errors any operation may answer: no or a bad token, a role that may not call it, a
#: missing resource, a refused decision, a body too large, invalid input, a caller over its
#: rate, a store that cannot be used right now.
ERROR_STATUSES = {
    401: "No valid bearer token.",
    403: "The caller's role (or party, or independence) does not allow this.",
    404: "No such resource visible to the caller.",
    409: "The request contradicts the stored state (e.g. an illegal workflow move).",
    413: "The request body is larger than the service accepts.",
    422: "The request is invalid; `problems` names each field.",
    429: "Too many requests; retry after the Retry-After header's seconds.",
    503: "The store cannot be used right now; retry later.",
}


def error_responses() -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ProblemDetails, "description": text}
            for status, text in ERROR_STATUSES.items()}


def problem_media_types(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with each 4xx/5xx response's media type (``application/json``, or the
    route's own) renamed to ``application/problem+json`` (in place; returned for
    convenience)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45" and content and PROBLEM not in content:
                    # FastAPI names the route's own media type (JSON, or text for a
                    # checkpoint); errors are problem documents whatever the route serves
                    media = "application/json" if "application/json" in content else (
                        next(iter(content)))
                    response["content"] = {PROBLEM: content[media]}
    return document


def add_component_schemas(
    document: dict[str, Any], models: Sequence[type[BaseModel]]
) -> dict[str, Any]:
    """`document` with `models` (and the enums they use) under ``components/schemas``.

    For operations whose body the route reads itself (one operation taking JSON or CSV): their
    ``openapi_extra`` refers to these by ``#/components/schemas/NAME``, which FastAPI only
    fills for bodies it parses."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        for name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas.setdefault(model.__name__, schema)
    return document


def install_openapi(app: FastAPI, extra_models: Sequence[type[BaseModel]] = ()) -> None:
    """Serve the rewritten document at ``app.openapi_url``, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_component_schemas(problem_media_types(get_openapi(
                title=app.title, version=app.version, summary=app.summary,
                routes=app.routes, openapi_version=app.openapi_version,
            )), extra_models)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def raw_response(media_type: str, schema_type: str, description: str) -> dict[int | str, Any]:
    """The `responses` of a route that answers bytes of one media type (GeoJSON, a page)."""
    return {200: {"content": {media_type: {"schema": {"type": schema_type}}},
                  "description": description}}
