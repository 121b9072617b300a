"""Every error the API returns is JSON with a ``detail`` saying what went wrong.

- 400 bad parameter value (e.g. an unknown indicator or a period that cannot be read)
- 401 a bad or revoked API token, or a write without signing in
- 403 signed in but not allowed; CSRF failure
- 404 no such thing, or not visible to the caller (existence is not revealed)
- 413 the request body is too large
- 409 the report's status or version does not allow the action
- 422 the request does not match the schema; ``errors`` lists each field
- 429 too many failed sign-ins from the client's address; ``Retry-After`` says when to retry
- 503 the database is busy (another writer holds the lock); ``Retry-After`` says when to retry
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from commonmeasure import dbbusy
from commonmeasure.measures.selectors import QueryError
from commonmeasure.reporting.services import PermissionDenied, StaleVersion, WorkflowError

from .auth import TooManyFailures


class BadRequest(Exception):
    """A parameter has a valid type but an unusable value; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _location(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body" and len(parts) > 1 and parts[1] == "payload":
        parts = ["body", *parts[2:]]  # hide the name of the view's argument
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    def detail(request, message: str, status: int, **extra):
        return api.create_response(request, {"detail": message, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _location(e.get("loc", ())), "message": e.get("msg", "invalid")}
            for e in exc.errors
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        if len(errors) > 5:
            summary += _("; and %(count)s more") % {"count": len(errors) - 5}
        return detail(
            request, _("Invalid request: %(summary)s") % {"summary": summary}, 422, errors=errors
        )

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return detail(request, str(exc) or _("Not found."), 404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc: AuthenticationError):
        response = detail(request, str(exc), 401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(TooManyFailures)
    def too_many_failures(request, exc: TooManyFailures):
        response = detail(request, str(exc), 429, retry_after=exc.lock.seconds)
        response["Retry-After"] = str(exc.lock.seconds)
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return detail(
            request,
            _("The request body is larger than %(limit)s MB; send the values in smaller batches.")
            % {"limit": f"{limit:g}"},
            413,
        )

    @api.exception_handler(BadRequest)
    def bad_request(request, exc: BadRequest):
        return detail(request, str(exc), 400)

    @api.exception_handler(QueryError)
    def query_error(request, exc: QueryError):
        return detail(request, str(exc), 400)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc: PermissionDenied):
        return detail(request, str(exc), 403)

    @api.exception_handler(StaleVersion)
    def stale_version(request, exc: StaleVersion):
        return detail(
            request, str(exc), 409, version=exc.current.version, status_now=exc.current.status
        )

    @api.exception_handler(OperationalError)
    def database_busy(request, exc: OperationalError):
        if not dbbusy.is_busy(exc):
            raise exc
        return dbbusy.busy_response(request)

    @api.exception_handler(WorkflowError)
    def workflow_error(request, exc: WorkflowError):
        return detail(request, str(exc), 409)
