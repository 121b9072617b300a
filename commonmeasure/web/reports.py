"""The backbone's reports page: every participating organisation's status for one period."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import (
    NOT_STARTED,
    STATUS_LABELS,
    current_period,
    recent_periods,
    status_label,
)
from commonmeasure.reporting.quality import expected_participations

# Those needing the backbone's attention first.
STATUS_ORDER = {
    Submission.SUBMITTED: 0,
    Submission.RETURNED: 1,
    Submission.DRAFT: 2,
    NOT_STARTED: 3,
    Submission.APPROVED: 4,
}


def reports(request, code):
    initiative, access = get_initiative(request.user, code)
    if not access.can_review:
        raise Forbidden(_("Only the initiative's backbone can see every organisation's reports."))
    period = _chosen_period(request, initiative)
    submissions = {
        s.organisation_id: s
        for s in Submission.objects.filter(initiative=initiative, period=period.code)
        .select_related("submitted_by", "reviewed_by")
        .annotate(value_count=Count("values"))
    }
    rows = []
    for participation in (
        expected_participations(initiative)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        org = participation.organisation
        sub = submissions.get(org.id)
        status = sub.status if sub else NOT_STARTED
        rows.append(
            {
                "organisation": org,
                "submission": sub,
                "status": status,
                "label": status_label(status),
                "is_backbone": participation.is_backbone,
            }
        )
    rows.sort(key=lambda r: (STATUS_ORDER[r["status"]], r["organisation"].name.lower()))
    counts = Counter(r["status"] for r in rows)
    recent = recent_periods(initiative, 12)
    return render(
        request,
        "web/reports.html",
        {
            "initiative": initiative,
            "access": access,
            "period": period,
            "rows": rows,
            "summary": [
                {"status": s, "label": label, "count": counts.get(s, 0)}
                for s, label in STATUS_LABELS.items()
            ],
            "total": len(rows),
            "recent": [p.code for p in recent],
        },
    )


def _chosen_period(request, initiative) -> periods.Period:
    text = request.GET.get("period", "").strip()
    if text:
        try:
            return initiative.parse_period(text)
        except periods.PeriodError as problem:
            messages.error(request, f"{problem}.")
    latest = (
        Submission.objects.filter(
            initiative=initiative, period_start__lte=current_period(initiative).start_date
        )
        .order_by("-period_start")
        .values_list("period", flat=True)
        .first()
    )
    return initiative.parse_period(latest) if latest else current_period(initiative)
