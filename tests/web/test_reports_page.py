"""The backbone's reports page: every organisation's status for one period."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import Submission

from .conftest import publish, table_rows

URL = "/i/alpha/reports/"


def test_backbone_sees_every_organisations_status_including_not_started(data, client_for):
    Submission.objects.filter(organisation=data.org_b, period="2024-02").update(
        status=Submission.SUBMITTED
    )
    html = client_for("backbone").get(URL, {"period": "2024-02"}).content.decode()
    rows = {row[0]: row[1] for row in table_rows(html, "reports")}
    assert rows == {"Organisation A": "Draft", "Organisation B": "Submitted"}
    assert "/i/alpha/orgs/org-b/report/2024-02/" in html
    html = client_for("backbone").get(URL, {"period": "2024-04"}).content.decode()
    assert {row[1] for row in table_rows(html, "reports")} == {"Not started"}


def test_reports_page_lists_submitted_reports_first(data, client_for):
    Submission.objects.filter(organisation=data.org_b, period="2024-02").update(
        status=Submission.SUBMITTED
    )
    html = client_for("backbone").get(URL, {"period": "2024-02"}).content.decode()
    assert [row[0] for row in table_rows(html, "reports")] == ["Organisation B", "Organisation A"]


def test_reports_page_defaults_to_the_latest_period_with_reports(data, client_for):
    html = client_for("backbone").get(URL).content.decode()
    assert "Reports for 2024-02" in html


def test_a_bad_period_gets_a_message(data, client_for):
    html = client_for("backbone").get(URL, {"period": "2024-99"}).content.decode()
    assert "is not a month" in html


@pytest.mark.parametrize("name", ["alice", "bob"])
def test_reporters_cannot_see_the_reports_page(data, client_for, name):
    assert client_for(name).get(URL).status_code == 403


@pytest.mark.parametrize("name", ["outsider", "carol", "anonymous"])
def test_outsider_gets_404_for_the_reports_page(data, client_for, name):
    assert client_for(name).get(URL).status_code == 404


def test_public_of_a_published_initiative_cannot_see_the_reports_page(data, client_for):
    publish(data.alpha)
    assert client_for("anonymous").get(URL).status_code == 403
