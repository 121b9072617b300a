"""Background tasks of the rollups app, run by `commonmeasure worker` (django-tasks)."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from commonmeasure.initiatives.models import Initiative

from . import engine


@task()
def rebuild_rollups(initiative_id: int) -> int:
    """Rebuild an initiative's rollups if the rules they were made with no longer hold; the
    number of rows written (0 when they were up to date)."""
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is None or engine.up_to_date(initiative):
        return 0
    return engine.rebuild(initiative, check=False).written


def rebuild_in_background(initiative: Initiative) -> str | None:
    """Queue the rebuild of stale rollups; the queued task's id (None when up to date). Until
    it has run, reads of the indicators whose rules changed use the stored values."""
    if engine.up_to_date(initiative):
        return None
    return str(rebuild_rollups.enqueue(initiative.pk).id)


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def rebuild_state(initiative: Initiative, task_id: str | None) -> str:
    """Where a queued rebuild is: queued, running, done or failed. The rollups being up to
    date is done whatever the task says."""
    if engine.up_to_date(initiative):
        return DONE
    if not task_id:
        return QUEUED
    try:
        status = rebuild_rollups.get_result(task_id).status
    except (TaskResultDoesNotExist, ValueError):
        return QUEUED
    if status == TaskResultStatus.RUNNING:
        return RUNNING
    if status == TaskResultStatus.FAILED:
        return FAILED
    return DONE if status == TaskResultStatus.SUCCESSFUL else QUEUED
