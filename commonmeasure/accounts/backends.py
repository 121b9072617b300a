"""Django's username-and-password check behind the sign-in throttle (throttle.py).

Every caller of ``django.contrib.auth.authenticate`` with a password goes through here: the
site's login page, Django admin's, and anything added later. A locked account or address is
refused before the password is checked; the lock is left on the request for the form's message.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle

PATH = "commonmeasure.accounts.backends.ThrottledModelBackend"


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = throttle.client_address(request)
        channel = throttle.channel_of(request)
        lock = throttle.refused(username, address, channel)
        if lock is None:
            user = super().authenticate(request, username, password, **kwargs)
            if user is not None:
                throttle.record_success(user, address, channel)
                return user
            lock = throttle.record_failure(username, address, channel)
            if lock is None:
                return None
        if request is not None:
            request.cm_sign_in_lock = lock
        raise PermissionDenied(lock.message())
