"""Numbers and dates on pages follow the viewer's language: decimal comma and the language's
grouping in Spanish and French, month names translated; English stays exactly as it was.
Machine-readable files (CSV) keep a dot decimal in every language."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from commonmeasure.charts import text_alternative
from commonmeasure.domain.translation import localise_number, number
from commonmeasure.reporting.presenters import format_value

NBSP = "\xa0"


class Indicator:
    """What format_value reads of an indicator."""

    PERCENTAGE = "percentage"

    def __init__(self, decimals=1, value_type="count", unit=""):
        self.decimals, self.value_type, self.unit = decimals, value_type, unit


@pytest.fixture(autouse=True)
def _percentage_constant(monkeypatch):
    from commonmeasure.initiatives.models import Indicator as Model

    monkeypatch.setattr(Indicator, "PERCENTAGE", Model.PERCENTAGE)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en-gb", "1,234,567.5"), ("es", f"1{NBSP}234{NBSP}567,5"), ("fr", f"1{NBSP}234{NBSP}567,5")],
)
def test_format_value_uses_the_languages_separators(language, expected):
    with translation.override(language):
        assert format_value(1234567.49, Indicator(decimals=1)) == expected


def test_english_is_unchanged_byte_for_byte():
    with translation.override("en-gb"):
        assert format_value(987654, Indicator(decimals=0)) == "987,654"
        assert format_value(-0.01, Indicator(decimals=1)) == "0.0"
        assert format_value(12.345, Indicator(decimals=2, value_type="percentage")) == "12.35%"
        assert format_value(None) == "–"
        assert number(1234.5, 1) == localise_number("1,234.5") == "1,234.5"


def test_french_percentages_units_and_negative_zero():
    with translation.override("fr"):
        assert format_value(12.345, Indicator(decimals=2, value_type="percentage")) == "12,35%"
        assert format_value(1500, Indicator(decimals=0, unit="km"), unit=True) == f"1{NBSP}500 km"
        assert format_value(-0.01, Indicator(decimals=1)) == "0,0"


def test_the_template_filter_and_chart_text_follow_the_language():
    template = Template("{% load cm_web %}{{ value|fmt:indicator }}")
    with translation.override("fr"):
        out = template.render(Context({"value": 2500.25, "indicator": Indicator(decimals=2)}))
        assert out == f"2{NBSP}500,25"
        spec = {"description": "x", "data": {"values": [{"label": "A", "value": 1234.5}]}}
        assert f"1{NBSP}234,50" in text_alternative(spec, "T")
    with translation.override("en-gb"):
        assert "1,234.50" in text_alternative(spec, "T")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en-gb", "2 Dec 2026"), ("fr", "2 Déc 2026"), ("es", "2 Dic 2026")],
)
def test_dates_have_the_languages_month_names(language, expected):
    template = Template('{{ day|date:"j M Y" }}')
    with translation.override(language):
        out = template.render(Context({"day": datetime.date(2026, 12, 2)}))
    assert out == expected


def test_the_pages_tell_the_charts_the_languages_separators(client_for):
    from django.conf import settings

    from tests.i18n.dom import parse

    client = client_for("anonymous")
    html = parse(client.get("/login/").content.decode()).find("html")
    assert html.get("data-decimal") is None  # English: the charts' own default
    assert html["data-text-chart-menu"] == "Chart menu: save the chart as an image"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = parse(client.get("/login/").content.decode()).find("html")
    assert (html["data-decimal"], html["data-thousands"]) == (",", NBSP)
    assert (
        html["data-text-chart-menu"] == "Menu du graphique : enregistrer le graphique comme image"
    )


@pytest.mark.parametrize(
    ("language", "day", "when"),
    [
        ("en-gb", "2 Dec 2026", "2 Dec 2026, 14:05:09"),
        ("fr", "2 décembre 2026", "2 décembre 2026, 14:05:09"),
        ("es", "2 de diciembre de 2026", "2 de diciembre de 2026, 14:05:09"),
    ],
)
def test_the_pages_dates_are_in_the_languages_form(language, day, when):
    at = datetime.datetime(2026, 12, 2, 14, 5, 9, tzinfo=datetime.UTC)
    template = Template('{% load cm_web %}{{ at|date }}|{{ at|moment }}|{{ at|moment:"seconds" }}')
    with translation.override(language):
        out = template.render(Context({"at": at}))
    assert out == f"{day}|{when[:-3]}|{when}"
    # English is what the pages wrote before: "j M Y" and "j M Y, H:i".
    if language == "en-gb":
        assert (
            out
            == Template('{{ at|date:"j M Y" }}|{{ at|date:"j M Y, H:i" }}').render(
                Context({"at": at})
            )
            + f"|{when}"
        )
