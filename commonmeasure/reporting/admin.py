from django.contrib import admin

from commonmeasure.initiatives.admin import BackboneScopedAdmin, BackboneScopedInline

from .models import ArchivedValue, DataValue, Submission


class DataValueInline(BackboneScopedInline):
    model = DataValue
    extra = 0
    fields = ["indicator", "disaggregation", "value", "comment", "updated_at", "updated_by"]
    readonly_fields = [
        "indicator",
        "disaggregation",
        "value",
        "comment",
        "updated_at",
        "updated_by",
    ]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(BackboneScopedAdmin):
    list_display = ["organisation", "period", "status", "submitted_at", "reviewed_at", "initiative"]
    list_filter = ["status", "initiative", "period"]
    search_fields = ["organisation__code", "organisation__name", "period"]
    readonly_fields = [
        "initiative",
        "organisation",
        "period",
        "period_start",
        "status",
        "review_comment",
        "version",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "unlocked_at",
        "unlocked_by",
    ]
    inlines = [DataValueInline]


@admin.register(ArchivedValue)
class ArchivedValueAdmin(BackboneScopedAdmin):
    """Values moved out of their reports when their indicator changed kind (read only)."""

    list_display = ["indicator", "submission", "disaggregation", "value", "reason", "archived_at"]
    list_filter = ["initiative", "reason"]
    readonly_fields = [
        "initiative",
        "submission",
        "indicator",
        "disaggregation",
        "value",
        "comment",
        "reason",
        "archived_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
