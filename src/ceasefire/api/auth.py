"""Authentication and authorization: bearer token -> `Principal`, then default deny.

Every route declares who may call it, with exactly one of two dependencies:
``Depends(allow(Role.REVIEWER, ...))`` or ``Depends(public)``. A route that declares neither
is a bug that `undeclared_routes` finds (and a test fails on), because an endpoint that
forgot its rule must not quietly serve everyone.

An unknown, expired or revoked token is answered exactly like a missing one (401), so a probe
cannot tell which; a valid token of the wrong role is 403, and that refusal is audited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute

from ceasefire.api.roles import Principal, Role
from ceasefire.domain import AuditOutcome
from ceasefire.domain.errors import ForbiddenError, UnauthenticatedError

bearer = HTTPBearer(auto_error=False, description="A token from `ceasefire users add`.")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller the gate resolved (`ceasefire.api.gate`), or 401. `credentials` is declared
    so the OpenAPI document names the bearer scheme; the gate already looked the token up.
    Async (as `allow`'s check) because FastAPI runs a plain function dependency in a worker
    thread: two thread hand-overs per request for a dictionary look-up, measured at an eighth
    of the service's CPU under load (docs/benchmarks.md, "Service load")."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise UnauthenticatedError("a valid bearer token is required")
    return principal


def allow(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits the listed roles and refuses (403, audited) every other."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("allow() needs at least one role")  # a route nobody may call

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if principal.role not in allowed:
            route = request.scope.get("route")
            action = getattr(route, "name", "request")
            await run_in_threadpool(  # a store write: not on the event loop
                request.app.state.services.auditor.record,
                principal, action, request.url.path, AuditOutcome.DENIED,
                f"role {principal.role} may not call this",
            )
            names = ", ".join(sorted(allowed))
            raise ForbiddenError(
                f"{request.method} {request.url.path}: role {principal.role} may not call this;"
                f" allowed: {names}"
            )
        return principal

    dependency.allowed_roles = allowed  # type: ignore[attr-defined]
    return dependency


def public() -> None:
    """The declaration of a route that anyone may call without a token."""


def declared_rule(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits (None for a public route); raises if it declares nothing."""
    for dependency in route.dependant.dependencies:
        call = dependency.call
        if call is public:
            return None
        roles = getattr(call, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
    raise LookupError(route.path)


def api_routes(routes: Sequence[BaseRoute]) -> list[APIRoute]:
    """Every API route, also inside included routers (FastAPI keeps those as branches that
    hold the router they include). A test checks that this finds every operation of the
    OpenAPI document, so a change in how FastAPI nests routes cannot make the default-deny
    check pass on an empty list."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
            continue
        included = getattr(route, "original_router", None)
        if included is not None:
            found.extend(api_routes(included.routes))
    return found


def public_paths(app: FastAPI) -> frozenset[str]:
    """Paths anyone may call without a token: public routes and the OpenAPI document."""
    paths = {r.path for r in api_routes(app.routes) if _is_public(r)}
    if app.openapi_url:
        paths.add(app.openapi_url)
    return frozenset(paths)


def public_prefixes(app: FastAPI) -> tuple[str, ...]:
    """Prefixes of public routes that end in a path parameter (``/ui/{asset:path}``): every
    path under them is public (the route itself decides which exist)."""
    return tuple(r.path.split("{", 1)[0] for r in api_routes(app.routes)
                 if _is_public(r) and r.path.endswith(":path}"))


def _is_public(route: APIRoute) -> bool:
    try:
        return declared_rule(route) is None
    except LookupError:
        return False


def undeclared_routes(app: FastAPI) -> list[str]:
    """``METHOD path`` of every API route that declares no rule: the list must be empty."""
    missing: list[str] = []
    for route in api_routes(app.routes):
        try:
            declared_rule(route)
        except LookupError:
            missing.extend(f"{m} {route.path}" for m in sorted(route.methods or ()))
    return missing
