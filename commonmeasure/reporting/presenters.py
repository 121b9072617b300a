"""Plain helpers that turn stored data into what the pages show: formatted numbers, statuses,
labels and recent periods. No rule about who may see what lives here: callers pass in what
``commonmeasure.initiatives.access`` allowed. Every app's pages and downloads use them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from commonmeasure.domain import periods, targets
from commonmeasure.domain.translation import localise_number
from commonmeasure.initiatives.models import Indicator, Initiative

from .models import Submission
from .quality import expected_organisation_count

NOT_STARTED = "not_started"
STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    Submission.DRAFT: gettext_lazy("Draft"),
    Submission.SUBMITTED: gettext_lazy("Submitted"),
    Submission.APPROVED: gettext_lazy("Approved"),
    Submission.RETURNED: gettext_lazy("Returned"),
}
PERIOD_TYPE_LABELS = {
    periods.MONTH: gettext_lazy("Month"),
    periods.QUARTER: gettext_lazy("Quarter"),
    periods.YEAR: gettext_lazy("Calendar year"),
    periods.FINANCIAL_YEAR: gettext_lazy("Financial year"),
}
ALL_STATUSES = (Submission.DRAFT, Submission.SUBMITTED, Submission.APPROVED, Submission.RETURNED)


def format_value(value, indicator: Indicator | None = None, *, unit: bool = False) -> str:
    """A value as people read it: thousands separators, the indicator's decimals, a % sign, with
    the viewer's language's separators ("1,234.5" in English, "1 234,5" in French)."""
    if value is None:
        return "–"
    decimals = (
        indicator.decimals if indicator is not None else (0 if float(value).is_integer() else 2)
    )
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    text = localise_number(text)
    if indicator is not None and indicator.value_type == Indicator.PERCENTAGE:
        return text + "%"
    if unit and indicator is not None and indicator.unit and indicator.unit != "%":
        return f"{text} {indicator.unit}"
    return text


def plain_number(value: float | None) -> str:
    """A stored value as typed into a grid cell: no separators, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def allowed_period_types(initiative: Initiative) -> list[str]:
    """Period types at least as long as the initiative's reporting frequency."""
    return [
        t for t in periods.PERIOD_TYPES if periods.is_coarser_or_equal(t, initiative.period_type)
    ]


def current_period(initiative: Initiative) -> periods.Period:
    return initiative.current_period()


def reporting_period(initiative: Initiative) -> periods.Period:
    """The period reports are due for now: the last complete one."""
    return previous_period(current_period(initiative), initiative.fy_first_month)


def previous_period(p: periods.Period, fy_first_month: int) -> periods.Period:
    y, m = periods.index_to_year_month(p.start - 1)
    return periods.containing(periods.month(y, m), p.type, fy_first_month)


def recent_periods(
    initiative: Initiative, count: int = 12, end: periods.Period | None = None
) -> list[periods.Period]:
    """The ``count`` reporting periods up to ``end`` (default: the current one), newest first."""
    p = end or current_period(initiative)
    out = [p]
    while len(out) < count:
        p = previous_period(p, initiative.fy_first_month)
        out.append(p)
    return out


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status.capitalize()))


# A figure against its target (domain/targets.py: green, amber, red), in words.
TARGET_STATUS_LABELS = {
    targets.GREEN: gettext_lazy("on target"),
    targets.AMBER: gettext_lazy("near target"),
    targets.RED: gettext_lazy("off target"),
}


def target_status_label(status: str | None) -> str:
    """ "on target", "near target" or "off target"; "–" without a status."""
    if not status:
        return "–"
    return str(TARGET_STATUS_LABELS.get(status, status))


def reporting_organisation_count(initiative: Initiative) -> int:
    """Organisations expected to report: the one rule of reporting.quality."""
    return expected_organisation_count(initiative)


def submission_statuses(
    initiative: Initiative, organisation_id: int, period_codes: list[str]
) -> dict[str, str]:
    found = dict(
        Submission.objects.filter(
            initiative=initiative, organisation_id=organisation_id, period__in=period_codes
        ).values_list("period", "status")
    )
    return {code: found.get(code, NOT_STARTED) for code in period_codes}
