"""Who owns a figure: a person, or a computation (docs/reference/surveys.md, "Who owns the figure").

An indicator marked ``survey_fed`` in the definition file is fed by feedback surveys: for an
organisation and a period that one of its surveys covers, the value is worked out from the
responses, and no person may type, import, upload or post it. Every write path asks
``Owners`` before it writes; only the survey's own channel may write an owned value.

The apps that compute values register a provider here (the voice app does, in its
``AppConfig.ready``), so that reporting needs no import of them: a provider takes an initiative
and returns, for each (organisation id, indicator id), the spans of periods it covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.domain import periods


@dataclass(frozen=True)
class Cover:
    """A span of periods, as month indexes: from ``start`` (inclusive) to ``end`` (the first
    month after it; None while open), owned by ``source`` (e.g. 'the survey "How did we do?"')."""

    start: int
    end: int | None
    source: str
    first_period: str  # the code of the first period covered, for messages

    def covers(self, period: periods.Period) -> bool:
        return period.start >= self.start and (self.end is None or period.start < self.end)


Provider = Callable[[object], dict[tuple[int, int], list[Cover]]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


class Owners:
    """The owned (organisation, indicator) spans of one initiative, looked up once per write."""

    def __init__(self, initiative):
        self.spans: dict[tuple[int, int], list[Cover]] = {}
        for provider in _providers:
            for key, covers in provider(initiative).items():
                self.spans.setdefault(key, []).extend(covers)
        self.indicators = {iid for _org, iid in self.spans}

    def __bool__(self) -> bool:
        return bool(self.spans)

    def owner(self, org_id: int, indicator_id: int, period: periods.Period) -> Cover | None:
        for cover in self.spans.get((org_id, indicator_id), ()):
            if cover.covers(period):
                return cover
        return None


def refusal(indicator_code: str, org_name: str, period_code: str, cover: Cover) -> str:
    return _(
        "%(indicator)s is fed by %(source)s for %(organisation)s from %(first)s: "
        "its %(period)s value is worked out from the survey's responses and cannot be "
        "typed, imported, uploaded or posted"
    ) % {
        "indicator": indicator_code,
        "source": cover.source,
        "organisation": org_name,
        "first": cover.first_period,
        "period": period_code,
    }
