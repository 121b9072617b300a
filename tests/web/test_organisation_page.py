"""The organisation page: identifiers, reports by period with status, and values.
Members of the organisation and the backbone see every status; others see approved data only."""

from __future__ import annotations

import pytest

from .conftest import publish, table_rows

URL_B = "/i/alpha/orgs/org-b/"


@pytest.mark.parametrize("name", ["bob", "backbone"])
def test_own_members_and_backbone_see_drafts(data, client_for, name):
    html = client_for(name).get(URL_B).content.decode()
    assert "GB-CHC-1000002" in html
    periods = [row[0] for row in table_rows(html, "submissions")]
    assert periods == ["2024-02", "2024-01"]
    assert "987,654" in table_rows(html, "org-values")[0]


def test_reporter_cannot_see_other_organisations_drafts(data, client_for):
    part = data.alpha.participations.get(organisation=data.org_b)
    part.named_in_benchmarks = True  # else B's figures are not shown under its name at all
    part.save()
    html = client_for("alice").get(URL_B).content.decode()
    assert [row[0] for row in table_rows(html, "submissions")] == ["2024-01"]
    values = table_rows(html, "org-values")
    assert values[0] == ["People enrolled", "5"]
    assert "987,654" not in html
    assert "/report/" not in html  # no way into B's reports


@pytest.mark.parametrize("name", ["outsider", "carol", "anonymous"])
def test_outsider_gets_404_for_an_organisation_of_an_unpublished_initiative(data, client_for, name):
    assert client_for(name).get(URL_B).status_code == 404


@pytest.mark.parametrize("name", ["anonymous", "outsider"])
def test_public_sees_only_approved_values_of_a_published_initiative(data, client_for, name):
    publish(data.alpha)
    html = client_for(name).get(URL_B).content.decode()
    assert [row[0] for row in table_rows(html, "submissions")] == ["2024-01"]
    assert "987,654" not in html


def test_organisation_outside_the_initiative_is_404(cast, client_for):
    assert client_for("backbone").get("/i/alpha/orgs/org-c/").status_code == 404


def test_reporter_sees_a_link_to_report_for_their_own_organisation(data, client_for):
    html = client_for("alice").get("/i/alpha/orgs/org-a/").content.decode()
    assert "/i/alpha/orgs/org-a/report/2024-02/" in html
    assert 'id="report-current"' in html
