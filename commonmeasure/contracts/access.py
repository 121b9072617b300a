"""Who may see and change a managed outcomes contract (docs/reference/contract-pages.md).

A contract belongs to the initiative of its project, and the initiative's own access rules
(``initiatives.access``) decide:

- the initiative's backbone admins manage it: upload achievements, record payments made and
  investor cash flows, publish it;
- every member of the initiative (reporter, reviewer, viewer of any of its organisations) may
  see it, with every figure;
- anyone else, signed in or not, sees it only if the contract itself is published. Publishing
  the initiative does not publish its contracts: payments and investor returns are commercial
  figures that the parties choose to open.

Staff superusers manage every contract (a contract whose project has no initiative yet can only
be managed by them). A contract the user may not see answers 404, so its existence is not
revealed; a change the user may not make answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from commonmeasure.initiatives.access import access_for
from commonmeasure.initiatives.models import Membership

from .models import ManagedContract


@dataclass(frozen=True)
class ContractAccess:
    contract: ManagedContract
    is_member: bool = False
    can_manage: bool = False

    @property
    def can_view(self) -> bool:
        return self.can_manage or self.is_member or self.contract.is_published


def contract_access(user, contract: ManagedContract) -> ContractAccess:
    if user is not None and user.is_authenticated and user.is_superuser:
        return ContractAccess(contract, is_member=True, can_manage=True)
    initiative = contract.project.initiative
    if initiative is None:
        return ContractAccess(contract)
    access = access_for(user, initiative)
    return ContractAccess(contract, is_member=access.is_member, can_manage=access.is_backbone)


def get_contract(user, pk: int) -> tuple[ManagedContract, ContractAccess]:
    """The contract and the user's access to it; 404 when it does not exist or is not visible."""
    try:
        contract = ManagedContract.objects.select_related("project", "project__initiative").get(
            pk=pk
        )
    except (ManagedContract.DoesNotExist, ValueError):
        raise Http404("No such contract") from None
    access = contract_access(user, contract)
    if not access.can_view:
        raise Http404("No such contract")
    return contract, access


def visible_contracts(user):
    """Contracts the user may see: published ones, and those of initiatives they belong to."""
    qs = ManagedContract.objects.select_related("project", "project__initiative")
    if user is not None and user.is_authenticated and user.is_superuser:
        return qs
    published = qs.filter(is_published=True)
    if user is None or not user.is_authenticated:
        return published
    member_of = Membership.objects.filter(user=user).values("initiative_id")
    return (qs.filter(project__initiative_id__in=member_of) | published).distinct()
