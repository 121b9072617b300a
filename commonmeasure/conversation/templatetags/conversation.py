"""Template tags that put comment threads and the notification bell on other apps' pages:

    {% load conversation %}
    {% report_comments %}      on the report grid (uses submission, rows)
    {% indicator_comments %}   on the indicator page (uses indicator)
    {% contract_comments %}    on the contract page (uses contract)
    {% notification_bell %}    in the header

Each tag asks ``conversation.visibility`` itself and shows nothing to those who may not see.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting.models import disaggregation_key

from .. import services
from ..blocks import block, report_url
from ..models import Notification, Thread
from ..visibility import can_see_report_comments

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _base(context, **extra) -> dict:
    request = context.get("request")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page_path": request.get_full_path() if request else "",
        **extra,
    }


@register.inclusion_tag("conversation/_notification_bell.html", takes_context=True)
def notification_bell(context):
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"show": False}
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"show": True, "unread": unread}


@register.inclusion_tag("conversation/_report_threads.html", takes_context=True)
def report_comments(context):
    submission, initiative = context.get("submission"), context.get("initiative")
    user = _user(context)
    if initiative is None or user is None or not user.is_authenticated:
        return {"show": False}
    access = access_for(user, initiative)
    if not access.is_member:
        return {"show": False}
    if submission is None:
        return _base(context, show=True, not_started=True)
    if not can_see_report_comments(access, submission):
        return {"show": False}
    url = report_url(initiative, submission)
    report_thread = services.find_thread(**services.report_spec(submission))
    blocks = [block(report_thread, _("The report as a whole"), url, "thread-report")]
    rows = context.get("rows") or []
    labels = {}
    options = []
    for row in rows:
        for cell in row.cells():
            key = disaggregation_key(cell.categories)[0]
            label = f"{row.indicator.name} — {cell.label}"
            labels[(row.indicator.id, key)] = label
            options.append((f"{row.indicator.code}|{key}", label))
    value_threads = (
        Thread.objects.filter(kind=Thread.VALUE, submission=submission)
        .select_related("indicator", "initiative")
        .order_by("indicator__sort_order", "indicator__code", "key")
    )
    for t in value_threads:
        label = labels.get((t.indicator_id, t.key)) or (
            f"{t.indicator.name} — {services.cell_label(initiative, t.key)}"
        )
        b = block(
            t,
            label,
            url,
            f"thread-{t.indicator.code}-{t.key}",
            hidden={"indicator": t.indicator.code, "key": t.key},
        )
        b.page_url = services.thread_url(t)
        blocks.append(b)
    return _base(
        context, show=True, blocks=blocks, cell_options=options, post_url=url, not_started=False
    )


@register.inclusion_tag("conversation/_threads.html", takes_context=True)
def indicator_comments(context):
    indicator, initiative = context.get("indicator"), context.get("initiative")
    user = _user(context)
    if indicator is None or user is None or not user.is_authenticated:
        return {"show": False}
    if not access_for(user, initiative).is_member:
        return {"show": False}
    thread = services.find_thread(kind=Thread.INDICATOR, indicator=indicator)
    url = reverse("conversation:indicator", args=[initiative.code, indicator.code])
    b = block(thread, _("Comments on this indicator"), url, "thread-indicator")
    return _base(context, show=True, blocks=[b])


@register.inclusion_tag("conversation/_threads.html", takes_context=True)
def contract_comments(context):
    contract = context.get("contract")
    user = _user(context)
    if contract is None or user is None or not user.is_authenticated:
        return {"show": False}
    initiative = contract.project.initiative
    if initiative is None or not access_for(user, initiative).is_member:
        return {"show": False}
    thread = services.find_thread(kind=Thread.CONTRACT, contract=contract)
    url = reverse("conversation:contract", args=[contract.pk])
    b = block(thread, _("Comments on this contract"), url, "thread-contract")
    return _base(context, show=True, blocks=[b])
