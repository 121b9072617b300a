"""The column readers and the array engine give exactly what the row-by-row ones give."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.payments import Metric, RateCard, rate_card_statement
from commonmeasure.domain.payments_arrays import AchievementArrays
from commonmeasure.domain.payments_reference import reference_rate_card_statement
from commonmeasure.interchange import contracts as reader
from commonmeasure.interchange import contracts_columns
from commonmeasure.interchange.contracts import ContractFileError, read_achievements

START = date(2024, 1, 1)
CONTRACT = RateCard(
    currency="GBP",
    start=START,
    end=START + timedelta(days=90),
    metrics=(
        Metric("job_start", Decimal("2000"), True),
        Metric("training", Decimal("500"), False, 3),
        Metric("a_much_longer_metric_name_of_40_chars__", Decimal("12.50")),
    ),
    cap_per_participant=Decimal("2300"),
    cap_total=Decimal("9000"),
)
METRICS = [m.id for m in CONTRACT.metrics]
FLAGS = ["yes", "Yes", "TRUE", "1", "no", "pending", "", " yes "]
PARTICIPANTS = ["P1", "P2", "p1", "P000000123", "participant-with-a-long-id-42", "Ø7", "x"]


def slow(path, contract=CONTRACT):
    """The row-by-row reader alone."""
    original = reader.read_plain_achievements
    reader.read_plain_achievements = lambda *args: None
    try:
        return read_achievements(path, contract)
    finally:
        reader.read_plain_achievements = original


@st.composite
def plain_files(draw):
    columns = ["participant", "metric", "date"]
    if draw(st.booleans()):
        columns.append("validated")
    if draw(st.booleans()):
        columns.append("evidence")
    columns = draw(st.permutations(columns))
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "participant": st.sampled_from(PARTICIPANTS),
                    "metric": st.sampled_from(METRICS),
                    "date": st.integers(-5, 100).map(
                        lambda d: (START + timedelta(days=d)).isoformat()
                    ),
                    "validated": st.sampled_from(FLAGS),
                    "evidence": st.sampled_from(["", "letter", "certificate seen"]),
                }
            ),
            min_size=1,
            max_size=40,
        )
    )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(c.upper() if draw(st.booleans()) else c for c in columns)]
    lines += [",".join(r[c] for c in columns) for r in rows]
    text = newline.join(lines) + newline * draw(st.integers(0, 2))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + text


@settings(max_examples=150, deadline=None)
@given(plain_files())
def test_a_plain_file_is_read_as_columns_giving_the_rows_the_row_reader_gives(
    tmp_path_factory, text
):
    path = tmp_path_factory.mktemp("plain") / "achievements.csv"
    path.write_bytes(text.encode("utf-8"))
    quick = read_achievements(path, CONTRACT)
    assert isinstance(quick, AchievementArrays)
    assert list(quick) == slow(path)
    assert (
        rate_card_statement(CONTRACT, quick).as_dict()
        == reference_rate_card_statement(CONTRACT, slow(path)).as_dict()
    )


@pytest.mark.parametrize(
    "body",
    [
        'P1,job_start,2024-01-02\n"P2",training,2024-01-03\n',  # quotes
        "P1,job_start,2024-01-02\n\nP2,training,2024-01-03\n",  # a blank line
        " P1,job_start,2024-01-02\nP2,training,2024-01-03\n",  # a participant to strip
        "P1;job_start;2024-01-02\n",  # another separator
    ],
)
def test_files_that_are_not_plain_are_read_row_by_row_with_the_same_result(tmp_path, body):
    path = tmp_path / "a.csv"
    path.write_text("participant,metric,date\n" + body, encoding="utf-8")
    if ";" in body:
        with pytest.raises(ContractFileError):
            read_achievements(path, CONTRACT)
        return
    rows = read_achievements(path, CONTRACT)
    assert not isinstance(rows, AchievementArrays)
    assert rows == slow(path)


def test_a_metric_with_spaces_around_it_is_read_the_same_way_by_both_readers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("participant,metric,date\nP1, training ,2024-01-02\n", encoding="utf-8")
    assert (
        read_achievements(path, CONTRACT)
        == slow(path)
        == [("P1", "training", date(2024, 1, 2), True, 2)]
    )


@pytest.mark.parametrize(
    "body, problem",
    [
        ("P1,reading,2024-01-02\n", "row 3, column 'metric': 'reading' is not a metric"),
        ("P1,job_start,2024-02-30\n", "row 3, column 'date': '2024-02-30' is not a date"),
        (",job_start,2024-01-02\n", "row 3, column 'participant': is empty"),
        ("P1,job_start\n", "row 3: has 2 cells but the header has 3"),
    ],
)
def test_a_bad_plain_file_gets_the_row_readers_messages(tmp_path, body, problem):
    path = tmp_path / "a.csv"
    path.write_text("participant,metric,date\nP0,training,2024-01-01\n" + body, encoding="utf-8")
    with pytest.raises(ContractFileError) as err:
        read_achievements(path, CONTRACT)
    assert problem in str(err.value)


def test_cells_whose_hashes_collide_are_never_merged(tmp_path, monkeypatch):
    """With a hash that maps everything to one value the byte comparison catches it, and the
    file is read row by row instead."""
    monkeypatch.setattr(contracts_columns, "_MIX", contracts_columns.np.uint64(0))
    path = tmp_path / "a.csv"
    path.write_text(
        "participant,metric,date\nP1,a_much_longer_metric_name_of_40_chars__,2024-01-02\nP2,training,2024-01-03\n",
        encoding="utf-8",
    )
    rows = read_achievements(path, CONTRACT)
    assert [r[1] for r in rows] == ["a_much_longer_metric_name_of_40_chars__", "training"]


def test_amounts_too_large_for_64_bit_integers_are_computed_exactly_row_by_row():
    huge = RateCard(
        currency="GBP",
        start=START,
        end=START + timedelta(days=10),
        metrics=(Metric("m", Decimal("9" * 20)),),
        cap_total=Decimal("1" + "0" * 21),
    )
    rows = [(f"P{i}", "m", START, True, i) for i in range(1, 200)]
    fast = rate_card_statement(huge, rows).as_dict()
    assert fast == reference_rate_card_statement(huge, rows).as_dict()
    assert fast["total"] == "1" + "0" * 21 + ".00"


def test_achievement_arrays_behave_as_the_tuples_they_hold():
    rows = [("P1", "m", date(2024, 1, 2), True, 2), ("P2", "n", date(2024, 1, 1), False, 3)]
    arrays = AchievementArrays.from_tuples(rows)
    assert len(arrays) == 2
    assert arrays == rows
    assert arrays[1] == rows[1] and arrays[-1] == rows[1]
    assert arrays[:1] == rows[:1]
    with pytest.raises(IndexError):
        arrays[2]


def test_the_statement_json_has_one_line_per_adjustment_and_the_same_data_as_plain_json():
    from commonmeasure.contracts.file_reports import statement_json

    tricky = 'P}, {"kind": "x'  # the text that separates adjustments, inside an id
    rows = [(tricky, "job_start", START, True, 2), (tricky, "job_start", START, True, 3)]
    rows += [(f"P{i}", "training", START, True, i) for i in range(4, 9)]
    d = rate_card_statement(CONTRACT, rows).as_dict()
    text = statement_json(d)
    assert json.loads(text) == json.loads(json.dumps(d))
    lines = [line for line in text.splitlines() if line.startswith('    {"kind": ')]
    assert len(lines) == len(d["adjustments"]) == 2
    assert json.loads(statement_json({**d, "adjustments": []}))["adjustments"] == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 50), max_size=200),
    st.sampled_from([0, 2**61]),
)
def test_first_of_each_and_grouped_are_the_stable_sorts_they_replace(keys, offset):
    """With small keys one sort of plain integers; with keys too large to hold a position
    beside them (offset 2**61), the stable sort itself: both as np.unique and argsort."""
    import numpy as np

    from commonmeasure.domain.payments_arrays import first_of_each, grouped

    key = np.array(keys, dtype=np.int64) + offset
    if key.size:
        assert first_of_each(key).tolist() == np.unique(key, return_index=True)[1].tolist()
    at = np.arange(key.size, dtype=np.int64) * 3 + 1  # ascending positions below the size
    size = 3 * key.size + 2
    order, who = grouped(key, at, size)
    stable = np.argsort(key, kind="stable")
    assert order.tolist() == at[stable].tolist()
    assert who.tolist() == key[stable].tolist()


def test_the_array_engine_adjustments_behave_as_the_list_of_adjustments_they_hold():
    from commonmeasure.domain.payments import AdjustmentColumns, _rate_card_statement

    rows = [("P1", "job_start", START, True, 2), ("P1", "job_start", START, True, 3)]
    rows += [(f"P{i}", "training", START, True, i) for i in range(4, 9)]
    held = rate_card_statement(CONTRACT, rows).adjustments
    plain = _rate_card_statement(CONTRACT, rows, "month").adjustments
    assert isinstance(held, AdjustmentColumns) and isinstance(plain, list)
    assert held == plain and plain == held and list(held) == plain
    assert len(held) == len(plain) == 2
    assert held[0] == plain[0] and held[-1] == plain[-1] and held[:1] == plain[:1]
    assert held != plain[:1] and bool(held)
    assert rate_card_statement(CONTRACT, rows) == _rate_card_statement(CONTRACT, rows, "month")
