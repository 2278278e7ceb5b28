"""The API documentation pages of a process (Swagger UI at `/docs`, ReDoc at `/redoc`), made to
work on an intranet without the internet.

Their scripts and styles come from the `fastapi-offline` package and are served by the process
itself, and the pages have no inline script (Swagger UI's initializer is a file of its own), so a
Content-Security-Policy of `'self'` lets them run and names no other host.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

_HEAD = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
"""


class _Assets(StaticFiles):
    """The pages' files; they change only with the package, so browsers may keep them a day."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def install_docs(app: FastAPI, *, title: str, openapi_url: str, assets_path: str) -> None:
    """Serve `/docs`, `/docs/init.js` and `/redoc` for the description at `openapi_url`, and the
    pages' files under `assets_path`."""
    head = _HEAD.format(title=title, assets=assets_path)
    swagger_page = (
        f'{head}<link rel="stylesheet" href="{assets_path}/swagger-ui.css">\n</head>\n<body>\n<div id="swagger-ui"></div>\n'
        f'<script src="{assets_path}/swagger-ui-bundle.js"></script>\n<script src="/docs/init.js"></script>\n</body>\n</html>\n'
    )
    # The Authorize button offers the document's security schemes (the gateway's OAuth2 flows).
    swagger_init = f"""window.ui = SwaggerUIBundle({{
  url: "{openapi_url}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  showExtensions: true,
  persistAuthorization: false,
}});
"""
    redoc_page = (
        f'{head}</head>\n<body>\n<redoc spec-url="{openapi_url}"></redoc>\n'
        f'<script src="{assets_path}/redoc.standalone.js"></script>\n</body>\n</html>\n'
    )
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        return HTMLResponse(swagger_page)

    @router.get("/docs/init.js")
    async def docs_init() -> Response:
        return Response(swagger_init, media_type="text/javascript")

    @router.get("/redoc")
    async def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page)

    app.include_router(router)
    app.mount(assets_path, _Assets(directory=Path(str(files("fastapi_offline") / "static"))))
