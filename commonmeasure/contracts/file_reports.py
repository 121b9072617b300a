"""What the `commonmeasure payments`, `returns` and `scenario` commands do and print
(docs/reference/contract-file.md); their arguments are in contracts/management/commands/.

They read files only and need no database. Bad input exits with code 1 and a message naming the
file and the field, or the row and column; nothing is computed from half a file.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import partial
from json.encoder import c_encode_basestring, py_encode_basestring
from operator import attrgetter

from commonmeasure.console import CommandError
from commonmeasure.contracts.statements import statement_from_files
from commonmeasure.domain.payments import (
    Adjustment,
    AdjustmentColumns,
    ContractError,
    RateCard,
    Statement,
    metric_names,
    paused_gc,
)
from commonmeasure.domain.returns import returns_by_investor
from commonmeasure.domain.scenario import simulate, sweep
from commonmeasure.domain.translation import gettext
from commonmeasure.interchange.contracts import ContractFileError, read_cashflows, read_contract

SHOWN_ADJUSTMENTS = 20


def _fail(message: str) -> CommandError:
    return CommandError(message)


def _money(value) -> str:
    return f"{Decimal(value):,}"


def _table(rows: list[tuple], indent: str = "  ") -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append(indent + "  ".join(cells).rstrip())
    return out


# -- payments --------------------------------------------------------------------------------


def cmd_payments(args) -> int:
    # The cyclic garbage collector stays paused until the statement is written and gone: its
    # hundreds of thousands of adjustments form no cycles, and each collection would scan
    # them all again.
    with paused_gc():
        try:
            statement = statement_from_files(args.contract, args.data, args.by)
        except ContractFileError as exc:
            raise _fail(exc.message()) from None
        if args.json:
            text = statement_json(statement)
        else:
            names = metric_names(read_contract(args.contract))
            text = "\n".join(render_statement(statement, names))
        del statement
    print(text)
    return 0


def statement_json(d: dict | Statement) -> str:
    """The statement (a Statement, or its ``as_dict()``) as indented JSON with each adjustment
    on a line of its own: the same data as json.dumps(d, indent=2), written several times
    faster when there are many adjustments.

    For a Statement each adjustment's line is written straight from the Adjustment
    (``adjustment_json``), with no dictionary in between. For a dictionary the adjustments are
    encoded in one call of the C encoder, then split into lines where one adjustment ends and
    the next begins: the text ``}, {"kind": `` cannot occur inside a value, where a double
    quote is always escaped. Both give the same bytes."""
    if isinstance(d, Statement):
        adjustments = d.adjustments
        lines = adjustment_json(adjustments)
        d = d.as_dict(adjustments=False)
    else:
        adjustments = d.get("adjustments") or []
        lines = None
    marker = "@@adjustments@@"
    text = json.dumps({**d, "adjustments": marker}, indent=2, ensure_ascii=False)
    if not adjustments:
        return text.replace(f'"{marker}"', "[]", 1)
    if lines is None:
        flat = json.dumps(adjustments, ensure_ascii=False, check_circular=False)
        body = "[\n    " + flat[1:-1].replace('}, {"kind": ', '},\n    {"kind": ') + "\n  ]"
    else:
        body = "[\n    " + ",\n    ".join(lines) + "\n  ]"
    before, after = text.split(f'"adjustments": "{marker}"', 1)
    return "".join((before, '"adjustments": ', body, after))


def adjustment_json(adjustments: list[Adjustment]) -> list[str]:
    """Each adjustment as json.dumps(adjustment.as_dict(), ensure_ascii=False) writes it. When
    every adjustment is a plain one (no cohort; ids and rules text or None, the amount a
    Decimal, count and row integers), the lines are built from the fields: the few kinds,
    metrics and rules encoded once each, each participant's id by the encoder's own string
    escaping, integers as the encoder writes them (repr). Otherwise each is encoded in turn."""
    dumps = partial(json.dumps, ensure_ascii=False)
    if not adjustments:
        return []
    if isinstance(adjustments, AdjustmentColumns):  # no cohorts
        kinds, metrics, people, amounts, counts, rows, rules = adjustments.columns
        cohorts = False
    else:
        kinds, metrics, people, amounts, counts, rows, rules = (
            list(map(attrgetter(f), adjustments)) for f in AdjustmentColumns.FIELDS
        )
        cohorts = any(map(attrgetter("cohort"), adjustments))
    few = {*kinds, *metrics, *rules}
    nothing = type(None)
    who, where = set(map(type, people)), set(map(type, rows))
    plain = (
        not cohorts
        and set(map(type, few)) <= {str, nothing}
        and who <= {str, nothing}
        and set(map(type, amounts)) == {Decimal}
        and set(map(type, counts)) == {int}
        and where <= {int, nothing}
    )
    if not plain:
        return [dumps(a.as_dict()) for a in adjustments]
    code = {x: dumps(x) for x in few}
    text = c_encode_basestring or py_encode_basestring  # what dumps uses for a str
    if who == {str}:
        people = list(map(text, people))
    else:
        people = ["null" if p is None else text(p) for p in people]
    if where == {int}:
        rows = list(map(int.__repr__, rows))
    else:
        rows = ["null" if r is None else int.__repr__(r) for r in rows]
    return [
        f'{{"kind": {code[k]}, "metric": {code[m]}, "participant": {p}, "amount": "{a!s}", '
        f'"count": {n!r}, "row": {r}, "rule": {code[rule]}}}'
        for k, m, p, a, n, r, rule in zip(
            kinds, metrics, people, amounts, counts, rows, rules, strict=True
        )
    ]


def render_statement(s: Statement, names: dict[str, str] | None = None) -> list[str]:
    d = s.as_dict()
    cur = s.currency
    lines = [
        gettext("Payment statement (%(mechanism)s, %(currency)s)")
        % {"mechanism": s.mechanism, "currency": cur},
        "",
    ]
    lines.append(
        "  "
        + gettext("Total due: %(total)s %(currency)s   (before caps and thresholds: %(gross)s)")
        % {"total": _money(s.total), "currency": cur, "gross": _money(s.gross)}
    )
    yes, no = gettext("yes"), gettext("no")
    if s.mechanism == "comparison":
        lines += ["", gettext("By cohort")]
        rows = [
            (
                gettext("cohort"),
                gettext("treated"),
                gettext("comparison"),
                gettext("reduction"),
                gettext("threshold met"),
                gettext("paid"),
            )
        ]
        for c in d["cohorts"]:
            reduction = f"{Decimal(c['reduction']) * 100:.2f}%"
            rows.append(
                (
                    c["cohort"],
                    c["treated_events"],
                    c["comparison_events"],
                    reduction,
                    yes if c["threshold_met"] else no,
                    _money(c["amount"]),
                )
            )
        lines += _table(rows)
    elif s.mechanism == "weighted_targets":
        lines += ["", gettext("By target")]
        rows = [
            (
                gettext("target"),
                gettext("achieved"),
                gettext("target"),
                gettext("weight"),
                gettext("ratio"),
                gettext("paid"),
            )
        ]
        for t in d["targets"]:
            rows.append(
                (
                    t["metric"],
                    t["achieved"],
                    t["target"],
                    t["weight"],
                    t["ratio"],
                    _money(t["amount"]),
                )
            )
        lines += _table(rows)
        if d["not_reported"]:
            lines.append(
                "  "
                + gettext("Not in the data (counted as 0): %(metrics)s")
                % {"metrics": ", ".join(d["not_reported"])}
            )
    else:
        lines += ["", gettext("By metric")]
        rows = [
            (
                gettext("metric"),
                gettext("achievements value"),
                gettext("adjustments"),
                gettext("paid"),
            )
        ]
        for metric, paid in s.by_metric.items():
            gross = Decimal(d["gross_by_metric"][metric])
            name = (names or {}).get(metric, metric)
            rows.append((name, _money(gross), _money(paid - gross), _money(paid)))
        lines += _table(rows)
    if s.by_payer:
        lines += ["", gettext("By payer")]
        lines += _table(
            [(gettext("payer"), gettext("pays"))] + [(p, _money(v)) for p, v in s.by_payer.items()]
        )
    if s.by_period:
        by = {
            "month": gettext("By month"),
            "quarter": gettext("By quarter"),
            "year": gettext("By year"),
        }
        period_type = d.get("period_type", "period")
        lines += ["", by.get(period_type) or gettext("By %(period)s") % {"period": period_type}]
        lines += _table(
            [(gettext("period"), gettext("paid"))]
            + [(p, _money(v)) for p, v in s.by_period.items()]
        )
    lines += ["", gettext("Adjustments (%(n)s)") % {"n": len(s.adjustments)}]
    if not s.adjustments:
        lines.append("  " + gettext("none: no cap or threshold changed what is due"))
    for a in s.adjustments[:SHOWN_ADJUSTMENTS]:
        who = ", ".join(
            x
            for x in (
                a.cohort and gettext("cohort %(cohort)s") % {"cohort": a.cohort},
                (names or {}).get(a.metric, a.metric),
                a.participant and gettext("participant %(id)s") % {"id": a.participant},
            )
            if x
        )
        rows = (
            ""
            if a.row is None
            else gettext("row %(row)s") % {"row": a.row}
            if a.count == 1
            else gettext("%(n)s rows from row %(row)s") % {"n": a.count, "row": a.row}
        )
        lines.append(f"  {a.kind:<20} {_money(a.amount):>14}  {who}; {rows}")
        lines.append(f"  {'':<20} {'':>14}  {a.rule}")
    if len(s.adjustments) > SHOWN_ADJUSTMENTS:
        lines.append(
            "  "
            + gettext("... and %(n)s more (use --json to see them all)")
            % {"n": len(s.adjustments) - SHOWN_ADJUSTMENTS}
        )
    if s.mechanism == "rate_card":
        e = s.excluded
        lines += [
            "",
            gettext(
                "Rows: %(rows)s. Not paid: %(unvalidated)s not validated, %(outside)s outside the "
                "contract dates, %(repeats)s repeats of once-only outcomes."
            )
            % {
                "rows": d["rows"],
                "unvalidated": e["unvalidated"],
                "outside": e["outside_dates"],
                "repeats": e["duplicate_once_only"],
            },
        ]
    return lines


# -- returns ---------------------------------------------------------------------------------


def cmd_returns(args) -> int:
    try:
        flows = read_cashflows(args.cashflows)
    except ContractFileError as exc:
        raise _fail(exc.message()) from None
    overall, each = returns_by_investor(flows)
    if args.json:
        print(
            json.dumps(
                {
                    "all": overall.as_dict(),
                    "by_investor": {k: v.as_dict() for k, v in each.items()},
                },
                indent=2,
            )
        )
        return 0
    rows = [
        (
            gettext("investor"),
            gettext("invested"),
            gettext("returned"),
            gettext("net"),
            gettext("multiple"),
            gettext("XIRR"),
            gettext("max potential loss"),
            gettext("peak exposure"),
        )
    ]
    for r in [*each.values(), overall]:
        d = r.as_dict()
        rows.append(
            (
                r.investor or gettext("all investors"),
                _money(r.invested),
                _money(r.returned),
                _money(r.net),
                d["money_multiple"] or "-",
                "-" if r.xirr is None else f"{r.xirr:.1%}",
                _money(r.max_potential_loss),
                _money(r.peak_exposure),
            )
        )
    print(
        gettext("Investor returns, %(first)s to %(last)s")
        % {"first": overall.first, "last": overall.last}
    )
    print("\n".join(_table(rows)))
    return 0


# -- scenario --------------------------------------------------------------------------------


def _rates(values: list[str] | None) -> Decimal | dict[str, Decimal]:
    """--success-rate 0.6 (every metric) or --success-rate attendance=0.8 (repeatable)."""
    if not values:
        raise _fail(
            gettext("--success-rate: give a share such as 0.6, or metric=share, or use --sweep")
        )
    rates: dict[str, Decimal] = {}
    uniform = None
    for value in values:
        metric, _, share = value.rpartition("=")
        try:
            number = Decimal(share.strip().rstrip("%")) / (
                100 if share.strip().endswith("%") else 1
            )
        except InvalidOperation:
            raise _fail(
                gettext("--success-rate %(value)s: %(share)s is not a share such as 0.6 or 60%%")
                % {"value": repr(value), "share": repr(share)}
            ) from None
        if metric:
            rates[metric.strip()] = number
        else:
            uniform = number
    if uniform is not None and rates:
        raise _fail(
            gettext(
                "--success-rate: give one share for every metric, or metric=share for each, not "
                "both"
            )
        )
    return uniform if uniform is not None else rates


def cmd_scenario(args) -> int:
    try:
        contract = read_contract(args.contract)
    except ContractFileError as exc:
        raise _fail(exc.message()) from None
    if not isinstance(contract, RateCard):
        raise _fail(
            gettext("%(file)s: scenarios need a rate_card contract, not %(mechanism)s")
            % {"file": args.contract, "mechanism": contract.mechanism}
        )
    try:
        investment = None if args.investment is None else Decimal(args.investment)
    except InvalidOperation:
        raise _fail(
            gettext("--investment: %(value)s is not an amount") % {"value": repr(args.investment)}
        ) from None
    try:
        if args.sweep:
            rows = sweep(contract, args.participants, investment)
        else:
            rows = [
                simulate(
                    contract, args.participants, _rates(args.success_rate), investment
                ).as_dict()
            ]
    except ContractError as exc:
        raise _fail("; ".join(exc.problems)) from None
    if args.json:
        print(json.dumps(rows if args.sweep else rows[0], indent=2))
        return 0
    cur = contract.currency
    for r in rows:
        if not args.sweep:
            lines = [
                gettext("Scenario: %(n)s participants; %(currency)s")
                % {"n": r["participants"], "currency": cur},
                "",
            ]
            lines += _table(
                [
                    (
                        gettext("metric"),
                        gettext("success rate"),
                        gettext("achieved"),
                        gettext("paid"),
                        gettext("cost per outcome"),
                    )
                ]
                + [
                    (
                        m,
                        r["success_rates"][m],
                        r["outcomes_achieved"][m],
                        _money(r["by_metric"][m]),
                        r["cost_per_outcome_by_metric"][m] or "-",
                    )
                    for m in r["by_metric"]
                ]
            )
            lines += [
                "",
                "  "
                + gettext("Outcome payments: %(paid)s (caps removed %(removed)s)")
                % {"paid": _money(r["total_paid"]), "removed": _money(r["removed_by_caps"])},
            ]
            lines += [
                "  " + gettext("%(payer)s pays %(amount)s") % {"payer": p, "amount": _money(v)}
                for p, v in r["by_payer"].items()
            ]
            inv = r["investor"]
            if inv:
                xirr = "-" if inv["xirr"] is None else f"{inv['xirr']:.1%}"
                said = {
                    "invested": _money(inv["invested"]),
                    "returned": _money(inv["returned"]),
                    "multiple": inv["money_multiple"],
                    "xirr": xirr,
                    "loss": _money(inv["loss"]),
                }
                lines.append(
                    "  "
                    + (
                        gettext(
                            "Investor: puts in %(invested)s, gets back %(returned)s: multiple "
                            "%(multiple)s, XIRR %(xirr)s; the investor bears a loss of %(loss)s"
                        )
                        if inv["loss_borne_by"]
                        else gettext(
                            "Investor: puts in %(invested)s, gets back %(returned)s: multiple "
                            "%(multiple)s, XIRR %(xirr)s"
                        )
                    )
                    % said
                )
            print("\n".join(lines))
    if args.sweep:
        header = (gettext("success rate"), gettext("paid"), gettext("cost per outcome")) + (
            (gettext("multiple"), gettext("XIRR"), gettext("investor loss"))
            if investment is not None
            else ()
        )
        table = [header]
        for r in rows:
            inv = r["investor"]
            extra = (
                (
                    inv["money_multiple"] or "-",
                    "-" if inv["xirr"] is None else f"{inv['xirr']:.1%}",
                    _money(inv["loss"]),
                )
                if inv
                else ()
            )
            table.append(
                (
                    f"{Decimal(r['success_rate']) * 100:.0f}%",
                    _money(r["total_paid"]),
                    _money(r["cost_per_outcome"]) if r["cost_per_outcome"] else "-",
                    *extra,
                )
            )
        print(
            gettext(
                "Scenarios: %(n)s participants, every metric at the same success rate; %(currency)s"
            )
            % {"n": args.participants, "currency": cur}
        )
        print("\n".join(_table(table)))
    return 0
