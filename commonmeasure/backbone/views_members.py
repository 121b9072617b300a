"""The backbone's members pages: members and their roles, invitations, and the record of every
change; and the page an invited person opens from their e-mail. Only the backbone
(Access.can_review) reaches the members pages; the invitation page needs only the signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commonmeasure.accounts import throttle
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Membership, Organisation, code_validator
from commonmeasure.voice import limits

from . import invitations as inv
from . import services
from .models import Invitation, RoleChange

ROLE_ORDER = {r: i for i, (r, _) in enumerate(Membership.ROLE_CHOICES)}


def backbone_access(user, code):
    initiative, access = get_initiative(user, code)
    if not access.can_review:
        raise Forbidden("Only the initiative's backbone can manage its members.")
    return initiative, access


def _members(initiative):
    rows = list(
        Membership.objects.filter(initiative=initiative).select_related("user", "organisation")
    )
    rows.sort(
        key=lambda m: (
            ROLE_ORDER[m.role] if m.role == Membership.BACKBONE_ADMIN else 1,
            m.organisation.name if m.organisation else "",
            m.user.get_username(),
            m.role,
        )
    )
    return rows


def _whole(raw) -> int:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else 0  # 0 matches nothing: a 404


@login_required
def roles(request, code):
    initiative, access = backbone_access(request.user, code)
    errors = {}
    if request.method == "POST":
        membership = get_object_or_404(
            Membership.objects.select_related("user", "organisation", "initiative"),
            pk=_whole(request.POST.get("membership")),
            initiative=initiative,
        )
        action = request.POST.get("action")
        try:
            if action == "change":
                services.change_role(membership, request.POST.get("role", ""), by=request.user)
                messages.success(
                    request, f"{membership.user.get_username()} is now a {membership.role}."
                )
            elif action == "remove":
                services.remove_membership(membership, by=request.user)
                messages.success(
                    request,
                    f"Removed {membership.user.get_username()}'s "
                    f"{membership.get_role_display().lower()} membership.",
                )
            elif action == "unlock":
                # Only the account of a member of this initiative: never an address.
                throttle.unlock(username=membership.user.get_username(), by=request.user)
                messages.success(
                    request, f"Unlocked {membership.user.get_username()}: they can sign in again."
                )
            else:
                errors = {"role": "Unknown action."}
        except services.Invalid as bad:
            errors = bad.errors
        if not errors:
            return redirect("backbone:roles", initiative.code)
        errors["membership"] = membership.pk
    now_invitations = list(
        Invitation.objects.filter(initiative=initiative).select_related(
            "organisation", "created_by"
        )
    )
    members = _members(initiative)
    locks = throttle.locked_accounts({m.user.get_username() for m in members})
    for m in members:
        m.sign_in_lock = locks.get(throttle.account_key(m.user.get_username()))
    return render(
        request,
        "backbone/roles.html",
        {
            "initiative": initiative,
            "access": access,
            "members": members,
            "org_roles": [(r, n) for r, n in Membership.ROLE_CHOICES if r in Membership.ORG_ROLES],
            "invitations": [{"invitation": i, "state": i.state()} for i in now_invitations],
            "changes": RoleChange.objects.filter(initiative=initiative)
            .select_related("changed_by", "organisation")
            .order_by("-changed_at", "-id")[:200],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _link(request, invitation):
    """The link for the e-mail: under CM_SITE_URL when set, else the address of this request."""
    path = reverse("backbone:accept", args=[inv.token_for(invitation)])
    site = getattr(settings, "CM_SITE_URL", "")
    return f"{site.rstrip('/')}{path}" if site else request.build_absolute_uri(path)


@login_required
def invite(request, code):
    initiative, access = backbone_access(request.user, code)
    orgs = list(
        Organisation.objects.filter(participations__initiative=initiative).order_by("name", "code")
    )
    errors: dict[str, str] = {}
    posted = request.POST if request.method == "POST" else {"role": "reporter"}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        role = request.POST.get("role", "")
        org_choice = request.POST.get("organisation", "")
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = f"E-mail: {email or 'an empty address'} is not an e-mail address."
        org, new_org = None, None
        if role not in dict(Membership.ROLE_CHOICES):
            errors["role"] = "Role: choose one of the roles listed."
        elif role != Membership.BACKBONE_ADMIN:
            if org_choice == "__new__":
                new_code = request.POST.get("new_code", "").strip()
                new_name = request.POST.get("new_name", "").strip()
                try:
                    code_validator(new_code)
                except ValidationError:
                    errors["new_code"] = (
                        f"New organisation's code: {new_code!r} is not a code "
                        f"({code_validator.message})"
                    )
                if not new_name:
                    errors["new_name"] = "New organisation's name: give the organisation a name."
                elif len(new_name) > 200 or len(new_code) > 64:
                    errors["new_name"] = (
                        "New organisation: keep the code under 64 characters and the name under 200."
                    )
                new_org = (new_code, new_name)
            else:
                org = next((o for o in orgs if o.code == org_choice), None)
                if org is None:
                    errors["organisation"] = (
                        "Organisation: choose an organisation of the initiative, or add a new one."
                    )
        if not errors:
            try:
                with transaction.atomic():
                    invitation = inv.invite(
                        initiative,
                        by=request.user,
                        email=email,
                        role=role,
                        organisation=org,
                        new_organisation=new_org,
                    )
                    inv.send(invitation, _link(request, invitation))
            except inv.InvitationError as problem:
                errors["invitation"] = str(problem)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {email} as {invitation.role_phrase}; "
                    f"the link works once and expires in {inv.valid_days()} days.",
                )
                return redirect("backbone:roles", initiative.code)
    return render(
        request,
        "backbone/invite.html",
        {
            "initiative": initiative,
            "access": access,
            "orgs": orgs,
            "roles": Membership.ROLE_CHOICES,
            "posted": posted,
            "errors": errors,
            "days": inv.valid_days(),
        },
        status=400 if errors else 200,
    )


def _invitation(request, code, invitation_id):
    initiative, _ = backbone_access(request.user, code)
    return initiative, get_object_or_404(
        Invitation.objects.select_related("organisation", "initiative", "created_by"),
        pk=invitation_id,
        initiative=initiative,
    )


@login_required
@require_POST
def invitation_revoke(request, code, invitation_id):
    initiative, invitation = _invitation(request, code, invitation_id)
    try:
        inv.revoke(invitation, by=request.user)
    except inv.InvitationError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request, f"Invitation to {invitation.email} revoked; its link no longer works."
        )
    return redirect("backbone:roles", initiative.code)


@login_required
@require_POST
def invitation_resend(request, code, invitation_id):
    initiative, invitation = _invitation(request, code, invitation_id)
    try:
        with transaction.atomic():
            invitation = inv.resend(invitation, by=request.user)
            inv.send(invitation, _link(request, invitation))
    except inv.InvitationError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            f"Invitation sent again to {invitation.email}; the earlier link no longer works.",
        )
    return redirect("backbone:roles", initiative.code)


# -- the invited person's page ------------------------------------------------------------------


def _problem(request, message, status=400):
    return render(request, "backbone/invitation_problem.html", {"problem": message}, status=status)


def accept(request, token):
    # Per client address (hashed, never stored), in the database: a flood from one address is
    # refused without locking anyone else out (docs/explanation/survey-abuse.md).
    scope = limits.address_hash(limits.client_address(request), "invitation")
    if not limits.hit(f"invitation:{scope}", limits.invitation_per_address_per_hour(), 3600):
        return _problem(
            request,
            "Many requests for invitation pages have come from your network in the last hour. "
            "Please try again later.",
            status=429,
        )
    try:
        invitation = inv.open_link(token)
    except inv.InvitationError as problem:
        return _problem(request, str(problem))
    context = {"invitation": invitation, "token": token, "errors": {}, "posted": {}}
    if request.user.is_authenticated:
        try:
            inv.check_user(invitation, request.user)
        except inv.InvitationError as problem:
            return _problem(request, str(problem), status=403)
        if request.method == "POST":
            try:
                inv.accept(token, request.user)
            except inv.InvitationError as problem:
                return _problem(request, str(problem))
            messages.success(
                request,
                f"Welcome to {invitation.initiative.name}: you are now {invitation.role_phrase}.",
            )
            return redirect("initiative", invitation.initiative.code)
        context["mode"] = "accept"
        return render(request, "backbone/accept.html", context)
    if inv.users_with_email(invitation.email).exists():
        context["mode"] = "login"
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "backbone/accept.html", context)
    context["mode"] = "signup"
    if request.method == "POST":
        errors = _signup_errors(request, invitation)
        if not errors:
            try:
                user = inv.sign_up_and_accept(
                    token, request.POST["username"].strip(), request.POST["password1"]
                )
            except inv.InvitationError as problem:
                return _problem(request, str(problem))
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                f"Welcome to {invitation.initiative.name}: your account {user.get_username()} "
                f"is {invitation.role_phrase}.",
            )
            return redirect("initiative", invitation.initiative.code)
        context["errors"] = errors
        context["posted"] = {"username": request.POST.get("username", "")}
        return render(request, "backbone/accept.html", context, status=400)
    return render(request, "backbone/accept.html", context)


def _signup_errors(request, invitation) -> dict[str, str]:
    User = get_user_model()
    errors = {}
    username = request.POST.get("username", "").strip()
    p1, p2 = request.POST.get("password1", ""), request.POST.get("password2", "")
    if not username:
        errors["username"] = "Username: choose a username."
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = (
                "Username: use letters, digits and @ . + - _ only (150 characters at most)."
            )
        if len(username) > 150:
            errors["username"] = "Username: 150 characters at most."
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = f"Username: {username} is taken; choose another."
    if p1 != p2:
        errors["password2"] = "Password: the two passwords differ."
    else:
        try:
            validate_password(p1, User(username=username, email=invitation.email))
        except ValidationError as bad:
            errors["password1"] = "Password: " + " ".join(bad.messages)
    return errors
