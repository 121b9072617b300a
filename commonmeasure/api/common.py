"""Helpers shared by the API's routers: who is calling and which initiative they mean."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from commonmeasure.disclosure import viewer_for
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import Access, get_initiative
from commonmeasure.initiatives.models import Initiative

from .errors import BadRequest
from .schemas import Error, ValidationErrorOut

# 429: too many failed sign-ins from the caller's address (auth.py).
READ_ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrorOut,
    429: Error,
}


def caller(request):
    """The user the request acts for: a token's user, the session's user, or AnonymousUser."""
    return request.auth


def initiative_for(request, code: str) -> tuple[Initiative, Access]:
    """The initiative and the caller's access; 404 if the caller may not see it."""
    return get_initiative(caller(request), code)


def figure_request(request, code: str, indicator_code: str, period: str | None):
    """(initiative, indicator, the period asked for or None, the viewer) of a request about one
    indicator's figures (/query, /explain); 404 for an initiative the caller may not see, 400
    naming the parameter for an unknown indicator or a period that is not one."""
    initiative, access = initiative_for(request, code)
    indicator = initiative.indicators.filter(code=indicator_code).first()
    if indicator is None:
        known = ", ".join(initiative.indicators.values_list("code", flat=True)) or _("none")
        raise BadRequest(
            "indicator",
            _("no indicator %(indicator)r in %(initiative)s (known: %(known)s)")
            % {"indicator": indicator_code, "initiative": initiative.code, "known": known},
        )
    within = None
    if period:
        try:
            within = periods.parse(period, None, initiative.fy_first_month)
        except periods.PeriodError as exc:
            raise BadRequest("period", str(exc)) from None
    return initiative, indicator, within, viewer_for(initiative, access)


def require_signed_in(request) -> None:
    if not caller(request).is_authenticated:
        raise AuthenticationError(
            message=_("Sign in or send an API token (Authorization: Bearer <token>) to do this.")
        )


def access_label(access: Access) -> str:
    if access.is_backbone:
        return "backbone"
    return "member" if access.is_member else "public"
