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
        ws.append(["org-a", "caseload", f"2024-{1 + n % 12:02d}", n])
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
