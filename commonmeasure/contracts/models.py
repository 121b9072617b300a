"""Managed outcomes contracts: the live side of an impact bond.

A ``ManagedContract`` is attached to one ``impactbonds.Project`` of kind *managed* and holds the
contract definition: the same JSON as a contract file (docs/reference/contract-file.md), so the
payment engine reads it exactly as it reads a file. Around it:

- ``Participant``: a pseudonymous id and nothing else; never a name, email or other personal data;
- ``Achievement``: a participant achieving an outcome metric on a date, with an evidence note and
  a validation status; only validated achievements are paid;
- ``PaymentMade``: an outcome payment actually made by a payer;
- ``InvestorFlow``: an investor's commitment, drawdown or repayment.

Who may see and change a contract: ``contracts.access`` (docs/reference/contract-pages.md).
Every per-contract table carries ``contract`` directly, the shard key of this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 20, "decimal_places": 4}


class ManagedContract(models.Model):
    project = models.OneToOneField(
        "impactbonds.Project", on_delete=models.CASCADE, related_name="managed_contract"
    )
    definition = models.JSONField(
        help_text="The contract definition: the same JSON as a contract file (mechanism, rate "
        "card with prices and caps, payers and shares, dates, currency)."
    )
    is_published = models.BooleanField(
        default=False,
        help_text="Published contracts can be seen by everyone; otherwise only by members of "
        "the project's initiative.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project__name", "id"]

    def __str__(self) -> str:
        return self.project.name or f"Contract {self.pk}"

    @property
    def currency(self) -> str:
        return str(self.definition.get("currency", ""))

    @property
    def mechanism(self) -> str:
        return str(self.definition.get("mechanism", "rate_card"))


class Participant(models.Model):
    contract = models.ForeignKey(
        ManagedContract, on_delete=models.CASCADE, related_name="participants"
    )
    code = models.CharField(
        max_length=64, help_text="Pseudonymous id; never a name or contact detail."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="uniq_contract_participant")
        ]

    def __str__(self) -> str:
        return self.code


class AchievementUpload(models.Model):
    """One file of achievements committed through the web or the command line."""

    contract = models.ForeignKey(ManagedContract, on_delete=models.CASCADE, related_name="uploads")
    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-uploaded_at", "-id"]


class Achievement(models.Model):
    VALIDATED, PENDING, REJECTED = "validated", "pending", "rejected"
    STATUS_CHOICES = [
        (VALIDATED, _("Validated")),
        (PENDING, _("Pending validation")),
        (REJECTED, _("Rejected")),
    ]

    contract = models.ForeignKey(
        ManagedContract, on_delete=models.CASCADE, related_name="achievements"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="achievements"
    )
    metric = models.CharField(max_length=100)
    date = models.DateField()
    evidence = models.TextField(blank=True, help_text="What shows the outcome was achieved.")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    upload = models.ForeignKey(
        AchievementUpload,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    source_row = models.PositiveIntegerField(
        null=True, blank=True, help_text="Row in the uploaded file."
    )

    class Meta:
        # Ties on a date are broken by the order achievements were recorded (id), as the
        # payment rules require.
        ordering = ["contract", "date", "id"]
        indexes = [models.Index(fields=["contract", "date"])]

    def __str__(self) -> str:
        return f"{self.participant} {self.metric} {self.date}"


class PaymentMade(models.Model):
    contract = models.ForeignKey(ManagedContract, on_delete=models.CASCADE, related_name="payments")
    date = models.DateField()
    payer = models.CharField(max_length=100, help_text="A payer id from the contract definition.")
    amount = models.DecimalField(**MONEY)
    reference = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["contract", "date", "id"]


class InvestorFlow(models.Model):
    COMMITMENT, DRAWDOWN, REPAYMENT = "commitment", "drawdown", "repayment"
    KIND_CHOICES = [
        (COMMITMENT, _("Commitment")),
        (DRAWDOWN, _("Drawdown (money in)")),
        (REPAYMENT, _("Repayment (money back)")),
    ]

    contract = models.ForeignKey(
        ManagedContract, on_delete=models.CASCADE, related_name="investor_flows"
    )
    investor = models.CharField(max_length=200)
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    amount = models.DecimalField(
        **MONEY, help_text="Always positive; the kind gives the direction."
    )

    class Meta:
        ordering = ["contract", "date", "id"]
