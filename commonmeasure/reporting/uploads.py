"""Values files uploaded through the web: kept server-side between the dry run and the commit.

An upload is stored under ``settings.VAR_DIR/uploads`` with a random name, beside a small JSON
file saying who uploaded it, for which initiative, when it expires and how far its import has
got. Only its owner can see or commit it. Files of ``BACKGROUND_ROWS`` rows or more are checked
and imported by a background task (django-tasks, database backend, run by
``commonmeasure worker``), one at a time per database (import_slot); the page polls the JSON
file for progress.

``import_file`` is the one way a file is imported, from the web and from ``import values``:
it reads the long layout, the XLSX template or the CSV template alike.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from commonmeasure.initiatives.models import Initiative
from commonmeasure.interchange import templates_xlsx as templates
from commonmeasure.interchange.errors import FileProblem
from commonmeasure.interchange.tabular import check_zip_sizes, open_table
from commonmeasure.upload_store import (  # noqa: F401 (EXPIRY_SECONDS, UploadNotFound: part of this API)
    EXPIRY_SECONDS,
    UploadNotFound,
    UploadStore,
)

from .import_slot import one_at_a_time
from .importing import FILE, ImportResult, import_table

BACKGROUND_ROWS = 100_000
SUFFIXES = (".csv", ".xlsx", ".ods", ".txt")


@dataclass
class Outcome:
    result: ImportResult
    notes: list[str] = field(default_factory=list)
    kind: str = "long"  # long, template-xlsx, template-csv

    def as_dict(self) -> dict:
        summary = self.result.as_dict()
        summary.update(
            notes=self.notes,
            kind=self.kind,
            dry_run=self.result.dry_run,
            approved=self.result.approved,
            error_count=len(self.result.errors) + self.result.more_errors,
        )
        return summary


def open_values_file(
    path: Path, display_name: str | None = None, initiative: Initiative | None = None
):
    """(Table, TemplateTable or None, kind) for any values file; FileProblem if it cannot be read."""
    path = Path(path)
    name = display_name or path.name
    if not path.is_file():
        return open_table(path, name), None, "long"  # says why it cannot be read
    if templates.is_xlsx_template(path):
        tt = templates.open_xlsx_template(path, name)
        if initiative is not None and tt.initiative != initiative.code:
            tt.table.rows.close()
            raise FileProblem(
                _("%(name)s: is a template for initiative %(template)s, not %(initiative)s")
                % {
                    "name": name,
                    "template": repr(tt.initiative),
                    "initiative": repr(initiative.code),
                }
            )
        return tt.table, tt, "template-xlsx"
    if path.stat().st_size and templates.is_csv_template(path):
        return templates.open_csv_template(path, name), None, "template-csv"
    table = open_table(path, name)
    marked = templates.marked_table(table, name)  # the CSV template saved as a workbook
    if marked is not None:
        return marked, None, "template-csv"
    return table, None, "long"


def import_file(
    initiative: Initiative,
    path: Path,
    *,
    display_name: str | None = None,
    dry_run: bool = False,
    approve: bool = False,
    user=None,
    channel: str = FILE,
    organisations=None,
    progress=None,
) -> Outcome:
    """Check, and unless a dry run, import a values file of any layout; all or nothing."""
    try:
        table, template, kind = open_values_file(path, display_name, initiative)
    except FileProblem as problem:
        result = ImportResult(dry_run=dry_run)
        result.add_error(problem.error.row, problem.error.column, problem.error.message)
        return Outcome(result)
    result = import_table(
        initiative,
        table,
        dry_run=dry_run,
        approve=approve,
        user=user,
        channel=channel,
        organisations=organisations,
        progress=progress,
    )
    if template is not None:
        result.errors = [template.cell_error(e) for e in result.errors]
    return Outcome(result, [*table.notes, *result.notes], kind)


def estimate_rows(path: Path) -> tuple[int, int]:
    """(about how many values a file holds, the progress count at its end).

    The first decides whether to import the file in the background; the second is what the
    import's progress reaches when done: bytes for CSV, sheet rows for XLSX. A sheet that does
    not declare its size (no <dimension>, as some programs write it) is estimated from the
    size of its XML instead, so a large one is checked in the background too (its progress
    total is then unknown: 0).
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head != b"PK\x03\x04":
            lines = 0
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    lines += chunk.count(b"\n")
            return lines, path.stat().st_size
        from openpyxl import load_workbook

        with zipfile.ZipFile(path) as zf:
            check_zip_sizes(zf, path.name)
            sizes = {info.filename: info.file_size for info in zf.infolist()}
        wb = load_workbook(path, read_only=True)
        try:
            if templates.META_SHEET in wb.sheetnames:
                ws = (
                    wb[templates.FILL_SHEET]
                    if templates.FILL_SHEET in wb.sheetnames
                    else wb.worksheets[0]
                )
                if ws.max_row is None:
                    return _undeclared_rows(ws, sizes), 0
                rows = ws.max_row or 0
                return rows * max((ws.max_column or 1) - 5, 1), rows
            visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
            if visible and visible[0].max_row is None:
                return _undeclared_rows(visible[0], sizes), 0
            rows = (visible[0].max_row or 0) if visible else 0
            return rows, rows
        finally:
            wb.close()
    except Exception:  # an unreadable file is reported by the import itself
        return 0, 0


XML_BYTES_PER_ROW = 50  # fewer than any row of values takes in a sheet's XML


def _undeclared_rows(ws, sizes: dict[str, int]) -> int:
    """About how many rows a sheet without a declared size has, at most: from its XML's size
    (the worksheet's part in the zip; every part together if it cannot be told)."""
    part = str(getattr(ws, "_worksheet_path", "")).lstrip("/")
    size = sizes.get(part) or sum(sizes.values())
    return size // XML_BYTES_PER_ROW


# -- stored uploads (the one upload store, commonmeasure/upload_store.py) -------------------

STORE = UploadStore("uploads")


def upload_dir() -> Path:
    return STORE.folder()


def max_upload_bytes() -> int:
    return int(settings.CM_MAX_UPLOAD_MB) * 1024 * 1024


def check_size(name: str, size: int) -> None:
    if size > max_upload_bytes():
        raise FileProblem(
            _(
                "%(name)s: is %(size)s MB, more than the %(limit)s MB an upload may be; "
                "split it into smaller files, or ask the backbone to import it with the command line"
            )
            % {
                "name": name,
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": settings.CM_MAX_UPLOAD_MB,
            }
        )
    if size == 0:
        raise FileProblem(_("%(name)s: the file is empty") % {"name": name})


def save_upload(uploaded, user, initiative: Initiative, organisation) -> str:
    """Store an uploaded file (a Django UploadedFile) and return its token."""
    name = Path(uploaded.name or "upload").name[:200]
    check_size(name, uploaded.size)
    suffix = Path(name).suffix.lower()
    return STORE.save(
        uploaded.chunks(),
        owner=user.id,
        name=name,
        suffix=suffix if suffix in SUFFIXES else ".dat",
        initiative=initiative.code,
        organisation=organisation.code,
        state="uploaded",
        stage=None,
        done=0,
        total=0,
        summary=None,
        committed=None,
    )


def load_upload(token: str, user) -> dict:
    return STORE.load(token, getattr(user, "id", None))


def data_path(meta: dict) -> Path:
    return STORE.data_path(meta)


def update_upload(token: str, **changes) -> dict:
    return STORE.update(token, **changes)


def purge_expired(now: float | None = None) -> int:
    """Delete uploads past their expiry; returns how many."""
    return STORE.purge_expired(now)


def allowed_organisations(access, initiative: Initiative):
    """None (any organisation) for the backbone; otherwise those the user may edit."""
    if access.is_backbone:
        return None
    return [oid for oid in access.own_organisations if access.can_edit(oid)]


def process_upload(token: str, user, commit: bool, organisations) -> dict:
    """Run the dry run or the commit of a stored upload, recording progress and the summary."""
    meta = load_upload(token, user)
    initiative = Initiative.objects.get(code=meta["initiative"])
    path = data_path(meta)
    stage = "commit" if commit else "check"
    total = meta.get("progress_total") or 0
    update_upload(token, state="running", stage=stage, done=0, total=total)
    last = {"t": 0.0}

    def progress(position: int) -> None:
        now = time.monotonic()
        if now - last["t"] > 0.5:
            last["t"] = now
            update_upload(token, done=int(position))

    outcome = import_file(
        initiative,
        path,
        display_name=meta["name"],
        dry_run=not commit,
        user=user,
        channel=FILE,  # files uploaded through the web pages are audited as "file"
        organisations=organisations,
        progress=progress,
    )
    summary = outcome.as_dict()
    if commit and outcome.result.ok:
        meta = update_upload(token, state="committed", summary=summary, committed=time.time())
        STORE.delete_data(meta)
    else:
        meta = update_upload(token, state="checked" if not commit else "failed", summary=summary)
    return meta


def run_upload_task(token: str, user_id: int, commit: bool, organisations) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(id=user_id)
    try:
        with one_at_a_time(
            f"upload:{token}", waiting=lambda: update_upload(token, state="waiting")
        ):
            process_upload(token, user, commit, organisations)
    except Exception as exc:  # recorded for the page, then raised for the worker's log
        update_upload(
            token,
            state="error",
            summary={
                "errors": [
                    {
                        "row": None,
                        "column": None,
                        "message": _("The import stopped: %(problem)s") % {"problem": exc},
                    }
                ]
            },
        )
        raise
