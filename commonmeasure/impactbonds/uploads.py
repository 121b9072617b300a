"""INDIGO bundles uploaded on the administration pages (views_manage.py): kept in the one upload
store between their dry run and their import, checked or imported now or by the background
worker (tasks.py ``start``), with their progress and summary in the upload's record, as values files are
(reporting/uploads.py).

An upload's record: ``state`` (queued, waiting, running, checked, committed, failed, error),
``stage`` (check or commit), ``done`` and ``total`` (files of the bundle done, for the progress
bar) and ``summary`` (``ImportReport.as_dict()``, or ``layout_errors`` when the bundle's layout
is wrong and nothing can be imported)."""

from __future__ import annotations

import time
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from commonmeasure.interchange.errors import FileProblem
from commonmeasure.interchange.indigo import BundleLayoutError
from commonmeasure.interchange.tabular import check_zip_sizes
from commonmeasure.reporting.import_slot import one_at_a_time
from commonmeasure.upload_store import UploadNotFound, UploadStore

from .services import import_bundle, record_import

STORE = UploadStore("indigo-uploads", keeps_names=True)
MAX_BYTES = 200 * 1024 * 1024
BACKGROUND_BYTES = 256 * 1024  # larger bundles are checked and imported by the worker

__all__ = ["STORE", "UploadNotFound", "save_bundle", "process", "load"]


def background_bytes() -> int:
    return int(getattr(settings, "CM_INDIGO_BACKGROUND_BYTES", BACKGROUND_BYTES))


def save_bundle(uploaded, user) -> str:
    """Keep an uploaded zip; FileProblem (nothing kept) when it is not a zip that can be read."""
    name = uploaded.name or "bundle.zip"
    if not name.lower().endswith(".zip"):
        raise FileProblem(_("%(name)s: choose the INDIGO bundle as a .zip file") % {"name": name})
    if uploaded.size > MAX_BYTES:
        raise FileProblem(
            _("%(name)s: the file is larger than %(mb)s MB")
            % {"name": name, "mb": MAX_BYTES // 1024**2}
        )
    token = STORE.save(uploaded.chunks(), owner=user.id, name=name, suffix=".zip", kind="indigo")
    record = STORE.load(token, user.id)
    try:
        with zipfile.ZipFile(STORE.data_path(record)) as zf:
            check_zip_sizes(zf, name, "bundle")
    except zipfile.BadZipFile:
        STORE.delete(record)
        raise FileProblem(
            _("%(name)s: is not a zip file that can be read") % {"name": name}
        ) from None
    except FileProblem:
        STORE.delete(record)
        raise
    STORE.update(token, state="uploaded", background=uploaded.size >= background_bytes())
    return token


def load(token: str, user) -> dict:
    return STORE.load(token, getattr(user, "id", None), kind="indigo")


def process(token: str, user, commit: bool) -> dict:
    """The dry run (commit=False) or the import of a stored bundle, recording its progress."""
    record = load(token, user)
    stage = "commit" if commit else "check"
    STORE.update(token, state="running", stage=stage, done=0, total=0)
    last = {"t": 0.0}

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last["t"] > 0.5 or done == total:
            last["t"] = now
            STORE.update(token, done=done, total=total)

    try:
        with transaction.atomic():
            report = import_bundle(STORE.data_path(record), dry_run=not commit, progress=progress)
            if commit:
                record_import(report, by=user, name=record["name"])
    except BundleLayoutError as exc:
        return STORE.update(
            token,
            state="failed",
            summary={"layout_errors": [p.as_dict() for p in exc.problems]},
        )
    summary = {**report.as_dict(), "source": record["name"]}
    if commit:
        record = STORE.update(token, state="committed", summary=summary, committed=time.time())
        STORE.delete_data(record)
        return record
    return STORE.update(token, state="checked", summary=summary)


def run_task(token: str, user_id: int, commit: bool) -> None:
    user = get_user_model().objects.get(id=user_id)
    try:
        with one_at_a_time(f"indigo:{token}", waiting=lambda: STORE.update(token, state="waiting")):
            process(token, user, commit)
    except Exception as exc:  # recorded for the page, then raised for the worker's log
        STORE.update(
            token,
            state="error",
            summary={
                "layout_errors": [
                    {"file": "", "message": _("The import stopped: %(why)s") % {"why": exc}}
                ]
            },
        )
        raise
