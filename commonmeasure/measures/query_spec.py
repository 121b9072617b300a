"""One aggregate query's parameters, carried whole through every layer.

``QuerySpec`` is what ``measures.selectors.query`` is asked: an indicator of an initiative, by
what (``period``, ``organisation``, a dimension code, ``area`` or ``area:<level>``), with which
period type, within which range, of which report statuses, for which organisations, from the
rollups or from the stored values. The same value goes, unchanged or with one field replaced
(``spec.replace(indicator=component)``), to the formulas and composites (measures/derived.py),
the areas (measures/areas.py) and "explain this figure"; so the parameters are declared here
once.

A formula's components, an area's organisations and a de-duplicated total are queries of their
own: those modules are handed the one function that answers a QuerySpec
(``selectors.run``, an ``Answer``) rather than importing it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from commonmeasure.domain import periods
from commonmeasure.reporting.models import Submission

BY_PERIOD, BY_ORGANISATION, BY_AREA = "period", "organisation", "area"


class QueryError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class QuerySpec:
    initiative: Any  # initiatives.models.Initiative
    indicator: Any  # initiatives.models.Indicator
    by: str
    period_type: str | None = None
    within: periods.Period | None = None
    statuses: tuple[str, ...] = (Submission.APPROVED,)
    organisation_ids: list[int] | None = None
    from_rollups: bool = True

    def replace(self, **changes) -> QuerySpec:
        return dataclasses.replace(self, **changes)


Answer = Callable[[QuerySpec], list[dict]]
