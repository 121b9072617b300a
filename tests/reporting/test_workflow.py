"""One approval path (reporting/workflow.py): a bulk approval by `import values --approve` moves
reports as the grid and the API do, recording the same steps, events and notifications, with a
fixed number of statements however many reports it approves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonmeasure.conversation.models import Event, Notification
from commonmeasure.initiatives.access import access_for
from commonmeasure.measures.selectors import query
from commonmeasure.reporting import services, signals
from commonmeasure.reporting.models import StatusChange, Submission

from .helpers import HEADER

THREE = f"{HEADER}\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\norg-a,enrolled,2024-02,7\n"


def steps_of(org_code: str, period: str) -> list[tuple[str, str, str, str | None]]:
    return list(
        StatusChange.objects.filter(
            submission__organisation__code=org_code, submission__period=period
        ).values_list("old_status", "new_status", "channel", "changed_by__username")
    )


def test_import_approve_passes_each_draft_through_submitted_and_records_both_steps(
    cast, cli, tmp_path
):
    path = tmp_path / "v.csv"
    path.write_text(THREE)
    code, out, _ = cli(
        "import", "values", path, "--initiative", "alpha", "--approve", "--user", "backbone"
    )
    assert code == 0 and "3 report(s) approved" in out
    for org, period in [("org-a", "2024-01"), ("org-b", "2024-01"), ("org-a", "2024-02")]:
        assert steps_of(org, period) == [
            ("draft", "submitted", "cli", "backbone"),
            ("submitted", "approved", "cli", "backbone"),
        ]
        sub = Submission.objects.get(organisation__code=org, period=period)
        assert sub.submitted_by == cast.backbone and sub.submitted_at is not None
        assert sub.reviewed_by == cast.backbone and sub.status == Submission.APPROVED


def test_import_approve_writes_the_feed_and_notifies_as_the_grid_does(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(THREE)
    cli("import", "values", path, "--initiative", "alpha", "--approve", "--user", "backbone")
    events = list(
        Event.objects.exclude(kind="member")
        .order_by("id")
        .values_list("kind", "is_private", "text")
    )
    assert sorted(events) == sorted(
        [
            ("submitted", True, f"backbone submitted Organisation {o}'s report for {p}")
            for o, p in [("A", "2024-01"), ("B", "2024-01"), ("A", "2024-02")]
        ]
        + [
            ("approved", False, f"backbone approved Organisation {o}'s report for {p}")
            for o, p in [("A", "2024-01"), ("B", "2024-01"), ("A", "2024-02")]
        ]
    )
    approved = Notification.objects.filter(kind="approved")
    assert sorted(approved.values_list("user__username", "text")) == [
        ("alice", "backbone approved Organisation A's report for 2024-01"),
        ("alice", "backbone approved Organisation A's report for 2024-02"),
        ("bob", "backbone approved Organisation B's report for 2024-01"),
    ]
    # The backbone did the submitting itself: nobody is told of their own action.
    assert not Notification.objects.filter(user=cast.backbone).exists()


def test_import_approve_sends_the_workflow_signal_with_every_step(cast, import_csv):
    seen = []

    def receiver(sender, initiative, steps, user, **kwargs):
        seen.extend((s.submission.period, s.old_status, s.new_status) for s in steps)

    signals.status_changed.connect(receiver, dispatch_uid="test-workflow")
    try:
        text = f"{HEADER}\norg-a,enrolled,2024-01,10\n"
        assert import_csv(cast.alpha, text, approve=True, user=cast.backbone).ok
    finally:
        signals.status_changed.disconnect(dispatch_uid="test-workflow")
    assert seen == [("2024-01", "draft", "submitted"), ("2024-01", "submitted", "approved")]


def test_import_approve_of_a_submitted_report_records_only_the_approval(cast, import_csv):
    text = f"{HEADER}\norg-a,enrolled,2024-01,10\n"
    assert import_csv(cast.alpha, text, user=cast.alice).ok
    sub = Submission.objects.get()
    services.submit(access_for(cast.alice, cast.alpha), sub, cast.alice)
    result = import_csv(cast.alpha, text, approve=True, user=cast.backbone)  # unchanged values
    assert result.ok and result.approved == 1
    assert steps_of("org-a", "2024-01") == [
        ("draft", "submitted", "web", "alice"),
        ("submitted", "approved", "file", "backbone"),
    ]
    assert Submission.objects.get().submitted_by == cast.alice  # the reporter's submission stands


def test_import_approve_updates_the_rollups_in_the_same_transaction(cast, import_csv):
    text = f"{HEADER}\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\n"
    assert import_csv(cast.alpha, text, approve=True, user=cast.backbone).ok
    enrolled = cast.alpha.indicators.get(code="enrolled")
    assert [(r["key"], r["value"]) for r in query(cast.alpha, enrolled, "period")] == [
        ("2024-01", 15)
    ]


def test_a_failure_while_recording_leaves_the_reports_as_they_were(cast, import_csv):
    def broken(sender, **kwargs):
        raise RuntimeError("feed unavailable")

    signals.status_changed.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            import_csv(cast.alpha, THREE, approve=True, user=cast.backbone)
    finally:
        signals.status_changed.disconnect(dispatch_uid="test-broken")
    assert not Submission.objects.exists() and not StatusChange.objects.exists()


def _drafts(cast, n: int) -> list[int]:
    from commonmeasure.reporting.models import DataValue

    enrolled = cast.alpha.indicators.get(code="enrolled")
    total = cast.alpha.disaggregations.get_or_create(key="", defaults={"dims": ""})[0]
    ids = []
    for i in range(n):
        org = cast.org_a if i % 2 else cast.org_b
        year, month = 2020 + i // 24, i // 2 % 12 + 1
        sub = Submission.objects.create(
            initiative=cast.alpha,
            organisation=org,
            period=f"{year}-{month:02d}",
            period_start=f"{year}-{month:02d}-01",
        )
        DataValue.objects.create(
            initiative=cast.alpha,
            submission=sub,
            indicator=enrolled,
            disaggregation=total,
            value=i,
            updated_at=sub.created_at,
        )
        ids.append(sub.id)
    return ids


WORKFLOW_TABLES = (
    "reporting_submission",
    "reporting_statuschange",
    "conversation_event",
    "conversation_notification",
    "initiatives_membership",
)


def _tables(sql: str) -> str:
    """The workflow's tables a statement reads or writes (the rollups' own are theirs)."""
    return ",".join(t for t in WORKFLOW_TABLES if f'"{t}"' in sql and "rollups_" not in sql)


def test_a_bulk_approval_takes_the_same_statements_for_4_or_40_reports(cast):
    from commonmeasure.reporting import workflow

    counts = []
    workflow.approve_many(cast.alpha, _drafts(cast, 1), cast.backbone, channel="cli")  # warm up
    Submission.objects.all().delete()
    for n in (4, 40):
        ids = _drafts(cast, n)
        with CaptureQueriesContext(connection) as ctx:
            assert workflow.approve_many(cast.alpha, ids, cast.backbone, channel="cli") == n
        counts.append(sorted(_tables(q["sql"]) for q in ctx.captured_queries if _tables(q["sql"])))
        assert StatusChange.objects.filter(submission_id__in=ids).count() == 2 * n
        assert Event.objects.filter(kind="approved").count() >= n
        Submission.objects.all().delete()
    assert counts[0] == counts[1]
    writes = [t for t in counts[1] if "statuschange" in t or "event" in t or "notification" in t]
    assert len(writes) <= 6, writes  # one INSERT per table and step (submitted, approved)
