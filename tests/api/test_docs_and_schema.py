"""The OpenAPI schema, its snapshot, and the docs page served without any external asset."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from django.test import Client

from commonmeasure.api.urls import api

SNAPSHOT = Path(__file__).parent / "openapi_snapshot.json"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def test_openapi_schema_is_served_at_api_v1_openapi_json(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/initiatives/{code}/query" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"ApiToken", "Session"}


def test_openapi_schema_matches_snapshot():
    """Fails when the API changes shape. If the change is intended, refresh the snapshot with
    UPDATE_SNAPSHOTS=1 and review the difference in the commit."""
    current = (
        json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.exists(), (
        f"{SNAPSHOT.name} is missing: run with UPDATE_SNAPSHOTS=1 to create it"
    )
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "The OpenAPI schema changed. If intended, run with UPDATE_SNAPSHOTS=1 to refresh "
        f"{SNAPSHOT.name} and review the difference."
    )


def test_every_write_declares_the_413_for_a_body_too_large(db):
    schema = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes as text
    posts = [
        (path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method == "post"
    ]
    assert posts
    for path, op in posts:
        assert "413" in op["responses"], path
        assert op["responses"]["413"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }, path


def test_docs_page_loads_scripts_and_styles_from_this_server_only(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html and "swagger-ui.css" in html
    assert EXTERNAL.findall(html) == []
    assets = ASSET.findall(html)
    assert assets and all(a.startswith("/static/") for a in assets), assets


def test_every_asset_of_the_docs_page_is_served(db):
    client = Client()
    html = client.get("/api/v1/docs").content.decode()
    for asset in ASSET.findall(html):
        response = client.get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 100, asset


def test_docs_page_does_not_call_the_online_swagger_validator(db):
    html = Client().get("/api/v1/docs").content.decode()
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["validatorUrl"] is None
    assert settings["url"] == "/api/v1/openapi.json"
