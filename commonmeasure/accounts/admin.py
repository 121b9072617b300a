"""Django admin: the sign-in login form with its lock message; sign-in locks and events for
superusers (a lock is lifted with the "Unlock" action, recorded in the audit trail)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import throttle
from .forms import AdminLoginForm
from .models import LoginThrottle, SignInEvent

admin.site.login_form = AdminLoginForm


class SuperuserOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=gettext_lazy("Unlock the selected accounts and addresses"))
def unlock_selected(modeladmin, request, queryset):
    n = 0
    for row in list(queryset):
        key = {"username" if row.scope == LoginThrottle.ACCOUNT else "address": row.key}
        n += throttle.unlock(by=request.user, **key)
    messages.success(request, _("Unlocked %(count)s.") % {"count": n})


@admin.register(LoginThrottle)
class LoginThrottleAdmin(SuperuserOnly):
    list_display = ["scope", "key", "failures", "last_failure_at", "locked_until"]
    list_filter = ["scope"]
    search_fields = ["key"]
    actions = [unlock_selected]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # actions need it; every field is read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(SignInEvent)
class SignInEventAdmin(SuperuserOnly):
    list_display = ["at", "kind", "channel", "username", "address", "scope", "by"]
    list_filter = ["kind", "channel"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
