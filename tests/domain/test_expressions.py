"""Expressions over indicators and validation rules (docs/reference/expressions.md)."""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonmeasure.domain.expressions import (
    FAILED,
    MAX_DEPTH,
    MAX_HEIGHT,
    MAX_LENGTH,
    NOT_APPLICABLE,
    PASSED,
    Binary,
    Call,
    CycleError,
    ExpressionError,
    Name,
    Number,
    Unary,
    check_names,
    check_rows,
    compile_expression,
    compile_rule,
    evaluate,
    evaluate_formulas,
    evaluate_with_reason,
    formula_order,
    names,
    parse_expression,
    parse_rule,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("10 - 4 - 3", 3),
        ("12 / 3 / 2", 2),
        ("-2 * 3", -6),
        ("- -2", 2),
        ("+2", 2),
        ("2 * -3", -6),
        ("1.5e3 + .5 + 2.", 1502.5),
        ("2E-2", 0.02),
        ("abs(3 - 5)", 2),
        ("min(4, 2, 9) + max(1, 7)", 9),
        ("sum(0.1, 0.2, 0.3)", 0.6),
    ],
)
def test_arithmetic_follows_the_usual_precedence(text, expected):
    assert evaluate(text, {}) == pytest.approx(expected)


def test_indicator_codes_are_read_bare_or_in_brackets():
    values = {"employed_6m": 12, "jobs-2024": 3, "3m.outcome": 4, "min": 5}
    assert evaluate("employed_6m + [jobs-2024] * [3m.outcome] - min", values) == 19


def test_a_function_name_without_brackets_is_an_indicator_code():
    assert parse_expression("max + 1") == Binary("+", Name("max"), Number(1.0))
    assert parse_expression("max(a) + 1") == Binary("+", Call("max", (Name("a"),)), Number(1.0))


@pytest.mark.parametrize(
    ("text", "column", "problem"),
    [
        ("min(a, b", 9, "expected ')' or ','"),
        ("(a + b", 7, "expected ')'"),
        ("a + ", 5, "expected a number, an indicator code or '('"),
        ("a + b)", 6, "')' without a matching '('"),
        ("a b", 3, "expected an operator or the end, found 'b'"),
        ("a % b", 3, "unexpected character '%'"),
        ("a ** 2", 4, "expected a number"),
        ("a = b", 3, "'=' is not an operator; use '==' to compare"),
        ("a < b", 3, "a comparison belongs in a validation rule"),
        ("2abc + 1", 1, "'2abc' is not a number"),
        ("1.2.3", 1, "'1.2.3' is not a number"),
        ("[jobs-2024 + 1", 1, "'[' is not closed"),
        ("a + [ ]", 5, "empty indicator code in brackets"),
        ("a]", 2, "']' without a matching '['"),
        ("foo(a)", 1, "unknown function 'foo'; use one of abs, max, min, sum"),
        ("abs(a, b)", 1, "abs() takes one argument, not 2"),
        ("1e999", 1, "the number 1e999 is too large"),
        ("", 1, "expected a number, an indicator code or '(', found the end"),
        ("__import__('os')", 12, 'unexpected character "\'"'),
    ],
)
def test_a_mistake_in_an_expression_names_its_column_and_the_problem(text, column, problem):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.column == column
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"column {column}: ")


def test_text_that_is_too_long_or_too_deep_is_refused_before_it_can_exhaust_the_stack():
    with pytest.raises(ExpressionError, match=f"longer than {MAX_LENGTH} characters"):
        parse_expression("a + " * MAX_LENGTH + "a")
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_expression("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ExpressionError, match="for a long list of terms use sum"):
        parse_expression(" + ".join(["a"] * (MAX_HEIGHT + 1)))
    assert evaluate("sum(" + ", ".join(["a"] * 1000) + ")", {"a": 1}) == 1000


def test_python_is_never_run_names_that_look_like_python_are_just_codes():
    assert names("__class__ + __builtins__") == ("__class__", "__builtins__")
    assert evaluate_with_reason("__class__", {}).reason == "no value for __class__"


def test_a_missing_input_gives_no_value_and_names_every_missing_indicator():
    result = evaluate_with_reason("female + male + other", {"female": 3, "male": None})
    assert result.value is None
    assert result.reason == "no value for male, other"


def test_division_by_zero_gives_no_value_and_names_the_denominator():
    assert evaluate_with_reason(
        "employed / enrolled * 100", {"employed": 3, "enrolled": 0}
    ).reason == ("division by zero: denominator enrolled is 0")
    assert evaluate_with_reason("x / (a - b)", {"x": 1, "a": 2, "b": 2}).reason == (
        "division by zero: denominator a - b is 0"
    )


def test_a_result_too_large_to_represent_has_no_value():
    result = evaluate_with_reason("a * a", {"a": 1e200})
    assert result.value is None
    assert "too large" in result.reason


def test_input_values_may_be_integers_or_decimals():
    from decimal import Decimal

    assert evaluate("a / b", {"a": Decimal("1.5"), "b": 3}) == 0.5
    assert compile_expression("a / b")({"a": Decimal("1.5"), "b": 3}) == 0.5


def test_a_value_that_is_not_a_number_is_a_programming_error_not_a_missing_value():
    with pytest.raises(TypeError, match="the value of a must be a number, not str"):
        evaluate("a + 1", {"a": "3"})


def test_names_lists_each_code_once_in_the_order_it_first_appears():
    assert names("b / (a + b) * max(c, a)") == ("b", "a", "c")
    assert parse_rule("employed <= enrolled + 0 * employed").names == ("employed", "enrolled")


def test_an_unknown_indicator_is_named_with_its_column():
    with pytest.raises(ExpressionError, match=r"column 9: unknown indicator 'enroled'"):
        check_names("jobs / (enroled + 1)", {"jobs", "enrolled"})
    check_names("jobs / enrolled", {"jobs", "enrolled"})


def test_formulas_are_ordered_after_the_formulas_they_use():
    formulas = {"pct": "rate * 100", "rate": "jobs / enrolled", "gap": "pct - [target-pct]"}
    order = formula_order(formulas)
    assert order.index("rate") < order.index("pct") < order.index("gap")
    assert formula_order(dict(reversed(formulas.items()))) == order


def test_formulas_that_refer_to_each_other_in_a_circle_are_named():
    with pytest.raises(CycleError, match="in a circle: a → b → c → a") as caught:
        formula_order({"a": "b + 1", "b": "c * 2", "c": "a - x", "d": "x"})
    assert caught.value.cycle == ["a", "b", "c", "a"]
    with pytest.raises(CycleError, match="self → self"):
        formula_order({"self": "self + 1"})


def test_formulas_using_formulas_carry_the_reason_for_no_value_along():
    results = evaluate_formulas(
        {"pct": "rate * 100", "rate": "jobs / enrolled"}, {"jobs": 3, "enrolled": 0}
    )
    assert results["rate"].reason == "division by zero: denominator enrolled is 0"
    assert results["pct"].value is None
    assert (
        results["pct"].reason == "no value for rate (division by zero: denominator enrolled is 0)"
    )
    ok = evaluate_formulas(
        {"pct": "rate * 100", "rate": "jobs / enrolled"}, {"jobs": 3, "enrolled": 4}
    )
    assert ok["pct"].value == 75


# --- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "left", "right", "passed"),
    [
        ("<", 1, 2, True),
        ("<", 2, 2, False),
        ("<=", 2, 2, True),
        ("<=", 3, 2, False),
        ("==", 2, 2, True),
        ("==", 2, 3, False),
        ("!=", 2, 3, True),
        ("!=", 2, 2, False),
        (">=", 2, 2, True),
        (">=", 1, 2, False),
        (">", 3, 2, True),
        (">", 2, 2, False),
    ],
)
def test_each_comparison_passes_or_fails(op, left, right, passed):
    rule = parse_rule(f"x {op} y")
    assert rule.op == op
    check = rule.check({"x": left, "y": right})
    assert check.status == (PASSED if passed else FAILED)
    assert compile_rule(rule)({"x": left, "y": right}) is passed


def test_equality_allows_for_floating_point_rounding_but_no_more():
    values = {"a": 0.1, "b": 0.2, "total": 0.3}
    assert 0.1 + 0.2 != 0.3
    assert parse_rule("a + b == total").check(values).status == PASSED
    assert parse_rule("a + b <= total").check(values).status == PASSED
    assert parse_rule("a + b > total").check(values).status == FAILED
    assert parse_rule("a == b").check({"a": 1_000_000, "b": 1_000_000.0001}).status == PASSED
    assert parse_rule("a == b").check({"a": 1_000_000, "b": 1_000_000.01}).status == FAILED
    assert parse_rule("a == 0").check({"a": 1e-9}).status == FAILED


def test_a_failed_rule_says_what_each_side_came_to():
    check = parse_rule("female + male == total").check({"female": 4, "male": 5, "total": 10})
    assert check.status == FAILED
    assert (check.left, check.right) == (9, 10)
    assert check.reason == "female + male is 9 and total is 10; expected female + male == total"


def test_a_rule_with_a_missing_value_does_not_apply_and_says_why():
    check = parse_rule("employed_6m <= enrolled").check({"employed_6m": 4})
    assert check.status == NOT_APPLICABLE
    assert check.reason == "no value for enrolled"
    both = parse_rule("a / b <= b").check({"a": 1})
    assert both.reason == "no value for b"


@pytest.mark.parametrize(
    ("text", "column", "problem"),
    [
        ("employed <= ", 13, "expected a number"),
        ("employed enrolled", 10, "expected an operator or the end"),
        ("employed", 9, "expected a comparison (<, <=, ==, !=, >=, >)"),
        ("a < b < c", 7, "only one comparison is allowed in a rule"),
        ("<= b", 1, "expected a value before '<='"),
        ("a => b", 3, "'=' is not an operator"),
    ],
)
def test_a_mistake_in_a_rule_names_its_column(text, column, problem):
    with pytest.raises(ExpressionError) as caught:
        parse_rule(text)
    assert caught.value.column == column
    assert problem in str(caught.value)


def test_check_rows_answers_each_row():
    rows = [{"a": 1, "b": 2}, {"a": 3, "b": 2}, {"a": None, "b": 2}, {"b": 1}]
    assert check_rows("a <= b", rows) == [True, False, None, None]


# --- properties ------------------------------------------------------------------------------

CODES = ("a", "b", "c", "jobs-2024", "min")
_positive = st.floats(min_value=0, max_value=1e6, allow_nan=False).filter(
    lambda x: math.copysign(1, x) > 0
)
_leaves = st.one_of(_positive.map(Number), st.sampled_from(CODES).map(Name))


def _extend(children):
    return st.one_of(
        children.map(lambda n: Unary("-", n)),
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: Binary(*t)),
        st.tuples(
            st.sampled_from(("min", "max", "sum")), st.lists(children, min_size=1, max_size=3)
        ).map(lambda t: Call(t[0], tuple(t[1]))),
        children.map(lambda n: Call("abs", (n,))),
    )


trees = st.recursive(_leaves, _extend, max_leaves=12)
small_values = st.one_of(st.none(), st.integers(-5, 5), st.floats(-100, 100, allow_nan=False))
rows = st.fixed_dictionaries({code: small_values for code in CODES})

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def reference(node, values):
    """The same arithmetic with the operator module: None for no value."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        v = values.get(node.code)
        return None if v is None else float(v)
    if isinstance(node, Unary):
        v = reference(node.operand, values)
        return None if v is None else operator.neg(v)
    if isinstance(node, Binary):
        a, b = reference(node.left, values), reference(node.right, values)
        if a is None or b is None or (node.op == "/" and b == 0):
            return None
        r = _OPS[node.op](a, b)
    else:
        args = [reference(arg, values) for arg in node.args]
        if any(a is None for a in args):
            return None
        fn = {"abs": lambda xs: abs(xs[0]), "min": min, "max": max, "sum": math.fsum}[node.function]
        r = fn(args)
    return r if math.isfinite(r) else None


@settings(max_examples=150, deadline=None)
@given(trees)
def test_an_expression_written_out_reads_back_as_the_same_tree(tree):
    assert parse_expression(str(tree)) == tree


@settings(max_examples=150, deadline=None)
@given(trees, rows)
def test_evaluation_agrees_with_the_same_arithmetic_done_step_by_step(tree, values):
    expected = reference(tree, values)
    result = evaluate(tree, values)
    if expected is None:
        assert result is None
    else:
        assert result == expected


@settings(max_examples=150, deadline=None)
@given(trees, rows)
def test_compiled_expressions_agree_with_plain_evaluation(tree, values):
    assert compile_expression(tree)(values) == evaluate(tree, values)


@settings(max_examples=150, deadline=None)
@given(trees, st.sampled_from(["<", "<=", "==", "!=", ">=", ">"]), trees, rows)
def test_compiled_rules_agree_with_checking_one_row_at_a_time(left, op, right, values):
    rule = parse_rule(f"{left} {op} {right}")
    status = rule.check(values).status
    expected = None if status == NOT_APPLICABLE else status == PASSED
    assert compile_rule(rule)(values) is expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab1.+-*/()[], <=>!e%", max_size=30))
def test_any_text_is_read_or_refused_with_an_expression_error(text):
    try:
        parse_expression(text)
    except ExpressionError as error:
        assert 1 <= error.column <= len(text) + 1


@pytest.mark.parametrize(
    "text, lowest, expected",
    [
        ("a / b", {}, ["b"]),
        ("a / b", {"b": 0}, ["b"]),
        ("a / b", {"b": 1}, []),
        ("a / (b - c)", {"b": 5, "c": 1}, ["b - c"]),  # a difference may be 0
        ("a / (b + c)", {"b": 1, "c": 1}, []),
        ("a / (b + c)", {"b": 1}, ["b + c"]),
        ("a / max(b, 1)", {}, []),
        ("a / 0", {}, ["0"]),
        ("a / 2 + c / b + d / b", {}, ["b"]),  # each once
        ("a * b", {}, []),
    ],
)
def test_zero_denominators_names_each_that_may_be_zero(text, lowest, expected):
    from commonmeasure.domain.expressions import zero_denominators

    assert [str(n) for n in zero_denominators(text, lowest)] == expected
