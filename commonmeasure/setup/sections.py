"""The parts of an initiative's set-up, as the set-up home lists them.

Each set-up page registers its part here (``SECTIONS``): a name, a sentence, the URL name of its
page and a function counting what the part holds, so the home page shows every part and what it
holds without knowing the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.models import Initiative


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
