"""Read-only Django admin views of the backbone tools' records, scoped like the initiatives'."""

from django.contrib import admin

from commonmeasure.initiatives.admin import BackboneScopedAdmin

from .models import Activity, Invitation, RoleChange, SettingsChange


@admin.register(Activity)
class ActivityAdmin(BackboneScopedAdmin):
    list_display = ["name", "organisation", "initiative"]


class ReadOnlyAdmin(BackboneScopedAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "organisation", "initiative", "created_at", "accepted_at"]
    exclude = ["nonce"]


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "action", "subject", "old_role", "new_role", "changed_by"]


@admin.register(SettingsChange)
class SettingsChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "initiative", "changed_by"]
