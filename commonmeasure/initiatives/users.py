"""Create users and give them roles (used by the CLI and the demo)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Initiative, Membership, Organisation


def grant_role(user, initiative: Initiative, role: str, organisation=None) -> Membership:
    """Give ``user`` a role in the initiative (once: an existing membership is returned). A
    backbone admin becomes staff, so that they use Django admin for their initiative."""
    membership, _created = Membership.objects.get_or_create(
        user=user, initiative=initiative, organisation=organisation, role=role
    )
    if role == Membership.BACKBONE_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def add_user(
    username: str,
    *,
    email: str = "",
    password: str | None = None,
    initiative_code: str | None = None,
    role: str | None = None,
    organisation_code: str | None = None,
    superuser: bool = False,
) -> str:
    """Create or update a user. A password must pass Django's validators (settings
    AUTH_PASSWORD_VALIDATORS); the demo's `commonmeasure` does."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if email and user.email != email:
        user.email = email
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValueError(
                _("password: %(problems)s") % {"problems": " ".join(exc.messages)}
            ) from None
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if superuser:
        user.is_staff = user.is_superuser = True
    user.save()
    parts = [
        (_("Created user %(user)s") if created else _("Updated user %(user)s")) % {"user": username}
    ]
    if role:
        if not initiative_code:
            raise ValueError(_("--role needs --initiative"))
        initiative = Initiative.objects.filter(code=initiative_code).first()
        if initiative is None:
            raise ValueError(
                _("no initiative with code %(code)s") % {"code": repr(initiative_code)}
            )
        org = None
        if role != Membership.BACKBONE_ADMIN:
            if not organisation_code:
                raise ValueError(_("a %(role)s needs --organisation") % {"role": role})
            org = Organisation.objects.filter(
                code=organisation_code, participations__initiative=initiative
            ).first()
            if org is None:
                raise ValueError(
                    _("organisation %(organisation)s does not take part in %(initiative)s")
                    % {"organisation": repr(organisation_code), "initiative": initiative_code}
                )
        grant_role(user, initiative, role, org)
        words = {"role": role, "initiative": initiative_code, "organisation": organisation_code}
        parts.append(
            (
                _("%(role)s in %(initiative)s for %(organisation)s")
                if org
                else _("%(role)s in %(initiative)s")
            )
            % words
        )
    return ": ".join(parts)
