"""The login forms of the site and of Django admin: a locked account or address gets a message
saying how long to wait instead of "wrong password" (throttle.py)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm


class _LockMessage:
    def get_invalid_login_error(self):
        lock = getattr(self.request, "cm_sign_in_lock", None)
        if lock is not None:
            return forms.ValidationError(lock.message(), code="locked")
        return super().get_invalid_login_error()


class LoginForm(_LockMessage, AuthenticationForm):
    pass


class AdminLoginForm(_LockMessage, AdminAuthenticationForm):
    pass
