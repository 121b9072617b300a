"""The forms of the indicator dictionary's set-up pages (views_indicators.py).

``IndicatorForm`` holds every field the definition file has for an indicator
(docs/reference/initiative-file.md, "Indicators"), in the file's own names, and turns what was
posted into the indicator's mapping (``mapping()``); the definition file's checks then decide
(``setup/services.py`` ``apply``), and their messages are shown beside the field they name
(``place_problems``). The form checks only what a box can hold (a number is a number).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from commonmeasure.forms import PageForm, RawField
from commonmeasure.initiatives.models import Indicator
from commonmeasure.interchange.definition import CONTENT_LANGUAGES

from .services import place_and_message

VALUE_TYPES = [
    ("count", _("Count: whole things, such as people or sessions")),
    ("percentage", _("Percentage")),
    ("currency", _("Currency: an amount of money")),
    ("rate", _("Rate: a number per so many")),
    ("score", _("Score: a point on a scale")),
]
POLARITIES = [("higher", _("Higher is better")), ("lower", _("Lower is better"))]
ACROSS = [
    ("sum", _("Sum: add the organisations' values")),
    ("mean", _("Mean: the average of the organisations' values")),
    ("weighted_mean", _("Weighted mean: an average weighted by another indicator")),
    ("min", _("Minimum: the lowest organisation's value")),
    ("max", _("Maximum: the highest organisation's value")),
]
OVER_TIME = [
    ("sum", _("Sum: add the months (flows, such as starts)")),
    ("mean", _("Mean: the average of the months (rates, scores)")),
    ("last", _("Last: the latest month (stocks, such as a caseload)")),
]
KINDS = [
    ("reported", _("Reported: organisations enter its values")),
    ("formula", _("Formula: worked out from other indicators by an expression")),
    ("composite", _("Composite: an index of several indicators, normalised and weighted")),
]
DEDUPLICATION = [
    ("sum", _("Sum: providers in one area serve different people")),
    ("max", _("Max: they serve the same people (the largest counts)")),
    ("adjusted", _("Adjusted: the sum less a declared overlap per area and period")),
]
BREAKDOWN = [
    ("error", _("Error: a report cannot be submitted")),
    ("warning", _("Warning: shown, but the report can be submitted")),
    ("off", _("Off: not checked")),
]
OUTLIER_CHECKS = [
    ("all", _("Totals and breakdowns")),
    ("totals", _("Totals only")),
    ("off", _("Off: no history check (declared minimum and maximum still flag)")),
]
NORMALISATIONS = [
    ("min_max", _("Min-max: 0 for the lowest unit, 1 for the highest")),
    ("z_score", _("Z-score: distance from the mean in standard deviations")),
    ("distance_to_target", _("Distance to target: the value as a share of a target")),
    ("goalposts", _("Goalposts: 0 at the lower goalpost, 1 at the upper")),
]
DIRECTIONS = [("positive", _("Higher is better")), ("negative", _("Lower is better"))]
COMPOSITE_AGGREGATIONS = [
    ("arithmetic", _("Arithmetic: the weighted sum of the scores")),
    ("geometric", _("Geometric: the weighted product (a low score cannot be made up)")),
]
MISSING = [
    ("no_value", _("No value: a unit missing a component has no figure")),
    ("reweight", _("Reweight: share the missing weight among the components present")),
]

# Where a problem of the definition file about an indicator is shown: the field it names.
PROBLEM_FIELDS = {
    "outliers.check": "outliers_check",
    "outliers.multiplier": "outliers_multiplier",
    "outliers.min_history": "outliers_min_history",
    "outliers.min_spread": "outliers_min_spread",
    "composite": "composite_normalisation",
}
# Words in a whole-indicator problem that name its field.
PROBLEM_WORDS = [
    ("weight_indicator", "weight_indicator"),
    ("weighted_mean", "weight_indicator"),
    ("deduplication", "deduplication"),
    ("formula", "formula"),
    ("composite", "composite_normalisation"),
    ("survey_fed", "survey_fed"),
    ("dimension", "dimensions"),
    ("goal", "goal"),
    ("min is greater", "min"),
]


def _text(label, help_text, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False, **kwargs)


def _number(label, help_text) -> forms.FloatField:
    return forms.FloatField(label=label, help_text=help_text, required=False)


def _choice(label, help_text, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, help_text=help_text, choices=choices)


def _tick(label, help_text) -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


class IndicatorForm(PageForm):
    """Every field of an indicator in the definition file."""

    # -- what it measures
    code = _text(
        _("Code"),
        _(
            "A short name used in files, formulas and the API: letters, digits, _ . -. "
            "It cannot be changed once the indicator exists."
        ),
        max_length=64,
    )
    name = _text(_("Name"), _("What people read on every page."), max_length=200)
    definition = _text(
        _("Definition"),
        _("What is counted and what is not, so that every organisation counts the same way."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rationale = _text(
        _("Rationale"),
        _("Why this indicator was chosen: what it tells the initiative."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = _text(
        _("Unit"), _("What one is: people, sessions, pounds. Shown beside figures."), max_length=50
    )
    goal = forms.ChoiceField(
        label=_("Goal"), help_text=_("The initiative's goal it measures, if any."), required=False
    )
    data_source = _text(
        _("Data source"),
        _("Where the figures come from: a case management system, a survey."),
        max_length=200,
    )
    # -- its values
    value_type = _choice(
        _("Value type"), _("What kind of number it is; decides how it is shown."), VALUE_TYPES
    )
    polarity = _choice(
        _("Polarity"),
        _("Whether a rise is good news: colours progress and benchmarks."),
        POLARITIES,
    )
    min = _number(
        _("Least value"),
        _("A value below it is refused when entered. Leave empty for no limit."),
    )
    max = _number(
        _("Greatest value"),
        _("A value above it is refused when entered. Leave empty for no limit."),
    )
    decimals = forms.IntegerField(
        label=_("Decimals"),
        help_text=_("Digits after the decimal point, from 0 to 6, wherever it is shown."),
        min_value=0,
        max_value=6,
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions"),
        help_text=_(
            "The breakdowns organisations report it by (reported indicators only). Each ticked "
            "dimension adds a column per category to the grid and the templates."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # -- how it is made
    kind = _choice(
        _("Kind"),
        _(
            "A reported indicator is entered; formula and composite indicators are worked out "
            "at every level from others, and are never entered."
        ),
        KINDS,
    )
    formula = _text(
        _("Formula"),
        _(
            "For a formula indicator: an expression over other indicators' codes, with "
            "+ - * / ( ) and abs, min, max, sum; e.g. job_starts / enrolled * 100."
        ),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )
    composite_normalisation = _choice(
        _("Normalisation"),
        _("How each component's figure becomes a score before the scores are weighted."),
        NORMALISATIONS,
    )
    composite_aggregation = _choice(
        _("Combining the scores"),
        _("How the weighted scores are combined into the composite."),
        COMPOSITE_AGGREGATIONS,
    )
    composite_cap = _tick(
        _("Cap scores at 1"),
        _("A score above 1 (past the target or upper goalpost) counts as 1."),
    )
    composite_missing = _choice(
        _("A missing component"),
        _("What happens when a unit has no figure for one of the components."),
        MISSING,
    )
    # -- adding up
    aggregation = _choice(
        _("Across organisations"),
        _("How organisations' values make the initiative's figure."),
        ACROSS,
    )
    weight_indicator = forms.ChoiceField(
        label=_("Weight indicator"),
        help_text=_(
            "For a weighted mean only: the reported indicator whose values weight each "
            "organisation (e.g. people enrolled)."
        ),
        required=False,
    )
    time_aggregation = _choice(
        _("Over time"), _("How months make a quarter, a year and a whole range."), OVER_TIME
    )
    deduplication = _choice(
        _("Providers in one area"),
        _(
            "How organisations serving the same area are combined in area figures (only for "
            "indicators summed across organisations)."
        ),
        DEDUPLICATION,
    )
    # -- publishing and sources
    published = _tick(
        _("Published"),
        _("Shown on the initiative's public pages and embeds (approved figures only)."),
    )
    survey_fed = _tick(
        _("Fed by a survey"),
        _(
            "Its values come from a feedback survey for the periods a survey covers, and cannot "
            "be typed or imported for them (reported indicators only)."
        ),
    )
    # -- data quality
    breakdown_check = _choice(
        _("A total that disagrees with its breakdown"),
        _("For indicators summed across organisations with dimensions."),
        BREAKDOWN,
    )
    outliers_check = _choice(
        _("Outlier check"),
        _("Which values the data-quality check compares with the organisation's history."),
        OUTLIER_CHECKS,
    )
    outliers_multiplier = forms.FloatField(
        label=_("Band width"),
        help_text=_(
            "A value is flagged outside the median ± this many scaled deviations (0.5 to 20; "
            "3 by default). Wider flags less."
        ),
    )
    outliers_min_history = forms.IntegerField(
        label=_("History needed"),
        help_text=_("Approved values needed before the check is made (2 to 12; 6 by default)."),
    )
    outliers_min_spread = _number(
        _("Least band half-width"),
        _(
            "In the indicator's units: keeps a flat series from flagging every small change. "
            "Leave empty for none."
        ),
    )
    # -- status
    retired = _tick(
        _("Retired"),
        _(
            "No longer reported: left out of the grid, templates and imports, and of "
            "dashboards' lists; its values and history stay."
        ),
    )
    # Offered when the change would leave stored values unused (a reported indicator becoming
    # a formula, composite or survey-fed one): archive them and go on.
    archive_values = _tick(
        _("Archive the values it has and go on"),
        _(
            "Its reported values are moved out of the reports into the archive, and each "
            "report's history lists them."
        ),
    )
    # The version of the indicator the page showed (the version check) and, after the list of
    # changes was shown, the confirmation.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    FIELDSETS = [
        (
            _("What it measures"),
            ["code", "name", "definition", "rationale", "unit", "goal", "data_source"],
        ),
        (_("Its values"), ["value_type", "polarity", "min", "max", "decimals", "dimensions"]),
        (_("How it is made"), ["kind", "formula"]),
        (_("Adding up"), ["aggregation", "weight_indicator", "time_aggregation", "deduplication"]),
        (_("Publishing and sources"), ["published", "survey_fed"]),
        (
            _("Data quality"),
            [
                "breakdown_check",
                "outliers_check",
                "outliers_multiplier",
                "outliers_min_history",
                "outliers_min_spread",
            ],
        ),
        (_("Status"), ["retired"]),
    ]
    COMPOSITE_FIELDS = [
        "composite_normalisation",
        "composite_aggregation",
        "composite_cap",
        "composite_missing",
    ]

    def __init__(self, data=None, *, initiative, code: str | None = None, initial=None):
        super().__init__(data, initial=initial)
        self.initiative = initiative
        self.editing = code
        self.fields["goal"].choices = [("", _("(none)"))] + [
            (g["code"], g["name"]) for g in initiative.goals or []
        ]
        self.fields["weight_indicator"].choices = [("", _("(none)"))] + [
            (i.code, i.name)
            for i in initiative.indicators.filter(kind=Indicator.REPORTED).exclude(code=code or "")
        ]
        self.fields["dimensions"].choices = [
            (d.code, d.name) for d in initiative.dimensions.order_by("sort_order", "code")
        ]
        if code is not None:
            self.fields["code"].disabled = True
        self._add_translation_fields(initiative)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"help-{name}")

    # -- the indicator's text in the initiative's other languages (``translations:``) --------

    TRANSLATED = ("name", "definition", "rationale", "unit")

    def _add_translation_fields(self, initiative) -> None:
        """A box for each translatable text in each language other than the initiative's own;
        left empty, pages in that language show the initiative's own text."""
        self.languages = [code for code in CONTENT_LANGUAGES if code != initiative.language]
        labels = {
            "name": _("Name"),
            "definition": _("Definition"),
            "rationale": _("Why it was chosen"),
            "unit": _("Unit"),
        }
        for code in self.languages:
            for part in self.TRANSLATED:
                widget = (
                    forms.Textarea(attrs={"rows": 2, "lang": code})
                    if part in ("definition", "rationale")
                    else forms.TextInput(attrs={"lang": code})
                )
                self.fields[f"translation_{code}_{part}"] = forms.CharField(
                    label=labels[part],
                    required=False,
                    max_length={"name": 200, "unit": 50}.get(part),
                    widget=widget,
                )

    @property
    def translation_groups(self) -> list[tuple[str, str, list]]:
        """(language code, its name in itself, the bound boxes) for the template."""
        return [
            (
                code,
                get_language_info(code)["name_local"],
                [self[f"translation_{code}_{part}"] for part in self.TRANSLATED],
            )
            for code in self.languages
        ]

    def _translations(self) -> dict:
        out = {}
        for code in self.languages:
            texts = {
                part: self.cleaned_data.get(f"translation_{code}_{part}", "").strip()
                for part in self.TRANSLATED
            }
            texts = {part: text for part, text in texts.items() if text}
            if texts:
                out[code] = texts
        return out

    def full_clean(self):
        super().full_clean()
        self.described()

    def described(self) -> None:
        """Point each box with a message at it (aria-describedby) and mark it invalid."""
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                help_id = f"help-{name} " if self.fields[name].help_text else ""
                attrs["aria-describedby"] = f"{help_id}error-{name}"
                attrs["aria-invalid"] = "true"

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.editing is not None:
            return self.editing
        if not code:
            raise forms.ValidationError(_("Give the indicator a code, e.g. job_starts."))
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the indicator a name."))
        return name

    def mapping(self, components: list[dict]) -> dict:
        """The indicator as the definition file writes it (``initiative dump``)."""
        d = self.cleaned_data
        kind = d["kind"]
        out = {
            "code": d["code"],
            "kind": kind,
            "formula": d["formula"].strip() if kind == "formula" else "",
            "composite": (
                {
                    "normalisation": d["composite_normalisation"],
                    "aggregation": d["composite_aggregation"],
                    "cap": d["composite_cap"],
                    "missing": d["composite_missing"],
                    "components": components,
                }
                if kind == "composite"
                else None
            ),
            "name": d["name"],
            "definition": d["definition"].strip(),
            "rationale": d["rationale"].strip(),
            "unit": d["unit"].strip(),
            "value_type": d["value_type"],
            "polarity": d["polarity"],
            "aggregation": d["aggregation"],
            "time_aggregation": d["time_aggregation"],
            "weight_indicator": d["weight_indicator"] or None,
            "dimensions": list(d["dimensions"]) if kind == "reported" else [],
            "goal": d["goal"] or "",
            "data_source": d["data_source"].strip(),
            "min": d["min"],
            "max": d["max"],
            "decimals": d["decimals"],
            "deduplication": d["deduplication"],
            "published": d["published"],
            "survey_fed": d["survey_fed"],
            "breakdown_check": d["breakdown_check"],
            "outliers": {
                "check": d["outliers_check"],
                "multiplier": d["outliers_multiplier"],
                "min_history": d["outliers_min_history"],
                "min_spread": d["outliers_min_spread"],
            },
            "retired": d["retired"],
            "translations": self._translations(),
        }
        return out

    def place_problems(self, problems: list[str], index: int, code: str) -> list[str]:
        """Put each of the definition file's problems about this indicator beside its field;
        the ones no field owns are returned for the top of the page."""
        rest = []
        prefix = f"indicators.{index}."
        for problem in problems:
            where, message = place_and_message(problem)
            field = None
            if where.startswith(prefix):
                name = where[len(prefix) :]
                root = name.split(".")[0]
                field = PROBLEM_FIELDS.get(name) or PROBLEM_FIELDS.get(root, root)
            elif where in (f"indicators.{index} ({code})", f"indicators.{index}"):
                field = next((f for word, f in PROBLEM_WORDS if word in message), None)
            elif where == "indicators" and code in message:
                field = "formula"
            if field and field in self.fields:
                self.add_error(field, message)
            else:
                rest.append(problem)
        self.described()
        return rest


def initial_from(mapping: dict) -> dict:
    """The form's boxes filled from an indicator's mapping (``initiative dump``)."""
    composite = mapping.get("composite") or {}
    outliers = mapping.get("outliers") or {}
    translated = {
        f"translation_{code}_{part}": text
        for code, texts in (mapping.get("translations") or {}).items()
        for part, text in texts.items()
    }
    return {
        **translated,
        **{k: v for k, v in mapping.items() if k not in ("composite", "outliers", "translations")},
        "weight_indicator": mapping.get("weight_indicator") or "",
        "composite_normalisation": composite.get("normalisation", "min_max"),
        "composite_aggregation": composite.get("aggregation", "arithmetic"),
        "composite_cap": composite.get("cap", False),
        "composite_missing": composite.get("missing", "no_value"),
        "outliers_check": outliers.get("check", "all"),
        "outliers_multiplier": outliers.get("multiplier", 3.0),
        "outliers_min_history": outliers.get("min_history", 6),
        "outliers_min_spread": outliers.get("min_spread"),
    }


NEW_INDICATOR = {
    "kind": "reported",
    "value_type": "count",
    "polarity": "higher",
    "aggregation": "sum",
    "time_aggregation": "sum",
    "deduplication": "sum",
    "decimals": 0,
    "breakdown_check": "error",
    "outliers": {"check": "all", "multiplier": 3.0, "min_history": 6, "min_spread": None},
}


class ComponentForm(forms.Form):
    """One component of a composite indicator."""

    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    weight = forms.FloatField(
        label=_("Weight"),
        required=False,
        min_value=0,
        help_text=_("Its share of the composite; weights are scaled to add up to 1."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, required=False)
    normalisation = forms.ChoiceField(
        label=_("Normalisation"),
        choices=[("", _("(the composite's)"))] + NORMALISATIONS,
        required=False,
    )
    target = forms.FloatField(label=_("Target"), required=False)
    lower = forms.FloatField(label=_("Lower goalpost"), required=False)
    upper = forms.FloatField(label=_("Upper goalpost"), required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("(none)"))] + list(indicators)

    def mapping(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("indicator"):
            return None
        out = {
            "indicator": d["indicator"],
            "weight": 1.0 if d.get("weight") is None else d["weight"],
            "direction": d.get("direction") or "positive",
        }
        for key in ("normalisation", "target", "lower", "upper"):
            if d.get(key) not in (None, ""):
                out[key] = d[key]
        return out


ComponentFormSet = forms.formset_factory(ComponentForm, extra=2)


def component_formset(data, *, initiative, code: str | None, components=()):
    """The components' boxes: those the composite has, and two empty rows to add more."""
    choices = [
        (i.code, i.name)
        for i in initiative.indicators.exclude(code=code or "").order_by("sort_order")
    ]
    initial = [
        {
            "indicator": c.get("indicator"),
            "weight": c.get("weight", 1.0),
            "direction": c.get("direction", "positive"),
            "normalisation": c.get("normalisation", ""),
            "target": c.get("target"),
            "lower": c.get("lower"),
            "upper": c.get("upper"),
        }
        for c in components
    ]
    return ComponentFormSet(
        data,
        initial=None if data is not None else initial,
        prefix="components",
        form_kwargs={"indicators": choices},
    )


class FormulaCheckForm(forms.Form):
    """What the formula box posts as it is typed."""

    formula = forms.CharField(required=False, max_length=10_000)


class SaveButtonsForm(PageForm):
    """Which button sent the indicator's form: ``preview`` (the preview without JavaScript:
    nothing is saved) or the save, with ``confirm``, the fingerprint of the changes the page
    listed (None when it listed none). Every value is valid."""

    preview = RawField(absent=None)
    confirm = RawField(absent=None)

    def clean_preview(self) -> bool:
        return self.cleaned_data["preview"] is not None


class ActionForm(forms.Form):
    """A button on the list: the indicator's version as the page showed it."""

    version = forms.CharField()


class MoveForm(ActionForm):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class RetireForm(ActionForm):
    retired = forms.BooleanField(required=False)
