"""Contract pages: the contract, its statement downloads, achievement uploads, payments made,
investor cash flows and the scenario simulator (docs/reference/contract-pages.md).

Who may see and change what is decided by ``contracts.access`` alone; figures come from
``contracts.services`` (the payment engine), never computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonmeasure import charts
from commonmeasure.domain.money import minor_unit
from commonmeasure.domain.payments import ContractError, metric_names
from commonmeasure.domain.scenario import simulate, sweep
from commonmeasure.impactbonds.models import ProjectParty
from commonmeasure.interchange.contracts import ContractFileError
from commonmeasure.upload_store import UploadNotFound, UploadStore, clean_name

from . import services
from .access import get_contract, visible_contracts
from .exports import KIND_LABELS, StatementDocument, statement_pdf, statement_xlsx
from .forms import CommitUploadForm, InvestorFlowForm, PaymentForm, PublishForm
from .models import Achievement, InvestorFlow
from .statement_pdf import MissingFont
from .statement_text import amount_text

SHOWN_ADJUSTMENTS = 100
SHOWN_ACHIEVEMENTS = 25
SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}
UPLOAD_SUFFIXES = (".csv", ".xlsx", ".ods")


def money(amount, currency: str) -> str:
    """£1,234.00 for the currencies with a familiar symbol, else 1,234.00 KES."""
    if amount is None:
        return "–"
    amount = Decimal(amount)
    places = minor_unit(currency)
    sign = "−" if amount < 0 else ""
    text = amount_text(abs(amount), places)
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def multiple(value) -> str:
    """A money multiple: 1.250× (three decimals, in the active language's digits)."""
    return "–" if value is None else amount_text(Decimal(value), 3) + "×"


def percent(value, digits: int = 1) -> str:
    return "–" if value is None else amount_text(Decimal(value) * 100, digits) + "%"


def contract_list(request):
    rows = []
    for contract in visible_contracts(request.user).order_by("project__name", "id"):
        s = services.statement(contract)
        rows.append(
            {
                "contract": contract,
                "due": money(s.total, s.currency),
                "rows": s.detail.get("rows", 0),
            }
        )
    return render(request, "contracts/list.html", {"rows": rows})


# -- the contract page -----------------------------------------------------------------------


def _parties(contract) -> list[dict]:
    parties = ProjectParty.objects.filter(project=contract.project).select_related("organisation")
    order = [r for r, _ in ProjectParty._meta.get_field("role").choices]
    rows = sorted(
        parties, key=lambda p: (order.index(p.role) if p.role in order else 99, p.organisation.name)
    )
    return [
        {"role": p.get_role_display(), "name": p.organisation.name or p.organisation.indigo_id}
        for p in rows
    ]


def _achievements_by_month(contract, names: dict[str, str]) -> tuple[list[dict], list[dict]]:
    counts = (
        contract.achievements.annotate(month=TruncMonth("date"))
        .values("month", "metric", "status")
        .annotate(n=Count("id"))
        .order_by("month", "metric", "status")
    )
    months: dict[str, dict] = {}
    chart_rows = []
    for row in counts:
        code = row["month"].strftime("%Y-%m")
        entry = months.setdefault(
            code, {"period": code, "validated": 0, "pending": 0, "rejected": 0}
        )
        entry[row["status"]] += row["n"]
        if row["status"] == Achievement.VALIDATED:
            chart_rows.append(
                {
                    "period": code,
                    "category": names.get(row["metric"], row["metric"]),
                    "value": row["n"],
                }
            )
    return chart_rows, list(months.values())


def _named(achievements, names: dict[str, str]) -> list:
    """The achievements, each with ``metric_name``: its metric in words."""
    out = list(achievements)
    for a in out:
        a.metric_name = names.get(a.metric, a.metric)
    return out


def _context(request, contract, access) -> dict:
    terms = services.terms(contract)
    s = services.statement(contract)
    cur = terms.currency
    payers = services.payer_rows(contract, s)
    investors, overall = services.investor_returns(contract)
    names = metric_names(terms)
    chart_rows, months = _achievements_by_month(contract, names)
    for month in months:
        month["due"] = money(s.by_period.get(month["period"], Decimal(0)), cur)
    status_counts = dict(
        contract.achievements.values_list("status").annotate(n=Count("id")).order_by()
    )
    gross = s.detail.get("gross_by_metric", {})
    validated_by_metric = dict(
        contract.achievements.filter(status=Achievement.VALIDATED)
        .values_list("metric")
        .annotate(n=Count("id"))
        .order_by()
    )
    rate_card = [
        {
            "id": m.id,
            "name": m.label,
            "price": money(m.price, cur),
            "once": m.once_per_participant,
            "cap_count": m.cap_count,
            "validated": validated_by_metric.get(m.id, 0),
            "gross": money(Decimal(gross.get(m.id, 0)), cur),
            "due": money(s.by_metric.get(m.id, Decimal(0)), cur),
            "adjusted": s.by_metric.get(m.id, Decimal(0)) != Decimal(gross.get(m.id, 0)),
        }
        for m in terms.metrics
    ]
    paid_total = contract.payments.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    cap_used = (s.total / terms.cap_total) if terms.cap_total else None
    project = contract.project
    chart = None
    if chart_rows:
        chart = charts.stacked(
            chart_rows,
            categories=list(names.values()),
            dimension_title=_("Outcome"),
            title=_("Validated achievements"),
            decimals=0,
            description=_("Validated achievements per month, by outcome metric"),
        )
        chart["config"] = {
            **chart["config"],
            "legend": {**chart["config"]["legend"], "columns": 3, "labelLimit": 220},
        }
    adjustments = [
        {
            "kind": KIND_LABELS.get(a.kind, a.kind),
            "kind_code": a.kind,
            "metric": names.get(a.metric, a.metric),
            "metric_id": a.metric,
            "participant": a.participant,
            "amount": money(a.amount, cur),
            "count": a.count,
            "row": a.row,
            "rule": a.rule,
        }
        for a in s.adjustments[:SHOWN_ADJUSTMENTS]
    ]
    removed_by_kind: dict[str, Decimal] = {}
    for a in s.adjustments:
        removed_by_kind[a.kind] = removed_by_kind.get(a.kind, Decimal(0)) + a.amount
    return {
        "contract": contract,
        "project": project,
        "access": access,
        "terms": terms,
        "statement": s,
        "currency": cur,
        "parties": _parties(contract),
        "sdgs": project.sdg_goals
        or ([project.primary_sdg_goal] if project.primary_sdg_goal else []),
        "headline": {
            "due": money(s.total, cur),
            "gross": money(s.gross, cur),
            "paid": money(paid_total, cur),
            "outstanding": money(s.total - paid_total, cur),
            "outstanding_negative": s.total - paid_total < 0,
            "validated": status_counts.get(Achievement.VALIDATED, 0),
            "pending": status_counts.get(Achievement.PENDING, 0),
            "rejected": status_counts.get(Achievement.REJECTED, 0),
            "participants": contract.participants.count(),
            "cap_used": percent(cap_used),
            "cap_used_width": min(float(cap_used or 0) * 100, 100),
            "cap_total": money(terms.cap_total, cur) if terms.cap_total is not None else None,
            "max_outcome_payment": money(project.max_outcome_payment, cur)
            if project.max_outcome_payment
            else None,
        },
        "rate_card": rate_card,
        "cap_per_participant": money(terms.cap_per_participant, cur)
        if terms.cap_per_participant is not None
        else None,
        "chart": chart,
        "months": months[::-1],  # the latest first
        "by_period": [(code, money(v, cur)) for code, v in s.by_period.items()],
        "payers": [
            {
                "payer": p.payer or _("All payers"),
                "share": percent(p.share, 1),
                "due": money(p.due, cur),
                "paid": money(p.paid, cur),
                "outstanding": money(p.outstanding, cur),
            }
            for p in payers
        ],
        "payer_ids": [p.id for p in terms.payers],
        "adjustments": adjustments,
        "adjustments_more": max(len(s.adjustments) - SHOWN_ADJUSTMENTS, 0),
        "removed_by_kind": [
            (KIND_LABELS.get(k, k), money(v, cur)) for k, v in removed_by_kind.items()
        ],
        "excluded": s.excluded,
        "recent": _named(
            contract.achievements.select_related("participant").order_by("-date", "-id")[
                :SHOWN_ACHIEVEMENTS
            ],
            names,
        ),
        "uploads": contract.uploads.select_related("uploaded_by")[:10],
        "payments": [
            {
                "date": p.date,
                "payer": p.payer,
                "amount": money(p.amount, cur),
                "reference": p.reference,
            }
            for p in contract.payments.order_by("-date", "-id")
        ],
        "flows": [
            {
                "date": f.date,
                "investor": f.investor,
                "kind": f.get_kind_display(),
                "amount": money(f.amount, cur),
            }
            for f in contract.investor_flows.order_by("date", "id")
        ],
        "investors": [_investor_row(r, cur) for r in investors],
        "investors_total": _investor_row(overall, cur) if overall else None,
        "flow_kinds": InvestorFlow.KIND_CHOICES,
        "today": timezone.localdate().isoformat(),
    }


def _investor_row(row: services.InvestorRow, cur: str) -> dict:
    r = row.returns
    return {
        "investor": row.investor or _("All investors"),
        "committed": money(row.committed, cur),
        "invested": money(r.invested, cur),
        "returned": money(r.returned, cur),
        "net": money(r.net, cur),
        "net_negative": r.net < 0,
        "multiple": multiple(r.money_multiple),
        "xirr": percent(r.xirr, 1),
        "max_loss": money(r.max_potential_loss, cur),
        "undrawn": money(row.undrawn, cur),
    }


@require_GET
def contract_page(request, pk: int):
    contract, access = get_contract(request.user, pk)
    return render(request, "contracts/contract.html", _context(request, contract, access))


# -- downloads -------------------------------------------------------------------------------


def _document(contract) -> StatementDocument:
    s = services.statement(contract)
    return StatementDocument(
        contract,
        services.terms(contract),
        s,
        services.payer_rows(contract, s),
        timezone.localdate(),
    )


def _filename(contract, suffix: str) -> str:
    base = "".join(
        c if c.isalnum() or c in "-_" else "-"
        for c in (contract.project.indigo_id or f"contract-{contract.pk}")
    )
    return f"{base}-statement-{timezone.localdate().isoformat()}.{suffix}"


@require_GET
def statement_xlsx_view(request, pk: int):
    contract, _access = get_contract(request.user, pk)
    response = HttpResponse(
        statement_xlsx(_document(contract)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(contract, "xlsx")}"'
    return response


@require_GET
def statement_pdf_view(request, pk: int):
    contract, _access = get_contract(request.user, pk)
    try:
        data = statement_pdf(_document(contract))
    except MissingFont as exc:  # the server lacks a font package: say which
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(contract, "pdf")}"'
    return response


# -- changes (backbone admins) ---------------------------------------------------------------


def _manage(request, pk: int):
    contract, access = get_contract(request.user, pk)
    if not access.can_manage:
        raise PermissionDenied(_("Only the initiative's backbone admins change this contract."))
    return contract, access


# Achievement files kept between the dry run and the commit (commonmeasure/upload_store.py):
# only their uploader finds them, for this contract, until they expire.
UPLOADS = UploadStore("contract-uploads", keeps_names=True)


def _stored_upload(token: str, contract, user) -> dict | None:
    """The record of the file kept between the dry run and the commit, if it is this user's
    for this contract and has not expired."""
    try:
        record = UPLOADS.load(token, user.pk, contract=contract.pk)
    except UploadNotFound:
        return None
    return record if UPLOADS.data_path(record).is_file() else None


@require_POST
def upload_achievements(request, pk: int):
    """POST a file: check it and show what it would change (dry run). POST ``token`` with
    ``commit``: record it. A bad file gives every problem and writes nothing."""
    contract, access = _manage(request, pk)
    buttons = CommitUploadForm(request.POST)
    buttons.is_valid()  # every value is valid: an unknown token is refused below
    token = buttons.cleaned_data["token"]
    if token:
        record = _stored_upload(token, contract, request.user)
        if record is None:
            messages.error(
                request, _("That upload has expired or is not yours; choose the file again.")
            )
            return redirect(reverse("contract", args=[contract.pk]) + "#achievements")
        if buttons.cleaned_data["cancel"]:
            UPLOADS.delete(record)
            messages.info(request, _("Upload cancelled; nothing was recorded."))
            return redirect(reverse("contract", args=[contract.pk]) + "#achievements")
        try:
            summary = services.commit_upload(contract, UPLOADS.data_path(record), request.user)
        except ContractFileError as exc:
            return _upload_problems(request, contract, access, exc)
        UPLOADS.delete(record)
        messages.success(
            request,
            (
                _(
                    "%(file)s: %(n)s achievements recorded, %(skipped)s already recorded were "
                    "skipped. Total due is now %(due)s."
                )
                if summary.already_recorded
                else _("%(file)s: %(n)s achievements recorded. Total due is now %(due)s.")
            )
            % {
                "file": summary.filename,
                "n": amount_text(summary.to_add, 0),
                "skipped": amount_text(summary.already_recorded, 0),
                "due": money(summary.due_after, contract.currency),
            },
        )
        return redirect(reverse("contract", args=[contract.pk]) + "#achievements")

    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV or XLSX file of achievements to upload."))
        return redirect(reverse("contract", args=[contract.pk]) + "#achievements")
    name = Path(upload.name or "achievements.csv").name
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        messages.error(
            request,
            _(
                "%(file)s: upload a .csv, .xlsx or .ods file (participant, metric, date, and "
                "optionally validated, evidence)."
            )
            % {"file": name},
        )
        return redirect(reverse("contract", args=[contract.pk]) + "#achievements")
    if upload.size > settings.CM_MAX_UPLOAD_MB * 1024 * 1024:
        messages.error(
            request,
            _("%(file)s: the file is larger than %(mb)s MB.")
            % {"file": name, "mb": settings.CM_MAX_UPLOAD_MB},
        )
        return redirect(reverse("contract", args=[contract.pk]) + "#achievements")
    token = UPLOADS.save(
        upload.chunks(),
        owner=request.user.pk,
        name=clean_name(name, "achievements.csv"),
        suffix=Path(name).suffix.lower(),
        contract=contract.pk,
    )
    record = UPLOADS.load(token, request.user.pk)
    try:
        summary = services.preview_upload(contract, UPLOADS.data_path(record))
    except ContractFileError as exc:
        UPLOADS.delete(record)
        return _upload_problems(request, contract, access, exc)
    cur = contract.currency
    names = metric_names(services.terms(contract))
    return render(
        request,
        "contracts/upload_preview.html",
        {
            "contract": contract,
            "project": contract.project,
            "access": access,
            "summary": summary,
            "by_metric": [
                (names.get(metric, metric), metric, n) for metric, n in summary.by_metric.items()
            ],
            "token": token,
            "due_before": money(summary.due_before, cur),
            "due_after": money(summary.due_after, cur),
            "change": money(summary.change, cur),
            "statuses": [
                (label, summary.by_status.get(code, 0))
                for code, label in Achievement.STATUS_CHOICES
            ],
        },
    )


def _upload_problems(request, contract, access, exc: ContractFileError):
    return render(
        request,
        "contracts/upload_problems.html",
        {"contract": contract, "project": contract.project, "access": access, "error": exc},
        status=400,
    )


@require_POST
def record_payment(request, pk: int):
    contract, _access = _manage(request, pk)
    form = PaymentForm(request.POST, contract=contract)
    if not form.is_valid():
        messages.error(
            request,
            _("The payment was not recorded. %(problem)s") % {"problem": form.first_problem},
        )
    else:
        data = form.cleaned_data
        payment = services.record_payment(
            contract,
            day=data["date"],
            payer=data["payer"],
            amount=data["amount"],
            reference=data["reference"],
        )
        messages.success(
            request,
            _("Payment of %(amount)s by %(payer)s recorded.")
            % {"amount": money(payment.amount, contract.currency), "payer": payment.payer},
        )
    return redirect(reverse("contract", args=[contract.pk]) + "#payments")


@require_POST
def record_flow(request, pk: int):
    contract, _access = _manage(request, pk)
    form = InvestorFlowForm(request.POST, contract=contract)
    if not form.is_valid():
        messages.error(
            request,
            _("The cash flow was not recorded. %(problem)s") % {"problem": form.first_problem},
        )
    else:
        data = form.cleaned_data
        flow = services.record_investor_flow(
            contract,
            investor=data["investor"],
            day=data["date"],
            kind=data["kind"],
            amount=data["amount"],
        )
        messages.success(
            request,
            _("%(kind)s of %(amount)s for %(investor)s recorded.")
            % {
                "kind": flow.get_kind_display(),
                "amount": money(flow.amount, contract.currency),
                "investor": flow.investor,
            },
        )
    return redirect(reverse("contract", args=[contract.pk]) + "#investors")


@require_POST
def publish(request, pk: int):
    contract, _access = _manage(request, pk)
    form = PublishForm(request.POST)
    form.is_valid()  # every value is valid: "1" publishes, anything else does not
    services.set_published(contract, form.cleaned_data["published"])
    messages.success(
        request,
        _("The contract is now public.")
        if contract.is_published
        else _("The contract is now visible to the initiative's members only."),
    )
    return redirect("contract", contract.pk)


# -- scenarios -------------------------------------------------------------------------------


@dataclass
class ScenarioInput:
    participants: int
    investment: Decimal | None
    rates: dict[str, Decimal]
    problems: list[str]


def _default_participants(contract) -> int:
    return contract.project.targeted_service_users or contract.participants.count() or 100


def _default_investment(contract) -> Decimal | None:
    project = contract.project
    if project.investment_exact:
        return project.investment_exact
    drawn = contract.investor_flows.filter(kind=InvestorFlow.DRAWDOWN).aggregate(t=Sum("amount"))[
        "t"
    ]
    return drawn


def _scenario_input(request, contract, terms) -> ScenarioInput:
    problems = []
    try:
        participants = int(request.GET.get("participants") or _default_participants(contract))
        if not 0 <= participants <= 100_000:
            raise ValueError
    except ValueError:
        problems.append(_("Participants: a whole number from 0 to 100,000."))
        participants = _default_participants(contract)
    raw = request.GET.get("investment")
    investment = _default_investment(contract)
    if raw is not None:
        try:
            investment = Decimal(raw.replace(",", "")) if raw.strip() else None
            if investment is not None and (not investment.is_finite() or investment < 0):
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("Investment: an amount of 0 or more, or leave it empty."))
            investment = _default_investment(contract)
    rates = {}
    for m in terms.metrics:
        try:
            value = Decimal(request.GET.get(f"rate_{m.id}", "50"))
            if not 0 <= value <= 100:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_("%(metric)s: a share from 0 to 100%%.") % {"metric": m.label})
            value = Decimal(50)
        rates[m.id] = value / 100
    if investment is not None:
        investment = investment.quantize(Decimal(1).scaleb(-minor_unit(terms.currency)))
    return ScenarioInput(participants, investment, rates, problems)


def _scenario_result(contract, terms, given: ScenarioInput) -> dict:
    cur = terms.currency
    result = simulate(terms, given.participants, given.rates, given.investment).as_dict()
    names = metric_names(terms)
    inv = result["investor"]
    achieved = sum(result["outcomes_achieved"].values())
    return {
        "raw": result,
        "total": money(Decimal(result["total_paid"]), cur),
        "removed": money(Decimal(result["removed_by_caps"]), cur),
        "cost_per_outcome": money(Decimal(result["cost_per_outcome"]), cur)
        if result["cost_per_outcome"]
        else "–",
        "outcomes": achieved,
        "by_payer": [(p, money(Decimal(v), cur)) for p, v in result["by_payer"].items()],
        "by_metric": [
            {
                "id": m,
                "name": names.get(m, m),
                "rate": percent(given.rates[m], 0),
                "achieved": result["outcomes_achieved"][m],
                "paid": money(Decimal(result["by_metric"][m]), cur),
                "cost": money(Decimal(c), cur)
                if (c := result["cost_per_outcome_by_metric"][m])
                else "–",
            }
            for m in result["by_metric"]
        ],
        "investor": inv
        and {
            "invested": money(Decimal(inv["invested"]), cur),
            "returned": money(Decimal(inv["returned"]), cur),
            "multiple": multiple(inv["money_multiple"]),
            "xirr": percent(inv["xirr"], 1),
            "loss": money(Decimal(inv["loss"]), cur),
            "bears_loss": inv["loss_borne_by"] == "investor",
            "gain": money(Decimal(inv["returned"]) - Decimal(inv["invested"]), cur),
        },
    }


def _sweep_chart(terms, given: ScenarioInput) -> tuple[dict, list[dict]]:
    cur = terms.currency
    rows = sweep(terms, given.participants, given.investment)
    payments, investment = _("Outcome payments"), _("Investment")
    table = []
    values = []
    for r in rows:
        rate = int(Decimal(r["success_rate"]) * 100)
        paid = float(Decimal(r["total_paid"]))
        values.append({"rate": rate, "series": payments, "value": paid})
        if given.investment is not None:
            values.append({"rate": rate, "series": investment, "value": float(given.investment)})
        inv = r["investor"]
        table.append(
            {
                "rate": f"{rate}%",
                "paid": money(Decimal(r["total_paid"]), cur),
                "cost": money(Decimal(r["cost_per_outcome"]), cur)
                if r["cost_per_outcome"]
                else "–",
                "multiple": multiple(inv["money_multiple"])
                if inv and inv["money_multiple"]
                else "–",
                "xirr": percent(inv["xirr"], 1) if inv else "–",
                "loss": money(Decimal(inv["loss"]), cur) if inv else "–",
                "who": (_("Investor") if inv["loss_borne_by"] else _("No one")) if inv else "–",
            }
        )
    spec = charts.base_spec(
        _("Outcome payments at every success rate from 0 to 100%, against the investment"),
        height=300,
    )
    spec["data"] = {"values": values}
    spec["mark"] = {"type": "line", "point": {"filled": True, "size": 40}, "strokeWidth": 2.5}
    spec["encoding"] = {
        "x": {
            "field": "rate",
            "type": "quantitative",
            "title": _("Share of participants achieving every outcome (%)"),
            "scale": {"domain": [0, 100]},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": _("Amount (%(currency)s)") % {"currency": cur},
            "axis": {"format": "~s"},
        },
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "legend": {"orient": "top"},
            "scale": {
                "domain": [payments, investment],
                "range": [charts.ACCENT, "#e0812f"],
            },
        },
        "strokeDash": {
            "field": "series",
            "type": "nominal",
            "legend": None,
            "scale": {"domain": [payments, investment], "range": [[1, 0], [6, 4]]},
        },
        "tooltip": [
            {"field": "rate", "title": _("Success rate (%)")},
            {"field": "series", "title": _("Series")},
            {"field": "value", "title": cur, "format": ",.2f"},
        ],
    }
    return spec, table


def _scenario_context(request, contract, access) -> dict:
    terms = services.terms(contract)
    given = _scenario_input(request, contract, terms)
    return {
        "contract": contract,
        "project": contract.project,
        "access": access,
        "terms": terms,
        "given": given,
        "sliders": [
            {
                "id": m.id,
                "name": m.label,
                "value": int(given.rates[m.id] * 100),
                "price": money(m.price, terms.currency),
            }
            for m in terms.metrics
        ],
        "currency": terms.currency,
    }


@require_GET
def scenario_page(request, pk: int):
    contract, access = get_contract(request.user, pk)
    ctx = _scenario_context(request, contract, access)
    try:
        ctx["result"] = _scenario_result(contract, ctx["terms"], ctx["given"])
        ctx["sweep_spec"], ctx["sweep_rows"] = _sweep_chart(ctx["terms"], ctx["given"])
    except ContractError as exc:
        ctx["given"].problems += exc.problems
    return render(request, "contracts/scenario.html", ctx)


@require_GET
def scenario_result(request, pk: int):
    """The figures for the sliders' current values (htmx swaps them into the page)."""
    contract, access = get_contract(request.user, pk)
    ctx = _scenario_context(request, contract, access)
    try:
        ctx["result"] = _scenario_result(contract, ctx["terms"], ctx["given"])
    except ContractError as exc:
        ctx["given"].problems += exc.problems
    return render(request, "contracts/_scenario_result.html", ctx)


@require_GET
def scenario_sweep(request, pk: int):
    contract, access = get_contract(request.user, pk)
    ctx = _scenario_context(request, contract, access)
    ctx["sweep_spec"], ctx["sweep_rows"] = _sweep_chart(ctx["terms"], ctx["given"])
    return render(request, "contracts/_scenario_sweep.html", ctx)
