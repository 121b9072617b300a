"""Who is calling: a personal API token, the Django session, or nobody.

Tried in this order:
1. ``Authorization: Bearer <token>``: a token that is unknown or revoked is refused with 401,
   never treated as anonymous, so a client with a dead token finds out at once; too many such
   failures from one address lock it (429 with Retry-After).
2. The Django session cookie, as in the web pages. Unsafe methods (POST) need the CSRF token
   in the ``X-CSRFToken`` header, exactly as for a form.
3. Anonymous: sees only published initiatives' approved data; may not write.

Every endpoint then asks ``commonmeasure.initiatives.access`` what the caller may see and do.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from commonmeasure.accounts import throttle
from commonmeasure.accounts.models import SignInEvent

from .tokens import user_for_token


class TooManyFailures(Exception):
    """The client address is locked after too many failed sign-ins or unknown tokens (429)."""

    def __init__(self, lock: throttle.Lock):
        super().__init__(lock.message())
        self.lock = lock


class ApiToken(HttpBearer):
    """An unknown or revoked token counts as a failed sign-in of the client address, with the
    same limit and lock as the login forms (commonmeasure/accounts/throttle.py); a locked address
    is answered 429 before the token is looked up. An unknown token names no account, so there is
    no count per account here: a token's 256 random bits cannot be guessed."""

    def authenticate(self, request, token: str):
        address = throttle.client_address(request)
        lock = throttle.refused(None, address, SignInEvent.API)
        if lock is not None:
            raise TooManyFailures(lock)
        user = user_for_token(token)
        if user is None:
            lock = throttle.record_failure(None, address, SignInEvent.API)
            if lock is not None:
                raise TooManyFailures(lock)
            raise AuthenticationError(message=_("The API token is not valid or has been revoked."))
        request.user = user
        return user


class Session(APIKeyCookie):
    """The signed-in web user; CSRF is checked for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403,
                _(
                    "CSRF check failed: a signed-in browser session must send the CSRF token in "
                    "the X-CSRFToken header for POST requests (or use an API token instead)."
                ),
            )
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


def anonymous(request):
    """Nobody signed in: a truthy AnonymousUser, so that public data stays readable."""
    return AnonymousUser()


AUTH = [ApiToken(), Session(), anonymous]
