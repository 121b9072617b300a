"""Pre-aggregated values (docs/reference/rollups.md).

Two tables, both derived from approved values only and rebuilt from scratch by
``commonmeasure rollups rebuild``:

- ``OrganisationRollup``: one organisation's value of one indicator for one period (of every
  period type at least as long as the initiative's reporting period, plus the whole range,
  period type ``all``), for the total (dimension "") or one category of one dimension. Rows of
  the reporting period type come from one approved report each (``submission_id``); longer
  periods combine them over time by the indicator's time rule.
- ``Rollup``: the same keys combined across organisations by the indicator's rule. Sums are kept
  exact (as decimal text), so that an update by difference gives exactly what a recomputation
  gives. Rows of period types ``like-now`` and ``like-before`` hold the like-for-like change of
  totals from one reporting period to the next (over the organisations with a value in both).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from commonmeasure.initiatives.models import Indicator, Initiative, Organisation

ALL = "all"  # the period type of the whole range; its period code is ""
# Like-for-like pairs (Rollup rows only, totals only): for a reporting period P, the
# organisations with a total in both P and the reporting period just before it, combined in P
# (LIKE_NOW) and in the period before (LIKE_BEFORE); both rows have P's code and start.
LIKE_NOW = "like-now"
LIKE_BEFORE = "like-before"


class OrganisationRollup(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period_type = models.CharField(max_length=16)
    period = models.CharField(max_length=16, blank=True)
    period_start = models.PositiveIntegerField(help_text=_("First month index, for ordering."))
    dimension = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=64, blank=True)
    value = models.FloatField()
    # The report a row of the reporting period type comes from (null for longer periods).
    submission_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "period_type",
                    "period",
                    "dimension",
                    "category",
                    "organisation",
                ],
                name="uniq_org_rollup",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "initiative", "period_type", "period_start"],
                name="org_rollup_org_idx",
            ),
            models.Index(fields=["submission_id"], name="org_rollup_submission_idx"),
            models.Index(fields=["initiative"], name="org_rollup_initiative_idx"),
        ]


class Rollup(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period_type = models.CharField(max_length=16)
    period = models.CharField(max_length=16, blank=True)
    period_start = models.PositiveIntegerField()
    dimension = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=64, blank=True)
    value = models.FloatField(null=True)
    # Organisations with a value; for a weighted mean, those of them with a positive weight.
    count = models.PositiveIntegerField()
    weighted = models.PositiveIntegerField(default=0)
    # Exact sums as decimal text: of the values (of value x weight for a weighted mean), and of
    # the weights.
    total = models.TextField()
    weight_total = models.TextField(default="0")
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_type", "period", "dimension", "category"],
                name="uniq_rollup",
            )
        ]
        indexes = [models.Index(fields=["initiative", "period_type"], name="rollup_initiative_idx")]


class RollupState(models.Model):
    """The rules an indicator's rollups were computed with. Reads use the rollups only while the
    indicator's rules still match; a change of rules sends reads back to the stored values until
    the rollups are rebuilt (which changing a definition does)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=300)


class FigureVersion(models.Model):
    """The version of an initiative's approved figures and of what they are shown with (its
    set-up and disclosure settings): a new token each time any of them changes, written in the
    same transaction as the change (``rollups.figure_cache``). Pages keep figures in a cache
    keyed by the token they read, so every server sees a change on its next request."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    token = models.CharField(max_length=32)
