"""Looking things up by the codes people type on the command line."""

from __future__ import annotations

from commonmeasure.console import CommandError
from commonmeasure.initiatives.models import Initiative


def initiative_or_error(code: str) -> Initiative:
    """The initiative with this code, or a CommandError listing the known codes."""
    try:
        return Initiative.objects.get(code=code)
    except Initiative.DoesNotExist:
        known = ", ".join(Initiative.objects.values_list("code", flat=True)) or "none loaded"
        raise CommandError(f"no initiative with code {code!r} (known: {known})") from None
