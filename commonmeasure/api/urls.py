"""The JSON API, version 1. OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Common Measure API",
    version="1",
    description="Shared measurement: initiatives, indicators and aggregated values.",
    urls_namespace="api-v1",
)
