"""Translatable text for the layers that may not import Django (domain, interchange, charts).

Their messages are written ``gettext("Row %(row)s: ...") % {...}`` with the functions below, so
that ``makemessages`` finds them (it looks for calls named ``gettext``, ``ngettext``,
``gettext_noop``, ``pgettext`` whatever module they come from), and they are translated into the
viewer's language at run time because the initiatives app installs Django's own functions here
when it starts (``InitiativesConfig.ready``). Before that, and in a plain Python process, the
text stays in English.

``gettext_noop`` marks a module-level constant for translation without translating it: call
``gettext`` on it where it is shown.

Numbers people read go through ``number`` (or ``localise_number`` for a figure already written
the English way, "1,234.5"): in English they stay as they are; in a language that writes them
otherwise (Spanish and French: "1 234,5") the separators are that language's, as Django's
formats give them (installed at start-up too). Files that programs read (CSV, JSON) are never
written with it: they keep "1234.5" in every language (docs/how-to/add-a-language.md).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "gettext",
    "gettext_noop",
    "install",
    "install_number_format",
    "localise_number",
    "ngettext",
    "number",
    "pgettext",
]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, number: int) -> str:
    return singular if number == 1 else plural


def _english_context(context: str, message: str) -> str:
    return message


def _english_separators() -> tuple[str, str]:
    return ".", ","


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_pgettext: Callable[[str, str], str] = _english_context
_separators: Callable[[], tuple[str, str]] = _english_separators


def install(
    gettext_function: Callable[[str], str],
    ngettext_function: Callable[[str, str, int], str],
    pgettext_function: Callable[[str, str], str],
) -> None:
    """Route the pure layers' messages through a translation framework (Django's, at start-up)."""
    global _gettext, _ngettext, _pgettext
    _gettext, _ngettext, _pgettext = gettext_function, ngettext_function, pgettext_function


def installed() -> tuple[Callable, Callable, Callable]:
    """The functions installed now, to put them back after a while in another language."""
    return _gettext, _ngettext, _pgettext


def gettext(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _ngettext(singular, plural, number)


def pgettext(context: str, message: str) -> str:
    return _pgettext(context, message)


def gettext_noop(message: str) -> str:
    return message


def install_number_format(separators: Callable[[], tuple[str, str]]) -> None:
    """Route numbers through the viewer's language: ``separators()`` gives the active language's
    decimal mark and thousands separator (Django's DECIMAL_SEPARATOR and THOUSAND_SEPARATOR)."""
    global _separators
    _separators = separators


def localise_number(text: str) -> str:
    """A number written the English way ("-1,234.5", "12%") with the viewer's separators
    ("-1 234,5" in French). English text comes back unchanged."""
    decimal, thousands = _separators()
    if decimal == "." and thousands == ",":
        return text
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def number(value: float, decimals: int = 0) -> str:
    """``value`` with its thousands grouped and ``decimals`` places, as the viewer writes it."""
    return localise_number(f"{value:,.{decimals}f}")
