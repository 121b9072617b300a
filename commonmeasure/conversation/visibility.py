"""Who may see (and so join) a comment thread or an activity event. The answers come from the
one permission module, ``initiatives.access``; this only says which of its questions applies.

- A value or report thread follows the report: while the report is not approved, only those who
  may see the organisation's unapproved data (its own members and the backbone); once it is
  approved, every member of the initiative.
- An indicator thread: every member of the initiative.
- A contract thread: every member of the contract's initiative.
- Comments are never shown outside the initiative's members, even when the thing itself is
  published: the public sees published figures, not the conversation about them.
- A private event: those who may see its organisation's unapproved data; any other event:
  every member.
"""

from __future__ import annotations

from commonmeasure.initiatives.access import Access, access_for
from commonmeasure.reporting.models import Submission

from .models import Event, Thread


def can_see_thread(access: Access, thread: Thread, submission: Submission | None = None) -> bool:
    if not access.is_member:
        return False
    if thread.kind in (Thread.VALUE, Thread.SUBMISSION):
        return can_see_report_comments(access, submission or thread.submission)
    return True


def can_see_report_comments(access: Access, submission: Submission) -> bool:
    if not access.is_member:
        return False
    if access.can_view_unapproved(submission.organisation_id):
        return True
    return submission.status == Submission.APPROVED


def user_can_see_thread(user, thread: Thread) -> bool:
    return can_see_thread(access_for(user, thread.initiative), thread)


def can_see_event(access: Access, event: Event) -> bool:
    if not access.is_member:
        return False
    if event.is_private:
        return event.organisation_id is not None and access.can_view_unapproved(
            event.organisation_id
        )
    return True


def visible_events(access: Access, queryset):
    """``queryset`` of one initiative's events narrowed to those ``access`` may see."""
    if not access.is_member:
        return queryset.none()
    if access.is_backbone:
        return queryset
    from django.db.models import Q

    return queryset.filter(Q(is_private=False) | Q(organisation_id__in=access.own_organisations))
