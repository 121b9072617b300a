"""The impact bond database's administration pages, for staff (``is_staff``): import an INDIGO
bundle after a dry run, the data-quality report with filters and downloads, and marking a
project's fields public, private or disputed. docs/reference/impact-bond-pages.md,
"Administration"."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure import charts
from commonmeasure.interchange.errors import FileProblem

from . import models as m
from . import quality, tasks, uploads
from .forms_manage import STATUS_CHOICES, BundleUploadForm, FieldStatusForm, QualityFilterForm
from .services import FieldStatusError, field_status, mark_field, may_administer, status_fields

RECENT = 20


def _changes(queryset) -> list[dict]:
    """The audit records as the pages list them, statuses in words."""
    names = dict(STATUS_CHOICES)
    return [
        {
            "change": c,
            "old": names.get(c.old_status, c.old_status),
            "new": names.get(c.new_status, c.new_status),
        }
        for c in queryset[:RECENT]
    ]


def staff_only(view):
    """Signed in (else to the log-in page) and allowed to administer the database
    (``services.may_administer``, else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_administer(request.user):
            raise PermissionDenied(_("The impact bond database is administered by staff only."))
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
def manage(request):
    form = BundleUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    error = None
    if form.is_bound and form.is_valid():
        try:
            token = uploads.save_bundle(form.cleaned_data["file"], request.user)
        except FileProblem as problem:
            error = str(problem)
        else:
            tasks.start(token, request.user, commit=False)
            return redirect("impactbonds:manage_import", token)
    return render(
        request,
        "impactbonds/manage.html",
        {
            "form": form,
            "errors": form.messages,
            "error": error,
            "max_mb": uploads.MAX_BYTES // 1024**2,
            "changes": _changes(m.DatabaseChange.objects.select_related("changed_by", "project")),
            "projects": m.Project.objects.count(),
        },
        status=400 if form.is_bound else 200,
    )


def _upload(request, token) -> dict:
    try:
        return uploads.load(token, request.user)
    except uploads.UploadNotFound:
        raise Http404(_("No such upload, or it has expired.")) from None


def _percent(record: dict) -> int | None:
    total, done = record.get("total") or 0, record.get("done") or 0
    if not total:
        return None
    return max(0, min(99, int(100 * done / total)))


def _tables(summary: dict) -> list[dict]:
    rows = []
    for key, counts in (summary.get("tables") or {}).items():
        if "rows" in counts:  # a per-record table: its records' rows replaced or not
            created, updated, unchanged = 0, counts.get("replaced", 0), counts.get("unchanged", 0)
        else:
            created, updated = counts.get("created", 0), counts.get("updated", 0)
            unchanged = counts.get("unchanged", 0)
        rows.append(
            {
                "file": f"{key}.csv",
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "changed": bool(created or updated),
            }
        )
    return rows


@staff_only
def manage_import(request, token):
    record = _upload(request, token)
    summary = record.get("summary") or {}
    running = record.get("state") in ("queued", "waiting", "running")
    context = {
        "upload": record,
        "summary": summary,
        "tables": _tables(summary),
        "changed_tables": [t for t in _tables(summary) if t["changed"]],
        "running": running,
        "percent": _percent(record),
        "status_url": reverse("impactbonds:manage_import", args=[token]),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "impactbonds/_manage_import_status.html", context)
        if not running:
            response["HX-Refresh"] = "true"  # the finished page whole, with its buttons
        return response
    return render(request, "impactbonds/manage_import.html", context)


@staff_only
@require_POST
def manage_import_commit(request, token):
    record = _upload(request, token)
    if record.get("state") != "checked":
        raise PermissionDenied(_("Only a bundle that was checked can be imported."))
    tasks.start(token, request.user, commit=True)
    return redirect("impactbonds:manage_import", token)


@staff_only
def manage_quality(request):
    form = QualityFilterForm(request.GET or None)
    filters = form.filters()
    rows = quality.filter_rows(quality.issue_rows(m.Project.objects.all()), **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        body = quality.rows_csv(rows) if fmt == "csv" else quality.rows_xlsx(rows)
        response = HttpResponse(
            body,
            content_type="text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="impact-bond-quality.{fmt}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    counts = {level: 0 for level in range(4)}
    for row in rows:
        counts[row["priority"]] += 1
    named = [(quality.PRIORITY_NAMES[k], v) for k, v in counts.items()]
    spec = charts.bars(
        [{"label": name, "value": n} for name, n in named],
        category_title=_("Priority"),
        title=_("Problems"),
        decimals=0,
        description=_("Problems shown, by priority"),
    )
    spec["encoding"]["x"]["axis"] = {"format": "d", "tickMinStep": 1}  # whole problems
    return render(
        request,
        "impactbonds/manage_quality.html",
        {
            "form": form,
            "rows": rows,
            "counts": named,
            "spec": spec,
            "query": query.urlencode(),
            "statuses": dict(STATUS_CHOICES),
            "priority_names": quality.PRIORITY_NAMES,
        },
    )


@staff_only
def manage_fields(request, indigo_id):
    project = get_object_or_404(m.Project, indigo_id=indigo_id)
    form = FieldStatusForm(request.POST if request.method == "POST" else None)
    problem = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            mark_field(
                project,
                data["field"],
                data["status"],
                by=request.user,
                note=data["note"],
                was=data["was"],
            )
        except FieldStatusError as exc:
            problem = str(exc)
        else:
            return redirect(
                reverse("impactbonds:manage_fields", args=[project.indigo_id])
                + f"?saved={data['field']}"
            )
    project.refresh_from_db()
    cells = dict(project.cells)
    fields = [
        {
            **f,
            "status": field_status(project, f["field"]),
            "value": cells.get(f["field"] + " - (Value)", ""),
        }
        for f in status_fields()
    ]
    return render(
        request,
        "impactbonds/manage_fields.html",
        {
            "project": project,
            "fields": fields,
            "form": form,
            "errors": form.messages,
            "problem": problem,
            "posted": form.data.get("field") if form.is_bound else None,
            "saved": request.GET.get("saved"),
            "statuses": STATUS_CHOICES,
            "changes": _changes(project.changes.select_related("changed_by")),
        },
        status=400 if form.is_bound else 200,
    )
