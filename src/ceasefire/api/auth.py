"""Authentication and authorization: bearer token -> `Principal`, then default deny.

Every route declares who may call it, with exactly one of two dependencies:
``Depends(allow(Role.REVIEWER, ...))`` or ``Depends(public)``. A route that declares neither
is a bug that `undeclared_routes` finds (and a test fails on), because an endpoint that
forgot its rule must not quietly serve everyone.

An unknown, expired or revoked token is answered exactly like a missing one (401), so a probe
cannot tell which; a valid token of the wrong role is 403, and that refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ceasefire.api.roles import Principal, Role
from ceasefire.domain import AuditOutcome
from ceasefire.domain.errors import ForbiddenError, UnauthenticatedError

#: Longest bearer token looked up; ours are 43 characters, anything far longer is not one.
MAX_TOKEN = 200

bearer = HTTPBearer(auto_error=False, description="A token from `ceasefire users add`.")


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, or 401 when the request carries no valid token."""
    if credentials is None or len(credentials.credentials) > MAX_TOKEN:
        raise UnauthenticatedError("a valid bearer token is required")
    services = request.app.state.services
    principal: Principal | None = services.accounts.resolve(
        credentials.credentials, now=services.now()
    )
    if principal is None:
        raise UnauthenticatedError("a valid bearer token is required")
    return principal


def allow(*roles: Role) -> Callable[..., Principal]:
    """A dependency that admits the listed roles and refuses (403, audited) every other."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("allow() needs at least one role")

    def dependency(
        request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if principal.role not in allowed:
            route = request.scope.get("route")
            action = getattr(route, "name", "request")
            request.app.state.services.auditor.record(
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


def undeclared_routes(app: FastAPI) -> list[str]:
    """``METHOD path`` of every API route that declares no rule: the list must be empty."""
    missing: list[str] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            try:
                declared_rule(route)
            except LookupError:
                missing.extend(f"{m} {route.path}" for m in sorted(route.methods or ()))
    return missing
