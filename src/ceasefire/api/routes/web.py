"""The dashboard's page and assets (`src/ceasefire/web/`), served without a token.

Why public: the page must load before its user has pasted a token (it asks for one and keeps
it in sessionStorage, never in the URL); everything it shows comes from the API, which asks
for the token. Only files that exist in the package's `web/` directory when the service
starts are served, by exact name, so no request path can reach another file. The Content
Security Policy lets the page load and connect to this origin alone: a dashboard that
fetched a tile or a font from elsewhere would leak what its user looks at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi.responses import Response

from ceasefire.api.auth import public
from ceasefire.api.openapi import raw_response
from ceasefire.domain.errors import NotFoundError

router = APIRouter(tags=["dashboard"])
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}
POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
HTML = raw_response("text/html", "string", "The dashboard page.")
ASSET = raw_response("application/octet-stream", "string",
                     "A script, style sheet or image of the dashboard.")


def _assets(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in TYPES}


ASSETS = _assets(WEB_DIR)


def _file(name: str) -> Response:
    path = ASSETS.get(name)
    if path is None:
        raise NotFoundError(f"no dashboard asset {name[:100]}")
    return Response(path.read_bytes(), media_type=TYPES[path.suffix],
                    headers={"Content-Security-Policy": POLICY, "X-Content-Type-Options":
                             "nosniff", "Cache-Control": "no-cache"})


@router.get("/", name="dashboard.page", dependencies=[Depends(public)],
            response_class=Response, responses=HTML)
def page() -> Response:
    """The dashboard (it asks for a token, then talks to the API)."""
    return _file("index.html")


@router.get("/ui/{asset:path}", name="dashboard.asset", dependencies=[Depends(public)],
            response_class=Response, responses=ASSET)
def asset(asset: Annotated[str, PathParam(max_length=200)]) -> Response:
    """One of the dashboard's files, by its name under `web/`."""
    return _file(asset)
