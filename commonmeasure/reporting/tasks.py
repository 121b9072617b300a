"""Background tasks of the reporting app, run by `commonmeasure worker` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import uploads


@task()
def import_upload(token: str, user_id: int, commit: bool, organisations: list[int] | None) -> None:
    """Check (commit=False) or import (commit=True) a stored upload; progress goes to its JSON file."""
    uploads.run_upload_task(token, user_id, commit, organisations)


def start(token: str, user, commit: bool, organisations, background: bool) -> dict:
    """Process an upload now, or queue it for the worker and return at once."""
    if not background:
        return uploads.process_upload(token, user, commit, organisations)
    uploads.update_upload(token, state="queued", stage="commit" if commit else "check", done=0)
    import_upload.enqueue(
        token, user.id, commit, list(organisations) if organisations is not None else None
    )
    return uploads.load_upload(token, user)
