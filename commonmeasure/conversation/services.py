"""Writes of the conversation app: post a comment, record an activity event, notify users.

``record_event`` is for every app: call it when something happens in an initiative that its
members should see in the activity feed (docs/reference/comments-and-notifications.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commonmeasure.initiatives.access import Access, access_for
from commonmeasure.initiatives.models import Category, Indicator, Membership
from commonmeasure.reporting.models import Submission, disaggregation_key

from . import mentions
from .emails import send_immediate
from .models import (
    COMMENT_MAX,
    Comment,
    EmailPreference,
    Event,
    Notification,
    Thread,
    preference_of,
)
from .visibility import can_see_thread

EXCERPT = 140


class CommentError(Exception):
    """A comment that cannot be posted; the message says why, and nothing was written."""


@dataclass
class Posted:
    comment: Comment
    notified: list[str] = field(default_factory=list)  # usernames mentioned and notified
    notes: list[str] = field(default_factory=list)  # gentle words about mentions not made


# -- record_event --------------------------------------------------------------------------------


def record_event(
    initiative,
    kind: str,
    actor,
    text: str,
    target_url: str,
    organisation=None,
    *,
    private: bool | None = None,
) -> Event:
    """Add a line to the initiative's activity feed.

    With an ``organisation`` the event is private by default: only those who may see that
    organisation's unapproved data (its members and the backbone) see it; pass ``private=False``
    for news about an organisation that every member may see (an approved report, a new member).
    Without an organisation every member of the initiative sees it. ``target_url`` must be a
    path on this site ("/i/alpha/..."); anything else is dropped and the event has no link.
    """
    if private is None:
        private = organisation is not None
    if private and organisation is None:
        raise ValueError("a private event needs the organisation whose members may see it")
    return Event.objects.create(
        initiative=initiative,
        kind=kind[:32],
        actor=actor if getattr(actor, "pk", None) else None,
        text=text[:500],
        target_url=local_path(target_url),
        organisation=organisation,
        is_private=private,
    )


def record_events(events: list[Event]) -> list[Event]:
    """Add many lines to activity feeds in one statement (unsaved Events, built as
    ``record_event`` builds one; the same rules hold)."""
    for e in events:
        if e.is_private and e.organisation_id is None:
            raise ValueError("a private event needs the organisation whose members may see it")
        e.kind, e.text, e.target_url = e.kind[:32], e.text[:500], local_path(e.target_url)
    return Event.objects.bulk_create(events, batch_size=500)


# -- notifications -------------------------------------------------------------------------------


def notify(users, initiative, kind: str, text: str, target_url: str) -> list[Notification]:
    """One in-app notification for each user (each once); those who want e-mail at once get it
    when the transaction commits."""
    created, immediate = [], []
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        n = Notification.objects.create(
            user=user,
            initiative=initiative,
            kind=kind,
            text=text[:500],
            target_url=local_path(target_url),
        )
        created.append(n)
        if user.email and preference_of(user) == "immediate":
            immediate.append(n.pk)
    if immediate:
        transaction.on_commit(lambda: send_immediate(immediate))
    return created


def notify_many(wanted: list[tuple[list, object, str, str, str]]) -> list[Notification]:
    """``notify`` for many messages at once, in one statement: (users, initiative, kind, text,
    target_url) each; a user gets each message once."""
    rows = []
    for users, initiative, kind, text, target_url in wanted:
        seen = set()
        for user in users:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            rows.append(
                Notification(
                    user=user,
                    initiative=initiative,
                    kind=kind,
                    text=text[:500],
                    target_url=local_path(target_url),
                )
            )
    with_email = {n.user_id for n in rows if n.user.email}  # without a row: a daily digest
    immediate_users = set(
        EmailPreference.objects.filter(
            user_id__in=with_email, email=EmailPreference.IMMEDIATE
        ).values_list("user_id", flat=True)
    )
    created = Notification.objects.bulk_create(rows, batch_size=500)
    immediate = [n.pk for n in created if n.user_id in immediate_users]
    if immediate:
        transaction.on_commit(lambda: send_immediate(immediate))
    return created


def local_path(url: str) -> str:
    """``url`` if it is a path on this site ("/i/alpha/"), else "": events and notifications
    only ever link within the site, so no stored address can be javascript: or elsewhere."""
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//") and "\\" not in url and len(url) <= 500:
        return url
    return ""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# -- threads -------------------------------------------------------------------------------------


def value_key(indicator: Indicator, raw_key: str) -> str:
    """The canonical key of a cell of ``indicator``, or CommentError if the indicator has no
    such cell. ``raw_key``: "gender=female;age_band=16-24" in any order, "" for the total."""
    pairs: dict[str, str] = {}
    for part in filter(None, (raw_key or "").split(";")):
        dim, sep, cat = part.partition("=")
        if not sep or not dim or not cat or dim in pairs:
            raise CommentError(_("No such cell: %(key)s.") % {"key": repr(raw_key)})
        pairs[dim] = cat
    allowed = {d.code: d for d in indicator.dimensions.all()}
    for dim, cat in pairs.items():
        if dim not in allowed or not allowed[dim].categories.filter(code=cat).exists():
            raise CommentError(
                _("%(indicator)s has no cell %(key)s.")
                % {"indicator": indicator.name, "key": repr(raw_key)}
            )
    return disaggregation_key(pairs)[0]


def find_thread(**spec) -> Thread | None:
    return Thread.objects.filter(**spec).first()


def report_spec(submission: Submission, indicator: Indicator | None = None, key: str = "") -> dict:
    if indicator is None:
        return {"kind": Thread.SUBMISSION, "submission": submission}
    return {"kind": Thread.VALUE, "submission": submission, "indicator": indicator, "key": key}


def _get_or_create(initiative, spec: dict) -> Thread:
    thread = find_thread(**spec)
    if thread is not None:
        return thread
    extra = {}
    if "submission" in spec:
        extra["organisation_id"] = spec["submission"].organisation_id
    try:
        with transaction.atomic():
            return Thread.objects.create(initiative=initiative, **spec, **extra)
    except IntegrityError:  # created by someone else at the same moment
        return Thread.objects.get(**spec)


def thread_label(thread: Thread) -> str:
    if thread.kind == Thread.INDICATOR:
        return _("the indicator %(indicator)s") % {"indicator": thread.indicator.name}
    if thread.kind == Thread.CONTRACT:
        return _("the contract %(contract)s") % {"contract": thread.contract}
    sub = thread.submission
    report = report_label(sub.organisation.name, sub.period)
    if thread.kind == Thread.SUBMISSION:
        return report
    return _("%(indicator)s (%(cell)s) in %(report)s") % {
        "indicator": thread.indicator.name,
        "cell": cell_label(thread.initiative, thread.key),
        "report": report,
    }


def report_label(organisation: str, period: str) -> str:
    """ "Organisation A's report for 2024-01", in the words of the active language."""
    return _("%(organisation)s's report for %(period)s") % {
        "organisation": organisation,
        "period": period,
    }


def cell_label(initiative, key: str) -> str:
    """ "Female, 16 to 24" for "age_band=16-24;gender=female"; "Total" for ""."""
    if not key:
        return _("Total")
    names = []
    for part in key.split(";"):
        dim, _sep, cat = part.partition("=")
        category = (
            Category.objects.filter(dimension__initiative=initiative, dimension__code=dim, code=cat)
            .only("name", "translations")
            .first()
        )
        names.append(category.name if category else cat)  # in the viewer's language
    return ", ".join(names)


def thread_url(thread: Thread) -> str:
    code = thread.initiative.code
    if thread.kind == Thread.INDICATOR:
        return reverse("conversation:indicator", args=[code, thread.indicator.code])
    if thread.kind == Thread.CONTRACT:
        return reverse("conversation:contract", args=[thread.contract_id])
    sub = thread.submission
    url = reverse("conversation:report", args=[code, sub.organisation.code, sub.period])
    if thread.kind == Thread.VALUE:
        from urllib.parse import urlencode

        url += "?" + urlencode({"indicator": thread.indicator.code, "key": thread.key})
    return url


def mention_href(initiative, username: str) -> str:
    return reverse("conversation:feed", args=[initiative.code]) + f"?by={username}"


# -- post a comment ------------------------------------------------------------------------------


def check_text(text: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise CommentError(_("Write something before posting the comment."))
    if len(text) > COMMENT_MAX:
        raise CommentError(
            _(
                "A comment may be at most %(max)s characters long; this one has %(n)s. Shorten "
                "it, or split it into several comments."
            )
            % {"max": f"{COMMENT_MAX:,}", "n": f"{len(text):,}"}
        )
    return text


def post_comment(access: Access, user, spec: dict, text: str) -> Posted:
    """Add a comment to the thread that ``spec`` names (created with its first comment).

    ``spec`` is ``report_spec(...)``, ``{"kind": "indicator", "indicator": ...}`` or
    ``{"kind": "contract", "contract": ...}``; the thread must belong to ``access.initiative``.
    """
    text = check_text(text)
    initiative = access.initiative
    if spec.get("submission") is not None:  # its status decides who may see the thread
        spec["submission"].refresh_from_db(fields=["status"])
    probe = Thread(initiative=initiative, **spec)
    if not can_see_thread(access, probe, spec.get("submission")):
        raise CommentError(_("You may not comment here."))
    members = _members(initiative)
    with transaction.atomic():
        thread = _get_or_create(initiative, spec)
        earlier = _participants(thread)
        comment = Comment.objects.create(
            initiative=initiative, thread=thread, author=user, text=text
        )
        posted = Posted(comment)
        mentioned_users = []
        for name in mentions.mentioned_usernames(text):
            target = members.get(name)
            if target is None:
                posted.notes.append(
                    _("@%(name)s is not a member of %(initiative)s, so nobody was notified.")
                    % {"name": name, "initiative": initiative.name}
                )
            elif target.pk == user.pk:
                continue
            elif not can_see_thread(access_for(target, initiative), thread):
                posted.notes.append(
                    _("@%(name)s cannot see this conversation, so they were not notified.")
                    % {"name": name}
                )
            else:
                mentioned_users.append(target)
        comment.mentioned.set([u for u in members.values() if u.username in _names(text)])
        label, url = thread_label(thread), thread_url(thread)
        who = user.get_username()
        quote = excerpt(text)
        notify(
            mentioned_users,
            initiative,
            Notification.MENTION,
            _("%(who)s mentioned you on %(label)s: “%(quote)s”")
            % {"who": who, "label": label, "quote": quote},
            url,
        )
        posted.notified = [u.username for u in mentioned_users]
        taken = {u.pk for u in mentioned_users} | {user.pk}
        others = [
            u
            for u in earlier
            if u.pk not in taken and can_see_thread(access_for(u, initiative), thread)
        ]
        commented = _("%(who)s commented on %(label)s: “%(quote)s”") % {
            "who": who,
            "label": label,
            "quote": quote,
        }
        notify(others, initiative, Notification.COMMENT, commented, url)
        private_org = (
            thread.organisation if thread.kind in (Thread.VALUE, Thread.SUBMISSION) else None
        )
        record_event(initiative, "comment", user, commented, url, private_org)
    return posted


def _names(text: str) -> set[str]:
    return set(mentions.mentioned_usernames(text))


def _members(initiative) -> dict:
    """Active users with any role in the initiative, by username."""
    User = get_user_model()
    ids = Membership.objects.filter(initiative=initiative).values("user_id")
    return {u.username: u for u in User.objects.filter(pk__in=ids, is_active=True)}


def _participants(thread: Thread) -> list:
    """Everyone who has written in the thread or been mentioned in it so far."""
    User = get_user_model()
    authors = Comment.objects.filter(thread=thread).values("author_id")
    mentioned = Comment.mentioned.through.objects.filter(comment__thread=thread).values("user_id")
    return list(User.objects.filter(Q(pk__in=authors) | Q(pk__in=mentioned)).order_by("id"))


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one of the person's unread notifications read, or (no id) all of them; how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def set_email_preference(user, choice: str) -> None:
    EmailPreference.objects.update_or_create(user=user, defaults={"email": choice})
