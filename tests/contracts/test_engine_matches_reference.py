"""The fast rate-card engine gives exactly the statement of the plain row-by-row rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.payments import Achievement, Metric, Payer, RateCard, rate_card_statement
from commonmeasure.domain.payments_reference import reference_rate_card_statement

START = date(2024, 1, 1)

metrics = st.lists(
    st.builds(
        lambda price, once, cap: (price, once, cap),
        st.integers(0, 5000),
        st.booleans(),
        st.one_of(st.none(), st.integers(0, 6)),
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def contracts_and_rows(draw):
    specs = draw(metrics)
    currency = draw(st.sampled_from(["GBP", "JPY", "KWD"]))
    places = {"GBP": 2, "JPY": 0, "KWD": 3}[currency]
    unit = Decimal(1).scaleb(-places)
    contract = RateCard(
        currency=currency,
        start=START,
        end=START + timedelta(days=200),
        metrics=tuple(
            Metric(f"m{i}", Decimal(price) * unit * 7, once, cap)
            for i, (price, once, cap) in enumerate(specs)
        ),
        cap_total=draw(
            st.one_of(st.none(), st.integers(0, 200_000).map(lambda v: Decimal(v) * unit))
        ),
        cap_per_participant=draw(
            st.one_of(st.none(), st.integers(0, 50_000).map(lambda v: Decimal(v) * unit))
        ),
        payers=draw(
            st.sampled_from(
                [
                    (),
                    (Payer("X", Decimal("1")),),
                    (Payer("X", Decimal("0.3")), Payer("Y", Decimal("0.7"))),
                ]
            )
        ),
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["p1", "p2", "p3", "p4"]),
                st.integers(0, len(specs) - 1),
                st.integers(-20, 230),
                st.booleans() | st.just(True),
            ),
            max_size=60,
        )
    )
    with_rows = draw(st.booleans())
    achievements = [
        Achievement(p, f"m{m}", START + timedelta(days=d), v, (i + 2) if with_rows else None)
        for i, (p, m, d, v) in enumerate(rows)
    ]
    return contract, achievements, draw(st.sampled_from(["month", "quarter"]))


@settings(max_examples=120, deadline=None)
@given(contracts_and_rows())
def test_fast_engine_gives_the_same_statement_as_the_row_by_row_rules(case):
    contract, achievements, by = case
    fast = rate_card_statement(contract, achievements, by).as_dict()
    plain = reference_rate_card_statement(contract, achievements, by).as_dict()
    assert fast == plain


@settings(max_examples=60, deadline=None)
@given(contracts_and_rows())
def test_total_is_gross_plus_adjustments_and_parts_add_up(case):
    contract, achievements, by = case
    s = rate_card_statement(contract, achievements, by)
    assert s.total == s.gross + sum((a.amount for a in s.adjustments), Decimal(0))
    assert sum(s.by_metric.values(), Decimal(0)) == s.total
    assert sum(s.by_period.values(), Decimal(0)) == s.total
    if contract.payers:
        assert sum(s.by_payer.values(), Decimal(0)) == s.total
    if contract.cap_total is not None:
        assert s.total <= contract.cap_total
    assert all(a.amount <= 0 for a in s.adjustments)
