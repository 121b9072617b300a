"""Feed events and notifications for things other apps do, connected in ConversationConfig.ready.

- A report moves through the workflow (``reporting.signals.status_changed``, sent inside the
  workflow's transaction, so the event and notifications are written with the change or not at
  all):
    submitted -> private event; the initiative's backbone admins are notified;
    approved  -> event every member sees; the organisation's reporters are notified;
    returned  -> private event; the organisation's reporters are notified, with the reason;
    reopened (approved -> returned) -> private event; the organisation's reporters are notified.
- Someone is given a role in an initiative (a Membership is created) -> event every member sees.
"""

from __future__ import annotations

from django.urls import reverse

from commonmeasure.initiatives.models import Membership
from commonmeasure.reporting.models import Submission

from .models import Notification
from .services import excerpt, notify, record_event


def _name(user) -> str:
    return user.get_username() if getattr(user, "pk", None) else "Someone"


def on_status_changed(sender, submission, old_status, user, comment="", **kwargs):
    initiative, org = submission.initiative, submission.organisation
    report = f"{org.name}'s report for {submission.period}"
    grid_url = reverse("grid", args=[initiative.code, org.code, submission.period])
    who = _name(user)
    reason = f": “{excerpt(comment)}”" if comment and comment != "Reopened" else ""
    new = submission.status
    if new == Submission.SUBMITTED:
        kind, text, private = Notification.SUBMITTED, f"{who} submitted {report}", True
        recipients = _users(initiative, role=Membership.BACKBONE_ADMIN)
    elif new == Submission.APPROVED:
        kind, text, private = Notification.APPROVED, f"{who} approved {report}", False
        recipients = _users(initiative, role=Membership.REPORTER, organisation=org)
    elif new == Submission.RETURNED and old_status == Submission.APPROVED:
        kind, text, private = Notification.REOPENED, f"{who} reopened {report}{reason}", True
        recipients = _users(initiative, role=Membership.REPORTER, organisation=org)
    elif new == Submission.RETURNED:
        kind, text, private = Notification.RETURNED, f"{who} returned {report}{reason}", True
        recipients = _users(initiative, role=Membership.REPORTER, organisation=org)
    else:
        return
    # An approved report is news for every member; they see it on the organisation's page.
    target = grid_url if private else reverse("organisation", args=[initiative.code, org.code])
    record_event(initiative, kind, user, text, target, org, private=private)
    actor_id = getattr(user, "pk", None)
    notify([u for u in recipients if u.pk != actor_id], initiative, kind, text, grid_url)


def _users(initiative, **filters) -> list:
    return [
        m.user
        for m in Membership.objects.filter(initiative=initiative, **filters)
        .select_related("user")
        .order_by("user_id")
    ]


def on_membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    initiative, org = instance.initiative, instance.organisation
    role = instance.get_role_display().lower()
    where = f" of {org.name}" if org else ""
    text = f"{instance.user.get_username()} joined {initiative.name} as {role}{where}"
    target = (
        reverse("organisation", args=[initiative.code, org.code])
        if org
        else reverse("initiative", args=[initiative.code])
    )
    record_event(initiative, "member", instance.user, text, target, org, private=False)
