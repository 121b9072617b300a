"""The staff view of suspicious bursts of survey responses, and discarding one (voice.bursts).

Those who see a survey's results see its bursts; only the backbone may discard one, so that an
organisation cannot remove the feedback given about itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import bursts, services
from .access import open_survey
from .forms import DiscardBurstForm
from .models import DiscardedBurst, Link


@login_required
def survey_bursts(request, code, survey_id):
    initiative, access, survey, org_ids = open_survey(request.user, code, survey_id)
    form = DiscardBurstForm(request.POST) if request.method == "POST" else None
    if form is not None:
        form.is_valid()  # every field has a value: a link of another survey is a 404 below
    period = request.GET.get("period") or (form.cleaned_data["period"] if form else "")
    period = period.strip()[:16] or services.current_period(initiative)
    links = list(
        survey.links.filter(organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if request.method == "POST":
        if not access.is_backbone:
            raise PermissionDenied(_("Only the backbone can discard responses."))
        link = get_object_or_404(
            Link, pk=form.cleaned_data["link"], survey=survey, organisation_id__in=org_ids
        )
        try:
            record, result = bursts.discard(link, period, form.cleaned_data["key"], request.user)
        except bursts.NoSuchBurst as problem:
            messages.error(request, str(problem))
        else:
            messages.success(
                request,
                _(
                    "%(count)s responses discarded from %(organisation)s, %(period)s; "
                    "indicator values: %(written)s written, %(cleared)s removed."
                )
                % {
                    "count": record.responses,
                    "organisation": link.organisation.name,
                    "period": period,
                    "written": result.written,
                    "cleared": result.cleared,
                },
            )
            for m in result.messages:
                messages.warning(request, m)
        return redirect(f"{request.path}?period={period}")
    rows = [{"link": link, "bursts": bursts.find(link, period)} for link in links]
    discarded = DiscardedBurst.objects.filter(link__in=links).select_related(
        "link__organisation", "discarded_by"
    )[:100]
    return render(
        request,
        "voice/bursts.html",
        {
            "initiative": initiative,
            "access": access,
            "survey": survey,
            "period": period,
            "rows": rows,
            "discarded": discarded,
            "burst_min": bursts.BURST_MIN,
        },
    )
