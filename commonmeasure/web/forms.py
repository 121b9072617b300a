"""The web app's own forms: the data-entry grid and dismissing a data-quality flag (what every
page form shares is in ``commonmeasure/forms.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy

from commonmeasure.forms import PageForm, RawField
from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting.importing import check_value
from commonmeasure.reporting.services import CellInput, cell_name


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
