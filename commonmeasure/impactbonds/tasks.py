"""Background tasks of the impact bond database, run by `commonmeasure worker` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import uploads


@task()
def import_indigo_upload(token: str, user_id: int, commit: bool) -> None:
    """Check (commit=False) or import (commit=True) a stored INDIGO bundle; progress goes to
    its record in the upload store."""
    uploads.run_task(token, user_id, commit)


def start(token: str, user, commit: bool) -> dict:
    """Check or import now, or queue the work for the background worker and return at once."""
    record = uploads.load(token, user)
    if not record.get("background"):
        return uploads.process(token, user, commit)
    uploads.STORE.update(
        token, state="queued", stage="commit" if commit else "check", done=0, total=0
    )
    import_indigo_upload.enqueue(token, user.id, commit)
    return uploads.load(token, user)
