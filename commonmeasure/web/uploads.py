"""Spreadsheet templates and uploads of values files for one organisation.

Upload -> a dry run with its summary (new, changed, unchanged, errors by row and column) ->
Commit -> the result. Large files run in the background; the page polls with htmx.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure.initiatives.access import get_initiative
from commonmeasure.interchange.errors import FileProblem
from commonmeasure.interchange.templates_xlsx import template_bytes
from commonmeasure.reporting import tasks, uploads
from commonmeasure.reporting.presenters import reporting_period
from commonmeasure.reporting.template_spec import build_spec, template_periods

from .pages import participating_organisation

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _editable_org(request, code, org_code):
    initiative, access = get_initiative(request.user, code)
    organisation = participating_organisation(initiative, org_code)
    if not access.can_edit(organisation.id):
        raise Forbidden(
            _(
                "Only the organisation's reporters and the initiative's backbone can upload its "
                "values."
            )
        )
    return initiative, access, organisation


@login_required
def template_download(request, code, org_code):
    initiative, _access, organisation = _editable_org(request, code, org_code)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in CONTENT_TYPES:
        fmt = "xlsx"
    first = request.GET.get("period", "").strip() or reporting_period(initiative).code
    last = request.GET.get("to", "").strip() or None
    try:
        codes = template_periods(initiative, first, last)
    except ValueError as problem:
        return _upload_page(
            request, initiative, _access, organisation, template_error=str(problem), status=400
        )
    data = template_bytes(build_spec(initiative, organisation, codes), fmt)
    span = codes[0] if len(codes) == 1 else f"{codes[0]}_to_{codes[-1]}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{initiative.code}_{organisation.code}_{span}.{fmt}"'
    )
    return response


@login_required
def upload(request, code, org_code):
    initiative, access, organisation = _editable_org(request, code, org_code)
    if request.method != "POST":
        return _upload_page(request, initiative, access, organisation)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _upload_page(
            request,
            initiative,
            access,
            organisation,
            upload_error=_("Choose a file to upload."),
            status=400,
        )
    try:
        token = uploads.save_upload(uploaded, request.user, initiative, organisation)
    except FileProblem as problem:
        return _upload_page(
            request, initiative, access, organisation, upload_error=str(problem), status=400
        )
    meta = uploads.load_upload(token, request.user)
    estimate, progress_total = uploads.estimate_rows(uploads.data_path(meta))
    uploads.update_upload(
        token,
        estimate=estimate,
        progress_total=progress_total,
        background=estimate >= _background_rows(),
    )
    tasks.start(
        token,
        request.user,
        commit=False,
        organisations=uploads.allowed_organisations(access, initiative),
        background=estimate >= _background_rows(),
    )
    return redirect("upload_status", initiative.code, organisation.code, token)


def _background_rows() -> int:
    from django.conf import settings

    return int(getattr(settings, "CM_BACKGROUND_ROWS", uploads.BACKGROUND_ROWS))


def _upload_page(
    request, initiative, access, organisation, *, upload_error=None, template_error=None, status=200
):
    return render(
        request,
        "web/upload.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "period": reporting_period(initiative).code,
            "upload_error": upload_error,
            "template_error": template_error,
            "max_mb": uploads.max_upload_bytes() // (1024 * 1024),
            "background_rows": _background_rows(),
        },
        status=status,
    )


def _load(request, code, org_code, token):
    initiative, access, organisation = _editable_org(request, code, org_code)
    try:
        meta = uploads.load_upload(token, request.user)
    except uploads.UploadNotFound:
        raise Http404(_("No such upload, or it has expired.")) from None
    if meta["initiative"] != initiative.code or meta["organisation"] != organisation.code:
        raise Http404(_("No such upload, or it has expired."))
    return initiative, access, organisation, meta


@login_required
def upload_status(request, code, org_code, token):
    initiative, access, organisation, meta = _load(request, code, org_code, token)
    context = {
        "initiative": initiative,
        "access": access,
        "organisation": organisation,
        "upload": meta,
        "summary": meta.get("summary"),
        "running": meta["state"] in ("queued", "waiting", "running"),
        "percent": _percent(meta),
        "status_url": reverse("upload_status", args=[initiative.code, organisation.code, token]),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "web/_upload_status.html", context)
        if not context["running"]:
            response["HX-Refresh"] = "true"  # show the finished page whole, with its buttons
        return response
    return render(request, "web/upload_status.html", context)


def _percent(meta: dict) -> int | None:
    total, done = meta.get("total") or 0, meta.get("done") or 0
    if not total:
        return None
    return max(0, min(99, int(100 * done / total)))


@login_required
@require_POST
def upload_commit(request, code, org_code, token):
    initiative, access, organisation, meta = _load(request, code, org_code, token)
    summary = meta.get("summary") or {}
    if meta["state"] != "checked" or summary.get("errors"):
        raise Forbidden(_("Only a file that was checked without errors can be imported."))
    tasks.start(
        token,
        request.user,
        commit=True,
        organisations=uploads.allowed_organisations(access, initiative),
        background=bool(meta.get("background")),
    )
    return redirect("upload_status", initiative.code, organisation.code, token)
