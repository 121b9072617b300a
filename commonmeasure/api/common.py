"""Helpers shared by the API's routers: who is calling and which initiative they mean."""

from __future__ import annotations

from ninja.errors import AuthenticationError

from commonmeasure.initiatives.access import Access, get_initiative
from commonmeasure.initiatives.models import Initiative

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


def require_signed_in(request) -> None:
    if not caller(request).is_authenticated:
        raise AuthenticationError(
            message="Sign in or send an API token (Authorization: Bearer <token>) to do this."
        )


def access_label(access: Access) -> str:
    if access.is_backbone:
        return "backbone"
    return "member" if access.is_member else "public"
