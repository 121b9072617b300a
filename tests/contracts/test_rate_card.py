"""The rate-card payment engine: the DWP worked example and each rule with its adjustment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commonmeasure.domain.payments import ContractError, Metric, Payer, rate_card_statement
from commonmeasure.interchange.contracts import parse_contract

from .builders import DWP_CONTRACT, DWP_PRICES, ach, rate_card

D = Decimal


def dwp_one_participant_every_outcome():
    contract = parse_contract(DWP_CONTRACT)
    days = [
        "2012-09-14",
        "2012-12-07",
        "2013-01-18",
        "2013-03-22",
        "2013-05-10",
        "2013-07-19",
        "2013-11-29",
        "2014-06-27",
        "2014-09-01",
        "2015-01-30",
    ]
    rows = [
        ach("P001", metric, day, row=i + 2)
        for i, (metric, day) in enumerate(zip(DWP_PRICES, days, strict=True))
    ]
    return contract, rows


def test_dwp_one_participant_achieving_every_outcome_earns_20200_before_the_cap_and_11700_after():
    contract, rows = dwp_one_participant_every_outcome()
    s = rate_card_statement(contract, rows)
    assert s.gross == sum(D(p) for p in DWP_PRICES.values()) == D("20200")
    assert s.total == D("11700.00")
    assert [a.kind for a in s.adjustments] == ["cap_per_participant"] * 3
    assert sum(a.amount for a in s.adjustments) == D("-8500.00")
    # in date order: the level 3 qualification crosses the cap and is paid in part
    assert s.by_metric["level_3_qualification"] == D("2100.00")
    assert s.by_metric["entry_to_employment"] == s.by_metric["sustained_employment"] == D("0.00")
    assert s.adjustments[0].metric == "level_3_qualification" and s.adjustments[0].row == 9
    assert s.by_payer == {"DWP": D("9360.00"), "LA": D("2340.00")}


def test_statement_json_has_the_documented_keys_with_amounts_as_strings():
    contract, rows = dwp_one_participant_every_outcome()
    d = rate_card_statement(contract, rows, by="quarter").as_dict()
    assert {
        "currency",
        "total",
        "by_metric",
        "by_payer",
        "by_period",
        "adjustments",
        "excluded",
    } <= d.keys()
    assert d["currency"] == "GBP" and d["total"] == "11700.00"
    assert d["excluded"] == {"unvalidated": 0, "outside_dates": 0, "duplicate_once_only": 0}
    assert set(d["adjustments"][0]) >= {
        "kind",
        "metric",
        "participant",
        "amount",
        "rule",
        "row",
        "count",
    }
    assert d["by_period"]["2012-Q3"] == "1300.00"


def test_once_only_keeps_each_participants_earliest_achievement():
    contract = rate_card(metrics=(Metric("a", D("100"), once_per_participant=True),))
    rows = [
        ach("p1", "a", "2024-03-01", row=2),
        ach("p1", "a", "2024-02-01", row=3),
        ach("p1", "a", "2024-04-01", row=4),
        ach("p2", "a", "2024-05-01", row=5),
    ]
    s = rate_card_statement(contract, rows)
    assert s.total == D("200.00")
    assert s.excluded["duplicate_once_only"] == 2
    [adj] = s.adjustments
    assert (adj.kind, adj.metric, adj.participant, adj.amount, adj.count) == (
        "once_only",
        "a",
        "p1",
        D("-200.00"),
        2,
    )
    assert adj.row == 2  # the 1 March row is the first repeat: 1 February is the earliest
    assert s.by_period == {
        "2024-02": D("100.00"),
        "2024-03": D("0.00"),
        "2024-04": D("0.00"),
        "2024-05": D("100.00"),
    }


def test_once_only_ties_on_the_same_date_keep_the_first_row():
    contract = rate_card(metrics=(Metric("a", D("100"), once_per_participant=True),))
    s = rate_card_statement(
        contract, [ach("p1", "a", "2024-03-01", row=2), ach("p1", "a", "2024-03-01", row=3)]
    )
    assert s.adjustments[0].row == 3


def test_count_cap_pays_the_earliest_achievements_first():
    contract = rate_card(metrics=(Metric("a", D("100"), cap_count=2), Metric("b", D("250"))))
    rows = [
        ach("p3", "a", "2024-06-01", row=2),
        ach("p1", "a", "2024-01-01", row=3),
        ach("p2", "a", "2024-03-01", row=4),
        ach("p4", "b", "2024-07-01", row=5),
    ]
    s = rate_card_statement(contract, rows)
    assert s.by_metric == {"a": D("200.00"), "b": D("250.00")}
    [adj] = s.adjustments
    assert (adj.kind, adj.metric, adj.participant, adj.amount, adj.row) == (
        "cap_count",
        "a",
        None,
        D("-100.00"),
        2,
    )


def test_count_cap_counts_only_what_once_only_kept():
    contract = rate_card(metrics=(Metric("a", D("100"), once_per_participant=True, cap_count=2),))
    rows = [
        ach("p1", "a", "2024-01-01"),
        ach("p1", "a", "2024-01-02"),
        ach("p2", "a", "2024-01-03"),
        ach("p3", "a", "2024-01-04"),
    ]
    s = rate_card_statement(contract, rows)
    assert s.total == D("200.00")
    assert [(a.kind, a.participant, a.row) for a in s.adjustments] == [
        ("once_only", "p1", 2),
        ("cap_count", None, 4),
    ]


def test_per_participant_cap_pays_the_crossing_achievement_in_part_in_date_order():
    contract = rate_card(cap_per_participant=D("300"))
    rows = [
        ach("p1", "b", "2024-05-01", row=2),
        ach("p1", "a", "2024-01-01", row=3),
        ach("p1", "c", "2024-06-01", row=4),
        ach("p2", "b", "2024-01-01", row=5),
    ]
    s = rate_card_statement(contract, rows)
    assert s.by_metric == {"a": D("100.00"), "b": D("450.00"), "c": D("0.00")}
    assert [(a.metric, a.participant, a.amount, a.row) for a in s.adjustments] == [
        ("b", "p1", D("-50.00"), 2),
        ("c", "p1", D("-40.00"), 4),
    ]


def test_contract_cap_applies_last_in_date_order_across_participants():
    contract = rate_card(cap_total=D("420"), cap_per_participant=D("300"))
    rows = [
        ach("p1", "b", "2024-02-01"),
        ach("p2", "b", "2024-01-01"),
        ach("p1", "b", "2024-03-01"),
        ach("p3", "a", "2024-04-01"),
    ]
    s = rate_card_statement(contract, rows)
    # p2 250, then p1 250 (total 500 > 420: paid 170), p1's second b is cut to 50 by its own cap first
    assert s.total == D("420.00")
    kinds = [(a.kind, a.metric, a.participant, a.amount) for a in s.adjustments]
    assert kinds == [
        ("cap_per_participant", "b", "p1", D("-200.00")),
        ("cap_total", "b", None, D("-130.00")),
        ("cap_total", "a", None, D("-100.00")),
    ]


def test_caps_break_ties_on_the_same_date_by_input_order():
    contract = rate_card(cap_total=D("300"))
    rows = [ach("p2", "b", "2024-01-01", row=2), ach("p1", "b", "2024-01-01", row=3)]
    s = rate_card_statement(contract, rows)
    [adj] = s.adjustments
    assert adj.row == 3 and adj.amount == D("-200.00")


def test_unvalidated_and_out_of_dates_rows_are_excluded_and_counted():
    contract = rate_card()
    rows = [
        ach("p1", "a", "2024-03-01", validated=False),
        ach("p1", "a", "2023-12-31"),
        ach("p1", "a", "2025-01-01"),
        ach("p1", "a", "2024-01-01"),
        ach("p1", "a", "2024-12-31"),
    ]
    s = rate_card_statement(contract, rows)
    assert s.excluded == {"unvalidated": 1, "outside_dates": 2, "duplicate_once_only": 0}
    assert s.total == D("200.00") and s.gross == D("200.00")


def test_payers_split_the_total_by_largest_remainder_to_the_penny():
    payers = (Payer("A", D("0.333")), Payer("B", D("0.333")), Payer("C", D("0.334")))
    contract = rate_card(metrics=(Metric("a", D("0.01")),), payers=payers)
    s = rate_card_statement(contract, [ach("p1", "a", "2024-01-01"), ach("p2", "a", "2024-01-02")])
    # 2 pence x (0.333, 0.333, 0.334) = 0.666, 0.666, 0.668: C's remainder is largest, then A's
    assert s.by_payer == {"A": D("0.01"), "B": D("0.00"), "C": D("0.01")}
    assert sum(s.by_payer.values()) == s.total == D("0.02")


def test_yen_amounts_have_no_decimal_places():
    contract = rate_card(
        currency="JPY",
        metrics=(Metric("a", D("1500")),),
        payers=(Payer("X", D("0.5")), Payer("Y", D("0.5"))),
    )
    s = rate_card_statement(contract, [ach("p1", "a", "2024-01-01")])
    assert str(s.total) == "1500"
    assert {k: str(v) for k, v in s.by_payer.items()} == {"X": "750", "Y": "750"}


def test_metrics_the_contract_does_not_define_stop_the_statement():
    with pytest.raises(ContractError, match=r"row 3: metric 'zzz' is not in the contract"):
        rate_card_statement(
            rate_card(),
            [ach("p1", "a", "2024-01-01", row=2), ach("p1", "zzz", "2024-01-01", row=3)],
        )


def test_by_quarter_groups_calendar_quarters():
    s = rate_card_statement(
        rate_card(), [ach("p1", "a", "2024-03-31"), ach("p1", "a", "2024-04-01")], by="quarter"
    )
    assert s.by_period == {"2024-Q1": D("100.00"), "2024-Q2": D("100.00")}


def test_achievements_without_row_numbers_are_numbered_by_position():
    contract = rate_card(cap_total=D("100"))
    s = rate_card_statement(contract, [ach("p1", "a", "2024-01-01"), ach("p2", "a", "2024-01-02")])
    assert s.adjustments[0].row == 2


def test_no_achievements_give_an_empty_statement():
    s = rate_card_statement(rate_card(payers=(Payer("X", D(1)),)), [])
    assert s.total == D("0.00") and s.by_payer == {"X": D("0.00")} and s.by_period == {}
