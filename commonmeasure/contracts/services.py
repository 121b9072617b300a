"""Managed contracts: every write, and the figures the contract page shows.

The web pages and the `commonmeasure contract` commands call these functions; the numbers come
from the payment engine (commonmeasure/domain) exactly as `commonmeasure payments` computes them
from files. Bad input raises ``ContractFileError`` naming the file and the field, or the row and
column, and writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.domain.money import is_exact_minor, minor_unit
from commonmeasure.domain.payments import RATE_CARD, RateCard, Statement, rate_card_statement
from commonmeasure.domain.returns import CashFlow, Returns, returns_by_investor
from commonmeasure.domain.returns import investor_returns as returns_of
from commonmeasure.impactbonds.models import Project
from commonmeasure.interchange.contracts import (
    MAX_ERRORS,
    YES,
    ContractFileError,
    parse_contract,
    read_achievements,
)
from commonmeasure.interchange.errors import FileProblem
from commonmeasure.interchange.tabular import open_table

from .models import (
    Achievement,
    AchievementUpload,
    InvestorFlow,
    ManagedContract,
    Participant,
    PaymentMade,
)

REJECTED_WORDS = frozenset({"no", "false", "0", "rejected"})
# A participant id that looks like personal data: an email address, a phone number, or a name
# with spaces. Pseudonymous ids are short codes such as P00123 or 7f3a-19.
_PERSONAL = re.compile(r"@|\s|^\+?\d[\d ()-]{8,}$")
BATCH = 2000


class ContractServiceError(ValueError):
    """A change that cannot be made, with a message for the user."""


# -- the contract itself ---------------------------------------------------------------------


def terms(contract: ManagedContract) -> RateCard:
    return parse_contract(contract.definition, "contract definition")


def save_contract(project: Project, definition: dict, *, name: str = "contract") -> ManagedContract:
    """Create or replace the definition of a managed project's contract.

    Raises ContractFileError naming every bad field, ContractServiceError for a listed project
    or a mechanism other than rate_card; nothing is written then."""
    if project.kind != Project.MANAGED:
        raise ContractServiceError(
            _(
                "project %(project)s is listed (headline data only); only a managed project can "
                "hold a contract with live achievements"
            )
            % {"project": project.indigo_id}
        )
    parsed = parse_contract(definition, name)
    if parsed.mechanism != RATE_CARD:
        raise ContractServiceError(
            _(
                "%(file)s: a managed contract uses the rate_card mechanism (achievements by "
                "participant); a %(mechanism)s contract is computed from its files with "
                "`commonmeasure payments`"
            )
            % {"file": name, "mechanism": parsed.mechanism}
        )
    existing = ManagedContract.objects.filter(project=project).first()
    if existing is not None:
        recorded = set(existing.achievements.values_list("metric", flat=True).distinct())
        dropped = sorted(recorded - {m.id for m in parsed.metrics})
        if dropped:
            raise ContractFileError(
                name,
                [
                    _("metrics: %(metric)s has recorded achievements and cannot be removed")
                    % {"metric": repr(m)}
                    for m in dropped
                ],
            )
        existing.definition = definition
        existing.save(update_fields=["definition", "updated_at"])
        return existing
    return ManagedContract.objects.create(project=project, definition=definition)


def set_published(contract: ManagedContract, published: bool) -> None:
    contract.is_published = published
    contract.save(update_fields=["is_published", "updated_at"])


# -- statement -------------------------------------------------------------------------------


def achievement_rows(contract: ManagedContract) -> list[tuple]:
    """(participant, metric, date, validated, achievement id) in recording order."""
    return [
        (code, metric, day, status == Achievement.VALIDATED, pk)
        for code, metric, day, status, pk in contract.achievements.order_by("id").values_list(
            "participant__code", "metric", "date", "status", "id"
        )
    ]


def statement(
    contract: ManagedContract, by: str = periods.MONTH, rows: list[tuple] | None = None
) -> Statement:
    """The payment statement of every recorded achievement; ``row`` in its adjustments is the
    achievement's id."""
    return rate_card_statement(
        terms(contract), achievement_rows(contract) if rows is None else rows, by
    )


# -- achievements upload ---------------------------------------------------------------------


@dataclass
class UploadRow:
    row: int
    participant: str
    metric: str
    date: date
    status: str
    evidence: str


@dataclass
class UploadSummary:
    filename: str
    rows: int = 0
    to_add: int = 0
    already_recorded: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_metric: dict[str, int] = field(default_factory=dict)
    new_participants: int = 0
    first: date | None = None
    last: date | None = None
    due_before: Decimal = Decimal(0)
    due_after: Decimal = Decimal(0)
    committed: bool = False

    @property
    def change(self) -> Decimal:
        return self.due_after - self.due_before


def _status(flag, has_column: bool) -> str:
    if not has_column:
        return Achievement.VALIDATED
    text = "" if flag is None else str(flag).strip().lower()
    if text in YES:
        return Achievement.VALIDATED
    if text in REJECTED_WORDS:
        return Achievement.REJECTED
    return Achievement.PENDING


def read_upload(contract: ManagedContract, path: str | Path) -> list[UploadRow]:
    """Every row of an achievements file, checked by the engine's reader (every bad row and
    column named) and for ids that look like personal data. ContractFileError if any problem."""
    path = Path(path)
    rows = read_achievements(path, terms(contract))
    extra: dict[int, tuple] = {}
    try:
        table = open_table(path)
    except FileProblem as problem:  # read_achievements has already opened it: not expected
        raise ContractFileError(path.name, [problem.error.message]) from None
    labels = [str(h or "").strip().lower() for h in table.header]
    iv = labels.index("validated") if "validated" in labels else None
    ie = labels.index("evidence") if "evidence" in labels else None
    for number, cells in table.rows:
        extra[number] = tuple(
            cells[i] if i is not None and i < len(cells) else None for i in (iv, ie)
        )
    problems = []
    more = 0
    for participant, _m, _d, _v, number in rows:
        if len(participant) > 64 or _PERSONAL.search(participant):
            if len(problems) < MAX_ERRORS:
                problems.append(
                    _(
                        "row %(row)s, column 'participant': %(value)s looks like personal data (a "
                        "name, email or phone number); use a pseudonymous id of at most 64 "
                        "characters without spaces, such as P00123"
                    )
                    % {"row": number, "value": repr(participant[:40])}
                )
            else:
                more += 1
    if problems:
        raise ContractFileError(path.name, problems, more)
    out = []
    for participant, metric, day, _validated, number in rows:
        flag, evidence = extra.get(number, (None, None))
        out.append(
            UploadRow(
                number,
                participant,
                metric,
                day,
                _status(flag, iv is not None),
                "" if evidence is None else str(evidence).strip()[:2000],
            )
        )
    return out


def _plan(contract: ManagedContract, rows: list[UploadRow], filename: str):
    existing = set(contract.achievements.values_list("participant__code", "metric", "date"))
    known = set(contract.participants.values_list("code", flat=True))
    seen: set[tuple] = set()
    new = []
    summary = UploadSummary(filename, rows=len(rows))
    for r in rows:
        key = (r.participant, r.metric, r.date)
        if key in existing or key in seen:
            summary.already_recorded += 1
            continue
        seen.add(key)
        new.append(r)
    summary.to_add = len(new)
    summary.by_status = dict(Counter(r.status for r in new))
    summary.by_metric = dict(Counter(r.metric for r in new))
    summary.new_participants = len({r.participant for r in new} - known)
    if new:
        summary.first = min(r.date for r in new)
        summary.last = max(r.date for r in new)
    before = achievement_rows(contract)
    summary.due_before = statement(contract, rows=before).total
    after = before + [
        (r.participant, r.metric, r.date, r.status == Achievement.VALIDATED, None) for r in new
    ]
    summary.due_after = statement(contract, rows=after).total
    return new, summary


def preview_upload(
    contract: ManagedContract, path: str | Path, filename: str | None = None
) -> UploadSummary:
    """What committing the file would add and change; writes nothing."""
    rows = read_upload(contract, path)
    return _plan(contract, rows, filename or Path(path).name)[1]


def commit_upload(
    contract: ManagedContract, path: str | Path, user=None, filename: str | None = None
) -> UploadSummary:
    """Record every new achievement of the file in one transaction. Rows already recorded (the
    same participant, metric and date) are skipped, so a file can be uploaded again safely."""
    rows = read_upload(contract, path)
    with transaction.atomic():
        new, summary = _plan(contract, rows, filename or Path(path).name)
        upload = AchievementUpload.objects.create(
            contract=contract, filename=summary.filename, rows=len(new), uploaded_by=user
        )
        known = set(contract.participants.values_list("code", flat=True))
        missing = sorted({r.participant for r in new} - known)
        Participant.objects.bulk_create(
            [Participant(contract=contract, code=c) for c in missing], batch_size=BATCH
        )
        have = dict(contract.participants.values_list("code", "id"))
        Achievement.objects.bulk_create(
            [
                Achievement(
                    contract=contract,
                    participant_id=have[r.participant],
                    metric=r.metric,
                    date=r.date,
                    status=r.status,
                    evidence=r.evidence,
                    upload=upload,
                    source_row=r.row,
                )
                for r in new
            ],
            batch_size=BATCH,
        )
        contract.save(update_fields=["updated_at"])
    summary.committed = True
    return summary


# -- payments made and investor cash flows ---------------------------------------------------


def parse_amount(value, currency: str, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ContractServiceError(
            _("%(field)s: %(value)s is not an amount") % {"field": field_name, "value": repr(value)}
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ContractServiceError(
            _("%(field)s: must be more than 0 (got %(value)s)")
            % {"field": field_name, "value": value}
        )
    places = minor_unit(currency)
    if not is_exact_minor(amount, places):
        raise ContractServiceError(
            _("%(field)s: %(amount)s has more decimal places than %(currency)s has (%(places)s)")
            % {"field": field_name, "amount": amount, "currency": currency, "places": places}
        )
    return amount


def parse_day(value, field_name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ContractServiceError(
            _("%(field)s: %(value)s is not a date written YYYY-MM-DD")
            % {"field": field_name, "value": repr(value)}
        ) from None


def record_payment(
    contract: ManagedContract, *, day, payer: str, amount, reference: str = ""
) -> PaymentMade:
    contract_terms = terms(contract)
    payers = [p.id for p in contract_terms.payers]
    payer = (payer or "").strip()
    if payers and payer not in payers:
        raise ContractServiceError(
            _("payer: %(payer)s is not a payer of the contract (%(payers)s)")
            % {"payer": repr(payer), "payers": ", ".join(payers)}
        )
    if not payer:
        raise ContractServiceError(_("payer: required"))
    return PaymentMade.objects.create(
        contract=contract,
        date=parse_day(day, "date"),
        payer=payer,
        amount=parse_amount(amount, contract_terms.currency, "amount"),
        reference=(reference or "").strip()[:200],
    )


def record_investor_flow(
    contract: ManagedContract, *, investor: str, day, kind: str, amount
) -> InvestorFlow:
    investor = (investor or "").strip()
    if not investor:
        raise ContractServiceError(_("investor: required"))
    if kind not in dict(InvestorFlow.KIND_CHOICES):
        raise ContractServiceError(
            _("kind: %(kind)s is not one of %(kinds)s")
            % {"kind": repr(kind), "kinds": ", ".join(dict(InvestorFlow.KIND_CHOICES))}
        )
    return InvestorFlow.objects.create(
        contract=contract,
        investor=investor[:200],
        date=parse_day(day, "date"),
        kind=kind,
        amount=parse_amount(amount, contract.currency, "amount"),
    )


def cash_flows(contract: ManagedContract) -> list[CashFlow]:
    """Drawdowns as money put in (negative), repayments as money back (positive); commitments
    are promises, not cash, and are left out."""
    sign = {InvestorFlow.DRAWDOWN: -1, InvestorFlow.REPAYMENT: 1}
    return [
        CashFlow(f.date, sign[f.kind] * f.amount, f.investor, f.id)
        for f in contract.investor_flows.exclude(kind=InvestorFlow.COMMITMENT).order_by(
            "date", "id"
        )
    ]


@dataclass
class InvestorRow:
    investor: str
    committed: Decimal
    returns: Returns

    @property
    def undrawn(self) -> Decimal:
        return max(self.committed - self.returns.invested, Decimal(0))


def investor_returns(contract: ManagedContract) -> tuple[list[InvestorRow], InvestorRow | None]:
    """Each investor's returns (XIRR, money multiple, maximum potential loss), and all together."""
    flows = cash_flows(contract)
    committed = {
        row["investor"]: row["total"]
        for row in contract.investor_flows.filter(kind=InvestorFlow.COMMITMENT)
        .values("investor")
        .annotate(total=Sum("amount"))
        .order_by("investor")
    }
    if not flows and not committed:
        return [], None
    overall, each = returns_by_investor(flows)
    names = sorted(set(each) | set(committed))
    rows = [
        InvestorRow(name, committed.get(name, Decimal(0)), each.get(name) or returns_of([], name))
        for name in names
    ]
    return rows, InvestorRow("", sum(committed.values(), Decimal(0)), overall)


@dataclass
class PayerRow:
    payer: str
    share: Decimal
    due: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid


def payer_rows(contract: ManagedContract, s: Statement) -> list[PayerRow]:
    """Per payer: share, due (the statement), paid (payments made) and outstanding."""
    paid = {
        row["payer"]: row["total"]
        for row in contract.payments.values("payer").annotate(total=Sum("amount")).order_by("payer")
    }
    contract_terms = terms(contract)
    rows = [
        PayerRow(p.id, p.share, s.by_payer.get(p.id, Decimal(0)), paid.pop(p.id, Decimal(0)))
        for p in contract_terms.payers
    ]
    if not contract_terms.payers:
        rows.append(
            PayerRow(
                "", Decimal(1), s.total, paid.pop("", Decimal(0)) + sum(paid.values(), Decimal(0))
            )
        )
        paid = {}
    rows += [
        PayerRow(name, Decimal(0), Decimal(0), amount) for name, amount in sorted(paid.items())
    ]
    return rows
