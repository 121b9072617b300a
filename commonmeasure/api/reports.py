"""Reporting endpoints: submissions and their workflow, and bulk upsert of values.

Each calls the same service functions as the web pages and the command line:
``commonmeasure.reporting.services`` for the workflow, ``reporting.importing.import_table`` for
values (so that the API checks a row exactly as a values file is checked).
"""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from commonmeasure.domain import periods
from commonmeasure.interchange.tabular import Table
from commonmeasure.reporting import services
from commonmeasure.reporting.importing import API, MAX_ERRORS, import_table
from commonmeasure.reporting.models import Submission

from .common import READ_ERRORS, caller, initiative_for, require_signed_in
from .errors import BadRequest
from .schemas import Error, ImportSummary, SubmissionOut, TransitionIn, ValidationErrorOut, ValuesIn

router = Router(tags=["reporting"])

# A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before the endpoint runs (errors.py).
WRITE_ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    413: Error,
    422: ValidationErrorOut,
    429: Error,
}
STATUSES = [s for s, _ in Submission.STATUS_CHOICES]


def _submission_out(sub: Submission, values: int | None = None) -> dict:
    if values is None:
        values = sub.values.count()
    return {
        "id": sub.id,
        "organisation": sub.organisation.code,
        "organisation_name": sub.organisation.name,
        "period": sub.period,
        "status": sub.status,
        "version": sub.version,
        "values": values,
        "review_comment": sub.review_comment,
        "submitted_at": sub.submitted_at,
        "reviewed_at": sub.reviewed_at,
        "updated_at": sub.updated_at,
    }


class SubmissionFilters(Schema):
    period: str | None = None
    organisation: str | None = None
    status: str | None = None


@router.get(
    "/{code}/submissions",
    response={200: list[SubmissionOut], **READ_ERRORS},
    operation_id="listSubmissions",
)
def list_submissions(request, code: str, filters: Query[SubmissionFilters]):
    """Reports with their status. The backbone sees every organisation's; reporters, reviewers and
    viewers see their own organisation's; anyone else sees none."""
    initiative, access = initiative_for(request, code)
    qs = Submission.objects.filter(initiative=initiative)
    if not access.is_backbone:
        qs = qs.filter(organisation_id__in=access.own_organisations)
    if filters.period:
        try:
            period = initiative.parse_period(filters.period)
        except periods.PeriodError as exc:
            raise BadRequest(
                "period",
                _("%(problem)s (%(frequency)s reporting)")
                % {"problem": exc, "frequency": initiative.reporting_frequency},
            ) from None
        qs = qs.filter(period=period.code)
    if filters.organisation:
        qs = qs.filter(organisation__code=filters.organisation)
    if filters.status:
        if filters.status not in STATUSES:
            raise BadRequest(
                "status",
                _("unknown status %(status)r; use one of %(statuses)s")
                % {"status": filters.status, "statuses": ", ".join(STATUSES)},
            )
        qs = qs.filter(status=filters.status)
    qs = (
        qs.select_related("organisation")
        .annotate(n_values=Count("values"))
        .order_by("-period_start", "organisation__code", "id")
    )
    return [_submission_out(s, s.n_values) for s in qs]


def _transition(request, code: str, submission_id: int, body: TransitionIn | None, action) -> dict:
    require_signed_in(request)
    initiative, access = initiative_for(request, code)
    sub = (
        Submission.objects.filter(initiative=initiative, pk=submission_id)
        .select_related("organisation")
        .first()
    )
    if sub is None or not access.can_view_unapproved(sub.organisation_id):
        raise Http404(
            _("No submission %(id)s in initiative %(initiative)s.")
            % {"id": submission_id, "initiative": initiative.code}
        )
    body = body or TransitionIn()
    # The service checks the version, under the report's lock (reporting/workflow.py).
    updated = action(access, sub, caller(request), body.comment, body.version)
    return _submission_out(updated)


def _required(access, comment: str) -> str:
    """Returning needs a comment: a 400 naming the field (once the caller may return at all)."""
    if access.can_review and not comment.strip():
        raise BadRequest(
            "comment", _("say what needs to change: a comment is required to return a report")
        )
    return comment


def _route(action_name: str, summary: str, action):
    def view(request, code: str, submission_id: int, body: TransitionIn | None = None):
        return _transition(request, code, submission_id, body, action)

    view.__name__ = f"{action_name}_submission"
    view.__doc__ = summary
    router.post(
        f"/{{code}}/submissions/{{submission_id}}/{action_name}",
        response={200: SubmissionOut, **WRITE_ERRORS},
        operation_id=f"{action_name}Submission",
        summary=summary.split(".")[0],
    )(view)


_route(
    "submit",
    "Submit a draft or returned report for review. Reporters and reviewers of the organisation, or the backbone.",
    lambda access, sub, user, comment, version: services.submit(
        access, sub, user, expected_version=version, channel=API
    ),
)
_route(
    "approve",
    "Approve a submitted report; approval locks it. Backbone only.",
    lambda access, sub, user, comment, version: services.approve(
        access, sub, user, comment, expected_version=version, channel=API
    ),
)
_route(
    "return",
    "Return a submitted report for changes; a comment is required. Backbone only.",
    lambda access, sub, user, comment, version: services.return_for_changes(
        access, sub, user, _required(access, comment), expected_version=version, channel=API
    ),
)
_route(
    "reopen",
    "Reopen an approved report (it becomes returned). Backbone only.",
    lambda access, sub, user, comment, version: services.reopen(
        access, sub, user, comment, expected_version=version, channel=API
    ),
)


@router.post(
    "/{code}/values",
    response={
        200: ImportSummary,
        400: ImportSummary,
        401: Error,
        403: Error,
        404: Error,
        413: Error,
        422: ValidationErrorOut,
        429: Error,
    },
    operation_id="upsertValues",
)
def upsert_values(request, code: str, payload: ValuesIn):
    """Create or update values in bulk; sending the same values again changes nothing.

    Every row is checked as a row of a values file is; if any row has an error, nothing is
    written and the answer is 400 with every error (`row` is the 1-based position in `values`).
    Reporters may write only their own organisation's draft or returned reports; the backbone
    may write any organisation's.
    """
    require_signed_in(request)
    initiative, access = initiative_for(request, code)
    editable = [org_id for org_id in access.own_organisations if access.can_edit(org_id)]
    if not access.is_backbone and not editable:
        raise services.PermissionDenied(_("You may not enter values in this initiative."))
    table, pre_errors, dims = _table(initiative, payload)
    result = import_table(
        initiative,
        table,
        dry_run=payload.dry_run or bool(pre_errors),
        user=caller(request),
        channel=API,
        organisations=None if access.is_backbone else editable,
    )
    summary = result.as_dict()
    errors = [
        {**e, "column": f"categories.{e['column']}" if e["column"] in dims else e["column"]}
        for e in summary["errors"]
    ]
    errors = sorted(pre_errors + errors, key=lambda e: (e["row"] is None, e["row"] or 0))
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [
            *errors[:MAX_ERRORS],
            {"row": None, "column": None, "message": f"... and {more} more errors"},
        ]
    summary.update(errors=errors, dry_run=payload.dry_run)
    if errors:
        summary.update(imported=0, updated=0, unchanged=0)
        summary["detail"] = f"{len(errors)} error(s) in the values; nothing was written."
        return Status(400, summary)
    return Status(200, summary)


def _table(initiative, payload: ValuesIn) -> tuple[Table, list[dict], set[str]]:
    """The JSON rows as a table in the long layout of a values file (docs/reference/values-file.md).

    Ids (numbers) become codes here; everything else is checked by the importer.
    """
    dims = list(initiative.dimensions.values_list("code", flat=True))
    org_codes = dict(initiative.participations.values_list("organisation_id", "organisation__code"))
    ind_codes = dict(initiative.indicators.values_list("id", "code"))
    header = ["organisation", "indicator", "period", "value", *dims, "comment"]
    errors: list[dict] = []
    rows = []
    for n, item in enumerate(payload.values, start=1):
        org, ind = item.organisation, item.indicator
        if isinstance(org, int):
            org = org_codes.get(org)
            if org is None:
                errors.append(
                    {
                        "row": n,
                        "column": "organisation",
                        "message": f"no organisation with id {item.organisation} in initiative {initiative.code}",
                    }
                )
                continue
        if isinstance(ind, int):
            ind = ind_codes.get(ind)
            if ind is None:
                errors.append(
                    {
                        "row": n,
                        "column": "indicator",
                        "message": f"no indicator with id {item.indicator} in initiative {initiative.code}",
                    }
                )
                continue
        unknown = sorted(set(item.categories) - set(dims))
        for key in unknown:
            errors.append(
                {
                    "row": n,
                    "column": f"categories.{key}",
                    "message": f"unknown dimension {key!r}; expected one of {', '.join(dims) or 'none'}",
                }
            )
        if unknown:
            continue
        value = "" if item.value is None else item.value
        cells = [
            org,
            ind,
            str(item.period),
            value,
            *[item.categories.get(d, "") for d in dims],
            item.comment,
        ]
        rows.append((n, cells))
    table = Table(
        name="request", header=header, rows=iter(rows), size=len(rows), position=lambda: 0
    )
    return table, errors, set(dims)
