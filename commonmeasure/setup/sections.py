"""The parts of an initiative's set-up, as the set-up home lists them.

Each set-up page registers its part here (``SECTIONS``): a name, a sentence, the URL name of its
page and a function counting what the part holds, so the home page shows every part and what it
holds without knowing the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.models import Initiative, OverlapAdjustment
from commonmeasure.reporting.models import ValidationRule


@dataclass(frozen=True)
class Section:
    name: str
    description: str
    url_name: str
    count: Callable[[Initiative], int]


SECTIONS: list[Section] = [
    Section(
        gettext_lazy("Settings"),
        gettext_lazy("Name, vision, goals, publishing, deadlines and reminders, small numbers."),
        "backbone:settings",
        lambda initiative: 0,
    ),
    Section(
        gettext_lazy("Members"),
        gettext_lazy("Who may report, review and view, and invitations."),
        "backbone:roles",
        lambda initiative: initiative.memberships.count(),
    ),
    # structure (views_structure.py, views_grids.py, views_rules.py)
    Section(
        gettext_lazy("Dimensions and categories"),
        gettext_lazy("The ways values are broken down, and their categories in order."),
        "setup:dimensions",
        lambda initiative: initiative.dimensions.count(),
    ),
    Section(
        gettext_lazy("Organisations"),
        gettext_lazy(
            "Who takes part: names, identifiers, area, backbone, named or anonymised in "
            "comparisons."
        ),
        "setup:organisations",
        lambda initiative: initiative.participations.count(),
    ),
    Section(
        gettext_lazy("Areas"),
        gettext_lazy("The areas as a tree: regions, boroughs, wards."),
        "setup:areas",
        lambda initiative: initiative.areas.count(),
    ),
    Section(
        gettext_lazy("Targets and baselines"),
        gettext_lazy("A grid by indicator, scope and period."),
        "setup:targets",
        lambda initiative: initiative.targets.count(),
    ),
    Section(
        gettext_lazy("Overlap adjustments"),
        gettext_lazy("People counted by more than one provider, by area and period."),
        "setup:overlaps",
        lambda initiative: OverlapAdjustment.objects.filter(initiative=initiative).count(),
    ),
    Section(
        gettext_lazy("Validation rules"),
        gettext_lazy("Checks over each report's totals, with the reports that would fail."),
        "setup:rules",
        lambda initiative: ValidationRule.objects.filter(initiative=initiative).count(),
    ),
]


def sections_for(initiative: Initiative) -> list[dict]:
    rows = []
    for section in SECTIONS:
        try:
            url = reverse(section.url_name, args=[initiative.code])
        except NoReverseMatch:
            continue
        rows.append(
            {
                "name": section.name,
                "description": section.description,
                "url": url,
                "count": section.count(initiative),
            }
        )
    return rows


# The indicator dictionary (views_indicators.py).
SECTIONS.append(
    Section(
        gettext_lazy("Indicators"),
        gettext_lazy(
            "What the initiative measures: each indicator's definition, formula or composite, "
            "how it adds up, and its order; retire the ones no longer reported."
        ),
        "setup:indicators",
        lambda initiative: initiative.indicators.count(),
    )
)


SECTIONS.append(
    Section(
        gettext_lazy("Replace the set-up from a file"),
        gettext_lazy(
            "Upload a definition file (YAML or JSON) for this initiative: see what it would "
            "change, then confirm."
        ),
        "setup:replace",
        lambda initiative: 0,
    )
)
