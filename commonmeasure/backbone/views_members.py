"""The backbone's members pages: members and their roles, invitations, and the record of every
change; and the page an invited person opens from their e-mail. Only the backbone
(Access.can_review) reaches the members pages; the invitation page needs only the signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure.accounts import throttle
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Membership, Organisation
from commonmeasure.voice import limits

from . import invitations as inv
from . import services
from .forms import InviteForm, MembershipActionForm, SignUpForm
from .models import Invitation, RoleChange

ROLE_ORDER = {r: i for i, (r, _) in enumerate(Membership.ROLE_CHOICES)}


def backbone_access(user, code):
    initiative, access = get_initiative(user, code)
    if not access.can_review:
        raise Forbidden(_("Only the initiative's backbone can manage its members."))
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


@login_required
def roles(request, code):
    initiative, access = backbone_access(request.user, code)
    errors = {}
    if request.method == "POST":
        form = MembershipActionForm(request.POST)
        form.is_valid()  # the membership is looked up first: one of another initiative is a 404
        membership = get_object_or_404(
            Membership.objects.select_related("user", "organisation", "initiative"),
            pk=form.cleaned_data["membership"],
            initiative=initiative,
        )
        action = form.cleaned_data.get("action")
        try:
            if form.errors:
                errors = form.messages
            elif action == "change":
                services.change_role(membership, form.cleaned_data["role"], by=request.user)
                messages.success(
                    request,
                    _("%(user)s is now a %(role)s.")
                    % {"user": membership.user.get_username(), "role": membership.role},
                )
            elif action == "remove":
                services.remove_membership(membership, by=request.user)
                messages.success(
                    request,
                    _("Removed %(user)s's %(role)s membership.")
                    % {
                        "user": membership.user.get_username(),
                        "role": membership.get_role_display().lower(),
                    },
                )
            elif action == "unlock":
                # Only the account of a member of this initiative: never an address.
                throttle.unlock(username=membership.user.get_username(), by=request.user)
                messages.success(
                    request,
                    _("Unlocked %(user)s: they can sign in again.")
                    % {"user": membership.user.get_username()},
                )
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
    posted = {"role": "reporter"}
    if request.method == "POST":
        form = InviteForm(request.POST, organisations=orgs)
        posted = form.data  # what was typed, shown again beside its message
        errors = form.messages
        if not errors:
            try:
                with transaction.atomic():
                    invitation = inv.invite(initiative, by=request.user, **form.invitation())
                    inv.send(invitation, _link(request, invitation))
            except inv.InvitationError as problem:
                errors["invitation"] = str(problem)
            else:
                messages.success(
                    request,
                    _(
                        "Invitation sent to %(email)s as %(role)s; the link works once and "
                        "expires in %(days)s days."
                    )
                    % {
                        "email": invitation.email,
                        "role": invitation.role_phrase,
                        "days": inv.valid_days(),
                    },
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
    initiative, _access = backbone_access(request.user, code)
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
            request,
            _("Invitation to %(email)s revoked; its link no longer works.")
            % {"email": invitation.email},
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
            _("Invitation sent again to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
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
            _(
                "Many requests for invitation pages have come from your network in the last "
                "hour. Please try again later."
            ),
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
                _("Welcome to %(initiative)s: you are now %(role)s.")
                % {"initiative": invitation.initiative.name, "role": invitation.role_phrase},
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
        form = SignUpForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                user = inv.sign_up_and_accept(
                    token, form.cleaned_data["username"], form.cleaned_data["password1"]
                )
            except inv.InvitationError as problem:
                return _problem(request, str(problem))
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("Welcome to %(initiative)s: your account %(user)s is %(role)s.")
                % {
                    "initiative": invitation.initiative.name,
                    "user": user.get_username(),
                    "role": invitation.role_phrase,
                },
            )
            return redirect("initiative", invitation.initiative.code)
        context["errors"] = form.messages
        context["posted"] = {"username": form.data.get("username", "")}
        return render(request, "backbone/accept.html", context, status=400)
    return render(request, "backbone/accept.html", context)
