"""Comment thread pages, the activity feed, notifications and e-mail settings.

Who may see a thread or an event: ``conversation.visibility`` (on top of ``initiatives.access``).
An initiative the user may not see answers 404; a thread or feed of a visible initiative that the
user may not see (not a member, another organisation's draft) answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from commonmeasure.contracts.access import get_contract
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import access_for, get_initiative
from commonmeasure.initiatives.models import Indicator, Organisation
from commonmeasure.reporting.models import Submission

from . import services
from .blocks import block
from .forms import CommentForm, MarkReadForm, PreferencesForm, ThreadTargetForm
from .models import EmailPreference, Event, Notification, Thread
from .services import CommentError
from .visibility import can_see_report_comments, visible_events

FEED_PAGE = 50
NOTIFICATIONS_PAGE = 50


def safe_next(request, nxt: str, fallback: str) -> str:
    """``nxt`` (a form's ``next``) when it leads to this site, else ``fallback``."""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return fallback


# -- threads ---------------------------------------------------------------------------------------


def _report(request, code, org_code, period_code):
    initiative, access = get_initiative(request.user, code)
    organisation = get_object_or_404(
        Organisation, code=org_code, participations__initiative=initiative
    )
    try:
        period = initiative.parse_period(period_code)
    except periods.PeriodError:
        raise Http404("No such period") from None
    submission = (
        Submission.objects.filter(
            initiative=initiative, organisation=organisation, period=period.code
        )
        .select_related("organisation")
        .first()
    )
    if submission is None:
        raise Http404(_("This report has not been started, so it has no comments yet."))
    if not can_see_report_comments(access, submission):
        raise Forbidden(_("Only those who may see this report can see its comments."))
    return initiative, access, submission


def _value_target(request, initiative):
    """(indicator, key) from ?indicator=&key= or a posted cell "IND|KEY"; (None, "") for the report."""
    target = ThreadTargetForm(request.POST, query=request.GET)
    target.is_valid()  # every value is valid: an unknown indicator or key is a 404 below
    code, raw_key = target.cleaned_data["indicator"], target.cleaned_data["key"]
    if not code:
        return None, ""
    indicator = get_object_or_404(Indicator, initiative=initiative, code=code)
    try:
        return indicator, services.value_key(indicator, raw_key)
    except CommentError:
        raise Http404("No such cell") from None


@login_required
@require_http_methods(["GET", "POST"])
def report_thread(request, code, org_code, period_code):
    initiative, access, submission = _report(request, code, org_code, period_code)
    indicator, key = _value_target(request, initiative)
    spec = services.report_spec(submission, indicator, key)
    thread = services.find_thread(**spec)
    probe = thread or Thread(initiative=initiative, **spec)
    title = services.thread_label(probe)
    hidden = {"indicator": indicator.code, "key": key} if indicator else {}
    dom_id = f"thread-{indicator.code}-{key}" if indicator else "thread-report"
    back = None
    if access.can_view_unapproved(submission.organisation_id):
        back = (_("Open the report"), reverse("grid", args=[code, org_code, submission.period]))
    else:
        back = (_("Organisation page"), reverse("organisation", args=[code, org_code]))
    return _thread_view(request, access, spec, title, dom_id, hidden, back)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_thread(request, code, indicator_code):
    initiative, access = get_initiative(request.user, code)
    indicator = get_object_or_404(Indicator, initiative=initiative, code=indicator_code)
    if not access.is_member:
        raise Forbidden(_("Only the initiative's members can see comments."))
    spec = {"kind": Thread.INDICATOR, "indicator": indicator}
    back = (_("Indicator page"), reverse("indicator", args=[code, indicator_code]))
    return _thread_view(
        request,
        access,
        spec,
        _("the indicator %(indicator)s") % {"indicator": indicator.name},
        "thread-indicator",
        {},
        back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_thread(request, pk: int):
    contract, contract_access = get_contract(request.user, pk)
    initiative = contract.project.initiative
    if initiative is None:
        raise Http404(_("This contract has no initiative, so it has no comments."))
    access = access_for(request.user, initiative)
    if not access.is_member:
        raise Forbidden(_("Only the members of the contract's initiative can see its comments."))
    spec = {"kind": Thread.CONTRACT, "contract": contract}
    back = (_("Contract page"), reverse("contract", args=[pk]))
    return _thread_view(
        request,
        access,
        spec,
        _("the contract %(contract)s") % {"contract": contract},
        "thread-contract",
        {},
        back,
    )


def _thread_view(request, access, spec, title, dom_id, hidden, back):
    initiative = access.initiative
    page_url = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
    error, notes, text = "", [], ""
    if request.method == "POST":
        form = CommentForm(request.POST, query=request.GET)
        text = form.posted_text
        try:
            if not form.is_valid():
                raise CommentError(form.messages["text"])
            posted = services.post_comment(access, request.user, spec, form.cleaned_data["text"])
        except CommentError as exc:
            error = str(exc)
        else:
            notes, text = posted.notes, ""
            if not request.htmx:
                messages.success(request, _("Comment posted."))
                for note in posted.notes:
                    messages.info(request, note)
                return redirect(safe_next(request, form.cleaned_data["next"], page_url))
    thread = services.find_thread(**spec)
    b = block(
        thread,
        title,
        request.path,
        dom_id,
        hidden=hidden,
        error=error,
        notes=notes,
        text=text,
        page_url=page_url,
    )
    status = 400 if error and not request.htmx else 200
    if request.htmx:
        return render(request, "conversation/_thread.html", {"thread": b}, status=status)
    return render(
        request,
        "conversation/thread.html",
        {"initiative": initiative, "access": access, "thread": b, "back": back},
        status=status,
    )


# -- activity feed ---------------------------------------------------------------------------------


@login_required
def feed(request, code):
    initiative, access = get_initiative(request.user, code)
    if not access.is_member:
        raise Forbidden(_("Only the initiative's members can see its activity."))
    events = visible_events(access, Event.objects.filter(initiative=initiative)).select_related(
        "actor", "organisation"
    )
    by = request.GET.get("by", "").strip()
    if by:
        events = events.filter(actor__username=by)
    page = Paginator(events.order_by("-created_at", "-id"), FEED_PAGE).get_page(
        request.GET.get("page")
    )
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "initiative": initiative.code,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "count": page.paginator.count,
                "events": [
                    {
                        "kind": e.kind,
                        "actor": e.actor.get_username() if e.actor else None,
                        "text": e.text,
                        "url": e.target_url,
                        "organisation": e.organisation.code if e.organisation else None,
                        "private": e.is_private,
                        "at": e.created_at.isoformat(),
                    }
                    for e in page
                ],
            }
        )
    return render(
        request,
        "conversation/feed.html",
        {"initiative": initiative, "access": access, "page": page, "by": by},
    )


# -- notifications ---------------------------------------------------------------------------------


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).select_related("initiative")
    if request.GET.get("show") == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), NOTIFICATIONS_PAGE).get_page(
        request.GET.get("page")
    )
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request,
        "conversation/notifications.html",
        {"page": page, "unread": unread, "show": request.GET.get("show", "")},
    )


@login_required
def notification_open(request, pk: int):
    """Mark one's own notification read and go to what it is about."""
    n = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, n.pk)
    target = n.target_url
    if not (target.startswith("/") and not target.startswith("//")):
        target = reverse("conversation:notifications")
    return redirect(target)


@login_required
@require_POST
def notifications_read(request):
    """Mark read: one notification (``id``) or all of them."""
    form = MarkReadForm(request.POST, query=request.GET)
    if not form.is_valid():
        raise Http404("No such notification")
    one = form.cleaned_data["id"]
    count = services.mark_read(request.user, one)
    if one is None:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect(
        safe_next(request, form.cleaned_data["next"], reverse("conversation:notifications"))
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = EmailPreference.objects.filter(user=request.user).first()
    current = pref.email if pref else EmailPreference.DEFAULT
    error = ""
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            error = form.messages["email"]
        else:
            services.set_email_preference(request.user, form.cleaned_data["email"])
            messages.success(request, _("Your e-mail settings are saved."))
            return redirect("conversation:preferences")
    return render(
        request,
        "conversation/preferences.html",
        {"choices": EmailPreference.CHOICES, "current": current, "error": error},
        status=400 if error else 200,
    )
