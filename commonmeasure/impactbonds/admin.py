"""Django admin for the impact bond database: for the people who maintain it (superusers, or
staff given the impactbonds permissions). Imported rows are read-only here: INDIGO data changes
by importing a newer bundle, so that the bundle stays the source of truth."""

from __future__ import annotations

from django.contrib import admin

from . import models as m

READ_ONLY_INDIGO = ("indigo_id", "status", "cells", "created_at", "updated_at")


class PartyInline(admin.TabularInline):
    model = m.ProjectParty
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "origin"]
    readonly_fields = ["origin"]


class DeliveryLocationInline(admin.TabularInline):
    model = m.DeliveryLocation
    extra = 0
    can_delete = False
    fields = ["position", "status", "name", "country", "lat", "lng"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["indigo_id", "name", "kind", "stage", "status", "launch_date", "jurisdiction"]
    list_filter = ["kind", "status", "stage", "policy_sector"]
    search_fields = ["indigo_id", "name"]
    readonly_fields = [*READ_ONLY_INDIGO, "launch_date"]
    inlines = [PartyInline, DeliveryLocationInline]
    raw_id_fields = ["initiative"]


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["indigo_id", "name", "org_type", "country", "status"]
    list_filter = ["status", "org_type"]
    search_fields = ["indigo_id", "name"]
    readonly_fields = READ_ONLY_INDIGO


@admin.register(m.Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["indigo_id", "name", "country", "status"]
    search_fields = ["indigo_id", "name"]
    readonly_fields = READ_ONLY_INDIGO


@admin.register(m.ProjectParty)
class ProjectPartyAdmin(admin.ModelAdmin):
    list_display = ["project", "organisation", "role", "origin"]
    list_filter = ["role"]
    search_fields = ["project__indigo_id", "project__name", "organisation__name"]
    autocomplete_fields = ["project", "organisation"]


@admin.register(m.DatabaseChange)
class DatabaseChangeAdmin(admin.ModelAdmin):
    """The administration pages' audit trail: read only, as every audit trail."""

    list_display = ["changed_at", "changed_by", "kind", "project", "field", "new_status"]
    list_filter = ["kind", "new_status"]
    search_fields = ["project__indigo_id", "field", "note"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
