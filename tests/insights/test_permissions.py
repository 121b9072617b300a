"""Who may open the dashboards, benchmarking pages, explorer and public pages, and their
downloads, with the standard cast."""

from __future__ import annotations

import pytest

from .conftest import publish

MEMBER_PAGES = (
    "/i/alpha/dashboard/",
    "/i/alpha/benchmarks/enrolled/",
    "/i/alpha/explore/",
    "/i/alpha/explore/?rows=organisation&cols=period",
)
DOWNLOADS = ("?format=csv", "?format=xlsx", "?format=svg", "?format=png")
ORG_A_DASHBOARD = "/i/alpha/orgs/org-a/dashboard/"
PUBLIC = "/public/alpha/enrolled/"


def _with(url: str, query: str) -> str:
    return url + ("&" + query[1:] if "?" in url else query)


@pytest.mark.parametrize("url", MEMBER_PAGES)
@pytest.mark.parametrize("name", ("alice", "bob", "backbone"))
def test_members_of_the_initiative_open_its_insight_pages(data, client_for, name, url):
    assert client_for(name).get(url).status_code == 200


@pytest.mark.parametrize("url", [*MEMBER_PAGES, ORG_A_DASHBOARD])
@pytest.mark.parametrize("name", ("outsider", "carol", "anonymous"))
def test_people_outside_the_initiative_get_not_found_on_every_page_and_download(
    data, client_for, name, url
):
    client = client_for(name)
    assert client.get(url).status_code == 404
    for query in DOWNLOADS:
        assert client.get(_with(url, query)).status_code == 404, query


@pytest.mark.parametrize("name", ("outsider", "carol", "anonymous"))
def test_member_pages_stay_hidden_when_the_initiative_is_published(data, client_for, name):
    publish(data.alpha)
    for url in [*MEMBER_PAGES, ORG_A_DASHBOARD]:
        assert client_for(name).get(url).status_code == 404, url


def test_reporter_of_another_organisation_cannot_open_its_dashboard_or_downloads(data, client_for):
    bob = client_for("bob")
    assert bob.get(ORG_A_DASHBOARD).status_code == 404
    for query in DOWNLOADS:
        assert bob.get(ORG_A_DASHBOARD + query).status_code == 404, query
    assert bob.get("/i/alpha/orgs/org-b/dashboard/").status_code == 200


@pytest.mark.parametrize("name", ("alice", "backbone"))
def test_own_members_and_the_backbone_open_an_organisation_dashboard(data, client_for, name):
    assert client_for(name).get(ORG_A_DASHBOARD).status_code == 200


def test_a_dashboard_for_an_organisation_of_another_initiative_is_not_found(data, client_for):
    assert client_for("backbone").get("/i/alpha/orgs/org-c/dashboard/").status_code == 404


def test_unknown_indicator_on_the_benchmarking_page_is_not_found(data, client_for):
    assert client_for("alice").get("/i/alpha/benchmarks/nope/").status_code == 404


@pytest.mark.parametrize("name", ("anonymous", "outsider", "alice", "backbone"))
def test_public_page_of_an_unpublished_indicator_is_not_found(data, client_for, name):
    publish(data.alpha)  # the initiative is published, the indicator is not
    client = client_for(name)
    assert client.get(PUBLIC).status_code == 404
    assert client.get(PUBLIC + "?format=csv").status_code == 404


def test_public_page_of_a_published_indicator_in_an_unpublished_initiative_is_not_found(
    data, client_for
):
    publish(data.alpha.indicators.get(code="enrolled"))
    assert client_for("anonymous").get(PUBLIC).status_code == 404


def test_public_page_opens_without_login_and_may_be_framed(data, client_for):
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    response = client_for("anonymous").get(PUBLIC)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert client_for("anonymous").get(PUBLIC + "?format=csv").status_code == 200


def test_member_pages_may_not_be_framed_by_other_sites(data, client_for):
    response = client_for("alice").get("/i/alpha/dashboard/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", [*MEMBER_PAGES, ORG_A_DASHBOARD])
def test_pages_tell_browsers_not_to_keep_stale_figures(data, client_for, url):
    cache_control = client_for("backbone").get(url)["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control


@pytest.mark.parametrize(
    "url",
    [
        *MEMBER_PAGES,
        ORG_A_DASHBOARD,
        "/i/alpha/orgs/org-a/dashboard/?period=2024-03",
        "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation",
        "/i/alpha/benchmarks/enrolled/?period=2024-03",
    ],
)
@pytest.mark.parametrize("name", ("alice", "bob", "backbone"))
def test_drafts_never_appear_on_insight_pages(data, client_for, name, url):
    if name == "bob" and "org-a" in url:
        return
    html = client_for(name).get(url).content.decode()
    assert "777777" not in html and "777,777" not in html
    csv = client_for(name).get(_with(url, "?format=csv")).content.decode("utf-8-sig")
    assert "777777" not in csv


def test_an_approval_shows_on_the_next_load_of_the_dashboard(data, client_for, import_csv):
    client = client_for("alice")
    assert "2024-04" not in client.get("/i/alpha/explore/").content.decode()
    text = "organisation,indicator,period,value\norg-a,enrolled,2024-04,40\norg-b,enrolled,2024-04,40\n"
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    html = client.get("/i/alpha/explore/").content.decode()
    assert "2024-04" in html and ">80<" in html


def _many_organisations(initiative, n: int = 14) -> None:
    from commonmeasure.initiatives.models import Organisation, Participation

    for i in range(n):
        org = Organisation.objects.create(code=f"extra-{i:02d}", name=f"Extra {i:02d}")
        Participation.objects.create(initiative=initiative, organisation=org)


def test_with_many_organisations_the_backbone_picks_a_dashboard_from_a_list(data, client_for):
    _many_organisations(data.alpha)
    backbone = client_for("backbone")
    html = backbone.get("/i/alpha/dashboard/").content.decode()
    assert '<select id="pick-organisation" name="organisation">' in html
    assert '<option value="extra-13">Extra 13</option>' in html
    assert "/i/alpha/orgs/extra-13/dashboard/" not in html  # no button per organisation
    answer = backbone.get("/i/alpha/dashboard/?organisation=extra-13")
    assert answer.status_code == 302
    assert answer["Location"] == "/i/alpha/orgs/extra-13/dashboard/"
    assert backbone.get("/i/alpha/dashboard/?organisation=nobody").status_code == 404


def test_a_member_cannot_pick_another_organisations_dashboard(data, client_for):
    _many_organisations(data.alpha)
    alice = client_for("alice")  # org A's reporter: one dashboard, shown as a button
    html = alice.get("/i/alpha/dashboard/").content.decode()
    assert "pick-organisation" not in html and "/i/alpha/orgs/org-a/dashboard/" in html
    assert alice.get("/i/alpha/dashboard/?organisation=org-b").status_code == 404
    assert alice.get("/i/alpha/dashboard/?organisation=org-a").status_code == 302
