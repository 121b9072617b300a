"""Every chart point and table row of the indicator page links to the explanation of its own
figure (docs/reference/explain.md): by period, organisation, a dimension and an area, for a
reported, a de-duplicated, a formula and a composite indicator. Following each link gives a
page whose figure is the point's value."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from commonmeasure.charts import LINK_FIELD
from commonmeasure.initiatives.models import Membership
from tests.html import spec_from


def _points(spec: dict) -> list[dict]:
    """The chart's data points that a mark with an href encoding draws."""
    values = (spec.get("data") or {}).get("values") or []
    units = spec.get("layer") or [spec]
    linked = [u for u in units if "href" in (u.get("encoding") or {})]
    assert linked, "no mark of the chart is a link"
    for unit in linked:
        assert unit["encoding"]["href"] == {"field": LINK_FIELD, "type": "nominal"}
    return values


def _table_links(html: str) -> list[str]:
    body = re.search(r'<table[^>]*id="numbers"[^>]*>(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    out = []
    for row in rows:
        if "not shown" in row:  # the line counting suppressed organisations
            continue
        links = re.findall(r'class="explain-link" href="([^"]+)"', row)
        assert links, f"a row of the table has no explanation: {row}"
        out += [unescape(link) for link in links]
    return out


def _figure(page: str) -> str:
    return re.search(r'data-figure="value">([^<]*)', page).group(1).strip()


@pytest.fixture
def backbone(towns, django_user_model, client_for):
    user = django_user_model.objects.create_user("towns-admin", password="x")
    Membership.objects.create(user=user, initiative=towns, role=Membership.BACKBONE_ADMIN)
    return client_for(user)


VIEWS = [
    ("people", "period"),
    ("people", "organisation"),
    ("people", "area"),
    ("people", "area:ward"),
    ("people", "area&period=2024-01"),
    ("visits", "area"),
    ("satisfaction", "area"),
    ("sustain_rate", "area"),
    ("sustain_rate", "organisation"),
    ("quality", "area:ward"),
    ("quality", "organisation"),
]


@pytest.mark.parametrize(("indicator", "by"), VIEWS)
def test_each_point_and_row_opens_the_explanation_of_its_own_figure(towns, backbone, indicator, by):
    page = backbone.get(f"/i/{towns.code}/indicators/{indicator}/?by={by}")
    assert page.status_code == 200
    html = page.content.decode()
    points = [p for p in _points(spec_from(html)) if p.get(LINK_FIELD)]
    rows = _table_links(html)
    assert points and set(p[LINK_FIELD] for p in points) <= set(rows)
    for point in points:
        link = point[LINK_FIELD]
        asked = parse_qs(urlsplit(link).query)
        assert asked["indicator"] == [indicator] and asked["by"] == [by.split("&")[0]], link
        explained = backbone.get(link)
        assert explained.status_code == 200, link
        shown = _figure(explained.content.decode()).replace(",", "").rstrip("%")
        if point["value"] is None:  # a row with no value (a rate of 0 / 0)
            assert shown == "–", link
            continue
        places = len(shown.split(".")[1]) if "." in shown else 0  # shown to its decimals
        assert float(shown) == pytest.approx(point["value"], abs=0.5 * 10**-places + 1e-9), (
            link,
            shown,
            point,
        )


def test_a_downloaded_chart_has_no_links(towns, backbone):
    from commonmeasure.insights.downloads import static_spec

    html = backbone.get(f"/i/{towns.code}/indicators/people/?by=area").content.decode()
    spec = static_spec(spec_from(html))
    assert LINK_FIELD not in str(spec) and "href" not in str(spec)
