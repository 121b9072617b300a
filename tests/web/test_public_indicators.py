"""Publishing an initiative shows only the indicators ticked as published
(initiatives/access.py ``visible_indicators``): on every surface a non-member can open, an
indicator that is not ticked never appears, neither its name, nor its code, nor its figures."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.models import Indicator

from .conftest import publish

HIDDEN_NAME, HIDDEN_CODE = "Satisfied participants", "satisfaction"


@pytest.fixture
def published(data):
    """alpha published with only "enrolled" ticked, and a ticked formula indicator made of
    "enrolled" and the unticked "satisfaction"."""
    publish(data.alpha)
    enrolled = data.alpha.indicators.get(code="enrolled")
    publish(enrolled)
    Indicator.objects.create(
        initiative=data.alpha,
        code="happy_per_enrolled",
        name="Happiness per enrolment",
        kind=Indicator.FORMULA,
        formula="satisfaction / enrolled",
        aggregation="mean",
        is_published=True,
        sort_order=99,
    )
    return data


def _public_pages(client) -> dict[str, tuple[int, str]]:
    urls = [
        "/",
        "/i/alpha/",
        "/i/alpha/indicators/enrolled/",
        "/i/alpha/indicators/enrolled/?by=organisation&period=2024-01",
        "/i/alpha/indicators/enrolled/?format=csv&table=numbers",
        "/i/alpha/indicators/happy_per_enrolled/",
        "/i/alpha/orgs/org-a/",
        "/i/alpha/orgs/org-b/",
        "/i/alpha/explain/?indicator=enrolled&by=period&key=2024-01",
        "/i/alpha/explain/?indicator=happy_per_enrolled&by=period&key=2024-01",
        "/public/alpha/enrolled/",
        "/public/alpha/enrolled/?format=csv",
        "/api/v1/initiatives/alpha",
        "/api/v1/initiatives/alpha/indicators",
        "/api/v1/initiatives/alpha/query?indicator=enrolled&by=period",
        "/api/v1/initiatives/alpha/explain?indicator=happy_per_enrolled&by=period&key=2024-01",
    ]
    out = {}
    for url in urls:
        response = client.get(url)
        out[url] = (response.status_code, response.content.decode())
    return out


@pytest.mark.parametrize("who", ["anonymous", "outsider", "carol"])
def test_an_unticked_indicator_of_a_published_initiative_appears_nowhere(
    published, client_for, who
):
    client = client_for(who)
    for url, (status, body) in _public_pages(client).items():
        assert status == 200, (url, status)
        assert HIDDEN_NAME not in body, url
        assert HIDDEN_CODE not in body, url
    # Asked for by its code, it is as if it did not exist.
    for url in (
        "/i/alpha/indicators/satisfaction/",
        "/i/alpha/indicators/satisfaction/?format=csv&table=numbers",
        "/i/alpha/explain/?indicator=satisfaction&by=period&key=2024-01",
        "/public/alpha/satisfaction/",
        "/public/alpha/satisfaction/?format=csv",
        "/api/v1/initiatives/alpha/indicators/satisfaction",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        "/api/v1/initiatives/alpha/query?indicator=satisfaction&by=period",
        "/api/v1/initiatives/alpha/explain?indicator=satisfaction&by=period&key=2024-01",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert HIDDEN_NAME not in response.content.decode()
    # The ticked ones are there.
    home = client.get("/i/alpha/").content.decode()
    assert "People enrolled" in home and "Happiness per enrolment" in home
    explained = client.get(
        "/i/alpha/explain/?indicator=happy_per_enrolled&by=period&key=2024-01"
    ).content.decode()
    assert "1 component is not published and is left out." in explained


def test_members_still_see_every_indicator(published, client_for):
    for who in ("alice", "backbone"):
        client = client_for(who)
        assert HIDDEN_NAME in client.get("/i/alpha/").content.decode()
        assert client.get("/i/alpha/indicators/satisfaction/").status_code == 200
        codes = [i["code"] for i in client.get("/api/v1/initiatives/alpha/indicators").json()]
        assert HIDDEN_CODE in codes
        explained = client.get(
            "/i/alpha/explain/?indicator=happy_per_enrolled&by=period&key=2024-01"
        ).content.decode()
        assert HIDDEN_NAME in explained


def test_the_command_line_shows_the_public_the_same(published, cli):
    code, _out, err = cli(
        "query", "--initiative", "alpha", "--indicator", "satisfaction", "--by", "period",
        "--public",
    )  # fmt: skip
    assert code != 0 and "known: enrolled, happy_per_enrolled" in err
    code, out, _err = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "period",
        "--public", "--json",
    )  # fmt: skip
    assert code == 0 and '"2024-01"' in out
    code, out, _err = cli(
        "query", "--initiative", "alpha", "--indicator", "satisfaction", "--by", "period",
        "--json",
    )  # fmt: skip
    assert code == 0  # the operator sees every indicator
