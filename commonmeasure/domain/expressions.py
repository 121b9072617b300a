"""Expressions over indicators, and validation rules that compare two of them.

The grammar, the evaluation rules and the tolerance of ``==`` are documented in
docs/reference/expressions.md. In short::

    rule        := expression COMPARISON expression        COMPARISON: < <= == != >= >
    expression  := term (("+" | "-") term)*
    term        := unary (("*" | "/") unary)*
    unary       := ("-" | "+") unary | primary
    primary     := NUMBER | CODE | "[" any code "]" | FUNCTION "(" expression ("," expression)* ")"
                 | "(" expression ")"
    FUNCTION    := abs | min | max | sum

The text is read by a tokenizer and a recursive-descent parser into a tree of the node classes
below; nothing the user writes is ever handed to Python's ``eval``, ``exec`` or ``compile``.
For speed over many rows, :func:`compile_expression` and :func:`compile_rule` turn a tree into
nested Python closures once; any row that the fast path cannot answer (a missing value, a
division by zero) is answered again by the plain evaluator so the result and its reason are
always the same.
"""

from __future__ import annotations

import math
import numbers
import operator
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

MAX_LENGTH = 10_000  # characters in one expression or rule
MAX_DEPTH = 100  # nested parentheses, function calls and unary signs
MAX_HEIGHT = 200  # operations one inside another, e.g. terms in a + b + c + ... (sum() is flat)

# Two values are equal (==) when they differ by at most this much; see docs/reference/expressions.md.
EQUALITY_REL_TOL = 1e-9
EQUALITY_ABS_TOL = 1e-12

COMPARISONS = ("<", "<=", "==", "!=", ">=", ">")
FUNCTIONS = ("abs", "max", "min", "sum")

PASSED, FAILED, NOT_APPLICABLE = "passed", "failed", "not applicable"


class ExpressionError(ValueError):
    """Text that is not a valid expression or rule; ``column`` counts from 1."""

    def __init__(self, column: int, problem: str):
        self.column = column
        self.problem = problem
        super().__init__(f"column {column}: {problem}")


class CycleError(ValueError):
    """Formula indicators that depend on each other in a circle."""

    def __init__(self, cycle: list[str]):
        self.cycle = cycle
        super().__init__("formula indicators refer to each other in a circle: " + " → ".join(cycle))


class _NoValue(Exception):
    def __init__(self, reason: str):
        self.reason = reason


# ---------------------------------------------------------------------------------------------
# The tree. Nodes compare equal when they mean the same thing; the column is kept for messages.

_PLAIN_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_UNARY_PRECEDENCE = 3
_ATOM_PRECEDENCE = 4


@dataclass(frozen=True)
class Number:
    value: float
    column: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        v = self.value
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)


@dataclass(frozen=True)
class Name:
    """An indicator code."""

    code: str
    column: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        return self.code if _PLAIN_CODE.match(self.code) else f"[{self.code}]"


@dataclass(frozen=True)
class Unary:
    op: str  # only "-": a unary plus is dropped when read
    operand: Node
    column: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        inner = str(self.operand)
        if _precedence(self.operand) < _UNARY_PRECEDENCE:
            inner = f"({inner})"
        return f"{self.op}{inner}"


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: Node
    right: Node
    column: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        mine = _PRECEDENCE[self.op]
        left, right = str(self.left), str(self.right)
        if _precedence(self.left) < mine:
            left = f"({left})"
        if _precedence(self.right) <= mine:  # the operators group to the left: a - (b - c)
            right = f"({right})"
        return f"{left} {self.op} {right}"


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]
    column: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(str(a) for a in self.args)})"


Node = Number | Name | Unary | Binary | Call


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _UNARY_PRECEDENCE
    return _ATOM_PRECEDENCE


# ---------------------------------------------------------------------------------------------
# Reading text


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, code, op, cmp, end
    text: str
    column: int


_TOKEN = re.compile(
    r"""
     (?P<space>\s+)
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<cmp><=|>=|==|!=|<|>)
    |(?P<op>[-+*/(),])
    """,
    re.VERBOSE,
)


def _tokenize(text: str) -> list[_Token]:
    if not isinstance(text, str):
        raise ExpressionError(1, f"an expression must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH + 1, f"longer than {MAX_LENGTH} characters")
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        column = pos + 1
        ch = text[pos]
        if ch == "[":
            end = text.find("]", pos + 1)
            if end < 0 or "\n" in text[pos:end] or "[" in text[pos + 1 : end]:
                raise ExpressionError(
                    column, "'[' is not closed; expected ']' after the indicator code"
                )
            code = text[pos + 1 : end].strip()
            if not code:
                raise ExpressionError(column, "empty indicator code in brackets")
            tokens.append(_Token("code", code, column))
            pos = end + 1
            continue
        m = _TOKEN.match(text, pos)
        if m is None:
            if ch == "=":
                raise ExpressionError(column, "'=' is not an operator; use '==' to compare")
            if ch == "]":
                raise ExpressionError(column, "']' without a matching '['")
            raise ExpressionError(column, f"unexpected character {ch!r}")
        kind = m.lastgroup
        assert kind is not None
        if kind == "number":
            rest = re.match(r"[A-Za-z0-9_.]+", text[m.end() :])
            if rest:
                word = m.group() + rest.group()
                raise ExpressionError(
                    column,
                    f"{word!r} is not a number; write an indicator code that starts with a digit "
                    f"in brackets: [{word}]",
                )
        if kind != "space":
            tokens.append(_Token(kind, m.group(), column))
        pos = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _describe(token: _Token) -> str:
    return "the end" if token.kind == "end" else repr(token.text)


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def expect_op(self, op: str, what: str) -> None:
        if not self.is_op(op):
            raise ExpressionError(self.tok.column, f"expected {what}, found {_describe(self.tok)}")
        self.take()

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(column, f"nested more than {MAX_DEPTH} deep")

    def expression(self) -> Node:
        node = self.term()
        while self.is_op("+", "-"):
            op = self.take()
            node = Binary(op.text, node, self.term(), op.column)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.is_op("*", "/"):
            op = self.take()
            node = Binary(op.text, node, self.unary(), op.column)
        return node

    def unary(self) -> Node:
        if self.is_op("-", "+"):
            op = self.take()
            self.enter(op.column)
            operand = self.unary()
            self.depth -= 1
            return Unary("-", operand, op.column) if op.text == "-" else operand
        return self.primary()

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            value = float(tok.text)
            if not math.isfinite(value):
                raise ExpressionError(tok.column, f"the number {tok.text} is too large")
            return Number(value, tok.column)
        if tok.kind == "code":
            self.take()
            return Name(tok.text, tok.column)
        if tok.kind == "name":
            self.take()
            if self.is_op("("):
                return self.call(tok)
            return Name(tok.text, tok.column)
        if self.is_op("("):
            self.take()
            self.enter(tok.column)
            node = self.expression()
            self.expect_op(")", "')'")
            self.depth -= 1
            return node
        if tok.kind == "cmp":
            raise ExpressionError(tok.column, f"expected a value before {tok.text!r}")
        raise ExpressionError(
            tok.column, f"expected a number, an indicator code or '(', found {_describe(tok)}"
        )

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            raise ExpressionError(
                name.column, f"unknown function {name.text!r}; use one of {', '.join(FUNCTIONS)}"
            )
        self.enter(name.column)
        self.take()  # "("
        args = [self.expression()]
        while self.is_op(","):
            self.take()
            args.append(self.expression())
        self.expect_op(")", "')' or ','")
        self.depth -= 1
        if name.text == "abs" and len(args) != 1:
            raise ExpressionError(name.column, f"abs() takes one argument, not {len(args)}")
        return Call(name.text, tuple(args), name.column)

    def end(self, comparison_allowed: bool) -> None:
        tok = self.tok
        if tok.kind == "end":
            return
        if tok.kind == "cmp":
            if comparison_allowed:
                raise ExpressionError(tok.column, "only one comparison is allowed in a rule")
            raise ExpressionError(
                tok.column,
                f"{tok.text!r}: a comparison belongs in a validation rule, not in an expression",
            )
        if tok.text == ")":
            raise ExpressionError(tok.column, "')' without a matching '('")
        raise ExpressionError(
            tok.column, f"expected an operator or the end, found {_describe(tok)}"
        )


def _check_height(node: Node) -> Node:
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, height = stack.pop()
        if height > MAX_HEIGHT:
            raise ExpressionError(
                current.column,
                f"more than {MAX_HEIGHT} operations inside one another; "
                "for a long list of terms use sum(a, b, ...)",
            )
        if isinstance(current, Unary):
            stack.append((current.operand, height + 1))
        elif isinstance(current, Binary):
            stack.extend(((current.left, height + 1), (current.right, height + 1)))
        elif isinstance(current, Call):
            stack.extend((arg, height + 1) for arg in current.args)
    return node


def parse_expression(text: str) -> Node:
    """Read an expression such as ``employed / enrolled * 100``."""
    parser = _Parser(text)
    node = parser.expression()
    parser.end(comparison_allowed=False)
    return _check_height(node)


def parse_rule(text: str) -> Rule:
    """Read a validation rule such as ``female + male == total``."""
    parser = _Parser(text)
    left = parser.expression()
    tok = parser.tok
    if tok.kind != "cmp":
        if tok.kind == "end":
            raise ExpressionError(
                tok.column, "expected a comparison (<, <=, ==, !=, >=, >) and a right side"
            )
        parser.end(comparison_allowed=True)  # names what was found instead
    parser.take()
    right = parser.expression()
    parser.end(comparison_allowed=True)
    return Rule(_check_height(left), tok.text, _check_height(right))


def as_node(expression: Node | str) -> Node:
    return parse_expression(expression) if isinstance(expression, str) else expression


# ---------------------------------------------------------------------------------------------
# What an expression uses


def _name_nodes(node: Node) -> Iterable[Name]:
    if isinstance(node, Name):
        yield node
    elif isinstance(node, Unary):
        yield from _name_nodes(node.operand)
    elif isinstance(node, Binary):
        yield from _name_nodes(node.left)
        yield from _name_nodes(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _name_nodes(arg)


def names(expression: Node | str) -> tuple[str, ...]:
    """The indicator codes an expression uses, each once, in the order they first appear."""
    return tuple(dict.fromkeys(name.code for name in _name_nodes(as_node(expression))))


def check_names(expression: Node | str, known: Collection[str]) -> None:
    """Refuse an expression that uses a code not in ``known``, naming it and where it is."""
    for name in _name_nodes(as_node(expression)):
        if name.code not in known:
            raise ExpressionError(name.column, f"unknown indicator {name.code!r}")


def _nodes(node: Node) -> Iterable[Node]:
    yield node
    if isinstance(node, Unary):
        yield from _nodes(node.operand)
    elif isinstance(node, Binary):
        yield from _nodes(node.left)
        yield from _nodes(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _nodes(arg)


def _never_zero(node: Node, lowest: Mapping[str, float | None]) -> bool:
    """Whether ``node`` is sure to be above 0 (a code whose declared least value is above 0,
    a number above 0, and sums, products and the largest of such), so it can never be 0."""
    if isinstance(node, Number):
        return node.value > 0
    if isinstance(node, Name):
        least = lowest.get(node.code)
        return least is not None and least > 0
    if isinstance(node, Binary) and node.op in "+*/":
        return _never_zero(node.left, lowest) and _never_zero(node.right, lowest)
    if isinstance(node, Call):
        if node.function == "max":
            return any(_never_zero(arg, lowest) for arg in node.args)
        if node.function in ("sum", "min"):
            return all(_never_zero(arg, lowest) for arg in node.args)
        return _never_zero(node.args[0], lowest)  # abs
    return False


def zero_denominators(expression: Node | str, lowest: Mapping[str, float | None]) -> list[Node]:
    """The denominators of an expression that may be 0, each once, in the order they appear.

    ``lowest`` maps each indicator code to the least value it may take (its declared ``min``),
    or None when it has none: a denominator may be 0 unless it is sure to be above 0. Where a
    denominator is 0 the expression has no value (docs/reference/expressions.md)."""
    found: dict[str, Node] = {}
    for node in _nodes(as_node(expression)):
        if isinstance(node, Binary) and node.op == "/" and not _never_zero(node.right, lowest):
            found.setdefault(str(node.right), node.right)
    return list(found.values())


def formula_order(formulas: Mapping[str, Node | str]) -> list[str]:
    """The formula indicators in an order where each comes after the formulas it uses.

    ``formulas`` maps each formula indicator's code to its expression; codes it uses that are
    not formulas are inputs. The order is the same for the same formulas. Raises
    :class:`CycleError` naming the circle (``a → b → a``).
    """
    deps = {code: [n for n in names(expr) if n in formulas] for code, expr in formulas.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in sorted(deps):
        if state.get(start):
            continue
        path = [start]
        state[start] = 1
        iters = [iter(deps[start])]
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                iters.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(nxt) == 1:
                raise CycleError(path[path.index(nxt) :] + [nxt])
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(deps[nxt]))
    return order


# ---------------------------------------------------------------------------------------------
# Evaluation, one row at a time, with the reason when there is no value


@dataclass(frozen=True)
class Evaluation:
    value: float | None
    reason: str | None = None  # why there is no value


def _number(code: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):
        raise TypeError(f"the value of {code} must be a number, not {type(x).__name__}")
    value = float(x)
    if not math.isfinite(value):
        raise _NoValue(f"{code} is not a finite number")
    return value


def _eval(node: Node, values: Mapping[str, object]) -> float:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return _number(node.code, values[node.code])
    if isinstance(node, Unary):
        return -_eval(node.operand, values)
    if isinstance(node, Binary):
        a = _eval(node.left, values)
        b = _eval(node.right, values)
        if node.op == "+":
            r = a + b
        elif node.op == "-":
            r = a - b
        elif node.op == "*":
            r = a * b
        elif b == 0:
            raise _NoValue(f"division by zero: denominator {node.right} is 0")
        else:
            r = a / b
    else:
        args = [_eval(arg, values) for arg in node.args]
        if node.function == "abs":
            r = abs(args[0])
        elif node.function == "min":
            r = min(args)
        elif node.function == "max":
            r = max(args)
        else:
            r = math.fsum(args)
    if not math.isfinite(r):
        raise _NoValue(f"{node} is too large to represent")
    return r


def _missing(codes: Iterable[str], values: Mapping[str, object]) -> list[str]:
    return [code for code in codes if values.get(code) is None]


def evaluate_with_reason(expression: Node | str, values: Mapping[str, object]) -> Evaluation:
    """The value of an expression for one set of values, or no value and the reason.

    Any input with no value (absent or None) means no value, and the reason names every such
    input. A division by zero means no value.
    """
    node = as_node(expression)
    missing = _missing(names(node), values)
    if missing:
        return Evaluation(None, f"no value for {', '.join(missing)}")
    try:
        return Evaluation(_eval(node, values))
    except _NoValue as no_value:
        return Evaluation(None, no_value.reason)


def evaluate(expression: Node | str, values: Mapping[str, object]) -> float | None:
    """The value of an expression, or None (see :func:`evaluate_with_reason` for why)."""
    return evaluate_with_reason(expression, values).value


def evaluate_formulas(
    formulas: Mapping[str, Node | str], values: Mapping[str, object]
) -> dict[str, Evaluation]:
    """Every formula indicator's value from the inputs, formulas that use formulas included."""
    parsed = {code: as_node(expr) for code, expr in formulas.items()}
    known: dict[str, object] = dict(values)
    out: dict[str, Evaluation] = {}
    for code in formula_order(parsed):
        node = parsed[code]
        missing = _missing(names(node), known)
        if missing:
            parts = [f"{m} ({out[m].reason})" if m in out else m for m in missing]
            result = Evaluation(None, f"no value for {', '.join(parts)}")
        else:
            result = evaluate_with_reason(node, known)
        out[code] = result
        known[code] = result.value
    return out


# ---------------------------------------------------------------------------------------------
# Rules


def values_equal(a: float, b: float) -> bool:
    return _isclose(a, b, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)


_isclose = math.isclose


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b and not values_equal(a, b),
    "<=": lambda a, b: a <= b or values_equal(a, b),
    "==": values_equal,
    "!=": lambda a, b: not values_equal(a, b),
    ">=": lambda a, b: a >= b or values_equal(a, b),
    ">": lambda a, b: a > b and not values_equal(a, b),
}


def _fmt(x: float) -> str:
    return f"{x:.10g}"


@dataclass(frozen=True)
class Check:
    status: str  # passed, failed, not applicable
    left: float | None = None
    right: float | None = None
    reason: str | None = None  # for failed and not applicable


@dataclass(frozen=True)
class Rule:
    left: Node
    op: str
    right: Node

    def __post_init__(self):
        if self.op not in COMPARISONS:
            raise ValueError(f"unknown comparison {self.op!r}; use one of {' '.join(COMPARISONS)}")

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(names(self.left) + names(self.right)))

    def check(self, values: Mapping[str, object]) -> Check:
        """Compare the two sides for one organisation and period."""
        left = evaluate_with_reason(self.left, values)
        right = evaluate_with_reason(self.right, values)
        if left.value is None or right.value is None:
            reasons = [r.reason for r in (left, right) if r.reason]
            reason = "; ".join(dict.fromkeys(reasons))  # both sides may miss the same input
            return Check(NOT_APPLICABLE, left.value, right.value, reason)
        if _COMPARE[self.op](left.value, right.value):
            return Check(PASSED, left.value, right.value)
        reason = (
            f"{self.left} is {_fmt(left.value)} and {self.right} is {_fmt(right.value)}; "
            f"expected {self}"
        )
        return Check(FAILED, left.value, right.value, reason)


# ---------------------------------------------------------------------------------------------
# Compiled evaluation for many rows

_FAST_FAILURES = (KeyError, TypeError, ArithmeticError)
_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _constant(node: Node) -> float | None:
    if not names(node):
        result = evaluate(node, {})
        if result is not None:
            return result
    return None


def _fast(node: Node) -> Callable[[Mapping[str, object]], object]:
    """A closure that computes ``node`` and raises on anything unusual (missing, zero, overflow)."""
    const = None if isinstance(node, Name) else _constant(node)
    if const is not None:
        return lambda v: const
    if isinstance(node, Name):
        return operator.itemgetter(node.code)
    if isinstance(node, Unary):
        f = _fast(node.operand)
        return lambda v: -f(v)
    if isinstance(node, Binary):
        fn = _BINARY[node.op]
        left_const, right_const = _constant(node.left), _constant(node.right)
        if isinstance(node.left, Name) and isinstance(node.right, Name):
            a, b = node.left.code, node.right.code
            return lambda v: fn(v[a], v[b])
        right = _fast(node.right)
        left = _fast(node.left)
        if right_const is not None:
            return lambda v: fn(left(v), right_const)
        if left_const is not None:
            return lambda v: fn(left_const, right(v))
        return lambda v: fn(left(v), right(v))
    fs = tuple(_fast(arg) for arg in node.args)
    if node.function == "abs":
        (g,) = fs
        return lambda v: abs(g(v))
    combine = {"min": min, "max": max, "sum": math.fsum}[node.function]
    return lambda v: combine([f(v) for f in fs])


def compile_expression(expression: Node | str) -> Callable[[Mapping[str, object]], float | None]:
    """A function computing the expression for one row of values; the same as :func:`evaluate`."""
    node = as_node(expression)
    fast = _fast(node)

    def run(values: Mapping[str, object]) -> float | None:
        try:
            x = fast(values)
            if x - x:  # not 0 for infinity and NaN
                return evaluate(node, values)
            return float(x)
        except _FAST_FAILURES:
            return evaluate(node, values)

    return run


def compile_rule(rule: Rule | str) -> Callable[[Mapping[str, object]], bool | None]:
    """A function checking one row: True (passed), False (failed) or None (not applicable).

    The same answers as :meth:`Rule.check`, many times faster; call ``check`` for the reason.
    """
    if isinstance(rule, str):
        rule = parse_rule(rule)
    left, right, compare = _fast(rule.left), _fast(rule.right), _COMPARE[rule.op]
    slow, equal_only, isclose = rule.check, rule.op == "==", math.isclose

    def run(values: Mapping[str, object]) -> bool | None:
        try:
            a = left(values)
            b = right(values)
            if (a - a) or (b - b):  # not 0 for infinity and NaN
                raise ArithmeticError
            if equal_only:  # the commonest rule, without one function call
                return isclose(a, b, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)
            return compare(a, b)
        except _FAST_FAILURES:
            status = slow(values).status
            return None if status == NOT_APPLICABLE else status == PASSED

    return run


def check_rows(rule: Rule | str, rows: Iterable[Mapping[str, object]]) -> list[bool | None]:
    """Check many rows: True (passed), False (failed) or None (not applicable) for each."""
    run = compile_rule(rule)
    return [run(row) for row in rows]
