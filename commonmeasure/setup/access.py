"""Who may change an initiative's set-up: its backbone admins (docs/reference/permissions.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from commonmeasure.initiatives.access import Access, get_initiative
from commonmeasure.initiatives.models import Initiative


def setup_access(user, code: str) -> tuple[Initiative, Access]:
    """The initiative and its access for a set-up page: 404 when the user may not see the
    initiative, 403 when they see it but are not its backbone."""
    initiative, access = get_initiative(user, code)
    if not access.is_backbone:
        raise PermissionDenied(_("Only the initiative's backbone can change its set-up."))
    return initiative, access
