"""The impact bond database's administration pages (impactbonds/views_manage.py): staff only;
an INDIGO zip checked then imported, in the background when large; the data-quality report with
filters and downloads; a project's fields marked public, private or disputed."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds import uploads
from commonmeasure.impactbonds.services import field_status, import_bundle, mark_field
from commonmeasure.interchange.indigo import public_cells

from .helpers import SAMPLE, copy_sample, set_cell

PAGES = [
    "/impact-bonds/manage/",
    "/impact-bonds/manage/quality/",
    "/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/",
]
STAGE = "Stage of Development"


def _zip(folder, name="indigo.zip") -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in sorted(folder.iterdir()):
            if path.suffix == ".csv":
                zf.write(path, f"indigo/{path.name}")
    return SimpleUploadedFile(name, buf.getvalue(), "application/zip")


def _administrator(user):
    """Give ``user`` the permission to administer the impact bond database."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="administer_database"))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


@pytest.fixture
def staff(cast):
    return _administrator(cast.outsider)


@pytest.fixture
def loaded(db):
    import_bundle(SAMPLE)


# -- who may -------------------------------------------------------------------------------------


def test_being_staff_is_not_enough_a_backbone_admin_of_an_initiative_may_not(cast, client_for):
    # every backbone admin is made staff (for Django admin of their own initiative)
    assert type(cast.backbone).objects.get(pk=cast.backbone.pk).is_staff
    assert client_for("backbone").get("/impact-bonds/manage/").status_code == 403
    assert 'id="nav-manage"' not in client_for("backbone").get("/impact-bonds/").content.decode()
    page = client_for(_administrator(cast.backbone)).get("/impact-bonds/").content.decode()
    assert 'id="nav-manage"' in page


@pytest.mark.parametrize("who", ["alice", "outsider"])
def test_only_staff_see_the_administration_pages(loaded, client_for, who):
    client = client_for(who)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post(PAGES[0], {"file": _zip(SAMPLE)}).status_code == 403
    assert (
        client.post(PAGES[2], {"field": STAGE, "status": "PRIVATE", "note": "x"}).status_code == 403
    )


def test_signed_out_visitors_are_sent_to_log_in(loaded, client_for):
    for url in PAGES:
        response = client_for("anonymous").get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_see_them(loaded, staff, client_for):
    for url in PAGES:
        assert client_for(staff).get(url).status_code == 200, url


# -- import ----------------------------------------------------------------------------------------


def test_a_bundle_is_checked_then_imported(db, staff, client_for, tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(bundle / "projects.csv", {"ID": "INDIGO-POJ-0001"}, STAGE + " - (Value)", "Nonsense")
    m.Project.objects.all().delete()
    client = client_for(staff)

    response = client.post("/impact-bonds/manage/", {"file": _zip(bundle)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()

    assert 'id="import-commit"' in page and "projects.csv" in page
    assert "Nonsense" in page and STAGE + " - (Value)" in page  # a problem by file and field
    assert not m.Project.objects.exists()  # the dry run wrote nothing

    token = response["Location"].rstrip("/").split("/")[-1]
    done = client.post(f"/impact-bonds/manage/import/{token}/commit/")
    assert done.status_code == 302
    assert m.Project.objects.count() == 12
    assert 'id="import-result"' in client.get(done["Location"]).content.decode()
    audit = m.DatabaseChange.objects.get(kind="import")
    assert audit.changed_by == staff and audit.details["tables"]["projects"]["created"] == 12
    # Committed: it cannot be imported twice.
    assert client.post(f"/impact-bonds/manage/import/{token}/commit/").status_code == 403


def test_the_same_bundle_again_changes_nothing_and_offers_no_import(loaded, staff, client_for):
    client = client_for(staff)
    page = client.get(client.post("/impact-bonds/manage/", {"file": _zip(SAMPLE)})["Location"])
    text = page.content.decode()
    assert "changes nothing" in text and 'id="import-commit"' not in text


def test_a_bundle_with_a_wrong_layout_is_refused_with_its_problems(db, staff, client_for, tmp_path):
    from .helpers import drop_column

    bundle = copy_sample(tmp_path)
    drop_column(bundle / "projects.csv", "ID")
    client = client_for(staff)
    page = client.get(client.post("/impact-bonds/manage/", {"file": _zip(bundle)})["Location"])
    text = page.content.decode()
    assert 'id="layout-errors"' in text and "projects.csv" in text
    assert 'id="import-commit"' not in text


def test_a_file_that_is_not_a_zip_is_refused(db, staff, client_for):
    response = client_for(staff).post(
        "/impact-bonds/manage/", {"file": SimpleUploadedFile("indigo.zip", b"not a zip")}
    )
    assert response.status_code == 400 and "not a zip" in response.content.decode()


def test_a_large_bundle_is_checked_by_the_worker_with_its_progress_shown(
    db, staff, client_for, settings
):
    settings.CM_INDIGO_BACKGROUND_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(staff)
    location = client.post("/impact-bonds/manage/", {"file": _zip(SAMPLE)})["Location"]
    token = location.rstrip("/").split("/")[-1]

    queued = client.get(location).content.decode()
    assert 'data-state="queued"' in queued and 'hx-trigger="every 1s"' in queued

    uploads.STORE.update(token, state="running", done=5, total=10)
    part = client.get(location, HTTP_HX_REQUEST="true")
    assert 'value="50"' in part.content.decode() and "HX-Refresh" not in part

    uploads.run_task(token, staff.id, commit=False)  # what the worker does
    finished = client.get(location, HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    assert 'id="import-commit"' in client.get(location).content.decode()


def test_someone_elses_upload_is_not_found(db, staff, cast, client_for):
    location = client_for(staff).post("/impact-bonds/manage/", {"file": _zip(SAMPLE)})["Location"]
    assert client_for(_administrator(cast.backbone)).get(location).status_code == 404


# -- data quality ----------------------------------------------------------------------------------


def test_the_quality_page_filters_by_priority_field_project_and_status(loaded, staff, client_for):
    client = client_for(staff)
    page = client.get("/impact-bonds/manage/quality/?priority=0").content.decode()
    assert "Period - Start - (Value)" in page and 'data-priority="1"' not in page

    page = client.get(
        "/impact-bonds/manage/quality/?project=INDIGO-POJ-0001&field=period"
    ).content.decode()
    assert page.count('data-priority="0"') == 4 and "INDIGO-POJ-0002" not in page

    m.Project.objects.filter(indigo_id="INDIGO-POJ-0001").update(status="PRIVATE")
    page = client.get("/impact-bonds/manage/quality/?status=PRIVATE").content.decode()
    assert "INDIGO-POJ-0001" in page and "INDIGO-POJ-0002" not in page


def test_the_quality_downloads_hold_the_filtered_rows(loaded, staff, client_for):
    client = client_for(staff)
    response = client.get("/impact-bonds/manage/quality/?priority=0&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Project ID", "Project", "Project status", "Priority"]
    assert rows[1:] and {r[3] for r in rows[1:]} == {"0"}

    from openpyxl import load_workbook

    xlsx = client.get("/impact-bonds/manage/quality/?priority=0&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows)


# -- public, private, disputed -----------------------------------------------------------------------


def test_marking_a_field_private_hides_it_from_the_public_view_and_is_audited(loaded, staff):
    project = m.Project.objects.get(indigo_id="INDIGO-POJ-0001")
    assert project.stage

    change = mark_field(project, STAGE, "PRIVATE", by=staff, note="Not confirmed yet")

    project.refresh_from_db()
    assert project.stage == ""  # the typed field holds the public view only
    assert field_status(project, STAGE) == "PRIVATE"
    cells = dict(project.cells)
    assert cells[STAGE + " - (Value)"]  # the value is kept for the full export
    assert dict(public_cells(project.cells))[STAGE + " - (Value)"] == ""
    assert (change.field, change.old_status, change.new_status, change.changed_by) == (
        STAGE,
        "PUBLIC",
        "PRIVATE",
        staff,
    )

    mark_field(project, STAGE, "PUBLIC", by=staff)
    project.refresh_from_db()
    assert project.stage and m.DatabaseChange.objects.count() == 2
    assert mark_field(project, STAGE, "PUBLIC", by=staff) is None  # no change, no record


def test_the_fields_page_marks_a_field_disputed_and_needs_a_note(loaded, staff, client_for):
    client = client_for(staff)
    url = "/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/"

    refused = client.post(url, {"field": STAGE, "status": "DISPUTED", "note": ""})
    assert refused.status_code == 400 and 'id="field-errors"' in refused.content.decode()
    assert not m.DatabaseChange.objects.exists()

    saved = client.post(url, {"field": STAGE, "status": "DISPUTED", "note": "Two sources differ"})
    assert saved.status_code == 302
    page = client.get(saved["Location"]).content.decode()
    assert f'data-field="{STAGE}" data-status="DISPUTED"' in page and "Two sources differ" in page
    audit = client.get("/impact-bonds/manage/").content.decode()
    assert f"{STAGE}: public → disputed (Two sources differ)" in audit
    public = client_for("anonymous").get("/impact-bonds/projects/INDIGO-POJ-0001/").content.decode()
    project = m.Project.objects.get(indigo_id="INDIGO-POJ-0001")
    value = dict(project.cells)[STAGE + " - (Value)"]
    assert value not in public


def test_an_unknown_field_is_refused(loaded, staff, client_for):
    response = client_for(staff).post(
        "/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/",
        {"field": "Nothing like it", "status": "PRIVATE", "note": "x"},
    )
    assert response.status_code == 400 and not m.DatabaseChange.objects.exists()


def test_a_status_changed_by_someone_else_meanwhile_is_not_overwritten(
    loaded, staff, cast, client_for
):
    url = "/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/"
    project = m.Project.objects.get(indigo_id="INDIGO-POJ-0001")
    mark_field(project, STAGE, "DISPUTED", by=cast.backbone, note="Sources differ")

    # The page was opened while it was still public.
    response = client_for(staff).post(
        url, {"field": STAGE, "status": "PRIVATE", "was": "PUBLIC", "note": "Not confirmed"}
    )

    assert response.status_code == 400
    assert "someone changed it to disputed" in response.content.decode()
    project.refresh_from_db()
    assert field_status(project, STAGE) == "DISPUTED"
    assert m.DatabaseChange.objects.count() == 1
