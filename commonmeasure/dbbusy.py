"""A request that cannot get the database's lock in time answers 503 with Retry-After, never 500
(docs/reference/configuration.md, CM_DB_LOCK_TIMEOUT).

SQLite has one writer at a time: a request that waits longer than the busy timeout for the
write lock fails with OperationalError "database is locked". On PostgreSQL, a statement that
waits longer than ``lock_timeout`` for a row or table lock fails with LockNotAvailable (55P03),
and a deadlock (40P01) ends one of the two transactions. Each is a "try again shortly": the
client is told so, as JSON on the API and as a short page elsewhere.

Where the error is caught: in a view (``process_exception``), in the API (the exception
handler in api/errors.py calls ``busy_response``), and anywhere else in the middleware chain
(a session saved after the view, say): Django turns those into a 500 response and sends
``got_request_exception`` while the exception is in hand; the receiver marks the request, and
this middleware, first in the chain, answers 503 instead.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER = 5  # seconds
LOCK_SQLSTATES = {"55P03", "40P01"}  # lock_not_available, deadlock_detected
log = logging.getLogger(__name__)


def is_busy(exc: BaseException | None) -> bool:
    """True for an error that means "the database is busy with another writer: try again"."""
    while exc is not None:
        if isinstance(exc, OperationalError) or type(exc).__name__ in (
            "OperationalError",
            "LockNotAvailable",
            "DeadlockDetected",
        ):
            text = str(exc).lower()
            if "database is locked" in text or "database table is locked" in text:
                return True
            if getattr(exc, "sqlstate", None) in LOCK_SQLSTATES:
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def busy_response(request) -> HttpResponse:
    message = _(
        "The database is busy with another change (a large import, perhaps). Nothing was "
        "changed by this request: please try again in a few seconds."
    )
    if wants_json(request):
        response = JsonResponse({"detail": message, "retry_after": RETRY_AFTER}, status=503)
    else:
        # No database is needed to draw it: the page stands alone.
        html = render_to_string("web/busy.html", {"message": message, "retry": RETRY_AFTER})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def _mark(sender, request=None, **kwargs) -> None:
    if request is not None and is_busy(sys.exc_info()[1]):
        request.cm_database_busy = True


got_request_exception.connect(_mark, dispatch_uid="commonmeasure.dbbusy")


class DatabaseBusyMiddleware:
    """First in MIDDLEWARE: see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "cm_database_busy", False):
            return busy_response(request)
        return response

    def process_exception(self, request, exception):
        if is_busy(exception):
            log.warning("database busy: %s %s answered 503", request.method, request.path)
            return busy_response(request)
        return None
