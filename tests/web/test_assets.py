"""Every asset is served from this server: htmx from django-htmx, Vega from vl-convert."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from commonmeasure.web import assets


def test_vega_bundle_is_served_locally(db, monkeypatch, settings, tmp_path):
    # The one test that builds the real bundle (it takes a few seconds).
    import vl_convert

    monkeypatch.setattr(assets, "build_bundle", lambda: vl_convert.javascript_bundle())
    response = Client().get("/assets/vega.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    body = response.content.decode()
    assert "window.vegaEmbed" in body and len(body) > 100_000
    cached = assets.cache_path(assets.vl_convert_version())
    assert cached.read_text(encoding="utf-8") == body
    assert Client().get("/assets/vega.js", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_bundle_is_built_once_then_read_from_the_disk_cache(db, fake_vega_bundle, monkeypatch):
    assert Client().get("/assets/vega.js").status_code == 200
    assert Client().get("/assets/vega.js").status_code == 200
    assert len(fake_vega_bundle) == 1
    monkeypatch.setattr(assets, "_memory", {})  # a new process
    assert b"vegaEmbed" in Client().get("/assets/vega.js").content
    assert len(fake_vega_bundle) == 1


def test_htmx_and_the_stylesheet_are_served_from_this_server(db):
    client = Client()
    html = client.get("/").content.decode()
    for src in ("/static/django_htmx/htmx-2.min.js", "/static/web/cm.css"):
        assert src in html
        response = client.get(src)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 1000


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login/",
        "/i/alpha/",
        "/i/alpha/indicators/enrolled/",
        "/i/alpha/orgs/org-a/",
        "/i/alpha/orgs/org-a/report/2024-01/",
        "/i/alpha/reports/",
    ],
)
def test_pages_load_nothing_from_another_host(data, client_for, path):
    html = client_for("anonymous" if path == "/login/" else "backbone").get(path).content.decode()
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert links, "the page links nothing?"
    assert not [link for link in links if link.startswith(("http:", "https:", "//"))]
    if "chart" in html and "data-spec-id" in html:
        assert "/assets/vega.js?v=" in html and "/static/web/charts.js" in html
