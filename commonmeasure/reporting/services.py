"""Writes to submissions: enter values, submit, approve, return, reopen.

Every write checks access through ``commonmeasure.initiatives.access`` and the submission's
version, so that two people editing the same report never silently overwrite each other.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.access import Access
from commonmeasure.initiatives.models import Indicator, Organisation

from . import audit as audit_trail
from . import breakdowns, ownership, report_checks
from . import rules as validation
from .importing import check_value
from .models import DataValue, Disaggregation, Submission, ValueChange, disaggregation_key
from .workflow import PermissionDenied, StaleVersion, WorkflowError, move_one

__all__ = ["PermissionDenied", "StaleVersion", "WorkflowError"]


@dataclass
class CellInput:
    indicator: Indicator
    categories: dict[str, str]  # {} for the total
    raw: str
    comment: str = ""


@dataclass
class SaveResult:
    saved: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # cell name -> message
    submission: Submission | None = None
    rules: list = field(default_factory=list)  # validation.RuleOutcome for the saved report


def deadline_of(initiative, period_code: str):
    """The last day on time for this period's reports, or None without a deadline."""
    return initiative.deadline_for(initiative.parse_period(period_code))


def locked_by_deadline(
    access: Access, submission: Submission | None, period_code: str, today=None
) -> bool:
    """True when the deadline has passed and only the backbone may change the report until it
    unlocks it (docs/reference/reminders.md)."""
    if access.is_backbone:
        return False
    return past_deadline(access.initiative, submission, period_code, today)


def past_deadline(initiative, submission: Submission | None, period_code: str, today=None) -> bool:
    """The deadline lock itself, for anyone but the backbone: the period's deadline has passed
    and the backbone has not unlocked the report."""
    if submission is not None and submission.unlocked_at is not None:
        return False
    deadline = deadline_of(initiative, period_code)
    return deadline is not None and (today or timezone.localdate()) > deadline


def reports_a_deadline_locks(initiative, deadline_days: int | None, today=None) -> list[Submission]:
    """The reports still open to their reporters (draft or returned, not unlocked) that a
    deadline of ``deadline_days`` would lock and the initiative's current deadline does not:
    what the settings page shows before a new deadline is saved (``past_deadline`` is the
    rule that then applies)."""
    proposed = copy.copy(initiative)
    proposed.deadline_days = deadline_days
    return [
        sub
        for sub in Submission.objects.filter(
            initiative=initiative, status__in=Submission.EDITABLE, unlocked_at=None
        )
        .select_related("organisation")
        .order_by("period_start", "organisation__name")
        if past_deadline(proposed, sub, sub.period, today)
        and not past_deadline(initiative, sub, sub.period, today)
    ]


def is_late(submission: Submission | None, initiative, period_code: str, today=None) -> bool:
    """Submitted after the deadline, or not submitted and the deadline has passed."""
    deadline = deadline_of(initiative, period_code)
    if deadline is None:
        return False
    if submission is not None and submission.submitted_at is not None:
        return timezone.localdate(submission.submitted_at) > deadline
    return (today or timezone.localdate()) > deadline


DEADLINE_MESSAGE = gettext_lazy(
    "The deadline for this report has passed; ask the backbone to unlock it."
)


def get_or_create_submission(
    access: Access, organisation: Organisation, period_code: str
) -> Submission:
    initiative = access.initiative
    period = initiative.parse_period(period_code)
    sub, _ = Submission.objects.get_or_create(
        initiative=initiative,
        organisation=organisation,
        period=period.code,
        defaults={"period_start": period.start_date},
    )
    return sub


def save_report(
    access: Access,
    organisation: Organisation,
    period_code: str,
    cells: list[CellInput],
    *,
    expected_version: int,
    user,
    channel: str = ValueChange.WEB,
    note: str | None = None,
) -> SaveResult:
    """The grid's save: the organisation's report for the period, made if it has none yet, and
    ``save_values`` on it, in one transaction (a refused save leaves no empty report behind)."""
    with transaction.atomic():
        submission = get_or_create_submission(access, organisation, period_code)
        result = save_values(
            access,
            submission,
            cells,
            expected_version=expected_version,
            user=user,
            channel=channel,
            note=note,
        )
        if result.errors:
            transaction.set_rollback(True)
        return result


def cell_name(indicator_code: str, categories: dict[str, str]) -> str:
    key, _ = disaggregation_key(categories)
    return f"v:{indicator_code}:{key}"


def save_values(
    access: Access,
    submission: Submission,
    cells: list[CellInput],
    *,
    expected_version: int,
    user,
    channel: str = ValueChange.WEB,
    note: str | None = None,
) -> SaveResult:
    """Save a grid of values for one submission. Blank cells delete stored values.

    Every change is written to the audit trail with ``channel``; ``note`` (if given) replaces the
    report's note for the backbone. The validation rules are checked on the saved values and
    returned; they do not stop a save (they stop a submission).
    """
    if not access.can_edit(submission.organisation_id):
        raise PermissionDenied("You may not edit this organisation's report.")
    if locked_by_deadline(access, submission, submission.period):
        raise WorkflowError(str(DEADLINE_MESSAGE))
    result = SaveResult()
    parsed: list[tuple[CellInput, float | None]] = []
    for cell in cells:
        name = cell_name(cell.indicator.code, cell.categories)
        if str(cell.raw).strip() == "":
            parsed.append((cell, None))
            continue
        value, problem = check_value(cell.raw, cell.indicator)
        if problem:
            result.errors[name] = problem
        parsed.append((cell, value))
    if result.errors:
        return result
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if not current.is_editable:
            raise WorkflowError(
                _("This report is %(status)s and cannot be edited.") % {"status": current.status}
            )
        if current.version != expected_version:
            raise StaleVersion(
                "Someone else saved this report after you opened it. Your changes were not saved; "
                "compare them with the current values below.",
                current,
            )
        combos, dims = {}, {}
        for key, did, dim_codes in Disaggregation.objects.filter(
            initiative=current.initiative
        ).values_list("key", "id", "dims"):
            combos[key], dims[did] = did, dim_codes
        existing = {
            (iid, did): (vid, value, comment)
            for vid, iid, did, value, comment in DataValue.objects.filter(
                submission=current
            ).values_list("id", "indicator_id", "disaggregation_id", "value", "comment")
        }
        refused = _refusals(current, parsed, combos, dims, existing, channel)
        if refused:
            result.errors = refused
            return result
        now = timezone.now()
        by = user if getattr(user, "pk", None) else None
        changes: list[ValueChange] = []  # a new value's creation is recorded on its row

        def audit(cell, did, old_value, new_value, comment):
            changes.append(
                ValueChange(
                    initiative_id=current.initiative_id,
                    submission=current,
                    indicator=cell.indicator,
                    disaggregation_id=did,
                    old_value=old_value,
                    new_value=new_value,
                    comment=comment,
                    channel=channel,
                    changed_at=now,
                    changed_by=by,
                )
            )

        for cell, value in parsed:
            key, dims = disaggregation_key(cell.categories)
            did = combos.get(key)
            if did is None:
                if value is None:
                    continue
                did = Disaggregation.objects.create(
                    initiative=current.initiative,
                    key=key,
                    dims=dims,
                    categories=dict(sorted(cell.categories.items())),
                ).id
                combos[key] = did
            old = existing.get((cell.indicator.id, did))
            comment = cell.comment.strip()
            if value is None:
                if old is not None:
                    stored = DataValue.objects.get(pk=old[0])
                    creation = audit_trail.creation_change(stored)
                    if creation is not None:  # the row goes: its creation moves to the trail
                        changes.append(creation)
                    stored.delete()
                    audit(cell, did, old[1], None, "")
                    result.deleted += 1
                continue
            if old is not None and old[1] == value and old[2] == comment:
                result.unchanged += 1
                continue
            if old is None:
                DataValue.objects.create(
                    initiative=current.initiative,
                    submission=current,
                    indicator=cell.indicator,
                    disaggregation_id=did,
                    value=value,
                    comment=comment,
                    updated_at=now,
                    updated_by=user,
                    created_at=now,
                    created_by=by,
                    created_channel=channel,
                )
            else:
                DataValue.objects.filter(pk=old[0]).update(
                    created_value=Coalesce(F("created_value"), F("value")),
                    created_comment=Coalesce(F("created_comment"), F("comment")),
                    value=value,
                    comment=comment,
                    updated_at=now,
                    updated_by=user,
                )
                audit(cell, did, old[1], value, comment)
            result.saved += 1
        ValueChange.objects.bulk_create(changes)
        note_changed = note is not None and note.strip() != current.note
        if note_changed:
            Submission.objects.filter(pk=current.pk).update(note=note.strip())
        if result.saved or result.deleted or note_changed:
            Submission.objects.filter(pk=current.pk).update(
                version=F("version") + 1, updated_at=now
            )
        current.refresh_from_db()
        result.submission = current
        result.rules = report_checks.check_submission(current)
    return result


def _refusals(submission, parsed, combos, dims, existing, channel) -> dict[str, str]:
    """Cells this save may not write, with the reason: values a survey owns (ownership.py),
    and breakdowns that would disagree with their totals at the error level (breakdowns.py).
    Only what the save changes is held against it."""
    changed = []
    for cell, value in parsed:
        key, _ = disaggregation_key(cell.categories)
        old = existing.get((cell.indicator.id, combos.get(key)))
        if (None if old is None else old[1]) != value:
            changed.append((cell, key, value))
    errors: dict[str, str] = {}
    if not changed:
        return errors
    if channel != ValueChange.SURVEY:
        owners = ownership.Owners(submission.initiative)
        period = submission.initiative.parse_period(submission.period)
        for cell, _key, _value in changed:
            cover = owners.owner(submission.organisation_id, cell.indicator.id, period)
            if cover is not None and cell.indicator.survey_fed:
                errors[cell_name(cell.indicator.code, cell.categories)] = ownership.refusal(
                    cell.indicator.code, submission.organisation.name, submission.period, cover
                )
    checked = breakdowns.specs(submission.initiative_id)
    touched = {cell.indicator.id for cell, _key, _value in changed} & set(checked)
    if touched:
        final = {(iid, did): v[1] for (iid, did), v in existing.items() if iid in touched}
        new_dims = {}
        for cell, key, value in changed:
            did = combos.get(key, key)  # a combination not stored yet is named by its key
            new_dims[did] = disaggregation_key(cell.categories)[1]
            if value is None:
                final.pop((cell.indicator.id, did), None)
            else:
                final[(cell.indicator.id, did)] = value
        values = [(iid, dims.get(did, new_dims.get(did, "")), v) for (iid, did), v in final.items()]
        for o in breakdowns.check_values(checked, values, touched):
            if o.severity == validation.ERROR:
                total = cell_name(o.indicators[0], {})
                errors[total] = "; ".join(filter(None, [errors.get(total), o.reason]))
    return errors


def submit(
    access: Access,
    submission: Submission,
    user,
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Submission:
    if not access.can_submit(submission.organisation_id):
        raise PermissionDenied("You may not submit this organisation's report.")
    if not submission.values.exists():
        raise WorkflowError(
            _("An empty report cannot be submitted: enter at least one value first.")
        )
    if locked_by_deadline(access, submission, submission.period):
        raise WorkflowError(str(DEADLINE_MESSAGE))
    submission.refresh_from_db(fields=["note"])
    problems = validation.blocking(
        report_checks.check_submission(submission),
        submission.note,
        validation.commented_totals(submission.id),
    )
    if problems:
        raise WorkflowError(
            _("The report cannot be submitted: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    return move_one(
        submission,
        Submission.EDITABLE,
        Submission.SUBMITTED,
        user,
        expected_version=expected_version,
        channel=channel,
    )


def approve(
    access: Access,
    submission: Submission,
    user,
    comment: str = "",
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Submission:
    """Approve a submitted report (the workflow: reporting/workflow.py)."""
    if not access.can_review:
        raise PermissionDenied("Only the initiative's backbone can approve reports.")
    return move_one(
        submission,
        (Submission.SUBMITTED,),
        Submission.APPROVED,
        user,
        comment=comment.strip(),
        expected_version=expected_version,
        channel=channel,
    )


def return_for_changes(
    access: Access,
    submission: Submission,
    user,
    comment: str,
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Submission:
    if not access.can_review:
        raise PermissionDenied("Only the initiative's backbone can return reports.")
    if not comment.strip():
        raise WorkflowError(
            _("Say what needs to change: a comment is required to return a report.")
        )
    return move_one(
        submission,
        (Submission.SUBMITTED,),
        Submission.RETURNED,
        user,
        comment=comment.strip(),
        expected_version=expected_version,
        channel=channel,
    )


UNLOCK_REFUSED = gettext_lazy(
    "Only the initiative's backbone can unlock reports after the deadline."
)


def unlock(access: Access, submission: Submission, user) -> Submission:
    """Let the organisation's reporters edit and submit a report after the deadline."""
    if not access.can_review:
        raise PermissionDenied(str(UNLOCK_REFUSED))
    with transaction.atomic():
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        current.unlocked_at, current.unlocked_by = timezone.now(), user
        current.version += 1
        current.save()
    return current


def unlock_report(access: Access, organisation: Organisation, period_code: str, user) -> Submission:
    """The grid's unlock: the organisation's report for the period, made if it has none yet (a
    report not started can be unlocked before anyone enters a value), then ``unlock``."""
    if not access.can_review:
        raise PermissionDenied(str(UNLOCK_REFUSED))
    with transaction.atomic():
        return unlock(access, get_or_create_submission(access, organisation, period_code), user)


def reopen(
    access: Access,
    submission: Submission,
    user,
    comment: str = "",
    *,
    expected_version: int | None = None,
    channel: str = "web",
) -> Submission:
    if not access.can_review:
        raise PermissionDenied("Only the initiative's backbone can reopen reports.")
    return move_one(
        submission,
        (Submission.APPROVED,),
        Submission.RETURNED,
        user,
        comment=comment.strip() or "Reopened",
        expected_version=expected_version,
        channel=channel,
    )
