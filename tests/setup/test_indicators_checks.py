"""The indicator pages' live checks: the formula check, the composite preview, and what a
change of aggregation rules changes (commonmeasure/setup/indicators.py and its views)."""

from __future__ import annotations

import re

import pytest

from commonmeasure.domain import composites
from commonmeasure.initiatives.models import Indicator
from commonmeasure.interchange.composite_spec import composite_from_spec
from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.reporting.models import Submission
from commonmeasure.rollups import engine
from commonmeasure.setup import indicators
from commonmeasure.setup.forms_indicators import NEW_INDICATOR
from commonmeasure.setup.services import version_of
from tests.setup.test_indicators_pages import _ind, form_data, url

HEAD = "organisation,indicator,period,value,comment\n"


def _check(client, formula: str, indicator: str | None = None) -> str:
    path = url("indicators_check_formula") + (f"?indicator={indicator}" if indicator else "")
    response = client.post(path, {"formula": formula})
    assert response.status_code == 200
    return response.content.decode()


def test_the_formula_check_names_an_unknown_code(client_for):
    page = _check(client_for("backbone"), "job_starts / enroled * 100")
    assert 'data-ok="no"' in page and "unknown indicator &#x27;enroled&#x27;" in page


def test_the_formula_check_names_a_circle(client_for, cast):
    indicators.save(
        cast.alpha,
        None,
        {
            **NEW_INDICATOR,
            "code": "rate_a",
            "name": "Rate A",
            "kind": "formula",
            "formula": "job_starts / enrolled",
        },
        by=cast.backbone,
    )
    page = _check(client_for("backbone"), "rate_a * 2", indicator=None)
    assert 'data-ok="yes"' in page
    # rate_a made from a formula that uses rate_a: a circle
    indicators.save(
        cast.alpha,
        None,
        {
            **NEW_INDICATOR,
            "code": "rate_b",
            "name": "Rate B",
            "kind": "formula",
            "formula": "rate_a * 2",
        },
        by=cast.backbone,
    )
    page = _check(client_for("backbone"), "rate_b + 1", indicator="rate_a")
    assert 'data-ok="no"' in page and "circle" in page and "rate_a → rate_b → rate_a" in page


def test_the_formula_check_warns_of_a_denominator_that_may_be_zero(client_for, cast):
    page = _check(client_for("backbone"), "job_starts / enrolled * 100")
    assert 'data-ok="yes"' in page
    assert "the denominator enrolled may be 0" in page
    assert "Job starts, People enrolled" in page
    # a denominator declared above 0 is not warned of
    definition = dump_definition(cast.alpha)
    mapping = _ind(definition, "enrolled")
    indicators.save(
        cast.alpha,
        "enrolled",
        dict(mapping, min=1),
        by=cast.backbone,
        version=version_of(definition, "indicators/enrolled"),
    )
    page = _check(client_for("backbone"), "job_starts / enrolled * 100")
    assert "may be 0" not in page
    assert "the denominator enrolled - job_starts may be 0" in _check(
        client_for("backbone"), "caseload / (enrolled - job_starts)"
    )


def test_a_formula_saved_is_checked_the_same_way(client_for, cast):
    data = form_data(
        {
            **NEW_INDICATOR,
            "code": "rate",
            "name": "Rate",
            "kind": "formula",
            "formula": "job_starts / nobody",
        }
    )
    response = client_for("backbone").post(url("indicator_new"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-formula"' in page and "unknown indicator" in page
    assert not Indicator.objects.filter(initiative=cast.alpha, code="rate").exists()


def _approve_values(import_csv, initiative, text):
    result = import_csv(initiative, HEAD + text)
    assert not result.errors, result.errors
    Submission.objects.filter(initiative=initiative).update(status=Submission.APPROVED)
    engine.rebuild(initiative, check=False)


SPEC = {
    "normalisation": "min_max",
    "aggregation": "arithmetic",
    "cap": False,
    "missing": "no_value",
    "components": [
        {"indicator": "job_starts", "weight": 2.0, "direction": "positive"},
        {"indicator": "caseload", "weight": 1.0, "direction": "negative"},
    ],
}


def test_the_composite_preview_gives_the_composite_computation(client_for, cast, import_csv):
    _approve_values(
        import_csv,
        cast.alpha,
        "org-a,job_starts,2024-01,4,\norg-b,job_starts,2024-01,10,\n"
        "org-a,caseload,2024-01,30,\norg-b,caseload,2024-01,20,\n"
        "org-a,job_starts,2023-12,1,\n",
    )
    preview = indicators.composite_preview(cast.alpha, None, SPEC)
    assert preview.period == "2024-01"
    expected = composite_from_spec("x", SPEC).compute(
        {"org-a": {"job_starts": 4, "caseload": 30}, "org-b": {"job_starts": 10, "caseload": 20}}
    )
    got = {row.key: row for row in preview.rows}
    assert set(got) == {"org-a", "org-b"}
    for key, cv in expected.items():
        assert got[key].value == pytest.approx(cv.value)
        for part in got[key].components:
            assert part["contribution"] == pytest.approx(cv.contributions[part["code"]])
    assert got["org-b"].value == pytest.approx(1.0) and got["org-a"].value == pytest.approx(0.0)

    data = form_data(
        {**NEW_INDICATOR, "code": "index", "name": "Index", "kind": "composite", "decimals": 2},
        components=SPEC["components"],
    )
    page = client_for("backbone").post(url("indicators_preview"), data).content.decode()
    assert "2024-01" in page and "Organisation B" in page and "1.00" in page


def test_a_composite_is_saved_with_its_components(client_for, cast):
    data = form_data(
        {**NEW_INDICATOR, "code": "index", "name": "Index", "kind": "composite"},
        components=SPEC["components"],
    )
    response = client_for("backbone").post(url("indicator_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = _ind(dump_definition(cast.alpha), "index")["composite"]
    assert [c["indicator"] for c in saved["components"]] == ["job_starts", "caseload"]
    assert saved["components"][0]["weight"] == 2.0
    assert saved["components"][1]["direction"] == "negative"
    assert composites.Composite  # the domain's composite is what reads it (composite_spec)


def test_a_change_of_rules_shows_what_will_change_then_rebuilds_in_the_background(
    client_for, cast, import_csv, settings
):
    _approve_values(
        import_csv, cast.alpha, "org-a,caseload,2024-01,30,\norg-b,caseload,2024-01,20,\n"
    )
    assert engine.up_to_date(cast.alpha)
    definition = dump_definition(cast.alpha)
    v = version_of(definition, "indicators/caseload")
    data = form_data(_ind(definition, "caseload"), v, aggregation="mean")
    client = client_for("backbone")

    first = client.post(url("indicator_edit", "caseload"), data)
    page = first.content.decode()
    assert first.status_code == 200 and 'id="rule-changes"' in page
    assert "Active caseload: Across organisations: sum → mean" in page
    confirm = re.search(r'name="confirm" value="([0-9a-f]+)"', page)[1]
    code_box = re.search(r'<input[^>]*name="code"[^>]*>', page)[0]
    assert 'value="caseload"' in code_box and "disabled" in code_box
    assert Indicator.objects.get(initiative=cast.alpha, code="caseload").aggregation == "sum"

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # confirming a different change than the one listed shows the list again
    other = client.post(
        url("indicator_edit", "caseload"), {**data, "aggregation": "max", "confirm": confirm}
    )
    assert 'id="rule-changes"' in other.content.decode() and "sum → max" in other.content.decode()
    saved = client.post(url("indicator_edit", "caseload"), {**data, "confirm": confirm})
    assert saved.status_code == 302 and "rebuild=" in saved["Location"]
    assert Indicator.objects.get(initiative=cast.alpha, code="caseload").aggregation == "mean"
    # not rebuilt inside the request: queued, and reads use the stored values meanwhile
    assert not engine.up_to_date(cast.alpha)
    from commonmeasure.measures import selectors

    caseload = Indicator.objects.get(initiative=cast.alpha, code="caseload")
    rows = selectors.query(cast.alpha, caseload, "period")
    assert {r["key"]: r["value"] for r in rows}["2024-01"] == pytest.approx(25.0)
    listing = client.get(saved["Location"]).content.decode()
    assert 'id="rebuild-status" data-state="queued"' in listing and "hx-get=" in listing

    # the worker runs it; the status then says done
    from commonmeasure.rollups.tasks import rebuild_rollups

    rebuild_rollups.call(cast.alpha.pk)
    status = client.get(url("indicators_rebuild") + "?task=x").content.decode()
    assert 'data-state="done"' in status and "hx-get" not in status
    assert engine.up_to_date(cast.alpha)


def test_a_reported_indicator_with_values_becoming_a_formula_offers_to_archive_them(
    client_for, cast, import_csv
):
    from commonmeasure.reporting.models import ArchivedValue, DataValue

    import_csv(cast.alpha, HEAD + "org-a,satisfaction,2024-01,70,\n")
    definition = dump_definition(cast.alpha)
    v = version_of(definition, "indicators/satisfaction")
    data = form_data(
        _ind(definition, "satisfaction"), v, kind="formula", formula="job_starts / enrolled * 100"
    )
    client = client_for("backbone")
    refused = client.post(url("indicator_edit", "satisfaction"), data)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "satisfaction becomes a formula indicator" in page and 'id="archive-offer"' in page
    assert DataValue.objects.filter(indicator__code="satisfaction").count() == 1

    data["archive_values"] = "on"
    listed = client.post(url("indicator_edit", "satisfaction"), data).content.decode()
    assert 'id="rule-changes"' in listed
    confirm = re.search(r'name="confirm" value="([0-9a-f]+)"', listed)[1]
    saved = client.post(url("indicator_edit", "satisfaction"), {**data, "confirm": confirm})
    assert saved.status_code == 302
    assert not DataValue.objects.filter(indicator__code="satisfaction").exists()
    assert ArchivedValue.objects.count() == 1
    assert Indicator.objects.get(initiative=cast.alpha, code="satisfaction").kind == "formula"


def test_the_composite_preview_works_without_javascript(client_for, cast, import_csv):
    _approve_values(
        import_csv,
        cast.alpha,
        "org-a,job_starts,2024-01,4,\norg-b,job_starts,2024-01,10,\n"
        "org-a,caseload,2024-01,30,\norg-b,caseload,2024-01,20,\n",
    )
    data = form_data(
        {**NEW_INDICATOR, "code": "index", "name": "Index", "kind": "composite", "decimals": 2},
        components=SPEC["components"],
    )
    response = client_for("backbone").post(url("indicator_new"), {**data, "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="composite-preview-result"' in page
    assert "Organisation B" in page and 'id="indicator-form"' in page
    assert not Indicator.objects.filter(initiative=cast.alpha, code="index").exists()
