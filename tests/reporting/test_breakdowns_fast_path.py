"""The import's fast form of the breakdown check (reporting.breakdowns._agrees) finds a problem
exactly when the domain check does, over random reports."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commonmeasure.domain import breakdowns as arithmetic
from commonmeasure.reporting.breakdowns import Layout, Spec, _agrees

SPEC = Spec(1, "enrolled", "People enrolled", "error", {"gender": 2, "age_band": 3})
CELLS = {"": [()], "age_band": [(a,) for a in range(3)], "gender": [(g,) for g in range(2)]}
CELLS["age_band,gender"] = [(a, g) for a in range(3) for g in range(2)]

report = st.dictionaries(
    st.sampled_from(sorted(CELLS)),
    st.lists(st.integers(-3, 12), min_size=1, max_size=6),
    max_size=4,
)


@given(report)
def test_the_fast_form_agrees_with_the_domain_check(groups):
    layout = Layout(0, SPEC)
    acc = layout.template[:]
    values, negative = [], set()
    for dims, numbers in groups.items():
        numbers = numbers[: len(CELLS[dims])]
        at = layout.index(dims)
        for n in numbers:
            acc[at] += n
            acc[at + 1] += 1
            values.append((dims, float(n)))
            if n < 0 and at:
                negative.add(at)
    found = arithmetic.check(*arithmetic.group(values, SPEC.categories))
    assert _agrees(layout, layout.order(), acc, negative) == (not found)
