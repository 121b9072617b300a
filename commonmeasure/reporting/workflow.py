"""The report workflow, one path for the grid, the API and the command line
(docs/reference/permissions.md, "The workflow").

``services.submit``, ``approve``, ``return_for_changes`` and ``reopen`` move one report;
``approve_many`` approves many (``import values --approve``). Both go through ``_move``, which,
inside one transaction:

1. locks the reports and checks each one's status and, where the caller gives it, the version
   the caller saw (a report that changed since is refused with ``StaleVersion``);
2. moves them with one ``UPDATE`` per kind of step (bumping each report's version);
3. records every step in the audit trail (``StatusChange``, one ``INSERT``);
4. sends ``signals.status_changed`` with every step: the conversation app writes the feed
   events and the notifications (one ``INSERT`` each);
5. sends ``signals.values_changed``: the rollups follow the approved data.

A report approved in bulk from draft or returned passes through "submitted" first, as if it
had been submitted and then approved: both steps are recorded and announced. Its values were
checked by the import, validation rules included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import StatusChange, Submission

CHUNK = 500  # ids per statement (SQLite's limit on parameters)


class WorkflowError(Exception):
    """An action that is not allowed now; the message says why."""


class PermissionDenied(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    def __init__(self, message: str, current: Submission):
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Step:
    """One report moved from ``old_status`` to ``new_status`` (the report as it is after)."""

    submission: Submission
    old_status: str
    new_status: str
    comment: str = ""


def stale_message(seen: int, now: int) -> str:
    return _(
        "This report changed since you saw it (version %(seen)s, now %(now)s); "
        "reload it and try again."
    ) % {"seen": seen, "now": now}


def move_one(
    submission: Submission,
    expected_from: tuple[str, ...],
    to: str,
    user,
    *,
    comment: str = "",
    expected_version: int | None = None,
    channel: str = "web",
) -> Submission:
    """Move one report from one of ``expected_from`` to ``to``; the report as it is after."""
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(stale_message(expected_version, current.version), current)
        if current.status not in expected_from:
            raise WorkflowError(
                _("This report is %(status)s; it must be %(expected)s for this action.")
                % {"status": current.status, "expected": " or ".join(expected_from)}
            )
        _move(current.initiative, [(current.pk, current.status)], to, user, comment, channel)
        current.refresh_from_db()
    return current


def approve_many(initiative, submission_ids: Iterable[int], user, *, channel: str) -> int:
    """Approve these reports of ``initiative`` (a backbone action); returns how many changed.

    Drafts and returned reports are submitted first (both steps recorded); approved ones are
    left as they are. Runs inside the caller's transaction if there is one.
    """
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    with transaction.atomic():
        found: list[tuple[int, str]] = []
        for start in range(0, len(ids), CHUNK):
            found.extend(
                Submission.objects.select_for_update()
                .filter(initiative=initiative, id__in=ids[start : start + CHUNK])
                .exclude(status=Submission.APPROVED)
                .values_list("id", "status")
            )
        editable = [(sid, s) for sid, s in found if s in Submission.EDITABLE]
        _move(initiative, editable, Submission.SUBMITTED, user, "", channel, announce=False)
        first = {sid: s for sid, s in editable}
        pending = [(sid, Submission.SUBMITTED if sid in first else s) for sid, s in found]
        _move(initiative, pending, Submission.APPROVED, user, "", channel, before=first)
    return len(found)


def _move(
    initiative,
    reports: list[tuple[int, str]],
    to: str,
    user,
    comment: str,
    channel: str,
    *,
    announce: bool = True,
    before: dict[int, str] | None = None,
) -> list[Step]:
    """Move locked ``reports`` ((id, status now)) to ``to``; record and announce every step.

    ``announce=False`` only updates and records (a first step whose announcement goes with the
    next one); ``before``: the statuses the reports had before that first step.
    """
    if not reports:
        return []
    now = timezone.now()
    by = user if getattr(user, "pk", None) else None
    ids = [sid for sid, _ in reports]
    fields: dict = {"status": to, "version": F("version") + 1, "updated_at": now}
    if to == Submission.SUBMITTED:
        fields.update(submitted_at=now, submitted_by=by)
    else:
        fields.update(reviewed_at=now, reviewed_by=by)
    if to == Submission.RETURNED or (to == Submission.APPROVED and comment):
        fields["review_comment"] = comment
    for start in range(0, len(ids), CHUNK):
        Submission.objects.filter(id__in=ids[start : start + CHUNK]).update(**fields)
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                initiative_id=initiative.id,
                submission_id=sid,
                old_status=old,
                new_status=to,
                comment=comment,
                channel=channel,
                changed_at=now,
                changed_by=by,
            )
            for sid, old in reports
        ],
        batch_size=CHUNK,
    )
    if not announce:
        return []
    subs: dict[int, Submission] = {}
    for start in range(0, len(ids), CHUNK):
        subs.update(
            Submission.objects.filter(id__in=ids[start : start + CHUNK])
            .select_related("organisation")
            .in_bulk()
        )
    for sub in subs.values():
        sub.initiative = initiative  # the same object, not one copy per report
    steps: list[Step] = []
    for sid, old in reports:
        if before and sid in before:  # the first step, submitted, announced with this one
            steps.append(Step(subs[sid], before[sid], old, ""))
        steps.append(Step(subs[sid], old, to, comment))
    signals.status_changed.send(sender=Submission, initiative=initiative, steps=steps, user=user)
    signals.values_changed.send(sender=Submission, initiative=initiative, submission_ids=ids)
    return steps
