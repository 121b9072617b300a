"""A retired indicator (``retired: true`` in the definition file): it keeps its values, is no
longer offered for new reports, and is left out of dashboards' lists."""

from __future__ import annotations

import yaml

from commonmeasure.initiatives.models import Indicator
from commonmeasure.interchange.definition import parse_definition
from commonmeasure.reporting.initiative_file import dump_definition, load_definition
from commonmeasure.reporting.models import DataValue
from commonmeasure.reporting.template_spec import build_spec
from commonmeasure.web.grid import reported_indicators

HEAD = "organisation,indicator,period,value,comment\n"


def _retire(initiative, code: str) -> dict:
    definition = dump_definition(initiative)
    next(i for i in definition["indicators"] if i["code"] == code)["retired"] = True
    load_definition(parse_definition(yaml.safe_dump(definition)))
    return definition


def test_retired_loads_dumps_and_loads_back_unchanged(cast):
    by_hand = _retire(cast.alpha, "caseload")
    dumped = dump_definition(cast.alpha)
    assert next(i for i in dumped["indicators"] if i["code"] == "caseload")["retired"] is True
    assert next(i for i in dumped["indicators"] if i["code"] == "enrolled")["retired"] is False
    assert dumped == by_hand
    assert Indicator.objects.get(initiative=cast.alpha, code="caseload").is_retired
    _, summary = load_definition(parse_definition(yaml.safe_dump(dumped)))
    assert not summary.changed


def test_a_retired_indicator_keeps_its_values_but_the_grid_and_template_leave_it_out(
    cast, import_csv
):
    import_csv(cast.alpha, HEAD + "org-a,caseload,2024-01,7,\n")
    _retire(cast.alpha, "caseload")
    assert DataValue.objects.filter(indicator__code="caseload").count() == 1
    assert "caseload" not in [i.code for i in reported_indicators(cast.alpha)]
    assert "job_starts" in [i.code for i in reported_indicators(cast.alpha)]
    spec = build_spec(cast.alpha, cast.org_a, ["2024-02"])
    assert "caseload" not in {line.indicator.code for line in spec.lines}


def test_importing_a_retired_indicator_is_refused_naming_it(cast, import_csv):
    _retire(cast.alpha, "caseload")
    result = import_csv(cast.alpha, HEAD + "org-a,caseload,2024-01,7,\n")
    assert any("indicator caseload is retired" in str(e) for e in result.errors)
    assert not DataValue.objects.filter(indicator__code="caseload").exists()


def test_the_dashboards_leave_a_retired_indicator_out_but_its_page_keeps_its_history(
    cast, client_for, import_csv
):
    from commonmeasure.reporting.models import Submission

    import_csv(cast.alpha, HEAD + "org-a,caseload,2024-01,7,\n")
    Submission.objects.filter(initiative=cast.alpha).update(status=Submission.APPROVED)
    client = client_for("backbone")
    assert 'data-indicator="caseload"' in client.get("/i/alpha/dashboard/").content.decode()
    _retire(cast.alpha, "caseload")
    assert 'data-indicator="caseload"' not in client.get("/i/alpha/dashboard/").content.decode()
    assert 'data-indicator="job_starts"' in client.get("/i/alpha/dashboard/").content.decode()
    page = client.get("/i/alpha/indicators/caseload/")
    assert page.status_code == 200 and "2024-01" in page.content.decode()
    home = client.get("/i/alpha/").content.decode()
    assert "/i/alpha/indicators/caseload/" in home  # the dictionary still links its history
