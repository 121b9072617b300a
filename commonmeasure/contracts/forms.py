"""The forms of a managed contract's page: a payment made, an investor's cash flow, publishing.
Each owns the fields its form POSTs and checks them with the contract's own rules (the amount
in the contract's currency, the payers its terms name), in services.py's words; the views call
one service with the cleaned values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from commonmeasure.forms import PageForm, RawField

from . import services
from .models import InvestorFlow


def _text() -> forms.CharField:
    return forms.CharField(required=False)


class _ContractForm(PageForm):
    def __init__(self, data, *, contract):
        super().__init__(data)
        self.contract = contract

    @property
    def first_problem(self) -> str:
        """The first message, in the order of the fields (the pages show one)."""
        return next(iter(self.messages.values()), "")

    def clean_date(self):
        try:
            return services.parse_day(self.cleaned_data["date"], "date")
        except services.ContractServiceError as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean_amount(self):
        try:
            return services.parse_amount(
                self.cleaned_data["amount"], self.contract.currency, "amount"
            )
        except services.ContractServiceError as problem:
            raise forms.ValidationError(str(problem)) from None


class PaymentForm(_ContractForm):
    payer = _text()
    date = _text()
    amount = _text()
    reference = _text()

    def clean_payer(self) -> str:
        payer = self.cleaned_data["payer"]
        payers = [p.id for p in services.terms(self.contract).payers]
        if payers and payer not in payers:
            raise forms.ValidationError(
                _("payer: %(payer)s is not a payer of the contract (%(payers)s)")
                % {"payer": repr(payer), "payers": ", ".join(payers)}
            )
        if not payer:
            raise forms.ValidationError(_("payer: required"))
        return payer

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"][:200]


class InvestorFlowForm(_ContractForm):
    investor = _text()
    kind = _text()
    date = _text()
    amount = _text()

    def clean_investor(self) -> str:
        investor = self.cleaned_data["investor"]
        if not investor:
            raise forms.ValidationError(_("investor: required"))
        return investor[:200]

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        if kind not in dict(InvestorFlow.KIND_CHOICES):
            raise forms.ValidationError(
                _("kind: %(kind)s is not one of %(kinds)s")
                % {"kind": repr(kind), "kinds": ", ".join(dict(InvestorFlow.KIND_CHOICES))}
            )
        return kind


class PublishForm(PageForm):
    """Publish (``published=1``) the contract, or show it to the initiative's members only."""

    published = _text()

    def clean_published(self) -> bool:
        return self.cleaned_data["published"] == "1"


class CommitUploadForm(PageForm):
    """The buttons under an achievements file's dry run: ``token`` names the file kept between
    the dry run and the commit ("" when a new file is posted instead); ``cancel`` (any value)
    drops it, else it is recorded. Every value is valid: a token that is not the user's is the
    upload store's to refuse."""

    token = RawField()
    cancel = RawField(absent=None)

    def clean_cancel(self) -> bool:
        return self.cleaned_data["cancel"] is not None
