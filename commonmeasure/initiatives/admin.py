"""Django admin for backbone staff: each backbone admin sees and edits only the initiatives they
run; superusers see everything."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Category,
    Dimension,
    Indicator,
    Initiative,
    Membership,
    Organisation,
    Participation,
)


def backbone_initiative_ids(user) -> list[int]:
    if not (user.is_active and user.is_staff):
        return []
    return list(
        Membership.objects.filter(user=user, role=Membership.BACKBONE_ADMIN).values_list(
            "initiative_id", flat=True
        )
    )


class BackboneScopedAdmin(admin.ModelAdmin):
    """Scope an admin to the initiatives the staff user is backbone admin of.

    ``initiative_path`` is the lookup from the model to its initiative's id.
    """

    initiative_path = "initiative_id"

    def _ids(self, request) -> list[int]:
        if not hasattr(request, "_cm_backbone_ids"):
            request._cm_backbone_ids = backbone_initiative_ids(request.user)
        return request._cm_backbone_ids

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.initiative_path}__in": self._ids(request)}).distinct()

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        ids = self._ids(request)
        if not ids:
            return False
        if obj is None:
            return True
        return (
            type(obj)
            ._default_manager.filter(pk=obj.pk, **{f"{self.initiative_path}__in": ids})
            .exists()
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is Initiative:
            kwargs["queryset"] = Initiative.objects.filter(id__in=self._ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Initiative)
class InitiativeAdmin(BackboneScopedAdmin):
    initiative_path = "id"
    list_display = ["code", "name", "reporting_frequency", "is_published"]
    search_fields = ["code", "name"]
    inlines = [ParticipationInline]


@admin.register(Organisation)
class OrganisationAdmin(BackboneScopedAdmin):
    initiative_path = "participations__initiative_id"
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(BackboneScopedAdmin):
    list_display = ["user", "initiative", "organisation", "role"]
    list_filter = ["role", "initiative"]
    search_fields = ["user__username", "organisation__code"]

    def has_add_permission(self, request):
        return self._allowed(request)


@admin.register(Dimension)
class DimensionAdmin(BackboneScopedAdmin):
    list_display = ["code", "name", "initiative"]
    inlines = [CategoryInline]


@admin.register(Indicator)
class IndicatorAdmin(BackboneScopedAdmin):
    list_display = ["code", "name", "initiative", "value_type", "aggregation", "time_aggregation"]
    list_filter = ["initiative", "value_type"]
    search_fields = ["code", "name"]
    filter_horizontal = ["dimensions"]
