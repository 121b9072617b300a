"""The spreadsheet pages: download a template, upload a file, see the dry run, commit."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from commonmeasure.reporting.models import DataValue

UPLOAD = "/i/alpha/orgs/org-a/upload/"
TEMPLATE = "/i/alpha/orgs/org-a/upload/template/"


def filled_template(client, cells: dict, period="2024-01") -> bytes:
    response = client.get(TEMPLATE, {"period": period})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Values"]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="filled.xlsx", url=UPLOAD):
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)


def token_of(response) -> str:
    return response.redirect_chain[-1][0].rstrip("/").split("/")[-1]


def values():
    return sorted(
        DataValue.objects.values_list(
            "submission__organisation__code",
            "indicator__code",
            "submission__period",
            "disaggregation__key",
            "value",
        )
    )


@pytest.mark.parametrize(
    "name,status",
    [("alice", 200), ("backbone", 200), ("bob", 403), ("carol", 404), ("outsider", 404)],
)
def test_only_the_organisations_reporters_and_the_backbone_can_open_its_upload_page(
    client_for, name, status
):
    response = client_for(name).get(UPLOAD)
    assert response.status_code == status


def test_a_signed_out_visitor_is_sent_to_log_in(client_for):
    response = client_for("anonymous").get(UPLOAD)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_reporter_cannot_download_another_organisations_template(client_for):
    assert client_for("bob").get(TEMPLATE, {"period": "2024-01"}).status_code == 403


def test_the_template_download_is_a_workbook_for_the_organisation_and_periods(client_for):
    response = client_for("alice").get(TEMPLATE, {"period": "2024-01", "to": "2024-03"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="alpha_org-a_2024-01_to_2024-03.xlsx"'
    )
    wb = load_workbook(io.BytesIO(response.content))
    meta = {row[0]: row[1] for row in wb["cm_template"].iter_rows(values_only=True)}
    assert (meta["organisation"], meta["periods"]) == ("org-a", "2024-01,2024-02,2024-03")


def test_the_csv_template_download_is_the_long_layout(client_for):
    response = client_for("alice").get(TEMPLATE, {"period": "2024-01", "format": "csv"})
    lines = response.content.decode().splitlines()
    assert lines[1] == "organisation,indicator,period,gender,age_band,value,comment"
    assert "org-a,enrolled,2024-01,female,,," in lines


def test_a_wrong_period_for_the_template_is_named_on_the_page(client_for):
    response = client_for("alice").get(TEMPLATE, {"period": "2024-13"})
    assert response.status_code == 400
    assert "month must be 01-12" in response.content.decode()


def test_an_upload_is_checked_first_and_imported_only_on_commit(client_for):
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12, "F4": 7, "G4": 5}))
    page = response.content.decode()
    assert 'id="count-new">3<' in page and 'id="upload-commit"' in page
    assert values() == []
    token = token_of(response)
    response = alice.post(f"{UPLOAD}{token}/commit/", follow=True)
    assert (
        'id="upload-result"' in response.content.decode()
        and "Imported: 3 new" in response.content.decode()
    )
    assert values() == [
        ("org-a", "enrolled", "2024-01", "", 12.0),
        ("org-a", "enrolled", "2024-01", "gender=female", 7.0),
        ("org-a", "enrolled", "2024-01", "gender=male", 5.0),
    ]


def test_uploading_the_same_values_again_shows_them_unchanged(client_for):
    alice = client_for("alice")
    first = upload(alice, filled_template(alice, {"E4": 12}))
    alice.post(f"{UPLOAD}{token_of(first)}/commit/")
    again = upload(alice, filled_template(alice, {}))  # the template comes back pre-filled
    page = again.content.decode()
    assert 'id="count-unchanged">1<' in page and 'id="count-new">0<' in page


def test_errors_are_listed_by_cell_and_the_file_cannot_be_committed(client_for):
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": -3, "E5": "=E4"}))
    page = response.content.decode()
    assert "cell E4" in page and "cell E5" in page and "is a formula" in page
    assert 'id="upload-commit"' not in page
    assert alice.post(f"{UPLOAD}{token_of(response)}/commit/").status_code == 403
    assert values() == []


def test_a_reporter_cannot_upload_values_for_another_organisation(client_for):
    alice = client_for("alice")
    text = "organisation,indicator,period,value\norg-b,caseload,2024-01,4\n"
    response = upload(alice, text.encode(), "long.csv")
    assert "you may not enter values for organisation org-b" in response.content.decode()


def test_the_backbone_may_upload_values_for_any_organisation(client_for):
    backbone = client_for("backbone")
    text = "organisation,indicator,period,value\norg-b,caseload,2024-01,4\n"
    response = upload(backbone, text.encode(), "long.csv")
    backbone.post(f"{UPLOAD}{token_of(response)}/commit/")
    assert values() == [("org-b", "caseload", "2024-01", "", 4.0)]


def test_someone_elses_upload_cannot_be_seen_or_committed(client_for):
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12}))
    token = token_of(response)
    backbone = client_for("backbone")
    assert backbone.get(f"{UPLOAD}{token}/").status_code == 404
    assert backbone.post(f"{UPLOAD}{token}/commit/").status_code == 404
    assert values() == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(client_for, settings):
    settings.CM_MAX_UPLOAD_MB = 1
    response = upload(
        client_for("alice"),
        b"organisation,indicator,period,value\n" + b"x" * (1024 * 1024 + 1),
        "big.csv",
    )
    assert response.status_code == 400
    assert "more than the 1 MB an upload may be" in response.content.decode()


def test_a_windows_1252_file_is_read_and_the_page_says_so(client_for):
    text = "organisation;indicator;period;value;comment\norg-a;wage;2024-01;12,5;caf\u00e9\n"
    response = upload(client_for("alice"), text.encode("cp1252"), "excel.csv")
    page = response.content.decode()
    assert (
        "read as Windows-1252" in page and "Decimal commas" in page and 'id="count-new">1<' in page
    )


def test_expired_uploads_are_deleted_and_no_longer_found(client_for, settings):
    from commonmeasure.reporting import uploads

    alice = client_for("alice")
    token = token_of(upload(alice, filled_template(alice, {"E4": 1})))
    folder = settings.VAR_DIR / "uploads"
    assert len(list(folder.iterdir())) == 2  # the file and its record
    assert uploads.purge_expired(now=time.time() + uploads.EXPIRY_SECONDS + 1) == 1
    assert list(folder.iterdir()) == []
    assert alice.get(f"{UPLOAD}{token}/").status_code == 404


def test_the_uploaded_file_is_kept_under_a_random_name_not_the_users(client_for, settings):
    alice = client_for("alice")
    upload(alice, filled_template(alice, {"E4": 1}), "../../etc/passwd.xlsx")
    names = sorted(p.name for p in (settings.VAR_DIR / "uploads").iterdir())
    assert all("passwd" not in n for n in names)
    record = json.loads(
        next(p for p in (settings.VAR_DIR / "uploads").iterdir() if p.suffix == ".json").read_text()
    )
    assert record["name"] == "passwd.xlsx" and record["owner"]


def test_a_large_upload_runs_in_the_background_and_the_page_polls(client_for, settings):
    settings.CM_BACKGROUND_ROWS = 2
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }  # queued, never run
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12, "F4": 7, "G4": 5}))
    page = response.content.decode()
    assert (
        'data-state="queued"' in page
        and 'hx-trigger="every 1s"' in page
        and 'id="upload-progress"' in page
    )


def test_a_large_upload_run_by_the_worker_reaches_the_same_summary(client_for, settings):
    settings.CM_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12, "F4": 7, "G4": 5}))
    assert 'id="count-new">3<' in response.content.decode()
    poll = alice.get(response.redirect_chain[-1][0], HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    alice.post(f"{UPLOAD}{token_of(response)}/commit/")
    assert len(values()) == 3


def test_the_organisation_page_links_to_the_upload_page_for_its_reporter_only(client_for):
    assert 'id="upload-values"' in client_for("alice").get("/i/alpha/orgs/org-a/").content.decode()
    assert (
        'id="upload-values"' not in client_for("bob").get("/i/alpha/orgs/org-a/").content.decode()
    )


def test_the_problem_count_counts_errors_beyond_those_listed(client_for):
    rows = "".join(
        f"org-a,caseload,2024-01,{n}\n" for n in range(1200)
    )  # every row after the first repeats it
    response = upload(
        client_for("alice"), f"organisation,indicator,period,value\n{rows}".encode(), "dupes.csv"
    )
    assert "1199 problems found" in response.content.decode()


def test_the_worker_command_runs_a_queued_upload(transactional_db, client_for, cli, settings):
    # Committed data: the worker closes and reopens database connections between tasks, as in production.
    settings.CM_BACKGROUND_ROWS = 2
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12, "F4": 7, "G4": 5}))
    assert (
        'data-state="queued"' in response.content.decode()
    )  # the database queue, as in production
    code, _, err = cli("worker", "--batch", "--interval", "0")
    assert code == 0, err
    page = alice.get(response.redirect_chain[-1][0]).content.decode()
    assert 'data-state="checked"' in page and 'id="count-new">3<' in page


def test_values_from_a_file_uploaded_through_the_web_pages_are_audited_as_file(client_for):
    alice = client_for("alice")
    response = upload(alice, filled_template(alice, {"E4": 12}))
    alice.post(f"{UPLOAD}{token_of(response)}/commit/")
    assert list(DataValue.objects.values_list("created_channel", "created_by__username")) == [
        ("file", "alice")
    ]


def test_warnings_of_the_initiatives_rules_are_listed_on_the_upload_page(client_for):
    from commonmeasure.interchange.definition import InitiativeDef, read_definition
    from commonmeasure.reporting.initiative_file import load_definition
    from tests.conftest import FIXTURES

    data = read_definition(FIXTURES / "alpha.yaml").model_dump()
    data["rules"] = [
        {
            "code": "caseload_covers",
            "left": "caseload",
            "op": ">=",
            "right": "enrolled",
            "severity": "warning",
            "message": "The caseload is usually at least the number enrolled",
        }
    ]
    load_definition(InitiativeDef.model_validate(data))
    text = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\norg-a,caseload,2024-02,8\n"
    )
    response = upload(client_for("alice"), text.encode(), "values.csv")
    page = response.content.decode()
    assert 'id="upload-warnings"' in page and "caseload_covers" in page
    assert 'id="count-new">2<' in page  # a warning does not stop the import
    clean = "organisation,indicator,period,value\norg-a,enrolled,2024-03,10\norg-a,caseload,2024-03,12\n"
    assert (
        'id="upload-warnings"'
        not in upload(client_for("alice"), clean.encode(), "ok.csv").content.decode()
    )
