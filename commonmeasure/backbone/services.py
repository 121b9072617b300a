"""Writes for the backbone tools: activities, role changes, initiative settings and an
organisation's consent to be named (docs/reference/backbone-tools.md). The pages' forms
(forms.py) check what was posted; the rules that depend on the stored state (the last backbone
admin, a role someone already has) are checked here, raising ``Invalid`` with messages per
field, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commonmeasure.initiatives.models import (
    Indicator,
    Initiative,
    Membership,
    Participation,
    code_validator,
)

from .models import Activity, RoleChange, SettingsChange


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# -- activities ------------------------------------------------------------------------------


def goal_codes(initiative: Initiative) -> list[str]:
    return [g.get("code", "") for g in initiative.goals or []]


def save_activity(
    initiative: Initiative,
    organisation,
    *,
    by,
    name: str,
    description: str,
    goals: list[str],
    indicators: list[Indicator],
    activity: Activity | None = None,
) -> Activity:
    """Create or update an activity with the values its form (forms.ActivityForm) cleaned."""
    with transaction.atomic():
        if activity is None:
            activity = Activity(initiative=initiative, organisation=organisation)
        activity.name = name
        activity.description = description
        activity.goals = goals
        activity.updated_by = by
        activity.save()
        activity.indicators.set(indicators)
    return activity


def delete_activity(activity: Activity) -> None:
    activity.delete()


# -- roles -----------------------------------------------------------------------------------


def _backbone_admins(initiative) -> int:
    return Membership.objects.filter(initiative=initiative, role=Membership.BACKBONE_ADMIN).count()


@transaction.atomic
def change_role(membership: Membership, new_role: str, *, by) -> Membership:
    """Change an organisation member's role (reporter, reviewer, viewer)."""
    if membership.role == Membership.BACKBONE_ADMIN:
        raise Invalid({"role": _("A backbone admin's membership can be removed, not changed.")})
    if new_role not in Membership.ORG_ROLES:
        raise Invalid({"role": _("Choose reporter, reviewer or viewer.")})
    if new_role == membership.role:
        raise Invalid(
            {
                "role": _("%(user)s is already a %(role)s.")
                % {"user": membership.user.get_username(), "role": new_role}
            }
        )
    if Membership.objects.filter(
        user=membership.user,
        initiative=membership.initiative,
        organisation=membership.organisation,
        role=new_role,
    ).exists():
        raise Invalid(
            {
                "role": _(
                    "%(user)s already has the %(role)s role for %(organisation)s; remove this "
                    "membership instead."
                )
                % {
                    "user": membership.user.get_username(),
                    "role": new_role,
                    "organisation": membership.organisation.name,
                }
            }
        )
    old = membership.role
    membership.role = new_role
    membership.save(update_fields=["role"])
    RoleChange.objects.create(
        initiative=membership.initiative,
        action=RoleChange.CHANGED,
        changed_by=by,
        subject=membership.user.get_username(),
        organisation=membership.organisation,
        old_role=old,
        new_role=new_role,
    )
    return membership


@transaction.atomic
def remove_membership(membership: Membership, *, by) -> None:
    # Lock the initiative's admin rows so two removals cannot leave it with none.
    list(
        Membership.objects.select_for_update().filter(
            initiative=membership.initiative, role=Membership.BACKBONE_ADMIN
        )
    )
    if (
        membership.role == Membership.BACKBONE_ADMIN
        and _backbone_admins(membership.initiative) <= 1
    ):
        raise Invalid(
            {
                "role": _(
                    "This is the initiative's last backbone admin; invite or appoint another "
                    "before removing it."
                )
            }
        )
    RoleChange.objects.create(
        initiative=membership.initiative,
        action=RoleChange.REMOVED,
        changed_by=by,
        subject=membership.user.get_username(),
        organisation=membership.organisation,
        old_role=membership.role,
    )
    membership.delete()


# -- settings --------------------------------------------------------------------------------

# The labels are stored in English in the settings' history and shown translated.
SETTINGS_FIELDS = (
    ("name", gettext_noop("Name")),
    ("vision", gettext_noop("Vision")),
    ("goals", gettext_noop("Goals")),
    ("is_published", gettext_noop("Published")),
    ("anonymise_peers", gettext_noop("Anonymise peers")),
    ("small_number_threshold", gettext_noop("Small-number threshold")),
    ("deadline_days", gettext_noop("Deadline (days after the period)")),
    ("reminder_days_before", gettext_noop("Reminder before the deadline (days)")),
    ("reminder_days_after", gettext_noop("Reminder after the deadline (days)")),
    ("published_indicators", gettext_noop("Published indicators")),
)
LABELS = dict(SETTINGS_FIELDS)


def goals_text(goals: list[dict]) -> str:
    """Goals as lines of "CODE | name | description" for a text box."""
    lines = []
    for g in goals or []:
        parts = [g.get("code", ""), g.get("name", "")]
        if g.get("description"):
            parts.append(g["description"])
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def parse_goals(text: str) -> tuple[list[dict], str | None]:
    goals, seen = [], set()
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return [], _('line %(line)s: write "CODE | name" (and optionally "| description")') % {
                "line": n
            }
        code = parts[0]
        try:
            code_validator(code)
        except Exception:
            return [], _("line %(line)s: %(code)s is not a code (%(rule)s)") % {
                "line": n,
                "code": repr(code),
                "rule": code_validator.message,
            }
        if code in seen:
            return [], _("line %(line)s: goal %(code)s appears twice") % {"line": n, "code": code}
        seen.add(code)
        goal = {"code": code, "name": parts[1][:200]}
        if len(parts) == 3 and parts[2]:
            goal["description"] = parts[2]
        goals.append(goal)
    return goals, None


def current_settings(initiative: Initiative) -> dict:
    return {
        "name": initiative.name,
        "vision": initiative.vision,
        "goals": goals_text(initiative.goals),
        "is_published": initiative.is_published,
        "anonymise_peers": initiative.anonymise_peers,
        "small_number_threshold": initiative.small_number_threshold,
        "deadline_days": initiative.deadline_days,
        "reminder_days_before": initiative.reminder_days_before,
        "reminder_days_after": initiative.reminder_days_after,
        "published_indicators": sorted(
            initiative.indicators.filter(is_published=True).values_list("code", flat=True)
        ),
    }


def version_of(initiative: Initiative) -> str:
    return initiative.updated_at.isoformat()


class Stale(Exception):
    """The settings were saved by someone else after the form was opened."""

    def __init__(self, differences: list[dict], since: list[SettingsChange]):
        super().__init__(_("The settings changed since the form was opened."))
        self.differences = differences
        self.since = since


def _shown(field, value):
    if field == "goals":
        return goals_text(value) if isinstance(value, list) else value
    if field == "published_indicators":
        return ", ".join(value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


@transaction.atomic
def save_settings(
    initiative: Initiative, values: dict, *, version: str, by
) -> SettingsChange | None:
    """Save the settings its form (forms.SettingsForm) cleaned. Refuses (Stale), writing
    nothing, when the initiative was saved after ``version`` (its updated_at when the form was
    opened)."""
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = current_settings(locked)
    if version_of(locked) != version:
        differences = []
        for field, label in SETTINGS_FIELDS:
            mine, now = _shown(field, values[field]), _shown(field, before[field])
            if mine != now:
                differences.append({"field": field, "label": label, "yours": mine, "current": now})
        since = list(
            SettingsChange.objects.filter(initiative=locked, changed_at__gt=_parse(version))
            .select_related("changed_by")
            .order_by("changed_at", "id")
        )
        raise Stale(differences, since)
    changes = {}
    for field, label in SETTINGS_FIELDS:
        old, new = _shown(field, before[field]), _shown(field, values[field])
        if old != new:
            changes[label] = [old, new]
    for field, _label in SETTINGS_FIELDS:
        if field != "published_indicators":  # a flag of each indicator, set below
            setattr(locked, field, values[field])
    locked.full_clean(exclude=["organisations"])
    locked.save()  # bumps updated_at, the version, even when only indicators changed
    Indicator.objects.filter(initiative=locked).exclude(
        code__in=values["published_indicators"]
    ).update(is_published=False)
    Indicator.objects.filter(initiative=locked, code__in=values["published_indicators"]).update(
        is_published=True
    )
    initiative.refresh_from_db()
    if not changes:
        return None
    return SettingsChange.objects.create(
        # the same instant as the new version, so that "changes since version V" excludes it
        initiative=locked,
        changed_by=by,
        changed_at=locked.updated_at,
        changes=changes,
    )


def _parse(version: str):
    import datetime

    try:
        return datetime.datetime.fromisoformat(version)
    except ValueError:
        return timezone.now()


@dataclass
class NamingResult:
    participation: Participation
    changed: bool


@transaction.atomic
def set_named(participation: Participation, named: bool, *, by) -> NamingResult:
    """An organisation agrees (or stops agreeing) to be named in peer comparisons."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.named_in_benchmarks == named:
        return NamingResult(participation, False)
    old = participation.named_in_benchmarks
    participation.named_in_benchmarks = named
    participation.save(update_fields=["named_in_benchmarks"])
    label = f"Named in comparisons: {participation.organisation.name}"
    SettingsChange.objects.create(
        initiative=participation.initiative,
        changed_by=by,
        changes={label: [_shown("", old), _shown("", named)]},
    )
    return NamingResult(participation, True)
