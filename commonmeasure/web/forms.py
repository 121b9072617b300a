"""What every page form shares, and the web app's own forms (the data-entry grid, dismissing a
data-quality flag).

Django Forms own the fields a page POSTs and their validation; the templates show each field's
message beside it (``errors.<field>``) and keep what was typed (``posted.<field>``), so a form's
markup stays the page's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting.importing import check_value
from commonmeasure.reporting.services import CellInput, cell_name


class PageForm(forms.Form):
    """A Django Form whose errors a template reads as ``errors.<field>``: one message a field,
    the first, in the words the form's own ``clean_*`` methods chose."""

    @property
    def messages(self) -> dict[str, str]:
        return {name: str(problems[0]) for name, problems in self.errors.items()}


class RawField(forms.Field):
    """Text as posted, with no checks of its own (not even Django's refusal of NUL characters):
    for values a later rule reads as they are (a version, a key looked up, a signed stamp).
    ``absent``: the value when the field is not posted at all; ``strip``: drop the spaces
    around it."""

    def __init__(self, *, absent: str | None = "", strip: bool = False, **kwargs):
        self.absent, self.strip = absent, strip
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        if value is None:
            return self.absent
        return str(value).strip() if self.strip else str(value)


class _DefaultingInput(forms.TextInput):
    """A text box whose value, when the field is not posted at all, is the field's default."""

    def __init__(self, default: str, **kwargs):
        self.default = default
        super().__init__(**kwargs)

    def value_from_datadict(self, data, files, name):
        return data.get(name, self.default)

    def value_omitted_from_data(self, data, files, name):
        return False


class WholeNumberField(forms.Field):
    """A whole number from ``low`` to ``high``, written as digits only. ``default``: the value
    when the field is not posted at all (an empty box is still an error); ``blank_ok``: an empty
    box means None. ``label`` starts the message, for pages that list messages together."""

    def __init__(
        self,
        low: int,
        high: int,
        *,
        default: int | None = None,
        blank_ok: bool = False,
        label: str = "",
        **kwargs,
    ):
        self.low, self.high, self.blank_ok = low, high, blank_ok
        kwargs.setdefault("required", False)
        if default is not None:
            kwargs["widget"] = _DefaultingInput(str(default))
        super().__init__(label=label or None, **kwargs)

    def clean(self, value):
        raw = ("" if value is None else str(value)).strip()
        if raw == "" and self.blank_ok:
            return None
        if not raw.isdigit() or not self.low <= int(raw) <= self.high:
            span = {"low": self.low, "high": self.high, "label": self.label}
            if not self.label:
                raise forms.ValidationError(
                    _("Enter a whole number from %(low)s to %(high)s.") % span
                )
            if self.blank_ok:
                raise forms.ValidationError(
                    _(
                        "%(label)s: enter a whole number from %(low)s to %(high)s "
                        "(or leave it empty)."
                    )
                    % span
                )
            raise forms.ValidationError(
                _("%(label)s: enter a whole number from %(low)s to %(high)s.") % span
            )
        return int(raw)


class DismissFlagForm(forms.Form):
    """Explain an outlier flag and dismiss it: which value (as the page showed it) and why."""

    organisation = forms.CharField(max_length=64)
    period = forms.CharField(max_length=20)
    indicator = forms.CharField(max_length=64)
    key = forms.CharField(max_length=500, required=False)
    value = forms.FloatField()
    comment = forms.CharField(
        label=gettext_lazy("Why the value is right"),
        max_length=2000,
        strip=True,
        error_messages={"required": gettext_lazy("Say why the value is right.")},
    )

    @property
    def posted_period(self) -> str:
        """The period as posted, valid or not: the page to go back to."""
        return self.data.get("period", "")


# --- the data-entry grid (grid.py) ----------------------------------------------------------------

GRID_ACTIONS = ("save", "submit", "unlock", "approve", "return", "reopen")


class VersionField(forms.Field):
    """The version of the report the page was loaded at, as a whole number; anything else is 0,
    which no report has, so the save or the review is refused as made on a changed report."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0


class GridActionForm(PageForm):
    """The buttons under the grid: the action, the version the page was loaded at and the
    reviewer's comment (as typed: approving strips it, returning requires some text)."""

    action = forms.ChoiceField(
        choices=[(action, action) for action in GRID_ACTIONS],
        error_messages={
            "required": gettext_lazy("Unknown action."),
            "invalid_choice": gettext_lazy("Unknown action."),
        },
    )
    version = VersionField()
    comment = RawField()


class CellField(forms.Field):
    """One cell of the grid: the number typed, checked as the indicator's value by the rule
    every surface uses (``reporting.importing.check_value``). Cleaned: the text typed, without
    the spaces around it ("" blanks the cell), or None when the cell is not posted at all (it
    is left as it is)."""

    def __init__(self, indicator: Indicator):
        self.indicator = indicator
        self.number: float | None = None  # the value read, once cleaned
        super().__init__(required=False)

    def clean(self, value):
        if value is None:
            return None
        raw = str(value).strip()
        if raw:
            self.number, problem = check_value(raw, self.indicator)
            if problem:
                raise forms.ValidationError(problem)
        return raw


class GridCellsForm(PageForm):
    """The grid's cells as posted, a field for each cell (named ``v:IND:KEY``, see
    ``reporting.services.cell_name``), with the version the page was loaded at and the note for
    the backbone (None when not posted: the stored note is kept)."""

    version = VersionField()
    note = RawField(absent=None)

    def __init__(self, data, cells: Iterable[tuple[str, Indicator, dict[str, str], str]]):
        """``cells``: (name, indicator, categories, stored comment) of each cell the page may
        post; the stored comment is kept when the cell is saved."""
        super().__init__(data)
        self.cells: dict[str, tuple[dict[str, str], str]] = {}
        for name, indicator, categories, comment in cells:
            self.fields[name] = CellField(indicator)
            self.cells[name] = (categories, comment)

    @classmethod
    def for_rows(cls, data, rows) -> GridCellsForm:
        """The form of the grid's rows (``grid.build_rows``)."""
        return cls(
            data,
            (
                (cell.name, row.indicator, cell.categories, cell.comment)
                for row in rows
                for cell in row.cells()
            ),
        )

    @classmethod
    def for_totals(cls, data, indicators) -> GridCellsForm:
        """The form of the indicators' total cells alone (the rules are checked on them)."""
        return cls(data, ((cell_name(ind.code, {}), ind, {}, "") for ind in indicators))

    def posted(self) -> dict[str, str]:
        """{cell name: the text posted, without the spaces around it} for each cell posted,
        valid or not."""
        out = {}
        for name in self.cells:
            value = self[name].data
            if value is not None:
                out[name] = str(value).strip()
        return out

    def inputs(self) -> list[CellInput]:
        """The posted cells, as the save takes them."""
        out = []
        for name, raw in self.posted().items():
            categories, comment = self.cells[name]
            out.append(CellInput(self.fields[name].indicator, categories, raw, comment))
        return out

    def is_blank(self) -> bool:
        """Every posted cell is blank and the note is empty: nothing to save in a new report."""
        note = self.cleaned_data["note"] or ""
        return all(raw == "" for raw in self.posted().values()) and not note.strip()

    def numbers(self) -> dict[str, float]:
        """{cell name: value} of the cells posted with a valid number."""
        return {
            name: self.fields[name].number
            for name in self.cells
            if self.cleaned_data.get(name)  # posted, not blank, and valid
        }

    def posted_indicator_codes(self) -> set[str]:
        """The indicator codes that any posted cell name gives, offered by the grid or not."""
        return {key.split(":", 2)[1] for key in self.data if key.startswith("v:")}


class CheckedCellForm(forms.Form):
    """Which cell the inline check is about: htmx posts the whole grid, and the HX-Trigger-Name
    header (``trigger``) names the cell that changed; without it, the one cell posted. Cleaned:
    ``name`` ("" when there is no single cell to check) and ``indicator``, the code in it."""

    def __init__(self, data, *, trigger: str):
        super().__init__(data)
        self.trigger = trigger

    def clean(self):
        name = self.trigger
        if not name.startswith("v:") or name not in self.data:
            names = [k for k in self.data if k.startswith("v:")]
            name = names[0] if len(names) == 1 else ""
        return {"name": name, "indicator": name.split(":", 2)[1] if name else ""}
