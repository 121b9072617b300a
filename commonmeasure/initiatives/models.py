"""Initiatives, organisations, memberships, indicators and dimensions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from commonmeasure.domain import aggregation, outliers, periods

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    "Use letters, digits, '_', '.' and '-', starting with a letter or digit.",
)
category_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$",
    "Use letters, digits, '_', '.', '+' and '-', starting with a letter or digit.",
)


class Initiative(models.Model):
    FREQUENCY_CHOICES = [(k, k.replace("-", " ").capitalize()) for k in periods.FREQUENCIES]

    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    vision = models.TextField(blank=True)
    # [{"code": "G1", "name": "...", "description": "..."}]: population-level results sought.
    goals = models.JSONField(default=list, blank=True)
    reporting_frequency = models.CharField(
        max_length=20, choices=FREQUENCY_CHOICES, default="monthly"
    )
    fy_first_month = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="First month of the financial year (1 = January, 4 = April).",
    )
    is_published = models.BooleanField(
        default=False, help_text="Published initiatives show their approved data to everyone."
    )
    organisations = models.ManyToManyField(
        "Organisation", through="Participation", related_name="initiatives"
    )
    # Workflow and reminders (docs/reference/reminders.md): reports are due this many days after
    # their period ends; none means no deadline.
    deadline_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Reports are due this many days after the period ends; empty for no deadline.",
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3, help_text="Send a reminder this many days before the deadline (0 for none)."
    )
    reminder_days_after = models.PositiveSmallIntegerField(
        default=1, help_text="Send a reminder this many days after a missed deadline (0 for none)."
    )
    # Disclosure control (docs/reference/benchmarking.md): outside the organisation itself, a
    # cell based on fewer people than this is suppressed; peers are shown anonymised unless
    # they opted in to be named.
    small_number_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Cells based on fewer people than this are suppressed outside the organisation.",
    )
    anonymise_peers = models.BooleanField(
        default=True,
        help_text="Show other organisations anonymised in comparisons unless they opted in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def period_type(self) -> str:
        return periods.FREQUENCIES[self.reporting_frequency]

    def parse_period(self, code: str) -> periods.Period:
        return periods.parse(code, self.period_type, self.fy_first_month)

    def current_period(self, today: datetime.date | None = None) -> periods.Period:
        """The reporting period that holds ``today`` (default: today in TIME_ZONE). Every page,
        reminder, survey and report that speaks of "this period" asks here."""
        day = today or timezone.localdate()
        return periods.current_period(day, self.period_type, self.fy_first_month)

    def deadline_for(self, period: periods.Period):
        """The last day a report for ``period`` is on time, or None without a deadline."""
        if self.deadline_days is None:
            return None
        last_day = period.end_date - datetime.timedelta(days=1)  # end_date is the first day after
        return last_day + datetime.timedelta(days=self.deadline_days)


class Organisation(models.Model):
    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    # Identifiers in org-id.guide form: ["GB-CHC-1234567", "GB-COH-01234567"].
    identifiers = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """An organisation taking part in an initiative."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    is_backbone = models.BooleanField(default=False)
    named_in_benchmarks = models.BooleanField(
        default=False, help_text="The organisation agrees to be named in peer comparisons."
    )
    area = models.ForeignKey(
        "Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
        help_text="The area the organisation serves in this initiative (a leaf of the hierarchy).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"], name="uniq_participation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.initiative}"


class Area(models.Model):
    """A place in the initiative's area hierarchy, e.g. ward -> borough -> region."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=64, validators=[code_validator])
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=64, blank=True, help_text="e.g. ward, borough, region")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="uniq_area_code")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    BACKBONE_ADMIN = "backbone_admin"
    REPORTER = "reporter"
    REVIEWER = "reviewer"
    VIEWER = "viewer"
    ROLE_CHOICES = [
        (BACKBONE_ADMIN, "Backbone admin"),
        (REPORTER, "Reporter"),
        (REVIEWER, "Reviewer"),
        (VIEWER, "Viewer"),
    ]
    ORG_ROLES = (REPORTER, REVIEWER, VIEWER)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cm_memberships"
    )
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Required for reporter, reviewer and viewer; empty for a backbone admin.",
    )
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "initiative", "organisation", "role"], name="uniq_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(role="backbone_admin") | models.Q(organisation__isnull=False),
                name="org_role_needs_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = f" for {self.organisation}" if self.organisation_id else ""
        return f"{self.user} is {self.get_role_display()}{where} in {self.initiative}"


class Dimension(models.Model):
    """A way of disaggregating values, e.g. gender or age band."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(max_length=64, validators=[code_validator])
    name = models.CharField(max_length=200)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="uniq_dimension_code")
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=64, validators=[category_code_validator])
    name = models.CharField(max_length=200)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="uniq_category_code")
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    COUNT, PERCENTAGE, CURRENCY, RATE, SCORE = "count", "percentage", "currency", "rate", "score"
    VALUE_TYPES = [(t, t.capitalize()) for t in (COUNT, PERCENTAGE, CURRENCY, RATE, SCORE)]
    POLARITY_CHOICES = [("higher", "Higher is better"), ("lower", "Lower is better")]
    ACROSS_CHOICES = [(r, r.replace("_", " ").capitalize()) for r in aggregation.ACROSS_RULES]
    TIME_CHOICES = [(r, r.capitalize()) for r in aggregation.TIME_RULES]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=64, validators=[code_validator])
    name = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    rationale = models.TextField(blank=True, help_text="Why this indicator was chosen.")
    unit = models.CharField(max_length=50, blank=True)
    value_type = models.CharField(max_length=20, choices=VALUE_TYPES, default=COUNT)
    polarity = models.CharField(max_length=10, choices=POLARITY_CHOICES, default="higher")
    aggregation = models.CharField(max_length=20, choices=ACROSS_CHOICES, default="sum")
    time_aggregation = models.CharField(max_length=10, choices=TIME_CHOICES, default="sum")
    weight_indicator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="For a weighted mean: the indicator whose values weight each organisation.",
    )
    dimensions = models.ManyToManyField(Dimension, blank=True, related_name="indicators")
    goal = models.CharField(max_length=64, blank=True, help_text="Code of the goal it measures.")
    data_source = models.CharField(max_length=200, blank=True)
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(default=0)
    sort_order = models.PositiveIntegerField(default=0)
    # Reported indicators hold values; formula and composite ones are computed from others at
    # every level (docs/reference/formula-indicators.md, composite-indicators.md).
    REPORTED, FORMULA, COMPOSITE = "reported", "formula", "composite"
    KIND_CHOICES = [(REPORTED, "Reported"), (FORMULA, "Formula"), (COMPOSITE, "Composite")]
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=REPORTED)
    formula = models.TextField(
        blank=True, help_text="For a formula indicator: an expression over other indicators' codes."
    )
    # For a composite: {"normalisation": ..., "aggregation": ..., "components": [...]}.
    composite = models.JSONField(default=dict, blank=True)
    # Where several providers serve the same people in one area (docs/reference/areas.md).
    DEDUP_SUM, DEDUP_MAX, DEDUP_ADJUSTED = "sum", "max", "adjusted"
    DEDUP_CHOICES = [
        (DEDUP_SUM, "Sum (no overlap)"),
        (DEDUP_MAX, "Max (full overlap)"),
        (DEDUP_ADJUSTED, "Sum with a declared overlap adjustment"),
    ]
    deduplication = models.CharField(max_length=10, choices=DEDUP_CHOICES, default=DEDUP_SUM)
    is_published = models.BooleanField(
        default=False, help_text="Shown on the public, embeddable page (approved data only)."
    )
    # Fed by a feedback survey (docs/reference/surveys.md, "Who owns the figure"): for the
    # periods a survey covers, its values come from the responses and cannot be typed,
    # imported, uploaded or posted.
    survey_fed = models.BooleanField(
        default=False,
        help_text="Values come from a feedback survey for the periods the survey covers.",
    )
    # How a total that disagrees with its breakdown is treated (validation-rules.md,
    # "Breakdowns and totals"); only for indicators summed across organisations.
    BREAKDOWN_ERROR, BREAKDOWN_WARNING, BREAKDOWN_OFF = "error", "warning", "off"
    BREAKDOWN_CHOICES = [
        (BREAKDOWN_ERROR, "Error"),
        (BREAKDOWN_WARNING, "Warning"),
        (BREAKDOWN_OFF, "Off"),
    ]
    breakdown_check = models.CharField(
        max_length=7, choices=BREAKDOWN_CHOICES, default=BREAKDOWN_ERROR
    )
    # Outlier flags (data-quality.md, "Outlier flags"): which values the history check looks
    # at, how wide the band is and how much history it needs.
    OUTLIERS_ALL, OUTLIERS_TOTALS, OUTLIERS_OFF = outliers.CHECKS
    OUTLIER_CHOICES = [
        (OUTLIERS_ALL, "Totals and breakdowns"),
        (OUTLIERS_TOTALS, "Totals only"),
        (OUTLIERS_OFF, "Off"),
    ]
    outlier_check = models.CharField(max_length=6, choices=OUTLIER_CHOICES, default=OUTLIERS_ALL)
    outlier_multiplier = models.FloatField(
        default=outliers.MAD_MULTIPLIER,
        validators=[MinValueValidator(0.5)],
        help_text="The band is the median ± this many scaled median absolute deviations.",
    )
    outlier_min_history = models.PositiveSmallIntegerField(
        default=outliers.MIN_HISTORY,
        validators=[MinValueValidator(2)],
        help_text="Approved values needed before the history check is made.",
    )
    outlier_min_spread = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The least half-width of the band, in the indicator's units.",
    )
    # Retired: its values and history stay, but it is no longer reported (not in the grid,
    # templates or imports) and dashboards' lists leave it out.
    is_retired = models.BooleanField(
        default=False,
        help_text="Kept with its values and history, but no longer reported.",
    )

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="uniq_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def outlier_tuning(self) -> outliers.Tuning:
        """This indicator's outlier settings and number style, for ``domain.outliers``."""
        return outliers.Tuning(
            check=self.outlier_check,
            multiplier=self.outlier_multiplier,
            min_history=self.outlier_min_history,
            min_spread=self.outlier_min_spread,
            counts=self.value_type == self.COUNT,
            non_negative=self.value_type in (self.COUNT, self.PERCENTAGE),
            decimals=self.decimals,
            unit="%" if self.value_type == self.PERCENTAGE and not self.unit else self.unit,
        )


class Target(models.Model):
    """A target for an indicator, for one scope (the initiative, an organisation or an area)
    and one period (docs/reference/targets.md)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    period = models.CharField(max_length=16, help_text="e.g. 2025, 2025-26, 2025-Q1, 2025-03")
    value = models.FloatField()
    # The periods the baseline forecast's linear trend is fitted over (blank: none declared).
    baseline_from = models.CharField(max_length=16, blank=True)
    baseline_to = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "area", "period"], name="uniq_target"
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) | models.Q(area__isnull=True),
                name="target_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    @property
    def scope(self) -> str:
        if self.organisation_id:
            return "organisation"
        return "area" if self.area_id else "initiative"


class OverlapAdjustment(models.Model):
    """A declared de-duplication adjustment: added to the sum of the providers' values in one
    area and period (usually negative: people counted by more than one provider)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period"], name="uniq_overlap_adjustment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area.code} {self.period}: {self.value:+}"
