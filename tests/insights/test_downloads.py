"""Every chart downloads as PNG and SVG and every table as CSV and XLSX, from the page's own
address; the files open as real files and carry the page's numbers."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from .conftest import publish, table_rows

PAGES = [
    ("/i/alpha/dashboard/", "headlines", "spark-1"),
    ("/i/alpha/orgs/org-a/dashboard/?period=2024-02", "indicators", "position"),
    ("/i/alpha/benchmarks/enrolled/?period=2024-02", "peers", "peers"),
    ("/i/alpha/benchmarks/start_pct/?period=2024-02", "funnel", "funnel"),
    ("/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=period", "pivot", "pivot"),
    ("/public/alpha/enrolled/", "values", "values"),
]


def _get(client, url, **params):
    sep = "&" if "?" in url else "?"
    return client.get(url + sep + "&".join(f"{k}={v}" for k, v in params.items()))


@pytest.fixture
def published(data, rate):
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    return data


@pytest.mark.parametrize("url, table, chart", PAGES)
def test_tables_download_as_csv_and_xlsx_with_the_pages_numbers(
    published, client_for, url, table, chart
):
    client = client_for("alice")
    shown = table_rows(client.get(url).content.decode(), table)
    response = _get(client, url, format="csv", table=table)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == len(shown) + 1
    assert [r[0] for r in rows[1:]] == [r[0] for r in shown]
    response = _get(client, url, format="xlsx", table=table)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0] == rows[0]
    assert [r[0] for r in cells[1:]] == [r[0] for r in shown]


@pytest.mark.parametrize("url, table, chart", PAGES)
def test_charts_download_as_svg_and_png(published, client_for, url, table, chart):
    client = client_for("alice")
    svg = _get(client, url, format="svg", chart=chart)
    assert svg["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(svg.content)
    assert root.tag.endswith("svg")
    png = _get(client, url, format="png", chart=chart)
    assert png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_download_links_on_the_page_keep_its_choices(data, client_for):
    html = (
        client_for("alice")
        .get("/i/alpha/explore/?indicator=enrolled&rows=organisation")
        .content.decode()
    )
    assert 'href="?indicator=enrolled&amp;rows=organisation&amp;format=csv&amp;table=pivot"' in html
    assert 'href="?indicator=enrolled&amp;rows=organisation&amp;format=png&amp;chart=pivot"' in html


def test_the_downloaded_table_has_the_same_figures_as_the_page(data, client_for):
    client = client_for("alice")
    url = "/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=period"
    rows = list(
        csv.reader(io.StringIO(_get(client, url, format="csv").content.decode("utf-8-sig")))
    )
    body = {r[0]: r[1:] for r in rows[1:]}
    assert body["Organisation A"] == ["30", "20"]
    other = next(k for k in body if k != "Organisation A")
    assert body[other] == ["suppressed", "10"]


def test_text_that_a_spreadsheet_would_run_is_made_safe(data, client_for):
    data.org_b.name = '=HYPERLINK("http://x")'
    data.org_b.save()
    data.alpha.anonymise_peers = False
    data.alpha.save()
    client = client_for("alice")
    url = "/i/alpha/benchmarks/enrolled/?period=2024-02"
    text = _get(client, url, format="csv", table="peers").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    sheet = load_workbook(
        io.BytesIO(_get(client, url, format="xlsx", table="peers").content)
    ).active
    names = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names


def test_an_unknown_format_is_refused_with_a_clear_message(data, client_for):
    response = client_for("alice").get("/i/alpha/dashboard/?format=pdf")
    assert response.status_code == 400
    assert b"use svg or png for a chart, csv or xlsx for a table" in response.content


def test_an_unknown_chart_or_table_is_not_found(data, client_for):
    client = client_for("alice")
    assert client.get("/i/alpha/dashboard/?format=svg&chart=nope").status_code == 404
    assert client.get("/i/alpha/dashboard/?format=csv&table=nope").status_code == 404
