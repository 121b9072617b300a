"""Who may see and do what. One place answers it for the web UI, the API and the CLI.

Rules (docs/reference/permissions.md):
- A backbone admin of an initiative sees and does everything in it.
- Reporters, reviewers and viewers belong to one organisation in one initiative. They see
  their own organisation's data at every status, and every organisation's approved data.
- Reporters edit their own organisation's draft or returned data and submit it.
- Reviewers may submit their organisation's data (a sign-off) but not edit it.
- Anyone else, signed in or not, sees nothing of an initiative unless it is published; then
  they see its approved data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Initiative, Membership


@dataclass
class Access:
    initiative: Initiative
    is_backbone: bool = False
    org_roles: dict[int, set[str]] = field(default_factory=dict)
    is_public: bool = False  # sees the initiative only because it is published

    @property
    def is_member(self) -> bool:
        return self.is_backbone or bool(self.org_roles)

    @property
    def can_view(self) -> bool:
        return self.is_member or self.initiative.is_published

    def can_view_unapproved(self, organisation_id: int) -> bool:
        return self.is_backbone or organisation_id in self.org_roles

    def can_edit(self, organisation_id: int) -> bool:
        return self.is_backbone or Membership.REPORTER in self.org_roles.get(organisation_id, ())

    def can_submit(self, organisation_id: int) -> bool:
        roles = self.org_roles.get(organisation_id, ())
        return self.is_backbone or Membership.REPORTER in roles or Membership.REVIEWER in roles

    @property
    def can_review(self) -> bool:
        """Approve, return and reopen submissions."""
        return self.is_backbone

    @property
    def own_organisations(self) -> list[int]:
        return sorted(self.org_roles)


def access_for(user, initiative: Initiative) -> Access:
    access = Access(initiative)
    if user is not None and user.is_authenticated:
        for org_id, role in Membership.objects.filter(user=user, initiative=initiative).values_list(
            "organisation_id", "role"
        ):
            if role == Membership.BACKBONE_ADMIN:
                access.is_backbone = True
            elif org_id is not None:
                access.org_roles.setdefault(org_id, set()).add(role)
    access.is_public = not access.is_member and initiative.is_published
    return access


def get_initiative(user, code: str) -> tuple[Initiative, Access]:
    """The initiative and the user's access to it; 404 (not 403) when it is not visible, so
    that its existence is not revealed."""
    try:
        initiative = Initiative.objects.get(code=code)
    except Initiative.DoesNotExist:
        raise Http404(_("No such initiative")) from None
    access = access_for(user, initiative)
    if not access.can_view:
        raise Http404(_("No such initiative"))
    return initiative, access


def public_indicators(initiative: Initiative):
    """The indicators with a public, embeddable page: those ticked as published, of a published
    initiative (none while the initiative is unpublished). The public page and the snippets
    offered for it both ask this, so a snippet is offered only for a page that opens."""
    if not initiative.is_published:
        return initiative.indicators.none()
    return initiative.indicators.filter(is_published=True).order_by("sort_order", "code")


def visible_initiatives(user):
    qs = Initiative.objects.filter(is_published=True)
    if user is not None and user.is_authenticated:
        member_of = Membership.objects.filter(user=user).values("initiative_id")
        qs = Initiative.objects.filter(id__in=member_of) | qs
    return qs.distinct().order_by("name")
