"""Explanations obey the disclosure rules (docs/reference/explain.md, disclosure.md): a peer and
an anonymous visitor never see an anonymised organisation's name or a small number through the
explanation page, the API or the command line; B itself and the backbone see them."""

from __future__ import annotations

import json

import pytest

from commonmeasure.disclosure import viewer_for
from commonmeasure.initiatives.access import access_for
from tests.html import publish

from .conftest import B_FEBRUARY, SMALL, numbers_in

# (indicator, by, key) for every kind of explanation; B's key is filled in per viewer.
ASKED = [
    ("enrolled", "period", "2024-01"),
    ("enrolled", "period", "2024-02"),
    ("enrolled", "period", "2024-Q1"),
    ("enrolled", "gender", "female"),
    ("enrolled", "organisation", "B"),
    ("job_starts", "period", "2024-01"),
    ("start_pct", "period", "2024-01"),
    ("start_pct", "organisation", "B"),
]
PEERS = ("alice", "outsider", "anonymous")


def _b_key(cast, viewer: str) -> str:
    user = None if viewer == "anonymous" else getattr(cast, viewer)
    seen = viewer_for(cast.alpha, access_for(user, cast.alpha))
    return "org-b" if seen.named("org-b") else seen.label("org-b")


def _params(cast, viewer, indicator, by, key) -> dict:
    if key == "B":
        key = _b_key(cast, viewer)
    params = {"indicator": indicator, "by": by, "key": key}
    if key == "2024-Q1":
        params["period_type"] = "quarter"
    return params


def _surfaces(cast, client_for, cli, viewer):
    """(what, text, is JSON) of every explanation the viewer asks for, on every surface."""
    client = client_for(viewer)
    who = ("--public",) if viewer == "anonymous" else ("--as", viewer)
    for indicator, by, key in ASKED:
        params = _params(cast, viewer, indicator, by, key)
        page = client.get("/i/alpha/explain/", params)
        assert page.status_code == 200, (viewer, params, page.status_code)
        yield f"page {params}", page.content.decode(), False
        api = client.get("/api/v1/initiatives/alpha/explain", params)
        assert api.status_code == 200, (viewer, params, api.content)
        yield f"API {params}", api.content.decode(), True
        args = ["--indicator", indicator, "--by", by, "--key", params["key"], "--explain"]
        if "period_type" in params:
            args += ["--period-type", params["period_type"]]
        for fmt in ((), ("--json",)):
            code, out, err = cli("query", "--initiative", "alpha", *args, *who, *fmt)
            assert code == 0, (viewer, args, err)
            yield f"CLI {args} {fmt}", out, True


def _published(cast):
    publish(cast.alpha)
    for indicator in cast.alpha.indicators.all():
        publish(indicator)


@pytest.mark.parametrize("viewer", PEERS)
def test_a_peer_and_the_public_never_see_an_anonymised_name_or_a_small_number(
    figures, client_for, cli, viewer
):
    _published(figures)
    read = 0
    for what, text, machine in _surfaces(figures, client_for, cli, viewer):
        read += 1
        assert SMALL not in numbers_in(text), (viewer, what)
        if machine:  # nothing but figures: B's name and code never appear at all
            assert "Organisation B" not in text and "org-b" not in text, (viewer, what)
        else:
            assert not (B_FEBRUARY in numbers_in(text) and "Organisation B" in text), (viewer, what)
    assert read == len(ASKED) * 4


def test_a_peer_cannot_ask_for_an_anonymised_organisation_by_its_code(figures, client_for, cli):
    client = client_for("alice")
    params = {"indicator": "enrolled", "by": "organisation", "key": "org-b"}
    api = client.get("/api/v1/initiatives/alpha/explain", params)
    assert api.status_code == 400 and "no organisation 'org-b'" in api.json()["detail"]
    assert SMALL not in numbers_in(api.content.decode())
    page = client.get("/i/alpha/explain/", params)
    assert page.status_code == 400 and SMALL not in numbers_in(page.content.decode())
    code, _out, err = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "organisation",
        "--key", "org-b", "--explain", "--as", "alice",
    )  # fmt: skip
    assert code != 0 and "no organisation 'org-b'" in err


def test_an_unpublished_initiative_explains_nothing_to_the_public(figures, client_for, cli):
    params = {"indicator": "enrolled", "by": "period", "key": "2024-01"}
    assert (
        client_for("anonymous").get("/api/v1/initiatives/alpha/explain", params).status_code == 404
    )
    assert client_for("anonymous").get("/i/alpha/explain/", params).status_code == 404
    code, _out, err = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "period",
        "--key", "2024-01", "--explain", "--public",
    )  # fmt: skip
    assert code != 0 and "cannot see initiative" in err


@pytest.mark.parametrize("viewer", ("bob", "backbone"))
def test_the_organisation_and_the_backbone_see_the_small_number_by_name(
    figures, client_for, viewer
):
    params = {"indicator": "enrolled", "by": "period", "key": "2024-01"}
    found = client_for(viewer).get("/api/v1/initiatives/alpha/explain", params).json()
    parts = {p["label"]: p["value"] for p in found["parts"]}
    assert parts["Organisation B"] == SMALL
    assert found["figure"] == 2000 + SMALL
    page = client_for(viewer).get("/i/alpha/explain/", params).content.decode()
    assert "Organisation B" in page and SMALL in numbers_in(page)


def test_the_explanation_json_is_the_same_on_the_api_and_the_command_line(figures, client_for, cli):
    params = {"indicator": "enrolled", "by": "gender", "key": "female"}
    api = client_for("alice").get("/api/v1/initiatives/alpha/explain", params).json()
    code, out, _err = cli(
        "query", "--initiative", "alpha", "--indicator", "enrolled", "--by", "gender",
        "--key", "female", "--explain", "--as", "alice", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out) == api
