"""What every page form shares: Django Forms own the fields a page POSTs and their validation.

The templates show each field's message beside it (``errors.<field>``) and keep what was typed
(``posted.<field>``), so a form's markup stays the page's own. Every app's forms build on these;
the module knows no model, so any app may use it.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _


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
