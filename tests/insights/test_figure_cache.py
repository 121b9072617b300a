"""The figure cache of the initiative home and the dashboard (rollups/figure_cache.py,
docs/reference/figure-cache.md): what a page shows changes on the next request after any write
that changes its figures, on every server; viewers of different disclosure classes never share
an entry; only GET and HEAD are answered from it; the token is replaced inside the writer's
transaction.

Another server process is simulated by clearing this process's cache (the other process has
none of its entries) while keeping the token, or by keeping the cache (the other process still
holds entries made before the write) while the write replaces the token.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, RequestFactory

from commonmeasure.disclosure import disclosure_class
from commonmeasure.initiatives.access import Access, access_for
from commonmeasure.initiatives.models import Indicator, Target
from commonmeasure.insights import page_cache
from commonmeasure.reporting import services
from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.rollups import engine, figure_cache

from .conftest import table_rows

DASHBOARD = "/i/alpha/dashboard/"
HOME = "/i/alpha/"


@pytest.fixture(autouse=True)
def _empty_cache():
    caches[figure_cache.ALIAS].clear()
    yield
    caches[figure_cache.ALIAS].clear()


def _enrolled(client) -> list[str]:
    """The dashboard's headline row of People enrolled: period, value, target, ..."""
    rows = {
        row[0]: row[1:] for row in table_rows(client.get(DASHBOARD).content.decode(), "headlines")
    }
    return rows["People enrolled"]


def _without_cache(client, path, settings) -> str:
    settings.CM_FIGURE_CACHE = False
    try:
        return client.get(path).content.decode()
    finally:
        settings.CM_FIGURE_CACHE = True


def _strip_csrf(html: str) -> str:
    import re

    return re.sub(r'csrfmiddlewaretoken" value="[^"]+"|X-CSRFToken": "[^"]+"', "", html)


# -- the cache is used, and a change shows on the next request ------------------------------------


def test_the_dashboard_is_answered_from_the_cache_until_the_token_changes(data, client_for):
    alice = client_for("alice")
    assert _enrolled(alice)[:2] == ["2024-02", "30"]
    # A write that tells nobody (no signal, no new token): the page still shows what it kept...
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(name="Renamed")
    assert "People enrolled" in alice.get(DASHBOARD).content.decode()
    # ...until another process, with nothing kept, reads the same token and works it out anew.
    caches[figure_cache.ALIAS].clear()
    assert "Renamed" in alice.get(DASHBOARD).content.decode()


def test_the_cache_off_works_every_figure_out_on_each_request(data, client_for, settings):
    settings.CM_FIGURE_CACHE = False
    alice = client_for("alice")
    alice.get(DASHBOARD)
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(name="Renamed")
    assert "Renamed" in alice.get(DASHBOARD).content.decode()


MARCH = """organisation,indicator,period,value
org-a,enrolled,2024-03,50
org-b,enrolled,2024-03,60
"""


def test_an_approval_changes_the_dashboard_served_by_another_process(data, client_for, import_csv):
    assert import_csv(data.alpha, MARCH, name="march.csv").errors == []
    alice = client_for("alice")
    assert _enrolled(alice)[:2] == ["2024-02", "30"]  # kept in this process's cache
    backbone = Access(data.alpha, is_backbone=True)
    for sub in Submission.objects.filter(initiative=data.alpha, period="2024-03"):
        sub = services.submit(backbone, sub, data.backbone)
        services.approve(backbone, sub, data.backbone)
    # This process still holds the entry made before the approval: the new token passes it by.
    assert _enrolled(alice)[:2] == ["2024-03", "110"]


@pytest.mark.parametrize(
    "path",
    [
        "/i/alpha/indicators/enrolled/",
        "/i/alpha/benchmarks/enrolled/",
        "/i/alpha/explore/?rows=period&cols=organisation",
    ],
)
def test_an_approval_changes_the_indicator_benchmark_and_explorer_pages(
    data, client_for, import_csv, path
):
    assert import_csv(data.alpha, MARCH, name="march.csv").errors == []
    backbone_client = client_for("backbone")
    assert "2024-03" not in backbone_client.get(path).content.decode()
    backbone = Access(data.alpha, is_backbone=True)
    for sub in Submission.objects.filter(initiative=data.alpha, period="2024-03"):
        services.approve(backbone, services.submit(backbone, sub, data.backbone), data.backbone)
    assert "2024-03" in backbone_client.get(path).content.decode()


def test_a_comment_shows_at_once_on_a_kept_indicator_page(data, client_for):
    # The comments are the viewer's own part of the page, made on every request.
    from commonmeasure.conversation.models import Thread
    from commonmeasure.conversation.services import post_comment

    alice = client_for("alice")
    url = "/i/alpha/indicators/enrolled/"
    assert "A note on enrolment" not in alice.get(url).content.decode()
    enrolled = data.alpha.indicators.get(code="enrolled")
    spec = {"kind": Thread.INDICATOR, "indicator": enrolled}
    post_comment(access_for(data.bob, data.alpha), data.bob, spec, "A note on enrolment")
    assert "A note on enrolment" in alice.get(url).content.decode()


def test_an_import_changes_the_home_page(data, client_for, import_csv):
    alice = client_for("alice")
    assert "110" not in alice.get(HOME).content.decode()
    assert (
        import_csv(data.alpha, MARCH, name="march.csv", approve=True, user=data.backbone).errors
        == []
    )
    assert ">110<" in alice.get(HOME).content.decode().replace(" ", "")


def test_a_rollups_rebuild_changes_the_dashboard(data, client_for):
    alice = client_for("alice")
    assert _enrolled(alice)[:2] == ["2024-02", "30"]
    # Stored values changed behind the rollups' back: the pages read the rollups, until rebuilt.
    DataValue.objects.filter(
        submission__period="2024-02",
        submission__organisation=data.org_b,
        indicator__code="enrolled",
        disaggregation__key="",
    ).update(value=70)
    assert _enrolled(alice)[:2] == ["2024-02", "30"]
    engine.rebuild(data.alpha, check=False)
    assert _enrolled(alice)[:2] == ["2024-02", "90"]


def test_a_target_saved_in_set_up_changes_the_dashboard(data, client_for):
    alice = client_for("alice")
    assert _enrolled(alice)[2] == "–"
    enrolled = data.alpha.indicators.get(code="enrolled")
    Target.objects.create(initiative=data.alpha, indicator=enrolled, period="2024-02", value=40)
    assert _enrolled(alice)[2:4] == ["40", "75%"]


def test_an_indicator_saved_in_set_up_changes_the_home_page(data, client_for):
    alice = client_for("alice")
    assert "Renamed" not in alice.get(HOME).content.decode()
    enrolled = data.alpha.indicators.get(code="enrolled")
    enrolled.name = "Renamed"
    enrolled.save()
    assert "Renamed" in alice.get(HOME).content.decode()


def test_loading_the_initiative_file_changes_the_pages(data, client_for):
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition
    from tests.conftest import FIXTURES

    alice = client_for("alice")
    before = figure_cache.token(data.alpha.pk)
    alice.get(HOME)
    defn = read_definition(FIXTURES / "alpha.yaml")
    defn.name = "Alpha renamed"
    load_definition(defn)
    assert figure_cache.token(data.alpha.pk) != before
    assert "Alpha renamed" in alice.get(HOME).content.decode()


def test_a_definition_load_gives_a_new_token_even_when_it_changes_no_row(data):
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition
    from tests.conftest import FIXTURES

    before = figure_cache.token(data.alpha.pk)
    load_definition(read_definition(FIXTURES / "alpha.yaml"))  # as loaded already
    assert figure_cache.token(data.alpha.pk) != before


def test_a_disclosure_setting_changes_the_cached_dashboard(data, client_for):
    # January: A 30 + B 4 = 34; with a threshold of 5, Alice (A) is not shown it (34 - 30 < 5).
    alice = client_for("alice")
    assert _spark_periods(alice.get(DASHBOARD).content.decode()) == ["2024-02"]
    data.alpha.small_number_threshold = 3
    data.alpha.save()
    assert _spark_periods(alice.get(DASHBOARD).content.decode()) == ["2024-01", "2024-02"]


def _spark_periods(html: str) -> list[str]:
    import json
    import re

    match = re.search(r'<script id="spark-1" type="application/json">(.*?)</script>', html, re.S)
    return [row["period"] for row in json.loads(match.group(1))["data"]["values"]]


# -- viewers of different disclosure rights never share an entry ----------------------------------


@pytest.mark.parametrize(
    "path",
    [
        HOME,
        DASHBOARD,
        "/i/alpha/indicators/enrolled/",
        "/i/alpha/indicators/enrolled/?by=organisation&period=2024-01",
        "/i/alpha/benchmarks/enrolled/",
        "/i/alpha/explore/?rows=organisation",
    ],
)
def test_each_viewer_gets_the_page_it_would_get_without_the_cache(data, client_for, settings, path):
    order = ["alice", "bob", "backbone", "carol", "outsider", "anonymous", "alice", "bob"]
    for who in order:  # each after the others have filled the cache
        client = client_for(who)
        cached = client.get(path)
        expected = _without_cache(client, path, settings)
        assert cached.status_code in (200, 404)
        assert _strip_csrf(cached.content.decode()) == _strip_csrf(expected), who


def test_two_members_of_different_organisations_see_different_figures(data, client_for):
    # January: A 30 + B 4 = 34. Alice (A) could work out B's 4 from the total; Bob (B) could not
    # work out anything small, so only Bob is shown January's community figure.
    alice = _spark_periods(client_for("alice").get(DASHBOARD).content.decode())
    bob = _spark_periods(client_for("bob").get(DASHBOARD).content.decode())
    assert alice == ["2024-02"] and bob == ["2024-01", "2024-02"]


def test_the_disclosure_class_tells_apart_every_kind_of_viewer(data):
    from commonmeasure.initiatives.users import add_user

    add_user("ann", initiative_code="alpha", role="viewer", organisation_code="org-a")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    classes = {
        who: disclosure_class(access_for(users.get(username=who), data.alpha))
        for who in ("alice", "ann", "bob", "backbone", "outsider")
    }
    classes["anonymous"] = disclosure_class(access_for(None, data.alpha))
    assert classes["alice"] == classes["ann"]  # the same organisation: the same figures
    assert classes["outsider"] == classes["anonymous"] == "public"
    distinct = [classes[w] for w in ("alice", "bob", "backbone", "anonymous")]
    assert len(set(distinct)) == 4


def test_a_language_has_entries_of_its_own(data, client_for):
    english = client_for("alice").get(DASHBOARD).content.decode()
    french = client_for("alice", HTTP_ACCEPT_LANGUAGE="fr").get(DASHBOARD).content.decode()
    assert 'lang="fr"' in french
    assert english.count("How was this worked out?") > 0
    assert french.count("How was this worked out?") == 0


# -- only GET and HEAD ----------------------------------------------------------------------------


def test_a_post_is_never_answered_from_the_cache(data):
    factory = RequestFactory()
    access = Access(data.alpha, is_backbone=True)
    built = []

    def build():
        built.append(1)
        return {"n": len(built)}

    for _ in range(2):
        request = factory.post(DASHBOARD)
        assert page_cache.key(request, data.alpha, access, "dashboard") is None
        page_cache.cached(request, data.alpha, access, "dashboard", build)
    assert len(built) == 2
    for method in (factory.get, factory.head):
        page_cache.cached(method(DASHBOARD), data.alpha, access, "dashboard", build)
    assert len(built) == 3  # HEAD answered from what GET kept


def test_a_key_holds_the_query_parameters(data):
    factory = RequestFactory()
    access = Access(data.alpha, is_backbone=True)
    plain = page_cache.key(factory.get(DASHBOARD), data.alpha, access, "dashboard")
    csv = page_cache.key(factory.get(DASHBOARD, {"format": "csv"}), data.alpha, access, "dashboard")
    assert plain and csv and plain != csv


def test_a_csv_download_follows_an_approval(data, client_for, import_csv):
    assert import_csv(data.alpha, MARCH, name="march.csv").errors == []
    client = client_for("backbone")
    url = DASHBOARD + "?format=csv&table=headlines"
    assert "2024-03" not in client.get(url).content.decode()
    backbone = Access(data.alpha, is_backbone=True)
    for sub in Submission.objects.filter(initiative=data.alpha, period="2024-03"):
        services.approve(backbone, services.submit(backbone, sub, data.backbone), data.backbone)
    assert "2024-03" in client.get(url).content.decode()


# -- the token is replaced inside the writing transaction ----------------------------------------


def test_a_rolled_back_approval_leaves_the_token(data, import_csv):
    assert import_csv(data.alpha, MARCH, name="march.csv").errors == []
    backbone = Access(data.alpha, is_backbone=True)
    sub = Submission.objects.filter(initiative=data.alpha, period="2024-03").first()
    sub = services.submit(backbone, sub, data.backbone)
    before = figure_cache.token(data.alpha.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.approve(backbone, sub, data.backbone)
        assert figure_cache.token(data.alpha.pk) != before  # written with the approval
        raise RuntimeError("rolled back")
    assert figure_cache.token(data.alpha.pk) == before


def test_a_rolled_back_set_up_save_leaves_the_token(data):
    before = figure_cache.token(data.alpha.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        indicator = data.alpha.indicators.get(code="enrolled")
        indicator.name = "Renamed"
        indicator.save()
        assert figure_cache.token(data.alpha.pk) != before
        raise RuntimeError("rolled back")
    assert figure_cache.token(data.alpha.pk) == before


def test_every_new_initiative_has_a_token_and_deleting_one_leaves_none(cast):
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.rollups.models import FigureVersion

    gamma = Initiative.objects.create(code="gamma", name="Gamma")
    assert figure_cache.token(gamma.pk)
    gamma_id = gamma.pk
    gamma.delete()
    assert not FigureVersion.objects.filter(initiative_id=gamma_id).exists()


def test_a_page_of_an_initiative_without_a_token_is_not_cached(data, client_for):
    from commonmeasure.rollups.models import FigureVersion

    FigureVersion.objects.filter(initiative=data.alpha).delete()
    alice = client_for("alice")
    alice.get(DASHBOARD)
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(name="Renamed")
    assert "Renamed" in alice.get(DASHBOARD).content.decode()


def test_signed_out_visitors_of_a_published_initiative_share_the_public_entry(data, settings):
    from .conftest import publish

    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    first = Client().get(HOME).content.decode()
    assert "People enrolled" in first
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(name="Renamed")
    assert "Renamed" not in Client().get(HOME).content.decode()  # the public entry, kept
