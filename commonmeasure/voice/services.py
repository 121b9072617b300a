"""Taking responses and turning them into indicator values (docs/reference/surveys.md).

The response write path is kept small (SQLite has a single writer): check the form's stamp,
insert one row in a shared transaction (groupcommit), where the limits per device, address,
link and text are checked against the stored responses, and work the indicator values out at
most every ``CM_SURVEY_RECOMPUTE_SECONDS`` per link; a response inside that interval schedules
one more working out at its end, so the figure is never left behind (and `commonmeasure surveys
recompute` does it on demand).
The defences are explained in docs/explanation/survey-abuse.md.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from commonmeasure.domain import feedback
from commonmeasure.initiatives.access import Access
from commonmeasure.reporting import services as reporting
from commonmeasure.reporting.models import DataValue, Submission, ValueChange

from . import groupcommit, limits
from .models import Ballot, BallotResponse, Link, Question, Response, Survey

SURVEY_CHANNEL = "survey"  # the audit trail's channel of values worked out from survey answers
DUPLICATE_TEXT_WINDOW = 600  # seconds
DUPLICATE_TEXT_LIMIT = 2  # identical free texts on one link in the window; the next is refused
# English as stored and exported; the survey form shows them translated ({% translate label %}).
LIKERT_LABELS = [
    gettext_noop("Very dissatisfied"),
    gettext_noop("Dissatisfied"),
    gettext_noop("Neither"),
    gettext_noop("Satisfied"),
    gettext_noop("Very satisfied"),
]


def recompute_seconds() -> float:
    """Settings first (tests), then the environment variable CM_SURVEY_RECOMPUTE_SECONDS."""
    value = getattr(settings, "CM_SURVEY_RECOMPUTE_SECONDS", None)
    if value is None:
        value = os.environ.get("CM_SURVEY_RECOMPUTE_SECONDS") or 5
    return float(value)


class ResponseRefused(Exception):
    """A response that is not taken; the message says why. ``status`` is the HTTP status."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        field_errors: dict | None = None,
        stale_form: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.field_errors = field_errors or {}
        self.stale_form = stale_form  # the form is served again with a fresh stamp


STAMP_FIELD = "stamp"  # the form's signed issued-at stamp (limits.form_stamp)
LINK_FULL = gettext_lazy(
    "Too many responses have arrived through this link in the last minute. "
    "Please wait a minute and send yours again; nothing you entered was kept."
)
BALLOT_FULL = gettext_lazy(
    "Too many responses have arrived through this vote's link in the last minute. "
    "Please wait a minute and send yours again; nothing you entered was kept."
)
ADDRESS_FULL = gettext_lazy(
    "Many responses have come from your network through this link in the last hour, so this "
    "one was not kept. Please try again later; if many people share this connection, ask the "
    "organisation for another way to answer."
)


def check_stamp(stamp: str) -> None:
    """The form's signed stamp: not stale, and not sent too soon after it was served."""
    try:
        limits.check_stamp(stamp)
    except limits.StampProblem as problem:
        raise ResponseRefused(str(problem), 400, stale_form=problem.stale) from None


def device_hash(cookie: str, scope: str, period: str) -> str:
    """One-way: the random cookie cannot be read back from it, nor linked across surveys."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|{scope}|{period}|{cookie}".encode()).hexdigest()


def current_period(initiative, today=None) -> str:
    return initiative.current_period(today).code


# --- a question in the form's language, and taking the answers (cleaned by forms.py) ------------


def localised(question: Question, lang: str | None) -> tuple[str, list[str]]:
    tr = (question.translations or {}).get(lang or "", {})
    labels = tr.get("choices") or question.choices
    if len(labels) != len(question.choices):
        labels = question.choices
    return tr.get("text") or question.text, list(labels)


def text_digest(texts: list[str]) -> str:
    norm = "\n".join(" ".join(t.lower().split()) for t in texts if t.strip())
    return hashlib.sha256(norm.encode()).hexdigest() if norm else ""


def take_response(
    link: Link,
    survey: Survey,
    answers: dict,
    texts: list[str],
    stamp: str,
    cookie: str,
    now=None,
    address: str = "",
) -> Response:
    """Store one response, or raise ResponseRefused saying why and storing nothing.
    ``answers``, ``texts``, ``stamp``: the survey's form, cleaned (forms.ResponseForm).
    ``address``: the client's address, only hashed (limits.address_hash), never stored."""
    now = now or timezone.now()
    if not link.is_active or not survey.accepting(now):
        raise ResponseRefused(_("This survey is closed and no longer takes responses."), status=410)
    check_stamp(stamp)
    period = current_period(survey.initiative, timezone.localdate(now))
    digest = text_digest(texts)
    response = Response(
        survey=survey,
        link=link,
        period=period,
        answers=answers,
        device=device_hash(cookie, f"survey:{survey.id}", period),
        text_digest=digest,
        address=limits.address_hash(address, f"link:{link.id}|{period}", timezone.localdate(now)),
        created_at=now,
    )
    since = now - timezone.timedelta(seconds=DUPLICATE_TEXT_WINDOW)
    outcome = groupcommit.store(
        response,
        since,
        DUPLICATE_TEXT_LIMIT,
        address_limit=limits.per_address_per_hour(),
        link_limit=survey.rate_limit_per_minute,
    )
    if outcome == groupcommit.SAME_ADDRESS:
        raise ResponseRefused(ADDRESS_FULL, status=429)
    if outcome == groupcommit.LINK_FULL:
        raise ResponseRefused(LINK_FULL, status=429)
    if outcome == groupcommit.SAME_DEVICE:
        raise ResponseRefused(
            _(
                "A response from this device has already been received for this survey in this "
                "period (%(period)s). Thank you: each device can answer once per period."
            )
            % {"period": period},
            status=409,
        )
    if outcome == groupcommit.SAME_TEXT:
        raise ResponseRefused(
            _(
                "The same comment has just been sent several times through this link, so this "
                "copy was not kept. If this is your own comment, thank you: it has been received."
            ),
            status=409,
        )
    since = None if link.computed_at is None else (now - link.computed_at).total_seconds()
    if since is None or since >= recompute_seconds():
        link.computed_at = now
        Link.objects.filter(pk=link.pk).update(computed_at=now)
        recompute(link, period)
    else:  # worked out a moment ago: once more when the interval is over, with no manual step
        schedule(link.id, period, recompute_seconds() - since)
    return response


# --- working the values out again after the interval, in this process -------------------------

_pending_lock = threading.Lock()
_pending: dict[tuple[int, str], threading.Timer] = {}


def schedule(link_id: int, period: str, delay: float) -> bool:
    """Work the link's values for ``period`` out once more in ``delay`` seconds, on a thread of
    this process; at most one is waiting per link and period. False if one already was."""
    key = (link_id, period)
    with _pending_lock:
        if key in _pending:
            return False
        timer = threading.Timer(max(0.0, delay), _deferred, args=key)
        timer.daemon = True
        _pending[key] = timer
    timer.start()
    return True


def pending() -> list[tuple[int, str]]:
    with _pending_lock:
        return sorted(_pending)


def cancel_pending() -> None:
    with _pending_lock:
        for timer in _pending.values():
            timer.cancel()
        _pending.clear()


def _deferred(link_id: int, period: str) -> None:
    from django.db import connection

    with _pending_lock:  # a response from now on schedules the next one
        _pending.pop((link_id, period), None)
    try:
        link = (
            Link.objects.select_related("survey__initiative", "organisation")
            .filter(pk=link_id)
            .first()
        )
        if link is not None:
            Link.objects.filter(pk=link_id).update(computed_at=timezone.now())
            recompute(link, period)
    finally:
        connection.close()


def take_ballot(
    ballot: Ballot, ranking: list[str], stamp: str, cookie: str, now=None, address: str = ""
) -> BallotResponse:
    """Store one vote, or raise ResponseRefused saying why and storing nothing.
    ``ranking``, ``stamp``: the vote's form, cleaned (forms.BallotResponseForm)."""
    now = now or timezone.now()
    if not ballot.accepting(now):
        raise ResponseRefused(_("This vote is closed and no longer takes responses."), status=410)
    check_stamp(stamp)
    # The address first: a burst from one address must not use up the ballot's own limit.
    scope = f"ballot:{ballot.id}"
    if not limits.hit(
        "address:" + limits.address_hash(address, scope), limits.per_address_per_hour(), 3600
    ):
        raise ResponseRefused(ADDRESS_FULL, status=429)
    if not limits.hit(scope, ballot.rate_limit_per_minute, 60):
        raise ResponseRefused(BALLOT_FULL, status=429)
    try:
        with transaction.atomic():
            return BallotResponse.objects.create(
                ballot=ballot,
                ranking=ranking,
                device=device_hash(cookie, f"ballot:{ballot.id}", ""),
                created_at=now,
            )
    except IntegrityError:
        raise ResponseRefused(
            _("A response from this device has already been received for this vote. Thank you."),
            409,
        ) from None


def ballot_results(ballot: Ballot) -> tuple[int, list[dict]]:
    rankings = list(ballot.responses.order_by("id").values_list("ranking", flat=True))
    labels = {c["code"]: c["label"] for c in ballot.candidates}
    results = feedback.borda([c["code"] for c in ballot.candidates], rankings)
    return len(rankings), [
        {
            "code": r.code,
            "label": labels[r.code],
            "borda": r.borda,
            "first_choices": r.first_choices,
            "top_share": r.top_share,
            "rank": r.rank,
        }
        for r in results
    ]


# --- figures and indicator values ---------------------------------------------------------------


@dataclass
class Figure:
    question: Question
    responses: int
    value: float | None  # None when suppressed or no answers
    suppressed: bool
    distribution: dict = field(default_factory=dict)


def figures(link: Link, period: str) -> list[Figure]:
    questions = list(link.survey.questions.all())
    answers = list(
        Response.objects.filter(link=link, period=period)
        .order_by("id")
        .values_list("answers", flat=True)
    )
    return [figure(q, answers, link.survey.threshold) for q in questions]


def figure(q: Question, answers: list[dict], threshold: int) -> Figure:
    key = str(q.id)
    given = [a[key] for a in answers if key in a]
    dist: dict = {}
    for g in given:
        for v in g if isinstance(g, list) else [g]:
            if q.kind != Question.TEXT:
                dist[v] = dist.get(v, 0) + 1
    value = None
    measure = q.measure or {Question.NPS: "nps", Question.LIKERT: "satisfied"}.get(q.kind)
    if measure and q.kind in (Question.NPS, Question.LIKERT) and given:
        value = feedback.measure(measure, given)
    suppressed = len(given) < threshold
    return Figure(q, len(given), None if suppressed else value, suppressed, dist)


@dataclass
class RecomputeResult:
    written: int = 0
    cleared: int = 0
    messages: list[str] = field(default_factory=list)


def recompute(link: Link, period: str) -> RecomputeResult:
    """Write each mapped question's figure, rounded to its indicator's decimals, to the
    organisation's report for ``period`` through the ordinary save path (channel ``survey``).

    A value someone reported (any other channel wrote it last) is never overwritten or
    removed: it is left as it is and the message says so. Below the threshold the survey's own
    earlier figure, if any, is removed."""
    survey = link.survey
    result = RecomputeResult()
    mapped = [
        f
        for f in figures(link, period)
        if f.question.indicator_id and f.question.kind in (Question.NPS, Question.LIKERT)
    ]
    if not mapped:
        return result
    initiative = survey.initiative
    system = Access(initiative, is_backbone=True)
    exists = Submission.objects.filter(
        initiative=initiative, organisation=link.organisation, period=period
    ).first()
    if exists is None and all(f.value is None for f in mapped):
        return result
    sub = exists or reporting.get_or_create_submission(system, link.organisation, period)
    if not sub.is_editable:
        result.messages.append(
            _(
                "%(organisation)s %(period)s: the report is %(status)s, so survey values were "
                "not changed."
            )
            % {"organisation": link.organisation.name, "period": period, "status": sub.status}
        )
        return result
    writers = last_writers(sub, [f.question.indicator_id for f in mapped])
    cells = []
    for f in mapped:
        ind = f.question.indicator
        figure = None if f.value is None else round(f.value, ind.decimals)
        stored, channel = writers.get(ind.id, (None, None))
        if stored is not None and channel != SURVEY_CHANNEL:
            result.messages.append(
                _(
                    "%(organisation)s %(period)s %(indicator)s: %(stored)s was reported by a "
                    "person (%(channel)s), so the survey's figure (%(figure)s) was not written; "
                    "clear the reported value to let the survey write it."
                )
                % {
                    "organisation": link.organisation.name,
                    "period": period,
                    "indicator": ind.code,
                    "stored": reporting_number(stored),
                    "channel": channel or _("unrecorded"),
                    "figure": _("suppressed") if figure is None else reporting_number(figure),
                }
            )
            continue
        if figure is None and stored is None:
            continue
        cells.append(reporting.CellInput(ind, {}, "" if figure is None else repr(figure)))
    if not cells:
        return result
    try:
        saved = reporting.save_values(
            system, sub, cells, expected_version=sub.version, user=None, channel=SURVEY_CHANNEL
        )
    except reporting.WorkflowError as exc:
        result.messages.append(f"{link.organisation.name} {period}: {exc}")
        return result
    for name, message in saved.errors.items():
        result.messages.append(f"{link.organisation.name} {period} {name}: {message}")
    result.written, result.cleared = saved.saved, saved.deleted
    return result


def reporting_number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def last_writers(sub: Submission, indicator_ids: list[int]) -> dict[int, tuple[float, str]]:
    """{indicator id: (stored total, channel that wrote it last)} for the report's totals: the
    channel of the value's latest change since it was created, else of its creation."""
    rows = {
        iid: (value, channel, created)
        for iid, value, channel, created in DataValue.objects.filter(
            submission=sub, indicator_id__in=indicator_ids, disaggregation__key=""
        ).values_list("indicator_id", "value", "created_channel", "created_at")
    }
    out = {iid: (value, channel) for iid, (value, channel, _created) in rows.items()}
    if rows:
        for iid, channel, changed in (
            ValueChange.objects.filter(
                submission=sub,
                indicator_id__in=list(rows),
                disaggregation__key="",
                old_value__isnull=False,  # a change, not a deleted value's creation
                new_value__isnull=False,  # nor its deletion
            )
            .order_by("id")
            .values_list("indicator_id", "channel", "changed_at")
        ):
            created = rows[iid][2]
            if created is None or changed >= created:
                out[iid] = (rows[iid][0], channel)
    return out


def recompute_all(survey_ids=None) -> RecomputeResult:
    total = RecomputeResult()
    pairs = Response.objects.order_by().values_list("link_id", "period").distinct()
    if survey_ids:
        pairs = pairs.filter(survey_id__in=survey_ids)
    links = {}
    for link_id, period in sorted(set(pairs)):
        link = links.get(link_id) or Link.objects.select_related(
            "survey__initiative", "organisation"
        ).get(pk=link_id)
        links[link_id] = link
        r = recompute(link, period)
        total.written += r.written
        total.cleared += r.cleared
        total.messages += r.messages
    Link.objects.filter(pk__in=list(links)).update(computed_at=timezone.now())
    return total
