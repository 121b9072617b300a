"""What every page form shares: Django Forms own the fields a page POSTs and their validation;
the templates show each field's message beside it (``errors.<field>``) and keep what was typed
(``posted.<field>``), so a form's markup stays the page's own.
"""

from __future__ import annotations

from django import forms


class PageForm(forms.Form):
    """A Django Form whose errors a template reads as ``errors.<field>``: one message a field,
    the first, in the words the form's own ``clean_*`` methods chose."""

    @property
    def messages(self) -> dict[str, str]:
        return {name: str(problems[0]) for name, problems in self.errors.items()}


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
    """A whole number from ``low`` to ``high``, written as digits only; ``default`` when the
    field is not posted at all (an empty box is an error, not the default)."""

    def __init__(self, low: int, high: int, default: int, **kwargs):
        self.low, self.high = low, high
        kwargs.setdefault("required", False)
        super().__init__(widget=_DefaultingInput(str(default)), **kwargs)

    def clean(self, value):
        raw = (value or "").strip()
        if not raw.isdigit() or not self.low <= int(raw) <= self.high:
            raise forms.ValidationError(f"Enter a whole number from {self.low} to {self.high}.")
        return int(raw)
