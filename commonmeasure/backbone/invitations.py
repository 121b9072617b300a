"""Invitations by e-mailed link (docs/reference/backbone-tools.md, "Invitations").

The link carries a value signed with the site's SECRET_KEY (django.core.signing): the
invitation's id and a random nonce. A link is refused, with a clear message and nothing written,
when its signature does not match (tampered), when the invitation was accepted (used), revoked,
replaced by a resend, or has expired (CM_INVITATION_DAYS, default 14 days), and when the person
signed in is not the one invited.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.models import Initiative, Membership, Organisation, Participation
from commonmeasure.initiatives.users import grant_role

from .models import Invitation, RoleChange

SALT = "commonmeasure.backbone.invitation"
DEFAULT_DAYS = 14


class InvitationError(Exception):
    """An invitation that cannot be made or a link that cannot be used; the message says why."""


def valid_days() -> int:
    return int(getattr(settings, "CM_INVITATION_DAYS", DEFAULT_DAYS))


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def role_label(role: str, organisation: Organisation | None) -> str:
    """For a sentence: "reporter for Organisation A", "backbone admin"."""
    text = dict(Membership.ROLE_CHOICES).get(role, role).lower()
    return (
        _("%(role)s for %(organisation)s") % {"role": text, "organisation": organisation.name}
        if organisation
        else text
    )


def users_with_email(email: str):
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)


def _already_member(initiative, email, role, organisation) -> bool:
    return Membership.objects.filter(
        initiative=initiative,
        role=role,
        organisation=organisation,
        user__in=users_with_email(email),
    ).exists()


@transaction.atomic
def invite(
    initiative: Initiative,
    *,
    by,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    new_organisation: tuple[str, str] | None = None,
) -> Invitation:
    """Record an invitation (adding a new organisation to the initiative first if asked).
    Raises InvitationError, writing nothing, when the invitation makes no sense."""
    email = email.strip()
    if role not in dict(Membership.ROLE_CHOICES):
        raise InvitationError(_("Unknown role %(role)s.") % {"role": repr(role)})
    if role == Membership.BACKBONE_ADMIN:
        if organisation or new_organisation:
            raise InvitationError(
                _("A backbone admin belongs to the initiative, not an organisation.")
            )
    elif organisation is None and new_organisation is None:
        raise InvitationError(
            _("A %(role)s belongs to an organisation: choose one or add a new one.")
            % {"role": role}
        )
    if (
        organisation is not None
        and not Participation.objects.filter(
            initiative=initiative, organisation=organisation
        ).exists()
    ):
        raise InvitationError(
            _("%(organisation)s does not take part in %(initiative)s.")
            % {"organisation": organisation.name, "initiative": initiative.name}
        )
    if organisation is not None and _already_member(initiative, email, role, organisation):
        raise InvitationError(
            _("%(email)s is already %(role)s in %(initiative)s.")
            % {
                "email": email,
                "role": role_label(role, organisation),
                "initiative": initiative.name,
            }
        )
    if organisation is None and role == Membership.BACKBONE_ADMIN:
        if _already_member(initiative, email, role, None):
            raise InvitationError(
                _("%(email)s is already a backbone admin of %(initiative)s.")
                % {"email": email, "initiative": initiative.name}
            )
    pending = Invitation.objects.filter(
        initiative=initiative,
        email__iexact=email,
        role=role,
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if organisation is not None or role == Membership.BACKBONE_ADMIN:
        if pending.exists():
            raise InvitationError(
                _("%(email)s already has a pending invitation as %(role)s; resend it instead.")
                % {"email": email, "role": role_label(role, organisation)}
            )
    if new_organisation is not None:
        code, name = new_organisation
        if Organisation.objects.filter(code=code).exists():
            raise InvitationError(
                _("An organisation with code %(code)s already exists; choose another code.")
                % {"code": repr(code)}
            )
        organisation = Organisation.objects.create(code=code, name=name)
        Participation.objects.create(initiative=initiative, organisation=organisation)
    now = timezone.now()
    invitation = Invitation.objects.create(
        initiative=initiative,
        email=email,
        role=role,
        organisation=organisation,
        nonce=secrets.token_urlsafe(16),
        created_by=by,
        created_at=now,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=valid_days()),
    )
    RoleChange.objects.create(
        initiative=initiative,
        action=RoleChange.INVITED,
        changed_by=by,
        subject=email,
        organisation=organisation,
        new_role=role,
    )
    return invitation


def send(invitation: Invitation, link: str) -> None:
    """E-mail the link through Django's mail framework (EMAIL_BACKEND)."""
    initiative = invitation.initiative
    # In the language active when it is sent (the inviter's page, or the command's): the
    # invited person has no account, so no language of their own, yet.
    inviter = invitation.created_by.get_username() if invitation.created_by else _("The backbone")
    subject = _("Invitation to %(initiative)s on Common Measure") % {"initiative": initiative.name}
    expires = invitation.expires_at
    body = _(
        "Hello,\n\n%(inviter)s has invited you to join %(initiative)s on Common Measure as "
        "%(role)s.\n\nOpen this link to accept (it works once and expires on %(expires)s "
        "UTC):\n\n%(link)s\n\nIf you have an account, you will be asked to log in; otherwise "
        "you will choose a username and password.\n\nIf you were not expecting this "
        "invitation, ignore this message.\n"
    ) % {
        "inviter": inviter,
        "initiative": initiative.name,
        "role": invitation.role_phrase,
        "expires": _("%(date)s at %(time)s")
        % {"date": f"{expires:%d} {date_format(expires, 'F Y')}", "time": f"{expires:%H:%M}"},
        "link": link,
    }
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def resend(invitation: Invitation, *, by) -> Invitation:
    """A new link (the old one stops working) valid for another CM_INVITATION_DAYS."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has been accepted already."))
    if invitation.revoked_at:
        raise InvitationError(_("This invitation was revoked; invite the person again."))
    now = timezone.now()
    invitation.nonce = secrets.token_urlsafe(16)
    invitation.sent_at = now
    invitation.send_count += 1
    invitation.expires_at = now + datetime.timedelta(days=valid_days())
    invitation.save()
    RoleChange.objects.create(
        initiative=invitation.initiative,
        action=RoleChange.RESENT,
        changed_by=by,
        subject=invitation.email,
        organisation=invitation.organisation,
        new_role=invitation.role,
    )
    return invitation


@transaction.atomic
def revoke(invitation: Invitation, *, by) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError(
            _("This invitation has been accepted; remove the membership on the roles page instead.")
        )
    if invitation.revoked_at:
        raise InvitationError(_("This invitation was revoked already."))
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    RoleChange.objects.create(
        initiative=invitation.initiative,
        action=RoleChange.REVOKED,
        changed_by=by,
        subject=invitation.email,
        organisation=invitation.organisation,
        old_role=invitation.role,
    )


TAMPERED = gettext_lazy(
    "This invitation link is not valid: it may have been copied incompletely or altered."
)
USED = gettext_lazy("This invitation has been used already. Log in with the account you created.")
REVOKED = gettext_lazy("This invitation was withdrawn by the backbone. Ask them for a new one.")
REPLACED = gettext_lazy(
    "A newer invitation was sent for this address; use the link in the latest e-mail."
)
EXPIRED = gettext_lazy("This invitation has expired. Ask the backbone to send it again.")


def open_link(token: str) -> Invitation:
    """The invitation a link is for, if the link may still be used; InvitationError otherwise."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvitationError(TAMPERED) from None
    invitation = (
        Invitation.objects.select_related("initiative", "organisation", "created_by")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise InvitationError(TAMPERED)
    if invitation.accepted_at:
        raise InvitationError(USED)
    if invitation.revoked_at:
        raise InvitationError(REVOKED)
    if not secrets.compare_digest(invitation.nonce, nonce):
        raise InvitationError(REPLACED)
    if timezone.now() >= invitation.expires_at:
        raise InvitationError(EXPIRED)
    return invitation


def check_user(invitation: Invitation, user) -> None:
    """The signed-in user may accept only an invitation sent to their own e-mail address."""
    if (user.email or "").strip().lower() != invitation.email.strip().lower():
        raise InvitationError(
            _(
                "This invitation was sent to %(email)s, but you are logged in as %(user)s. Log "
                "out, then open the link again."
            )
            % {"email": invitation.email, "user": user.get_username()}
        )
    if Membership.objects.filter(
        user=user,
        initiative=invitation.initiative,
        organisation=invitation.organisation,
        role=invitation.role,
    ).exists():
        raise InvitationError(
            _("You are already %(role)s in %(initiative)s.")
            % {"role": invitation.role_phrase, "initiative": invitation.initiative.name}
        )


@transaction.atomic
def accept(token: str, user) -> Membership:
    """Create the membership for ``user`` and use up the link, or raise InvitationError."""
    invitation = open_link(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:  # accepted meanwhile in another request
        raise InvitationError(USED)
    check_user(invitation, user)
    membership = grant_role(user, invitation.initiative, invitation.role, invitation.organisation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    RoleChange.objects.create(
        initiative=invitation.initiative,
        action=RoleChange.ACCEPTED,
        changed_by=user,
        subject=user.get_username(),
        organisation=invitation.organisation,
        new_role=invitation.role,
    )
    return membership


@transaction.atomic
def sign_up_and_accept(token: str, username: str, password: str):
    """Create an account for the invited address and accept. The caller has validated the
    username and password; raises InvitationError and writes nothing if the link is unusable."""
    invitation = open_link(token)
    if users_with_email(invitation.email).exists():
        raise InvitationError(
            _("An account with %(email)s exists already: log in to accept the invitation.")
            % {"email": invitation.email}
        )
    User = get_user_model()
    user = User.objects.create_user(username=username, email=invitation.email, password=password)
    accept(token, user)
    return user
