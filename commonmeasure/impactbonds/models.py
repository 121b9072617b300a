"""Impact bonds and outcomes contracts: projects, the organisations and funds around them, and
every per-project table of the INDIGO data standard.

One project model serves both the impact bond database (``kind`` = listed: headline data, usually
imported from INDIGO) and managed outcomes contracts (``kind`` = managed: live achievements and
payments).

Two layers in every INDIGO-backed row:
- ``cells``: the original cells, as ``[[column, text], ...]`` in the file's column order. Nothing
  is ever lost, and the INDIGO export writes these back.
- typed fields for what the product computes with and shows. They hold the PUBLIC view only:
  a field marked private or disputed in INDIGO is blank here and survives only in ``cells``.

Scale (ENGINEERING.md): every per-project table carries ``project`` directly, the shard key of
this app; organisations and funds are small reference tables shared by all projects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 30, "decimal_places": 8, "null": True, "blank": True}
PARTIAL_DATE = {
    "max_length": 10,
    "blank": True,
    "help_text": "YYYY, YYYY-MM or YYYY-MM-DD, as precise as known",
}


class CellsField(models.JSONField):
    """The original cells of an INDIGO row: ``[[column, text], ...]``.

    Declaring a placeholder keeps Django's PostgreSQL bulk insert off its UNNEST strategy, which
    sends JSON as array literals with every quote escaped one by one and made importing the
    INDIGO dataset three times slower; rows are then inserted with one parameter per value."""

    def get_placeholder(self, value, compiler, connection) -> str:
        return "%s"


class Status(models.TextChoices):
    PUBLIC = "PUBLIC", _("Public")
    PRIVATE = "PRIVATE", _("Private")
    DISPUTED = "DISPUTED", _("Disputed")


class IndigoRecord(models.Model):
    indigo_id = models.CharField(
        max_length=64, unique=True, help_text="INDIGO id, e.g. INDIGO-POJ-0001"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLIC)
    cells = CellsField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["indigo_id"]

    def __str__(self) -> str:
        return f"{self.indigo_id} {getattr(self, 'name', '')}".strip()

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLIC


class Organisation(IndigoRecord):
    name = models.CharField(max_length=500, blank=True)
    org_type = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    jurisdiction = models.CharField(max_length=2, blank=True)


class Fund(IndigoRecord):
    name = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True)


class Stage(models.TextChoices):
    """INDIGO's stage of development codelist (plus the earlier stages GO Lab does not count)."""

    CONTRACTED = "Contracted"
    IMPLEMENTATION = "Implementation"
    SERVICE_DELIVERY_COMPLETE = "Service delivery complete"
    COMPLETE = "Complete"


class Project(IndigoRecord):
    LISTED, MANAGED = "listed", "managed"
    KIND_CHOICES = [
        (LISTED, _("Listed (headline data)")),
        (MANAGED, _("Managed (live achievements and payments)")),
    ]

    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=LISTED)
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text="The initiative that manages this contract, if any.",
    )
    name = models.CharField(max_length=500, blank=True)
    stage = models.CharField(
        max_length=40, blank=True, help_text="INDIGO codelist: Contracted, Implementation, ..."
    )
    policy_sector = models.CharField(max_length=200, blank=True)
    primary_sdg_goal = models.PositiveSmallIntegerField(null=True, blank=True)
    sdg_goals = models.JSONField(
        default=list, blank=True, help_text="Primary then secondary SDG goals, 1-17"
    )
    jurisdiction = models.CharField(max_length=2, blank=True)
    # Dates at the precision known.
    outcomes_contract_signed = models.CharField(**PARTIAL_DATE)
    all_contracts_signed = models.CharField(**PARTIAL_DATE)
    service_start = models.CharField(**PARTIAL_DATE)
    service_end_anticipated = models.CharField(**PARTIAL_DATE)
    service_end_actual = models.CharField(**PARTIAL_DATE)
    launch_date = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "Earliest of outcomes contract signed, all contracts signed and start of service provision; "
            "a partial date counts as its first day (GO Lab's rule)."
        ),
    )
    # Service users.
    target_population = models.TextField(blank=True)
    targeted_service_users = models.PositiveIntegerField(null=True, blank=True)
    actual_service_users = models.PositiveIntegerField(null=True, blank=True)
    # Money: total investment commitment as min / exact / max, in its currency and in USD.
    investment_currency = models.CharField(max_length=3, blank=True)
    investment_min = models.DecimalField(**AMOUNT)
    investment_exact = models.DecimalField(**AMOUNT)
    investment_max = models.DecimalField(**AMOUNT)
    investment_usd_min = models.DecimalField(**AMOUNT)
    investment_usd_exact = models.DecimalField(**AMOUNT)
    investment_usd_max = models.DecimalField(**AMOUNT)
    max_outcome_payment_currency = models.CharField(max_length=3, blank=True)
    max_outcome_payment = models.DecimalField(**AMOUNT)
    max_outcome_payment_usd = models.DecimalField(**AMOUNT)

    class Meta(IndigoRecord.Meta):
        indexes = [models.Index(fields=["status", "stage"])]

    @property
    def currency(self) -> str:
        return self.investment_currency or self.max_outcome_payment_currency


class ProjectComponent(models.Model):
    """One row of a per-project INDIGO table, in the order it had in the file."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLIC)
    cells = CellsField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["project", "position"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.position + 1} of project {self.project_id}"


def _org(related_name: str, **kwargs):
    return models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **kwargs,
    )


class DeliveryLocation(ProjectComponent):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="delivery_locations"
    )
    name = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True)
    lat = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)
    lng = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)


class OutcomeMetric(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_metrics")
    metric_id = models.CharField(max_length=100, blank=True)
    definition = models.TextField(blank=True)
    policy_sector = models.CharField(max_length=200, blank=True)
    targeted_number = models.DecimalField(**AMOUNT)


class OutcomePricing(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_pricings")
    metric_id = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    price = models.DecimalField(**AMOUNT)
    price_usd = models.DecimalField(**AMOUNT)


class OutcomePayment(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_payments")
    metric_id = models.CharField(max_length=100, blank=True)
    payer = _org("outcome_payments_made")
    recipient = _org("outcome_payments_received")
    payment_type = models.CharField(max_length=40, blank=True, help_text="Planned or Actual")
    period_start = models.CharField(**PARTIAL_DATE)
    period_end = models.CharField(**PARTIAL_DATE)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(**AMOUNT)
    amount_usd = models.DecimalField(**AMOUNT)


class Result(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="results")
    metric_id = models.CharField(max_length=100, blank=True)
    period_start = models.CharField(**PARTIAL_DATE)
    period_end = models.CharField(**PARTIAL_DATE)
    outcomes_achieved = models.TextField(blank=True, help_text="Free text in INDIGO")
    number_engaged = models.DecimalField(**AMOUNT)
    number_positive = models.DecimalField(
        **AMOUNT, help_text="Number with positive social outcomes"
    )


class Investment(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investments")
    item_id = models.CharField(max_length=100, blank=True)
    organisation = _org("investments")
    role_category = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount_min = models.DecimalField(**AMOUNT)
    amount_exact = models.DecimalField(**AMOUNT)
    amount_max = models.DecimalField(**AMOUNT)
    amount_usd_min = models.DecimalField(**AMOUNT)
    amount_usd_exact = models.DecimalField(**AMOUNT)
    amount_usd_max = models.DecimalField(**AMOUNT)


class ServiceProvision(ProjectComponent):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="service_provisions"
    )
    item_id = models.CharField(max_length=100, blank=True)
    organisation = _org("service_provisions")
    role_category = models.CharField(max_length=200, blank=True)
    planned_start = models.CharField(**PARTIAL_DATE)
    planned_end = models.CharField(**PARTIAL_DATE)
    actual_start = models.CharField(**PARTIAL_DATE)
    actual_end = models.CharField(**PARTIAL_DATE)


class OutcomePaymentCommitment(ProjectComponent):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="outcome_payment_commitments"
    )
    organisation = _org("outcome_payment_commitments")
    role_category = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    max_amount = models.DecimalField(**AMOUNT)
    max_amount_usd = models.DecimalField(**AMOUNT)


class IntermediaryService(ProjectComponent):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="intermediary_services"
    )
    organisation = _org("intermediary_services")
    role_category = models.CharField(max_length=200, blank=True)
    role_description = models.TextField(blank=True)


class Source(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sources")
    item_id = models.CharField(max_length=100, blank=True)
    name = models.TextField(blank=True)
    source_type = models.CharField(max_length=200, blank=True)
    url = models.TextField(blank=True)


class Document(ProjectComponent):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.TextField(blank=True)
    url = models.TextField(blank=True)


class ProjectFund(ProjectComponent):
    """The outcome funds a project draws on (projects_outcome_funds.csv)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_funds")
    fund = models.ForeignKey(
        Fund, null=True, blank=True, on_delete=models.SET_NULL, related_name="project_links"
    )


class ProjectRow(ProjectComponent):
    """A row of any other per-project table (transactions, technical assistance, payment plans,
    costs, 360Giving and Open Contracting links): kept whole, shown and exported as it came."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="other_rows")
    component = models.CharField(
        max_length=60, help_text="INDIGO file key, e.g. projects_transactions"
    )

    class Meta(ProjectComponent.Meta):
        ordering = ["project", "component", "position"]
        indexes = [models.Index(fields=["project", "component"])]


class OrganisationRow(models.Model):
    """A row of a per-organisation INDIGO table (secondary ids, controlled by, sources)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rows")
    component = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLIC)
    cells = CellsField(default=list, blank=True)

    class Meta:
        ordering = ["organisation", "component", "position"]


class FundRow(models.Model):
    """A row of a per-fund INDIGO table (organisations, geographic areas, documents)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rows")
    component = models.CharField(max_length=60)
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLIC)
    cells = CellsField(default=list, blank=True)

    class Meta:
        ordering = ["fund", "component", "position"]


class Role(models.TextChoices):
    OUTCOME_PAYER = "outcome_payer", _("Outcome payer")
    INVESTOR = "investor", _("Investor")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    INTERMEDIARY = "intermediary", _("Intermediary")
    EVALUATOR = "evaluator", _("Evaluator")
    VALIDATOR = "validator", _("Validator")


class ProjectParty(models.Model):
    """An organisation's role in a project. For listed projects it is derived from the INDIGO
    tables on import (services.refresh_parties); for managed contracts it is entered directly."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=20, choices=Role.choices)
    origin = models.CharField(
        max_length=60, blank=True, help_text="INDIGO table it came from; blank if entered"
    )

    class Meta:
        ordering = ["project", "role", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="uniq_project_party_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()} in {self.project}"


class DatabaseChange(models.Model):
    """The audit trail of the impact bond database's administration pages: an INDIGO bundle
    imported (``details``: the import's counts) or a project field marked public, private or
    disputed (``field``, ``old_status``, ``new_status``, ``note``)."""

    IMPORT, FIELD_STATUS = "import", "field_status"
    KIND_CHOICES = [(IMPORT, "INDIGO bundle imported"), (FIELD_STATUS, "Field status changed")]

    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    field = models.CharField(max_length=300, blank=True)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        # Who may import INDIGO bundles and mark fields (services.may_administer): given in
        # Django admin to a user or a group; superusers have it.
        permissions = [("administer_database", "Can import INDIGO bundles and mark fields")]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.field}".strip()
