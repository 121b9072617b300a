"""The JSON API, version 1. OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs.

docs/reference/api.md describes it. The docs page uses the Swagger UI that django-ninja ships,
served from this server (no CDN).
"""

from ninja import NinjaAPI, Swagger

from . import errors
from .auth import AUTH
from .explain import router as explain_router
from .initiatives import router as initiatives_router
from .reports import router as reports_router

api = NinjaAPI(
    title="Common Measure API",
    version="1",
    description=(
        "Shared measurement: initiatives, indicators, aggregated values, reports and their workflow. "
        "Authenticate with a personal API token (`Authorization: Bearer <token>`, from "
        "`commonmeasure token create USERNAME`) or a signed-in browser session (send the CSRF token "
        "in `X-CSRFToken` for POST). Without either, only published initiatives' approved data is "
        'visible. Errors are JSON: `{"detail": "..."}`.'
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    # validatorUrl null: Swagger UI would otherwise call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("/initiatives", initiatives_router)
api.add_router("/initiatives", reports_router)
api.add_router("/initiatives", explain_router)
api.add_router(
    "/impact-bonds", "commonmeasure.api.impactbonds.router"
)  # public, read-only: docs/reference/indigo.md
