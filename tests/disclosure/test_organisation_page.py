"""The seen defect: an anonymised organisation's own page showed its named monthly figures,
small ones included, to every member, and to everyone once the initiative was published."""

from __future__ import annotations

import pytest

from tests.html import publish, table_rows

from .conftest import B_FEBRUARY, SMALL, numbers_in

URL_B = "/i/alpha/orgs/org-b/"


@pytest.mark.parametrize("name", ["alice", "anonymous", "outsider"])
def test_an_anonymised_organisations_page_shows_no_figures_to_others(figures, client_for, name):
    publish(figures.alpha)
    response = client_for(name).get(URL_B)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Organisation B" in html  # it is B's page
    assert SMALL not in numbers_in(html)
    assert B_FEBRUARY not in numbers_in(html)
    assert 'id="org-values"' not in html
    assert 'id="figures-anonymised"' in html


@pytest.mark.parametrize("name", ["bob", "backbone"])
def test_the_organisation_itself_and_the_backbone_see_all_its_figures(figures, client_for, name):
    html = client_for(name).get(URL_B).content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "org-values")}
    assert rows["People enrolled"] == ["4,321", "777"]


def test_a_named_organisations_page_suppresses_its_small_figures_for_others(figures, client_for):
    part = figures.alpha.participations.get(organisation=figures.org_b)
    part.named_in_benchmarks = True
    part.save()
    html = client_for("alice").get(URL_B).content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "org-values")}
    assert rows["People enrolled"] == ["4,321", "suppressed"]
    assert SMALL not in numbers_in(html)


def test_a_member_cannot_find_a_small_figure_by_taking_its_own_from_the_total(figures, client_for):
    """January: A 2,000 + B 777 = 2,777. Shown to A's reporter, the total would give away
    B's 777 (2,777 − 2,000); the public, who do not know A's figure, may see it."""
    url = "/i/alpha/indicators/enrolled/"
    alice = {
        r[0]: r[1] for r in table_rows(client_for("alice").get(url).content.decode(), "numbers")
    }
    assert alice == {"2024-02": "7,321", "2024-01": "suppressed"}
    publish(figures.alpha)
    publish(figures.alpha.indicators.get(code="enrolled"))  # only ticked indicators are public
    public = client_for("anonymous").get(url).content.decode()
    assert {r[0]: r[1] for r in table_rows(public, "numbers")}["2024-01"] == "2,777"
    api = client_for("alice").get(
        "/api/v1/initiatives/alpha/query", {"indicator": "enrolled", "by": "period"}
    )
    assert [r["suppressed"] for r in api.json()] == [True, False]
