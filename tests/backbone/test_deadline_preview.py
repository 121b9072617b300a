"""Setting a deadline shows, before saving, how many reports still open to their reporters it
will lock (reporting/services.py ``reports_a_deadline_locks``, beside ``past_deadline``, the
rule that then applies), and a save that locks some needs "Lock them" ticked."""

from __future__ import annotations

from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.services import locked_by_deadline, reports_a_deadline_locks

from .test_settings import form

# Drafts of org-a and org-b for 2024-01, long past at the tests' fixed date.
VALUES = """organisation,indicator,period,value
org-a,enrolled,2024-01,3
org-b,enrolled,2024-01,4
"""


def _drafts(cast, import_csv):
    assert import_csv(cast.alpha, VALUES).ok
    subs = Submission.objects.filter(initiative=cast.alpha)
    assert subs.count() == 2 and all(s.status == Submission.DRAFT for s in subs)
    return subs


def test_the_preview_counts_what_the_lock_then_locks(cast, client_for, import_csv):
    subs = _drafts(cast, import_csv)
    assert cast.alpha.deadline_days is None
    found = reports_a_deadline_locks(cast.alpha, 15)
    assert sorted(s.organisation.code for s in found) == ["org-a", "org-b"]
    page = client_for("backbone").get("/i/alpha/settings/deadline-preview/?deadline_days=15")
    body = page.content.decode()
    assert page.status_code == 200
    assert "This deadline locks 2 reports still open to their reporters" in body
    assert "Organisation A, 2024-01" in body
    # No deadline, or a bad one, locks nothing and says nothing.
    assert reports_a_deadline_locks(cast.alpha, None) == []
    bad = client_for("backbone").get("/i/alpha/settings/deadline-preview/?deadline_days=x")
    assert "deadline-locks" not in bad.content.decode()
    # The same reports are locked once it is saved, for their reporters.
    cast.alpha.deadline_days = 15
    cast.alpha.save()
    alice = access_for(cast.alice, cast.alpha)
    assert all(locked_by_deadline(alice, s, s.period) for s in subs if s.organisation == cast.org_a)
    # And a deadline already in force locks nothing more.
    assert reports_a_deadline_locks(cast.alpha, 10) == []


def test_a_report_unlocked_by_the_backbone_is_not_counted(cast, import_csv):
    subs = _drafts(cast, import_csv)
    sub = subs.get(organisation=cast.org_a)
    from django.utils import timezone

    sub.unlocked_at = timezone.now()
    sub.save()
    assert [s.organisation.code for s in reports_a_deadline_locks(cast.alpha, 15)] == ["org-b"]


def test_saving_a_deadline_that_locks_reports_asks_first(cast, client_for, import_csv):
    _drafts(cast, import_csv)
    client = client_for("backbone")
    refused = client.post("/i/alpha/settings/", form(cast.alpha, deadline_days="15"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "2 reports still open to their reporters are past this deadline" in body
    assert 'name="lock_confirmed"' in body
    cast.alpha.refresh_from_db()
    assert cast.alpha.deadline_days is None  # nothing saved
    saved = client.post(
        "/i/alpha/settings/", form(cast.alpha, deadline_days="15", lock_confirmed="1")
    )
    assert saved.status_code == 302
    cast.alpha.refresh_from_db()
    assert cast.alpha.deadline_days == 15


def test_only_the_backbone_may_preview(cast, client_for):
    assert client_for("alice").get("/i/alpha/settings/deadline-preview/").status_code in (403, 404)
