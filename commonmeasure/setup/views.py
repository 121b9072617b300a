"""The set-up pages' home: every part of an initiative's set-up, with what it holds now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from commonmeasure.backbone.models import SettingsChange

from .access import setup_access
from .sections import sections_for


@login_required
def home(request, code):
    initiative, access = setup_access(request.user, code)
    return render(
        request,
        "setup/home.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "sections": sections_for(initiative),
            "recent": SettingsChange.objects.filter(initiative=initiative)
            .select_related("changed_by")
            .order_by("-changed_at", "-id")[:10],
        },
    )
