"""The initiative definition file: `commonmeasure initiative load FILE` (JSON or YAML) creates or
updates an initiative; loading it again changes nothing; `dump` writes it back
(docs/reference/initiative-file.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from commonmeasure.initiatives.models import (
    Category,
    Dimension,
    Indicator,
    Initiative,
    Organisation,
    Participation,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODELS = (Initiative, Organisation, Participation, Dimension, Category, Indicator)


def snapshot() -> dict:
    """Every row the loader writes, with the initiative's last-change time."""
    out = {m.__name__: sorted(map(repr, m.objects.values())) for m in MODELS}
    out["links"] = sorted(
        Indicator.dimensions.through.objects.values_list("indicator_id", "dimension_id")
    )
    return out


def load_json(cli, path) -> tuple[int, dict]:
    code, out, _ = cli("initiative", "load", path, "--json")
    return code, json.loads(out)


def test_loading_a_yaml_file_creates_the_initiative(db, cli):
    code, out, _ = cli("initiative", "load", FIXTURES / "alpha.yaml")
    assert code == 0
    # 1 initiative, 2 dimensions, 4 categories, 2 organisations, 2 participations, 6 indicators
    assert out.startswith("Initiative alpha: 17 created, 0 updated.")
    alpha = Initiative.objects.get(code="alpha")
    assert (alpha.name, alpha.reporting_frequency, alpha.fy_first_month) == (
        "Alpha Partnership",
        "monthly",
        4,
    )
    assert alpha.goals == [{"code": "G1", "name": "People find work", "description": ""}]
    assert list(alpha.indicators.values_list("code", flat=True)) == [
        "enrolled",
        "job_starts",
        "caseload",
        "start_rate",
        "satisfaction",
        "wage",
    ]
    enrolled = alpha.indicators.get(code="enrolled")
    assert sorted(enrolled.dimensions.values_list("code", flat=True)) == ["age_band", "gender"]
    rate = alpha.indicators.get(code="start_rate")
    assert (rate.value_type, rate.aggregation, rate.time_aggregation, rate.weight_indicator) == (
        "percentage",
        "weighted_mean",
        "mean",
        enrolled,
    )
    assert Organisation.objects.get(code="org-a").identifiers == ["GB-CHC-1000001"]
    assert list(
        Category.objects.filter(dimension__code="age_band").values_list("code", flat=True)
    ) == ["16-24", "25+"]


def test_loading_a_json_file_creates_the_initiative(db, cli, tmp_path):
    path = tmp_path / "beta.json"
    path.write_text(json.dumps(yaml.safe_load((FIXTURES / "beta.yaml").read_text())))
    code, summary = load_json(cli, path)
    assert code == 0
    assert summary == {
        "initiative": "beta",
        "created": [
            "initiative beta",
            "organisation org-c",
            "participation org-c",
            "indicator enrolled",
        ],
        "updated": [],
    }
    assert Initiative.objects.get(code="beta").period_type == "quarter"


def test_loading_the_same_file_twice_changes_nothing(db, cli):
    assert load_json(cli, FIXTURES / "alpha.yaml")[0] == 0
    before = snapshot()
    code, summary = load_json(cli, FIXTURES / "alpha.yaml")
    assert (code, summary) == (0, {"initiative": "alpha", "created": [], "updated": []})
    assert snapshot() == before
    code, out, _ = cli("initiative", "load", FIXTURES / "alpha.yaml")
    assert out.strip() == "Initiative alpha: nothing changed."


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dumping_then_loading_changes_nothing(db, cli, tmp_path, fmt):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    before = snapshot()
    path = tmp_path / f"alpha.{fmt}"
    code, _, err = cli("initiative", "dump", "alpha", "--format", fmt, "-o", path)
    assert code == 0 and f"Wrote {path}" in err
    code, summary = load_json(cli, path)
    assert (code, summary["created"], summary["updated"]) == (0, [], [])
    assert snapshot() == before


def test_a_dump_to_standard_output_is_the_definition(db, cli):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    code, out, _ = cli("initiative", "dump", "alpha")
    assert code == 0
    data = yaml.safe_load(out)
    original = yaml.safe_load((FIXTURES / "alpha.yaml").read_text())
    assert data["code"] == "alpha" and data["fy_first_month"] == 4
    assert [i["code"] for i in data["indicators"]] == [i["code"] for i in original["indicators"]]
    assert (
        next(i for i in data["indicators"] if i["code"] == "start_rate")["weight_indicator"]
        == "enrolled"
    )


def test_a_dump_loads_into_an_empty_database_as_the_same_initiative(db, cli, tmp_path):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    path = tmp_path / "alpha.json"
    cli("initiative", "dump", "alpha", "--format", "json", "-o", path)
    first = json.loads(path.read_text())
    Initiative.objects.all().delete()
    Organisation.objects.all().delete()
    assert load_json(cli, path)[0] == 0
    cli("initiative", "dump", "alpha", "--format", "json", "-o", path)
    assert json.loads(path.read_text()) == first


def test_a_change_in_the_file_updates_only_what_changed(db, cli, tmp_path):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    data = yaml.safe_load((FIXTURES / "alpha.yaml").read_text())
    data["indicators"][1]["name"] = "Jobs started"
    data["indicators"][1]["dimensions"] = []
    data["dimensions"][1]["categories"].append({"code": "65+", "name": "65 and over"})
    path = tmp_path / "alpha.yaml"
    path.write_text(yaml.safe_dump(data))
    before = Initiative.objects.get(code="alpha").updated_at
    code, summary = load_json(cli, path)
    assert code == 0
    assert summary["created"] == ["category age_band.65+"]
    assert summary["updated"] == ["indicator job_starts"]
    job_starts = Indicator.objects.get(code="job_starts")
    assert (job_starts.name, job_starts.dimensions.count()) == ("Jobs started", 0)
    assert Initiative.objects.get(code="alpha").updated_at == before


def test_the_summary_lists_what_was_created_and_updated(db, cli, tmp_path):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    data = yaml.safe_load((FIXTURES / "alpha.yaml").read_text())
    data["vision"] = "A new vision."
    path = tmp_path / "alpha.yaml"
    path.write_text(yaml.safe_dump(data))
    code, out, _ = cli("initiative", "load", path)
    assert code == 0
    assert out.splitlines() == ["Initiative alpha: 0 created, 1 updated.", "  ~ initiative alpha"]


# -- bad files -----------------------------------------------------------------------------------


def bad_alpha(tmp_path, change) -> Path:
    data = yaml.safe_load((FIXTURES / "alpha.yaml").read_text())
    change(data)
    path = tmp_path / "alpha.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


BAD = {
    "unknown value type": (
        lambda d: d["indicators"][2].update(value_type="ratio"),
        "indicators.2.value_type: Input should be",
    ),
    "unknown aggregation": (
        lambda d: d["indicators"][0].update(aggregation="median"),
        "indicators.0.aggregation: Input should be",
    ),
    "unknown time rule": (
        lambda d: d["indicators"][0].update(time_aggregation="first"),
        "indicators.0.time_aggregation",
    ),
    "missing name": (lambda d: d["indicators"][1].pop("name"), "indicators.1.name: Field required"),
    "unknown field": (
        lambda d: d["indicators"][0].update(colour="red"),
        "indicators.0.colour: Extra inputs are not permitted",
    ),
    "bad code": (
        lambda d: d["organisations"][0].update(code="org a"),
        "organisations.0.code: String should match pattern",
    ),
    "bad org-id": (
        lambda d: d["organisations"][1].update(identifiers=["1000002"]),
        "organisations.1.identifiers: '1000002' is not an org-id identifier",
    ),
    "first month 13": (
        lambda d: d.update(fy_first_month=13),
        "fy_first_month: Input should be less than or equal to 12",
    ),
    "unknown frequency": (
        lambda d: d.update(reporting_frequency="weekly"),
        "reporting_frequency: Input should be",
    ),
    "undefined dimension": (
        lambda d: d["indicators"][1].update(dimensions=["area"]),
        "indicators.1 (job_starts): dimension 'area' is not defined",
    ),
    "undefined weight": (
        lambda d: d["indicators"][3].update(weight_indicator="people"),
        "indicators.3 (start_rate): weight_indicator 'people' is not an indicator",
    ),
    "weighted mean with no weight": (
        lambda d: d["indicators"][3].pop("weight_indicator"),
        "indicators.3: a weighted_mean indicator needs weight_indicator",
    ),
    "duplicate indicator": (
        lambda d: d["indicators"].append(dict(d["indicators"][0])),
        "indicator code 'enrolled' appears twice",
    ),
    "duplicate category": (
        lambda d: d["dimensions"][0]["categories"].append({"code": "male", "name": "Men"}),
        "dimensions.0: category code 'male' appears twice",
    ),
    "reserved dimension code": (
        lambda d: d["dimensions"][0].update(code="value"),
        "dimensions.0.code: 'value' is a reserved column name",
    ),
    "min above max": (
        lambda d: d["indicators"][4].update(min=10, max=5),
        "indicators.4: min is greater than max",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_file_is_refused_naming_the_field_and_nothing_is_written(db, cli, tmp_path, case):
    change, words = BAD[case]
    path = bad_alpha(tmp_path, change)
    code, out, err = cli("initiative", "load", path)
    assert code == 1 and out == ""
    assert err.startswith("commonmeasure: alpha.yaml: cannot load the initiative:")
    assert words in err
    assert Initiative.objects.count() == 0 and Organisation.objects.count() == 0


def test_a_bad_file_leaves_a_loaded_initiative_as_it_was(db, cli, tmp_path):
    cli("initiative", "load", FIXTURES / "alpha.yaml")
    before = snapshot()
    path = bad_alpha(
        tmp_path,
        lambda d: (d.update(name="Renamed"), d["indicators"][2].update(value_type="ratio")),
    )
    assert cli("initiative", "load", path)[0] == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "a.yaml",
            "code: alpha\nname: [unclosed\n",
            "a.yaml: cannot load the initiative:\n  - line 3, column 1",
        ),
        (
            "a.json",
            '{"code": "alpha",\n "name": }',
            "a.json: cannot load the initiative:\n  - line 2, column 10: Expecting value",
        ),
        ("a.yaml", "", "the file is empty"),
        ("a.yaml", "- code: alpha\n", "the top level must be a mapping"),
        ("a.yaml", "name: Alpha\n", "code: Field required"),
    ],
)
def test_an_unreadable_file_is_refused_saying_where(db, cli, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content)
    code, _, err = cli("initiative", "load", path)
    assert code == 1
    assert words in err
    assert Initiative.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(db, cli, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes("code: alpha\nname: Caf\u00e9\n".encode("cp1252"))
    code, _, err = cli("initiative", "load", path)
    assert (
        code == 1 and "a.yaml: cannot load the initiative:\n  - the file is not UTF-8 text" in err
    )


def test_a_missing_file_is_refused(db, cli, tmp_path):
    code, _, err = cli("initiative", "load", tmp_path / "nope.yaml")
    assert code == 1 and "nope.yaml" in err and "cannot be read" in err


def test_dumping_an_unknown_initiative_is_an_error(db, cli):
    code, out, err = cli("initiative", "dump", "nope")
    assert code == 1 and out == "" and "no initiative with code 'nope'" in err


def test_an_initiative_with_a_weighted_mean_and_approved_data_can_be_deleted(cast, import_csv):
    """Deleting an initiative takes its indicators, values and combinations of categories with it."""
    from commonmeasure.reporting.models import DataValue, Disaggregation

    text = "organisation,indicator,period,value,gender\norg-a,enrolled,2024-01,10,\norg-a,enrolled,2024-01,4,female\n"
    assert import_csv(cast.alpha, text, approve=True).errors == []
    cast.alpha.delete()
    assert not Initiative.objects.filter(code="alpha").exists()
    assert (DataValue.objects.count(), Disaggregation.objects.count()) == (0, 0)
    assert Indicator.objects.filter(initiative=cast.beta).count() == 1


def test_a_weight_indicator_cannot_be_deleted_while_another_indicator_uses_it(cast):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        Indicator.objects.get(initiative=cast.alpha, code="enrolled").delete()
