"""GET /initiatives/{code}/explain: how one figure of the query endpoint was worked out."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema
from pydantic import StrictFloat, StrictInt

from commonmeasure.insights.explain import explain

from .common import READ_ERRORS, figure_request
from .schemas import PeriodType

router = Router(tags=["initiatives"])

Number = StrictInt | StrictFloat | None


class ExplainParams(Schema):
    indicator: str
    by: str
    key: str
    period_type: PeriodType | None = None
    period: str | None = None


class PartOut(Schema):
    key: str = Field(
        ...,
        description="An organisation code (its pseudonym when shown anonymised) or a period code.",
    )
    label: str = Field(..., description="The organisation's name or pseudonym, or the period.")
    value: Number
    suppressed: bool = Field(False, description="Withheld by the disclosure rules: value is null.")
    weight: Number = Field(
        None, description="A weighted mean's weight, when the caller may see it."
    )
    area: str | None = Field(
        None,
        description="De-duplicated through areas: the area the organisation is placed in "
        "(null when it is shown anonymised).",
    )


class ComponentOut(Schema):
    indicator: str
    name: str
    value: Number = Field(..., description="The component's own figure for the same key.")
    suppressed: bool = False
    normalisation: str | None = Field(
        None,
        description="A composite's component: min_max, z_score, distance_to_target or goalposts.",
    )
    direction: str | None = Field(
        None, description="A composite's component: positive or negative."
    )
    normalised: Number = Field(
        None,
        description="A composite's component: its normalised score, when the caller may see it.",
    )
    weight: Number = Field(
        None, description="A composite's component: the weight used (the weights used sum to 1)."
    )
    contribution: Number = Field(
        None,
        description="A composite's component: weight × score (arithmetic) or score ^ weight (geometric).",
    )


class MissingOut(Schema):
    period: str
    organisation: str = Field(..., description="Name, or pseudonym when shown anonymised.")


class AdjustmentOut(Schema):
    area: str
    area_name: str
    period: str
    value: StrictInt | StrictFloat


class DeduplicationOut(Schema):
    rule: str = Field(..., description="max (full overlap) or adjusted (declared adjustments).")
    reported: Number = Field(..., description="The organisations' values simply added up.")
    change: Number = Field(..., description="What de-duplication changed: figure - reported.")
    unplaced: list[str] = Field(..., description="Organisations placed in no area.")
    adjustments: list[AdjustmentOut]


class TargetOut(Schema):
    period: str
    target: Number
    percent: Number = None
    status: str | None = None
    reason: str | None = None


class ExplanationOut(Schema):
    initiative: str
    indicator: str
    indicator_name: str
    unit: str
    decimals: int
    kind: str = Field(..., description="reported, formula or composite.")
    by: str
    key: str
    label: str = Field(..., description="The key in words.")
    period_type: str
    period: str | None
    figure: Number = Field(..., description="The figure, as the query endpoint gives it.")
    suppressed: bool
    provisional: bool
    time_rule: str = Field(..., description="How each organisation's values combine over time.")
    across_rule: str = Field(..., description="How the organisations' values combine.")
    weight_indicator: str | None
    deduplication_rule: str
    formula: str | None
    combines: str = Field(
        ...,
        description="What `parts` or `components` hold: organisations, periods, areas or components.",
    )
    combined_by: str = Field(..., description="The rule that combines them into the figure.")
    periods: list[str] = Field(..., description="The reporting periods the figure covers.")
    parts: list[PartOut]
    components: list[ComponentOut]
    missing: list[MissingOut] = Field(
        ..., description="Organisations expected to report with no approved report, per period."
    )
    deduplication: DeduplicationOut | None
    target: TargetOut | None
    weight: Number = Field(None, description="By organisation, weighted mean: the figure's weight.")
    reason: str | None = Field(
        None, description="A formula or composite with no value: why it has none."
    )
    aggregation: str | None = Field(
        None, description="A composite's aggregation: arithmetic or geometric."
    )
    recomputed: Number = Field(
        None,
        description="A composite's figure worked out again from its components' scores and weights.",
    )
    withheld_components: int = Field(
        0,
        description="For a viewer outside the initiative: how many components are left out "
        "because they are not published indicators.",
    )


@router.get(
    "/{code}/explain",
    response={200: ExplanationOut, **READ_ERRORS},
    operation_id="explainFigure",
)
def explain_figure(request, code: str, params: Query[ExplainParams]):
    """How one figure of `/query` was worked out: the rules applied, the values it combines
    (each organisation's, named, under its pseudonym or suppressed as the disclosure rules
    decide for the caller), the periods covered, the reports still missing, the overlap
    adjustments and the target (docs/reference/explain.md).

    - `by`, `period_type`, `period`: as for `/query`; `key`: one key of its answer (a period,
      an organisation code or pseudonym, a category, an area).
    """
    initiative, indicator, within, viewer = figure_request(
        request, code, params.indicator, params.period
    )
    # A QueryError (an unknown by or key) is a 400 naming the parameter (errors.py).
    found = explain(
        initiative, indicator, params.by, params.key, params.period_type, viewer, within
    )
    return found.as_dict()
