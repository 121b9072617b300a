"""Typed request and response bodies of the API (they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel, StrictFloat, StrictInt, StrictStr


class Error(Schema):
    detail: str = Field(..., description="What went wrong, in words.")


class FieldError(Schema):
    field: str = Field(..., description="Where: e.g. 'query.by' or 'body.values.2.period'.")
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


# -- initiatives --------------------------------------------------------------------------------

Access = Literal["backbone", "member", "public"]


class InitiativeSummary(Schema):
    code: str
    name: str
    vision: str
    reporting_frequency: str
    published: bool
    access: Access = Field(
        ..., description="Why the caller sees it: backbone admin, member, or published."
    )


class Goal(Schema):
    code: str
    name: str
    description: str = ""


class Category(Schema):
    code: str
    name: str


class Dimension(Schema):
    code: str
    name: str
    categories: list[Category]


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    identifiers: list[str]
    description: str
    backbone: bool
    area: str | None = Field(None, description="The code of the area it serves.")
    named_in_benchmarks: bool = False


class OutliersOut(Schema):
    check: str = Field(
        "all", description="all, totals or off: which values the history check looks at."
    )
    multiplier: float = Field(3.0, description="The band is the median ± this many scaled MADs.")
    min_history: int = Field(6, description="Approved values needed before the history check.")
    min_spread: float | None = Field(
        None, description="The least half-width of the band, in the indicator's units."
    )


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    definition: str
    rationale: str
    unit: str
    value_type: str
    polarity: str
    aggregation: str
    time_aggregation: str
    weight_indicator: str | None
    dimensions: list[str]
    goal: str
    data_source: str
    min: float | None
    max: float | None
    decimals: int
    kind: str = Field("reported", description="reported, formula or composite.")
    formula: str = Field("", description="For a formula indicator: its expression.")
    composite: dict | None = Field(None, description="For a composite: its declaration.")
    deduplication: str = Field("sum", description="sum, max or adjusted (across areas).")
    published: bool = False
    survey_fed: bool = Field(
        False, description="Values come from a feedback survey for the periods it covers."
    )
    breakdown_check: str = Field(
        "error", description="error, warning or off: a total that disagrees with its breakdown."
    )
    outliers: OutliersOut = Field(
        default_factory=OutliersOut, description="How data-quality outlier flags treat it."
    )
    retired: bool = Field(
        False, description="No longer reported: kept with its values and history."
    )


class InitiativeDefinition(Schema):
    code: str
    name: str
    vision: str
    goals: list[Goal]
    reporting_frequency: str
    fy_first_month: int
    published: bool
    dimensions: list[Dimension]
    organisations: list[OrganisationOut]
    indicators: list[IndicatorOut]


# -- query --------------------------------------------------------------------------------------

PeriodType = Literal["month", "quarter", "year", "financial-year"]


class QueryRow(Schema):
    key: str = Field(
        ...,
        description="A period code, an organisation code (or, for an organisation shown "
        "anonymised, its pseudonym), a category code or an area code.",
    )
    value: StrictInt | StrictFloat | None
    suppressed: bool = Field(
        False,
        description="The figure is based on fewer people than the initiative's threshold "
        "(or would reveal one that is) and is withheld: value is null.",
    )
    provisional: bool = Field(
        False,
        description="By period: the period is still being reported (fewer than three quarters "
        "of the organisations have an approved figure), so the figure may still rise.",
    )


# -- submissions --------------------------------------------------------------------------------


class SubmissionOut(Schema):
    id: int
    organisation: str = Field(..., description="Organisation code.")
    organisation_name: str
    period: str
    status: Literal["draft", "submitted", "approved", "returned"]
    version: int = Field(..., description="Bumped on every change.")
    values: int = Field(..., description="How many values the report holds.")
    review_comment: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    updated_at: datetime


class TransitionIn(BaseModel):
    # A plain pydantic model: Schema reads fields as attributes, so an array or a number would
    # give every field its default, and an action with no version check. This one must be an object.
    comment: str = Field("", max_length=2000, description="Required to return a report.")
    version: int | None = Field(
        None,
        description="The version you last saw; if the report has changed since, the action is refused (409).",
    )


# -- values -------------------------------------------------------------------------------------


class ValueIn(Schema):
    organisation: StrictStr | StrictInt = Field(
        ..., description="Organisation code (a string) or id (a number)."
    )
    indicator: StrictStr | StrictInt = Field(
        ..., description="Indicator code (a string) or id (a number)."
    )
    period: StrictStr | StrictInt = Field(
        ..., description="Period code, e.g. '2024-03', '2024-Q1', '2024', '2024-25'."
    )
    value: StrictInt | StrictFloat | StrictStr | None
    categories: dict[str, str] = Field(
        default_factory=dict,
        description="One category per dimension, e.g. {'gender': 'female'}; {} for the total.",
    )
    comment: str = ""


class ValuesIn(Schema):
    values: list[ValueIn] = Field(..., max_length=100_000)
    dry_run: bool = Field(
        False, description="Check everything and report what would change; write nothing."
    )


class RowErrorOut(Schema):
    row: int | None = Field(
        ..., description="1-based position in the values list; null for the whole request."
    )
    column: str | None = Field(
        ...,
        description="The field: organisation, indicator, period, value, comment or categories.<dimension>.",
    )
    message: str


class ImportSummary(Schema):
    imported: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]
    warnings: list[RowErrorOut] = Field(
        default_factory=list,
        description="Validation rules of severity warning that fail; they do not stop the import.",
    )
    dry_run: bool
    detail: str | None = Field(None, description="Set when nothing was written because of errors.")
