"""The contract file's fields, validated with pydantic as the initiative file is (definition.py).

docs/reference/contract-file.md describes every field. Each problem names its field the way the
initiative file's do, ``metrics.2.price: 'abc' is not a number``; every problem of the file is
reported together, and then the terms are checked as a whole (``contract_problems``: money,
shares, dates). Amounts are exact: a JSON number or a number in quotes becomes a Decimal.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator

from commonmeasure.domain.payments import (
    COMPARISON,
    MECHANISMS,
    RATE_CARD,
    WEIGHTED_TARGETS,
    Comparison,
    Contract,
    Metric,
    Payer,
    RateCard,
    Target,
    WeightedTargets,
    contract_problems,
)
from commonmeasure.domain.translation import gettext

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_RE = re.compile(r"-?\d+")


def _shown(value: Any) -> str:
    return json.dumps(value, default=str)


def _amount(value: Any) -> Decimal:
    if isinstance(value, float):  # from a dict built in Python; JSON files give Decimal
        value = Decimal(repr(value))
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(
            gettext("must be a number or a number in quotes (got %(shown)s)")
            % {"shown": _shown(value)}
        )
    try:
        number = Decimal(value.strip().replace("_", "") if isinstance(value, str) else value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or (isinstance(value, str) and not value.strip()):
        raise ValueError(gettext("%(value)r is not a number") % {"value": value})
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            gettext("must be non-empty text (got %(shown)s)") % {"shown": _shown(value)}
        )
    return value.strip()


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _WHOLE_RE.fullmatch(value.strip()))
    ):
        raise ValueError(
            gettext("must be a whole number (got %(shown)s)") % {"shown": _shown(value)}
        )
    return int(value)


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(
            gettext("must be true or false (got %(shown)s)") % {"shown": _shown(value)}
        )
    return value


def _day(value: Any) -> date:
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(
        gettext("%(shown)s is not a date written YYYY-MM-DD") % {"shown": _shown(value)}
    )


def _optional(read):
    return lambda value: None if value is None else read(value)


Amount = Annotated[Decimal, BeforeValidator(_amount)]
OptionalAmount = Annotated[Decimal | None, BeforeValidator(_optional(_amount))]
Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional(_text))]
Count = Annotated[int | None, BeforeValidator(_count)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Day = Annotated[date, BeforeValidator(_day)]


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class PayerDef(_Fields):
    id: Text
    share: Amount


class MetricDef(_Fields):
    id: Text
    price: Amount
    once_per_participant: Flag = False
    cap_count: Count = None
    name: OptionalText = None


class TargetDef(_Fields):
    id: Text
    weight: Amount
    target: Amount
    cap_ratio: Annotated[Decimal, BeforeValidator(_optional(_amount))] = Decimal(1)


class _ContractDef(_Fields):
    mechanism: str
    currency: Text
    payers: list[PayerDef] | None = None

    @field_validator("currency")
    @classmethod
    def _capitals(cls, value: str) -> str:
        if value != value.upper():
            raise ValueError(
                gettext("write the ISO 4217 code in capitals (%(upper)r)")
                % {"upper": value.upper()}
            )
        return value

    @field_validator("payers")
    @classmethod
    def _some_payers(cls, value):
        if value is not None and not value:
            raise ValueError(gettext("must list at least one payer, or be left out"))
        return value

    def payer_terms(self) -> tuple[Payer, ...]:
        return tuple(Payer(p.id, p.share) for p in self.payers or ())


class RateCardDef(_ContractDef):
    start: Day
    end: Day
    metrics: list[MetricDef]
    cap_total: OptionalAmount = None
    cap_per_participant: OptionalAmount = None

    def terms(self) -> RateCard:
        metrics = tuple(
            Metric(m.id, m.price, m.once_per_participant, m.cap_count, m.name or "")
            for m in self.metrics
        )
        return RateCard(
            self.currency,
            self.start,
            self.end,
            metrics,
            self.cap_total,
            self.cap_per_participant,
            self.payer_terms(),
        )


class ComparisonDef(_ContractDef):
    price_per_unit: Amount
    threshold: Amount
    cap_total: OptionalAmount = None

    def terms(self) -> Comparison:
        return Comparison(
            self.currency, self.price_per_unit, self.threshold, self.cap_total, self.payer_terms()
        )


class WeightedTargetsDef(_ContractDef):
    max_payment: Amount
    targets: list[TargetDef]

    def terms(self) -> WeightedTargets:
        targets = tuple(Target(t.id, t.weight, t.target, t.cap_ratio) for t in self.targets)
        return WeightedTargets(self.currency, self.max_payment, targets, self.payer_terms())


SCHEMAS: dict[str, type[_ContractDef]] = {
    RATE_CARD: RateCardDef,
    COMPARISON: ComparisonDef,
    WEIGHTED_TARGETS: WeightedTargetsDef,
}
_ITEMS = {"payers": PayerDef, "metrics": MetricDef, "targets": TargetDef}


def fields_of(schema: type[BaseModel]) -> list[str]:
    return sorted(schema.model_fields)


def check_contract(data: object) -> tuple[Contract | None, list[str]]:
    """(the contract's terms, []) or (None, every problem naming its field)."""
    if not isinstance(data, dict):
        return None, [gettext("must be a JSON object ({...}) with the contract's fields")]
    mechanism = data.get("mechanism", RATE_CARD)
    if mechanism not in MECHANISMS:
        return None, [
            gettext("mechanism: %(mechanism)r is not one of %(items)s")
            % {"mechanism": mechanism, "items": ", ".join(MECHANISMS)}
        ]
    schema = SCHEMAS[mechanism]
    try:
        parsed = schema.model_validate({**data, "mechanism": mechanism})
    except ValidationError as exc:
        return None, [_problem(schema, mechanism, err) for err in exc.errors()]
    terms = parsed.terms()
    return (None, problems) if (problems := contract_problems(terms)) else (terms, [])


def _problem(schema: type[BaseModel], mechanism: str, err) -> str:
    """One pydantic error as ``metrics.0.price: ...``, in the words the contract file's
    reference uses."""
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "missing":
        return f"{loc}: required"
    if kind == "extra_forbidden":
        if len(err["loc"]) == 1:
            return gettext(
                "%(loc)s: not a field of a %(mechanism)s contract (its fields: %(items)s)"
            ) % {"loc": loc, "mechanism": mechanism, "items": ", ".join(fields_of(schema))}
        item = _ITEMS.get(str(err["loc"][0]))
        shown = (
            gettext(" (its fields: %(items)s)") % {"items": ", ".join(item.model_fields)}
            if item
            else ""
        )
        return gettext("%(loc)s: not a field%(shown)s") % {"loc": loc, "shown": shown}
    if kind == "list_type":
        return gettext("%(loc)s: must be a list ([...])") % {"loc": loc}
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return gettext("%(loc)s: must be an object ({...})") % {"loc": loc}
    return f"{loc}: {err['msg'].removeprefix('Value error, ')}"
