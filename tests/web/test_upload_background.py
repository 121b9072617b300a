"""Large uploads are checked and imported by the background worker (issue 16, point 5): a
workbook that does not declare its size is not checked inside the request."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

from tests.web.test_uploads import upload


def workbook_without_declared_size(rows: int) -> bytes:
    """A long-layout workbook whose sheet has no <dimension> (as some programs write it)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["organisation", "indicator", "period", "value"])
    for n in range(rows):
        ws.append(["org-a", "caseload", f"{2000 + n // 12}-{1 + n % 12:02d}", n])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
                assert b"<dimension" not in data
            dst.writestr(info, data)
    return out.getvalue()


def test_a_workbook_without_a_declared_size_is_checked_in_the_background(client_for, settings):
    settings.CM_BACKGROUND_ROWS = 100
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = upload(client_for("alice"), workbook_without_declared_size(300)).content.decode()
    assert 'data-state="queued"' in page and 'id="upload-progress"' in page


def test_a_small_workbook_without_a_declared_size_is_still_checked_at_once(client_for, settings):
    settings.CM_BACKGROUND_ROWS = 100
    page = upload(client_for("alice"), workbook_without_declared_size(5)).content.decode()
    assert 'data-state="checked"' in page and 'id="count-new">5<' in page


def test_background_imports_run_one_at_a_time_and_the_page_says_it_waits(
    client_for, settings, monkeypatch
):
    """Another worker holds the database's import slot: this upload's task waits (its page
    says so) and runs when the slot is given back."""
    from commonmeasure.reporting import import_slot, uploads

    settings.CM_BACKGROUND_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert import_slot.try_take("another import")
    seen = []

    def the_other_import_finishes(seconds):
        meta = next(
            uploads.update_upload(p.stem) for p in (settings.VAR_DIR / "uploads").glob("*.json")
        )
        seen.append((meta["state"], import_slot.holder_now()))
        import_slot.give_back("another import")

    monkeypatch.setattr(import_slot.time, "sleep", the_other_import_finishes)
    page = upload(client_for("alice"), workbook_without_declared_size(300)).content.decode()
    assert seen == [("waiting", "another import")]
    assert 'data-state="checked"' in page and 'id="count-new">300<' in page
    assert import_slot.holder_now() == ""  # given back


def test_a_slot_whose_worker_died_is_free_after_its_lease(db):
    import time_machine
    from django.utils import timezone

    from commonmeasure.reporting import import_slot

    assert import_slot.try_take("a worker that dies")
    assert not import_slot.try_take("the next")
    with time_machine.travel(timezone.now() + import_slot.LEASE + timezone.timedelta(seconds=1)):
        assert import_slot.try_take("the next")


def test_the_import_command_waits_for_the_import_slot_and_a_dry_run_does_not(
    cast, cli, tmp_path, monkeypatch
):
    from commonmeasure.reporting import import_slot

    path = tmp_path / "v.csv"
    path.write_text("organisation,indicator,period,value\norg-a,enrolled,2024-01,10\n")
    assert import_slot.try_take("a worker's import")
    code, _out, err = cli("import", "values", str(path), "--initiative", "alpha", "--dry-run")
    assert code == 0 and "Waiting" not in err
    monkeypatch.setattr(
        import_slot.time, "sleep", lambda s: import_slot.give_back("a worker's import")
    )
    code, _out, err = cli("import", "values", str(path), "--initiative", "alpha")
    assert code == 0 and "Waiting for another import to finish" in err
    assert import_slot.holder_now() == ""
