"""Django admin for backbone staff: each backbone admin sees and edits only the initiatives they
run; superusers see everything."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _

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


def scoped_choices(queryset, ids):
    """The related records a backbone admin of the initiatives ``ids`` may pick in a form: their
    initiatives, the organisations taking part in them, their members, and records that belong
    to one of them. A model not known here offers nothing (fail closed)."""
    model = queryset.model
    if model is Initiative:
        return queryset.filter(id__in=ids)
    if model is Organisation:
        return queryset.filter(participations__initiative_id__in=ids).distinct()
    if model is get_user_model():
        return queryset.filter(cm_memberships__initiative_id__in=ids).distinct()
    if model is Category:
        return queryset.filter(dimension__initiative_id__in=ids)
    if any(f.name == "initiative" for f in model._meta.get_fields()):
        return queryset.filter(initiative_id__in=ids)
    return queryset.none()


def _initiative_of(form):
    if isinstance(form.instance, Initiative):
        return form.instance
    initiative = form.cleaned_data.get("initiative")
    if initiative is None and getattr(form.instance, "initiative_id", None):
        initiative = Initiative.objects.filter(pk=form.instance.initiative_id).first()
    return initiative


class SameInitiativeForm(forms.ModelForm):
    """Refuse, on save, a related record that is not of the record's own initiative: an
    organisation that does not take part in it, or an indicator, dimension or area of another
    initiative. For everyone, superusers too."""

    def clean(self):
        data = super().clean()
        initiative = _initiative_of(self)
        if initiative is None:
            return data
        for name, value in list(data.items()):
            if name == "initiative" or value is None:
                continue
            if isinstance(value, models.Model):
                values = [value]
            elif isinstance(value, models.QuerySet | list | tuple):
                values = [v for v in value if isinstance(v, models.Model)]
            else:
                continue
            for item in values:
                problem = self._outside(name, item, initiative)
                if problem:
                    self.add_error(name, problem)
                    break
        return data

    def _outside(self, name, item, initiative) -> str | None:
        if isinstance(item, Organisation):
            if self._meta.model is Participation:
                return None  # this is how an organisation comes to take part
            if not Participation.objects.filter(initiative=initiative, organisation=item).exists():
                return _("%(item)s does not take part in %(initiative)s.") % {
                    "item": item,
                    "initiative": initiative.name,
                }
        elif isinstance(item, Initiative):
            if item.pk != initiative.pk:
                return _("%(item)s is another initiative.") % {"item": item}
        elif getattr(item, "initiative_id", None) not in (None, initiative.pk):
            return _("%(item)s belongs to another initiative, not %(initiative)s.") % {
                "item": item,
                "initiative": initiative.name,
            }
        return None


class ScopedChoices:
    """For an admin or an inline: choice lists and filters offer only the staff user's own
    initiatives' records (superusers: everything); forms check relations on save."""

    form = SameInitiativeForm

    def _ids(self, request) -> list[int]:
        if not hasattr(request, "_cm_backbone_ids"):
            request._cm_backbone_ids = backbone_initiative_ids(request.user)
        return request._cm_backbone_ids

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            manager = db_field.remote_field.model._default_manager
            kwargs["queryset"] = scoped_choices(
                kwargs.get("queryset", manager.all()), self._ids(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            manager = db_field.remote_field.model._default_manager
            kwargs["queryset"] = scoped_choices(
                kwargs.get("queryset", manager.all()), self._ids(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BackboneScopedAdmin(ScopedChoices, admin.ModelAdmin):
    """Scope an admin to the initiatives the staff user is backbone admin of.

    ``initiative_path`` is the lookup from the model to its initiative's id.
    """

    initiative_path = "initiative_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.initiative_path}__in": self._ids(request)}).distinct()

    def get_list_filter(self, request):
        """A filter by a related record ("By initiative") lists only the records of the rows
        this admin sees."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        scoped = []
        for item in filters:
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped

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


class BackboneScopedInline(ScopedChoices, admin.TabularInline):
    pass


class CategoryInline(BackboneScopedInline):
    model = Category
    extra = 0


class ParticipationInline(BackboneScopedInline):
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
