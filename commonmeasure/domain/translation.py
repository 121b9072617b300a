"""Translatable text for the layers that may not import Django (domain, interchange, charts).

Their messages are written ``gettext("Row %(row)s: ...") % {...}`` with the functions below, so
that ``makemessages`` finds them (it looks for calls named ``gettext``, ``ngettext``,
``gettext_noop``, ``pgettext`` whatever module they come from), and they are translated into the
viewer's language at run time because the initiatives app installs Django's own functions here
when it starts (``InitiativesConfig.ready``). Before that, and in a plain Python process, the
text stays in English.

``gettext_noop`` marks a module-level constant for translation without translating it: call
``gettext`` on it where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["gettext", "gettext_noop", "install", "ngettext", "pgettext"]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, number: int) -> str:
    return singular if number == 1 else plural


def _english_context(context: str, message: str) -> str:
    return message


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_pgettext: Callable[[str, str], str] = _english_context


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
