"""The initiative definition file (JSON or YAML): its schema and reader.

Documented in docs/reference/initiative-file.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from commonmeasure.domain import expressions
from commonmeasure.domain.translation import gettext

from .definition_checks import check_measures

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
CATEGORY_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$"  # "25+" is a natural age band
ORG_ID = r"^[A-Z]{2,}-[A-Za-z0-9]+-\S+$"
# The languages an initiative's own content may be written in: the interface's languages
# (settings.LANGUAGES, by their two-letter code; a test keeps the two lists equal).
CONTENT_LANGUAGES = ("en", "es", "fr")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NameTexts(_Strict):
    """A dimension's or category's name in another language."""

    name: str = Field(default="", max_length=200)


class InitiativeTexts(_Strict):
    """The initiative's name and vision in another language."""

    name: str = Field(default="", max_length=200)
    vision: str = ""


class IndicatorTexts(_Strict):
    """An indicator's words in another language; what is left out falls back to the plain field."""

    name: str = Field(default="", max_length=200)
    definition: str = ""
    rationale: str = ""
    unit: str = Field(default="", max_length=50)


def texts_by_language(translations: dict[str, BaseModel]) -> dict[str, dict[str, str]]:
    """The translations as stored: each language's non-empty texts, languages with none left out."""
    out = {}
    for lang, texts in translations.items():
        kept = {k: v for k, v in texts.model_dump().items() if v}
        if kept:
            out[lang] = kept
    return out


class Goal(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""


class CategoryDef(_Strict):
    code: str = Field(pattern=CATEGORY_CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    translations: dict[str, NameTexts] = {}


class DimensionDef(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    categories: list[CategoryDef] = Field(min_length=1)
    translations: dict[str, NameTexts] = {}

    @field_validator("code")
    @classmethod
    def _not_reserved(cls, v: str) -> str:
        if v.lower() in {"organisation", "indicator", "period", "value", "comment"}:
            raise ValueError(gettext("%(v)r is a reserved column name in values files") % {"v": v})
        return v

    @model_validator(mode="after")
    def _unique(self):
        _no_duplicates([c.code for c in self.categories], "category")
        return self


class OrganisationDef(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    identifiers: list[str] = []
    description: str = ""
    backbone: bool = False
    area: str | None = None  # the code of the (leaf) area it serves
    named_in_benchmarks: bool = False

    @field_validator("identifiers")
    @classmethod
    def _org_ids(cls, v: list[str]) -> list[str]:
        import re

        for ident in v:
            if not re.match(ORG_ID, ident):
                raise ValueError(
                    gettext("%(ident)r is not an org-id identifier such as GB-CHC-1234567")
                    % {"ident": ident}
                )
        return v


class AreaDef(_Strict):
    """An area; children may be nested, or given separately with ``parent``."""

    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    level: str = Field(default="", max_length=64)
    parent: str | None = None
    children: list[AreaDef] = []


class ComponentDef(_Strict):
    indicator: str
    weight: float = Field(default=1.0, ge=0)
    direction: Literal["positive", "negative", "higher", "lower"] = "positive"
    normalisation: Literal["min_max", "z_score", "distance_to_target", "goalposts"] | None = None
    target: float | None = None
    cap: bool | None = None
    lower: float | None = None
    upper: float | None = None


class CompositeDef(_Strict):
    normalisation: Literal["min_max", "z_score", "distance_to_target", "goalposts"] = "min_max"
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    cap: bool = False
    missing: Literal["no_value", "reweight"] = "no_value"
    components: list[ComponentDef] = Field(min_length=1)


class OutliersDef(_Strict):
    """How the data-quality outlier check treats an indicator (docs/reference/data-quality.md)."""

    check: Literal["all", "totals", "off"] = "all"
    multiplier: float = Field(default=3.0, ge=0.5, le=20)
    min_history: int = Field(default=6, ge=2, le=12)
    min_spread: float | None = Field(default=None, ge=0)


class IndicatorDef(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    definition: str = ""
    rationale: str = ""
    unit: str = ""
    value_type: Literal["count", "percentage", "currency", "rate", "score"] = "count"
    polarity: Literal["higher", "lower"] = "higher"
    aggregation: Literal["sum", "mean", "weighted_mean", "min", "max"] = "sum"
    time_aggregation: Literal["sum", "mean", "last"] = "sum"
    weight_indicator: str | None = None
    dimensions: list[str] = []
    goal: str = ""
    data_source: str = ""
    min: float | None = None
    max: float | None = None
    decimals: int = Field(default=0, ge=0, le=6)
    # reported (default), or computed: formula (``formula``) or composite (``composite``).
    kind: Literal["reported", "formula", "composite"] | None = None
    formula: str = Field(default="", max_length=10_000)
    composite: CompositeDef | None = None
    deduplication: Literal["sum", "max", "adjusted"] = "sum"
    published: bool = False
    # Values come from a feedback survey for the periods it covers (docs/reference/surveys.md).
    survey_fed: bool = False
    # A total that disagrees with its breakdown (docs/reference/validation-rules.md).
    breakdown_check: Literal["error", "warning", "off"] = "error"
    # Data-quality outlier flags (docs/reference/data-quality.md, "Tuning per indicator").
    outliers: OutliersDef = OutliersDef()
    # The name, definition, rationale and unit in other languages (initiative-file.md,
    # "Content in several languages").
    translations: dict[str, IndicatorTexts] = {}
    # A retired indicator keeps its values and history but is no longer reported: the grid,
    # templates and imports leave it out and dashboards' lists hide it.
    retired: bool = False

    @model_validator(mode="after")
    def _rules(self):
        if self.kind is None:
            self.kind = "formula" if self.formula else "composite" if self.composite else "reported"
        if self.kind == "formula" and not self.formula:
            raise ValueError(
                gettext("a formula indicator needs formula, e.g. employed / enrolled * 100")
            )
        if self.kind == "composite" and self.composite is None:
            raise ValueError(gettext("a composite indicator needs composite: its components"))
        if self.kind != "formula" and self.formula:
            raise ValueError(
                gettext("formula is only for kind formula, not %(kind)s") % {"kind": self.kind}
            )
        if self.kind != "composite" and self.composite is not None:
            raise ValueError(
                gettext("composite is only for kind composite, not %(kind)s") % {"kind": self.kind}
            )
        if self.kind != "reported" and self.survey_fed:
            raise ValueError(
                gettext(
                    "survey_fed is for reported indicators: a %(kind)s indicator is worked out from other indicators"
                )
                % {"kind": self.kind}
            )
        if self.kind != "reported" and self.dimensions:
            raise ValueError(
                gettext(
                    "formula and composite indicators are computed, not broken down by dimensions"
                )
            )
        if self.deduplication != "sum" and self.aggregation != "sum":
            raise ValueError(
                gettext(
                    "deduplication %(deduplication)s is for indicators summed across organisations (aggregation: sum)"
                )
                % {"deduplication": self.deduplication}
            )
        if self.deduplication == "adjusted" and self.time_aggregation != "sum":
            raise ValueError(gettext("deduplication adjusted needs time_aggregation sum"))
        if self.aggregation == "weighted_mean" and not self.weight_indicator:
            raise ValueError(
                gettext(
                    "a weighted_mean indicator needs weight_indicator: the code of the indicator that weights it"
                )
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(gettext("min is greater than max"))
        _no_duplicates(self.dimensions, "dimension")
        return self


class RuleDef(_Strict):
    """A validation rule: ``left op right`` over indicator totals (docs/reference/validation-rules.md)."""

    code: str = Field(pattern=CODE, max_length=64)
    left: str = Field(min_length=1, max_length=10_000)
    op: Literal["<", "<=", "==", "!=", ">=", ">"]
    right: str = Field(min_length=1, max_length=10_000)
    severity: Literal["error", "warning"] = "error"
    message: str = Field(min_length=1, max_length=500)


class TargetDef(_Strict):
    """A target for one indicator, scope and period: the initiative (neither organisation nor
    area), one organisation, or one area."""

    indicator: str
    organisation: str | None = None
    area: str | None = None
    period: str
    value: float
    baseline_from: str = ""
    baseline_to: str = ""

    @model_validator(mode="after")
    def _one_scope(self):
        if self.organisation and self.area:
            raise ValueError(gettext("a target is for an organisation or an area, not both"))
        if bool(self.baseline_from) != bool(self.baseline_to):
            raise ValueError(gettext("give both baseline_from and baseline_to, or neither"))
        return self

    @property
    def scope(self) -> str:
        return "organisation" if self.organisation else "area" if self.area else "initiative"


class OverlapAdjustmentDef(_Strict):
    indicator: str
    area: str
    period: str
    value: float


class InitiativeDef(_Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    # The language of the plain fields (names, definitions, the vision).
    language: str = "en"
    translations: dict[str, InitiativeTexts] = {}
    vision: str = ""
    goals: list[Goal] = []
    reporting_frequency: Literal["monthly", "quarterly", "yearly", "financial-yearly"] = "monthly"
    fy_first_month: int = Field(default=4, ge=1, le=12)
    published: bool = False
    dimensions: list[DimensionDef] = []
    organisations: list[OrganisationDef] = []
    indicators: list[IndicatorDef] = []
    rules: list[RuleDef] = []
    deadline_days: int | None = Field(default=None, ge=0, le=365)
    reminder_days_before: int = Field(default=3, ge=0, le=365)
    reminder_days_after: int = Field(default=1, ge=0, le=365)
    small_number_threshold: int = Field(default=5, ge=1, le=1000)
    anonymise_peers: bool = True
    areas: list[AreaDef] = []
    targets: list[TargetDef] = []
    overlap_adjustments: list[OverlapAdjustmentDef] = []

    def flat_areas(self) -> list[tuple[AreaDef, str | None]]:
        """Every area with its parent's code, parents before children."""
        out: list[tuple[AreaDef, str | None]] = []

        def visit(area: AreaDef, parent: str | None) -> None:
            out.append((area, parent))
            for child in area.children:
                visit(child, area.code)

        for area in self.areas:
            visit(area, area.parent)
        return out

    @model_validator(mode="after")
    def _references(self):
        _no_duplicates([d.code for d in self.dimensions], "dimension")
        _no_duplicates([o.code for o in self.organisations], "organisation")
        _no_duplicates([i.code for i in self.indicators], "indicator")
        _no_duplicates([g.code for g in self.goals], "goal")
        dims = {d.code for d in self.dimensions}
        goals = {g.code for g in self.goals}
        codes = {i.code for i in self.indicators}
        for n, ind in enumerate(self.indicators):
            for d in ind.dimensions:
                if d not in dims:
                    raise ValueError(
                        gettext(
                            "indicators.%(n)s (%(code)s): dimension %(d)r is not defined under dimensions"
                        )
                        % {"n": n, "code": ind.code, "d": d}
                    )
            if ind.goal and ind.goal not in goals:
                raise ValueError(
                    gettext("indicators.%(n)s (%(code)s): goal %(goal)r is not defined under goals")
                    % {"n": n, "code": ind.code, "goal": ind.goal}
                )
            if ind.weight_indicator and ind.weight_indicator not in codes:
                raise ValueError(
                    gettext(
                        "indicators.%(n)s (%(code)s): weight_indicator %(weight_indicator)r is not an indicator in this file"
                    )
                    % {"n": n, "code": ind.code, "weight_indicator": ind.weight_indicator}
                )
            if ind.weight_indicator == ind.code:
                raise ValueError(
                    gettext("indicators.%(n)s (%(code)s): an indicator cannot weight itself")
                    % {"n": n, "code": ind.code}
                )
        _no_duplicates([r.code for r in self.rules], "rule")
        for n, r in enumerate(self.rules):
            for side in ("left", "right"):
                text = getattr(r, side)
                try:
                    expressions.check_names(expressions.parse_expression(text), codes)
                except expressions.ExpressionError as problem:
                    raise ValueError(
                        gettext("rules.%(n)s (%(code)s): %(side)s %(text)r: %(problem)s")
                        % {"n": n, "code": r.code, "side": side, "text": text, "problem": problem}
                    ) from None
        _check_measures(self)
        _check_translations(self)
        return self


def _check_translations(defn: InitiativeDef) -> None:
    """Each translations block is for a language of the system other than the file's own."""
    if defn.language not in CONTENT_LANGUAGES:
        raise ValueError(
            gettext("language: %(language)r is not one of the languages %(languages)s")
            % {"language": defn.language, "languages": ", ".join(CONTENT_LANGUAGES)}
        )
    blocks: list[tuple[str, dict]] = [("translations", defn.translations)]
    for n, d in enumerate(defn.dimensions):
        blocks.append((f"dimensions.{n}.translations", d.translations))
        for m, c in enumerate(d.categories):
            blocks.append((f"dimensions.{n}.categories.{m}.translations", c.translations))
    for n, ind in enumerate(defn.indicators):
        blocks.append((f"indicators.{n}.translations", ind.translations))
    for path, translations in blocks:
        for lang in translations:
            if lang not in CONTENT_LANGUAGES:
                raise ValueError(
                    gettext(
                        "%(path)s.%(language)s: %(language)r is not one of the languages "
                        "%(languages)s"
                    )
                    % {"path": path, "language": lang, "languages": ", ".join(CONTENT_LANGUAGES)}
                )
            if lang == defn.language:
                raise ValueError(
                    gettext(
                        "%(path)s.%(language)s: %(language)s is the file's own language "
                        "(language: %(language)s); its text goes in the plain fields"
                    )
                    % {"path": path, "language": lang}
                )


def _check_measures(defn: InitiativeDef) -> None:
    """Areas, formula and composite indicators, targets and overlap adjustments."""
    check_measures(defn)


def _no_duplicates(codes: list[str], what: str) -> None:
    seen = set()
    for c in codes:
        if c in seen:
            raise ValueError(gettext("%(what)s code %(c)r appears twice") % {"what": what, "c": c})
        seen.add(c)


class DefinitionError(ValueError):
    """The file cannot be used; ``problems`` lists each one with its location."""

    def __init__(self, filename: str, problems: list[str]):
        self.filename = filename
        self.problems = problems
        super().__init__(f"{filename}: " + "; ".join(problems))


def read_definition(path: str | Path) -> InitiativeDef:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(path.name, [gettext("the file is not UTF-8 text")]) from None
    except OSError as exc:
        raise DefinitionError(
            path.name, [gettext("cannot be read (%(strerror)s)") % {"strerror": exc.strerror}]
        ) from None
    return parse_definition(
        text, path.name, fmt="json" if path.suffix.lower() == ".json" else "yaml"
    )


def parse_definition(text: str, filename: str = "definition", fmt: str = "yaml") -> InitiativeDef:
    return validate_definition(definition_data(text, filename, fmt), filename)


def definition_text(data: dict, fmt: str = "yaml") -> str:
    """A definition mapping written as its file (``initiative dump``, the set-up's download)."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def definition_data(text: str, filename: str = "definition", fmt: str = "yaml"):
    """A definition file's text read into Python values, not yet checked (``validate_definition``
    checks them); DefinitionError, with the line and column, when it is not YAML or JSON."""
    if not text.strip():
        raise DefinitionError(filename, [gettext("the file is empty")])
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            filename,
            [
                gettext("line %(lineno)s, column %(colno)s: %(msg)s")
                % {"lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg}
            ],
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            gettext("line %(line)s, column %(column)s: ")
            % {"line": mark.line + 1, "column": mark.column + 1}
            if mark
            else ""
        )
        raise DefinitionError(
            filename, [f"{where}{getattr(exc, 'problem', None) or exc}"]
        ) from None
    return data


def validate_definition(data, filename: str = "definition") -> InitiativeDef:
    """Check a definition already read into Python values (a file's, or one the set-up pages
    edited): the same rules and the same messages (``indicators.2.decimals: ...``) as a file."""
    if not isinstance(data, dict):
        raise DefinitionError(
            filename, [gettext("the top level must be a mapping with code, name, indicators, ...")]
        )
    try:
        return InitiativeDef.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        raise DefinitionError(filename, problems) from None
