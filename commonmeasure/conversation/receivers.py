"""Feed events and notifications for things other apps do, connected in ConversationConfig.ready.

- Reports move through the workflow (``reporting.signals.status_changed``, sent inside the
  workflow's transaction with every step, one report's or a bulk approval's, so the events and
  notifications are written with the change or not at all, one statement each):
    submitted -> private event; the initiative's backbone admins are notified;
    approved  -> event every member sees; the organisation's reporters are notified;
    returned  -> private event; the organisation's reporters are notified, with the reason;
    reopened (approved -> returned) -> private event; the organisation's reporters are notified.
- Someone is given a role in an initiative (a Membership is created) -> event every member sees.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.initiatives.models import Membership
from commonmeasure.reporting.models import Submission

from .models import Event, Notification
from .services import excerpt, notify_many, record_event, record_events, report_label


def _name(user) -> str:
    return user.get_username() if getattr(user, "pk", None) else "Someone"


def on_status_changed(sender, initiative, steps, user, **kwargs):
    """Feed events and notifications for workflow steps (one report or a bulk approval): one
    event per step and one notification per recipient, written in one statement each."""
    who = _name(user)
    actor_id = getattr(user, "pk", None)
    backbone = None
    reporters: dict[int, list] | None = None
    events, messages = [], []
    urls: dict = {}
    for step in steps:
        submission = step.submission
        org = submission.organisation
        report = report_label(org.name, submission.period)
        grid_url = urls.get((org.code, submission.period))
        if grid_url is None:  # a bulk approval has two steps per report
            grid_url = reverse("grid", args=[initiative.code, org.code, submission.period])
            urls[(org.code, submission.period)] = grid_url
        comment = step.comment
        reason = (
            _(": “%(comment)s”") % {"comment": excerpt(comment)}
            if comment and comment != "Reopened"
            else ""
        )
        said = {"who": who, "report": report, "reason": reason}
        new, old = step.new_status, step.old_status
        if new == Submission.SUBMITTED:
            kind, private = Notification.SUBMITTED, True
            text = _("%(who)s submitted %(report)s") % said
        elif new == Submission.APPROVED:
            kind, private = Notification.APPROVED, False
            text = _("%(who)s approved %(report)s") % said
        elif new == Submission.RETURNED and old == Submission.APPROVED:
            kind, private = Notification.REOPENED, True
            text = _("%(who)s reopened %(report)s%(reason)s") % said
        elif new == Submission.RETURNED:
            kind, private = Notification.RETURNED, True
            text = _("%(who)s returned %(report)s%(reason)s") % said
        else:
            continue
        if new == Submission.SUBMITTED:
            if backbone is None:
                backbone = _users(initiative, role=Membership.BACKBONE_ADMIN)
            recipients = backbone
        else:
            if reporters is None:
                reporters = _reporters(initiative, {s.submission.organisation_id for s in steps})
            recipients = reporters.get(org.id, [])
        # An approved report is news for every member; they see it on the organisation's page.
        if private:
            target = grid_url
        else:
            target = urls.get(org.code) or reverse("organisation", args=[initiative.code, org.code])
            urls[org.code] = target
        events.append(
            Event(
                initiative=initiative,
                kind=kind,
                actor=user if actor_id else None,
                text=text,
                target_url=target,
                organisation=org,
                is_private=private,
            )
        )
        others = [u for u in recipients if u.pk != actor_id]
        messages.append((others, initiative, kind, text, grid_url))
    record_events(events)
    notify_many(messages)


def _users(initiative, **filters) -> list:
    return [
        m.user
        for m in Membership.objects.filter(initiative=initiative, **filters)
        .select_related("user")
        .order_by("user_id")
    ]


def _reporters(initiative, organisation_ids: set[int]) -> dict[int, list]:
    """{organisation id: its reporters}, in one query."""
    out: dict[int, list] = {}
    for m in (
        Membership.objects.filter(
            initiative=initiative,
            role=Membership.REPORTER,
            organisation_id__in=sorted(organisation_ids),
        )
        .select_related("user")
        .order_by("user_id")
    ):
        out.setdefault(m.organisation_id, []).append(m.user)
    return out


def on_membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    initiative, org = instance.initiative, instance.organisation
    role = instance.get_role_display().lower()
    said = {"user": instance.user.get_username(), "initiative": initiative.name, "role": role}
    if org:
        text = _("%(user)s joined %(initiative)s as %(role)s of %(organisation)s") % {
            **said,
            "organisation": org.name,
        }
    else:
        text = _("%(user)s joined %(initiative)s as %(role)s") % said
    target = (
        reverse("organisation", args=[initiative.code, org.code])
        if org
        else reverse("initiative", args=[initiative.code])
    )
    record_event(initiative, "member", instance.user, text, target, org, private=False)
