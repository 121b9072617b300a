"""Read endpoints: initiatives, their definitions and indicators, and aggregated queries."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from commonmeasure.disclosure.cells import rows as disclosed_rows
from commonmeasure.domain import expressions
from commonmeasure.initiatives.access import access_for, visible_indicators, visible_initiatives
from commonmeasure.reporting.initiative_file import dump_definition

from .common import READ_ERRORS, access_label, caller, figure_request, initiative_for
from .schemas import IndicatorOut, InitiativeDefinition, InitiativeSummary, PeriodType, QueryRow

router = Router(tags=["initiatives"])


@router.get(
    "", response={200: list[InitiativeSummary], **READ_ERRORS}, operation_id="listInitiatives"
)
def list_initiatives(request):
    """The initiatives the caller may see: those they belong to and every published one."""
    user = caller(request)
    out = []
    for initiative in visible_initiatives(user):
        access = access_for(user, initiative)
        out.append(
            {
                "code": initiative.code,
                "name": initiative.name,
                "vision": initiative.vision,
                "reporting_frequency": initiative.reporting_frequency,
                "published": initiative.is_published,
                "access": access_label(access),
            }
        )
    return out


def _definition(initiative, access) -> dict:
    """The definition as ``access`` may see it: for the public, only the indicators ticked as
    published (``visible_indicators``), and no formula, composite or weight that names one that
    is not."""
    data = dump_definition(initiative)
    shown = set(visible_indicators(access).values_list("code", flat=True))
    data["indicators"] = [ind for ind in data["indicators"] if ind["code"] in shown]
    if not access.is_member:
        for ind in data["indicators"]:
            _withhold_hidden_parts(ind, shown)
    org_ids = dict(initiative.participations.values_list("organisation__code", "organisation_id"))
    ind_ids = dict(initiative.indicators.values_list("code", "id"))
    for org in data["organisations"]:
        org["id"] = org_ids[org["code"]]
    for ind in data["indicators"]:
        ind["id"] = ind_ids[ind["code"]]
    return data


def _withhold_hidden_parts(ind: dict, shown: set[str]) -> None:
    words = set(expressions.names(ind["formula"])) if ind.get("formula") else set()
    parts = {c.get("indicator") for c in (ind.get("composite") or {}).get("components", [])}
    if (words | parts) - shown:
        ind["formula"], ind["composite"] = "", None
    if ind.get("weight_indicator") and ind["weight_indicator"] not in shown:
        ind["weight_indicator"] = None


@router.get(
    "/{code}", response={200: InitiativeDefinition, **READ_ERRORS}, operation_id="getInitiative"
)
def get_initiative(request, code: str):
    """The initiative's definition: goals, dimensions, organisations and indicators (the same
    content as `commonmeasure initiative dump`, with ids)."""
    initiative, access = initiative_for(request, code)
    return _definition(initiative, access)


@router.get(
    "/{code}/indicators",
    response={200: list[IndicatorOut], **READ_ERRORS},
    operation_id="listIndicators",
)
def list_indicators(request, code: str):
    initiative, access = initiative_for(request, code)
    return _definition(initiative, access)["indicators"]


@router.get(
    "/{code}/indicators/{indicator}",
    response={200: IndicatorOut, **READ_ERRORS},
    operation_id="getIndicator",
)
def get_indicator(request, code: str, indicator: str):
    initiative, access = initiative_for(request, code)
    for ind in _definition(initiative, access)["indicators"]:
        if ind["code"] == indicator:
            return ind
    raise Http404(
        _("No indicator %(indicator)r in initiative %(initiative)s.")
        % {"indicator": indicator, "initiative": initiative.code}
    )


class QueryParams(Schema):
    indicator: str
    by: str
    period_type: PeriodType | None = None
    period: str | None = None


@router.get(
    "/{code}/query", response={200: list[QueryRow], **READ_ERRORS}, operation_id="queryIndicator"
)
def query_indicator(request, code: str, params: Query[QueryParams]):
    """Aggregate an indicator's approved values by period, organisation or one of its dimensions,
    by the indicator's own rules: the same as `commonmeasure query --json`.

    - `by`: `period`, `organisation`, a dimension code the indicator allows, `area` (every area)
      or `area:<level>` (e.g. `area:ward`).
    - `period_type`: for `by=period`, the period length to show (default: the reporting frequency).
    - `period`: only values of reports whose period starts within it (e.g. `2024`, `2024-Q1`, `2024-25`).

    Disclosure rules apply (docs/reference/disclosure.md): outside the backbone and the
    organisation itself, a figure based on fewer people than the initiative's threshold comes
    with `value` null and `suppressed` true, and an organisation shown anonymised has its
    pseudonym ("Organisation 3") as `key`.
    """
    initiative, indicator, within, viewer = figure_request(
        request, code, params.indicator, params.period
    )
    return disclosed_rows(initiative, indicator, viewer, params.by, params.period_type, within)
