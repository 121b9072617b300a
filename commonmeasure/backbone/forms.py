"""The forms of the backbone tools (views_activities.py, views_members.py, views_settings.py):
each owns the fields its page POSTs and their validation, in the messages the pages show beside
the fields; the views hand the cleaned values to one function of services.py or invitations.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commonmeasure.forms import PageForm, RawField, WholeNumberField
from commonmeasure.initiatives.models import Indicator, Membership, code_validator
from commonmeasure.reporting.services import reports_a_deadline_locks

from .services import LABELS, goal_codes, parse_goals


def _text(**kwargs) -> forms.CharField:
    """Free text, stripped; an empty box is checked by the form's own words, not Django's."""
    return forms.CharField(required=False, **kwargs)


class _Codes(forms.Field):
    """The values of a group of checkboxes (every one ticked), as a list of codes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list[str]:
        return list(value or [])


# -- activities ------------------------------------------------------------------------------


class ActivityForm(PageForm):
    """What an organisation does, and the goals and indicators it serves (at least one)."""

    name = _text()
    description = _text()
    goals = _Codes()
    indicators = _Codes()

    def __init__(self, data, *, initiative):
        super().__init__(data)
        self.initiative = initiative

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError(_("Give the activity a name."))
        if len(name) > 200:
            raise ValidationError(_("Keep the name under 200 characters."))
        return name

    def clean_goals(self):
        goals = self.cleaned_data["goals"]
        known = goal_codes(self.initiative)
        unknown = [g for g in goals if g not in known]
        if unknown:
            raise ValidationError(
                _("Not a goal of %(initiative)s: %(codes)s.")
                % {"initiative": self.initiative.name, "codes": ", ".join(unknown)}
            )
        return [g for g in known if g in goals]  # in the initiative's order

    def clean_indicators(self) -> list[Indicator]:
        codes = self.cleaned_data["indicators"]
        found = {
            i.code: i for i in Indicator.objects.filter(initiative=self.initiative, code__in=codes)
        }
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("Not an indicator of %(initiative)s: %(codes)s.")
                % {"initiative": self.initiative.name, "codes": ", ".join(missing)}
            )
        return list(found.values())

    def clean(self):
        if not self.data.getlist("goals") and not self.data.getlist("indicators"):
            self.add_error("goals", _("Choose at least one goal or indicator the activity serves."))
        return self.cleaned_data

    def typed(self) -> dict:
        """What the page shows again after an error: what was ticked and typed."""
        return {
            "name": self.data.get("name", ""),
            "description": self.data.get("description", ""),
            "goals": self.data.getlist("goals"),
            "indicators": self.data.getlist("indicators"),
        }


class ActivityOrganisationForm(PageForm):
    """Whose activity a new one is: the organisation's code, as posted with the activity (the
    page's address may name it instead, ``?organisation=``). Every value is valid: a code that
    is not an organisation of the initiative is a 404."""

    organisation = RawField()


# -- members ---------------------------------------------------------------------------------


def _whole(raw) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else 0  # 0 matches nothing: a 404


class MembershipActionForm(PageForm):
    """A change to one membership on the members page: change its role, remove it, or unlock
    its account's sign-in."""

    ACTIONS = ("change", "remove", "unlock")

    membership = _text()
    action = _text()
    role = _text()

    def clean_membership(self) -> int:
        return _whole(self.cleaned_data["membership"])

    def clean(self):
        if self.cleaned_data.get("action") not in self.ACTIONS:
            self.add_error("role", _("Unknown action."))
        return self.cleaned_data


class InviteForm(PageForm):
    """An invitation: an e-mail address, a role and (unless a backbone admin) an organisation of
    the initiative, or a new one with its code and name."""

    NEW = "__new__"

    email = _text()
    role = _text()
    organisation = _text()
    new_code = _text()
    new_name = _text()

    def __init__(self, data, *, organisations):
        super().__init__(data)
        self.organisations = {o.code: o for o in organisations}

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("E-mail: %(email)s is not an e-mail address.")
                % {"email": email or _("an empty address")}
            ) from None
        return email

    def clean(self):
        data = self.cleaned_data
        role, choice = data.get("role", ""), data.get("organisation", "")
        data["organisation"], data["new_organisation"] = None, None
        if role not in dict(Membership.ROLE_CHOICES):
            self.add_error("role", _("Role: choose one of the roles listed."))
        elif role != Membership.BACKBONE_ADMIN:
            if choice == self.NEW:
                new_code, new_name = data.get("new_code", ""), data.get("new_name", "")
                try:
                    code_validator(new_code)
                except ValidationError:
                    self.add_error(
                        "new_code",
                        _("New organisation's code: %(code)s is not a code (%(rule)s)")
                        % {"code": repr(new_code), "rule": code_validator.message},
                    )
                if not new_name:
                    self.add_error(
                        "new_name", _("New organisation's name: give the organisation a name.")
                    )
                elif len(new_name) > 200 or len(new_code) > 64:
                    self.add_error(
                        "new_name",
                        _(
                            "New organisation: keep the code under 64 characters and the name "
                            "under 200."
                        ),
                    )
                data["new_organisation"] = (new_code, new_name)
            elif choice in self.organisations:
                data["organisation"] = self.organisations[choice]
            else:
                self.add_error(
                    "organisation",
                    _("Organisation: choose an organisation of the initiative, or add a new one."),
                )
        return data

    def invitation(self) -> dict:
        """The keyword arguments of invitations.invite."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "role": data["role"],
            "organisation": data["organisation"],
            "new_organisation": data["new_organisation"],
        }


class SignUpForm(PageForm):
    """An invited person's new account: a free username and a password the validators accept."""

    username = _text()
    password1 = _text(strip=False)
    password2 = _text(strip=False)

    def __init__(self, data, *, email: str):
        super().__init__(data)
        self.email = email

    def clean_username(self):
        User = get_user_model()
        username = self.cleaned_data["username"]
        if not username:
            raise ValidationError(_("Username: choose a username."))
        problem = None
        try:
            User.username_validator(username)
        except ValidationError:
            problem = _(
                "Username: use letters, digits and @ . + - _ only (150 characters at most)."
            )
        if len(username) > 150:
            problem = _("Username: 150 characters at most.")
        elif User.objects.filter(username__iexact=username).exists():
            problem = _("Username: %(username)s is taken; choose another.") % {"username": username}
        if problem:
            raise ValidationError(problem)
        return username

    def clean(self):
        data = self.cleaned_data
        p1, p2 = data.get("password1", ""), data.get("password2", "")
        if p1 != p2:
            self.add_error("password2", _("Password: the two passwords differ."))
        else:
            User = get_user_model()
            try:
                validate_password(
                    p1, User(username=self.data.get("username", "").strip(), email=self.email)
                )
            except ValidationError as bad:
                self.add_error(
                    "password1", _("Password: %(problems)s") % {"problems": " ".join(bad.messages)}
                )
        return data


class NamingForm(PageForm):
    """An organisation's consent to be named in peer comparisons: ``named=yes`` or not."""

    named = _text()

    def clean_named(self) -> bool:
        return self.cleaned_data["named"] == "yes"


# -- settings --------------------------------------------------------------------------------


class DeadlinePreviewForm(PageForm):
    """The deadline typed on the settings page, before it is saved (the preview)."""

    deadline_days = WholeNumberField(0, 366, blank_ok=True, label=LABELS["deadline_days"])


class SettingsForm(PageForm):
    """The initiative's settings (services.SETTINGS_FIELDS, with their labels), and the version
    (its updated_at) the form was opened at."""

    name = _text()
    vision = _text()
    goals = _text(strip=False)
    is_published = forms.BooleanField(required=False)
    anonymise_peers = forms.BooleanField(required=False)
    small_number_threshold = WholeNumberField(
        1, 1000, label=gettext_lazy(LABELS["small_number_threshold"])
    )
    deadline_days = WholeNumberField(
        0, 366, blank_ok=True, label=gettext_lazy(LABELS["deadline_days"])
    )
    reminder_days_before = WholeNumberField(
        0, 366, label=gettext_lazy(LABELS["reminder_days_before"])
    )
    reminder_days_after = WholeNumberField(
        0, 366, label=gettext_lazy(LABELS["reminder_days_after"])
    )
    published_indicators = _Codes()
    # Ticked after the page said how many reports the new deadline locks (clean_deadline_days).
    lock_confirmed = forms.BooleanField(required=False)
    version = _text()

    def __init__(self, data, *, initiative):
        super().__init__(data)
        self.initiative = initiative

    def clean_name(self):
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError(_("Name: the initiative needs a name."))
        if len(name) > 200:
            raise ValidationError(_("Name: keep it under 200 characters."))
        return name

    def clean_goals(self) -> list[dict]:
        goals, problem = parse_goals(self.cleaned_data["goals"])
        if problem:
            raise ValidationError(_("Goals, %(problem)s.") % {"problem": problem})
        removed = set(goal_codes(self.initiative)) - {g["code"] for g in goals}
        in_use = []
        for code in sorted(removed):
            n_ind = Indicator.objects.filter(initiative=self.initiative, goal=code).count()
            n_act = sum(1 for a in self.initiative.activities.all() if code in (a.goals or []))
            if n_ind or n_act:
                in_use.append(
                    _("%(code)s (%(indicators)s indicator(s), %(activities)s activity(ies))")
                    % {"code": code, "indicators": n_ind, "activities": n_act}
                )
        if in_use:
            raise ValidationError(
                _("Goals: cannot remove %(goals)s; change what uses it first.")
                % {"goals": ", ".join(in_use)}
            )
        return goals

    def clean(self):
        """A new deadline that locks reports still open to their reporters is saved only once
        the page has said how many and the backbone ticked that it agrees."""
        cleaned = super().clean()
        if "deadline_days" in cleaned and not cleaned.get("lock_confirmed"):
            days = cleaned["deadline_days"]
            if days != self.initiative.deadline_days:
                n = len(reports_a_deadline_locks(self.initiative, days))
                if n:
                    self.add_error(
                        "deadline_days",
                        ngettext(
                            "Deadline: %(n)s report still open to its reporters is past this "
                            'deadline and will be locked; tick "Lock them" to save.',
                            "Deadline: %(n)s reports still open to their reporters are past "
                            'this deadline and will be locked; tick "Lock them" to save.',
                            n,
                        )
                        % {"n": n},
                    )
        return cleaned

    def clean_published_indicators(self) -> list[str]:
        codes = set(self.initiative.indicators.values_list("code", flat=True))
        published = sorted(set(self.cleaned_data["published_indicators"]))
        unknown = [c for c in published if c not in codes]
        if unknown:
            raise ValidationError(
                _("Published indicators: unknown %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return published

    def settings(self) -> dict:
        """The cleaned settings, without the version."""
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("version", "lock_confirmed")
        }

    def typed(self) -> dict:
        """What the page shows again after an error or a refusal: what was typed and ticked."""
        fields = [
            name
            for name in self.fields
            if name not in ("published_indicators", "version", "lock_confirmed")
        ]
        typed = {name: self.data.get(name) for name in fields}
        typed["deadline_days"] = typed["deadline_days"] or ""
        typed["published_indicators"] = self.data.getlist("published_indicators")
        return typed
