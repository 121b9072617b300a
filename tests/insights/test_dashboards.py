"""The initiative dashboard's headline cards and the organisation dashboard
(docs/reference/dashboards.md)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from commonmeasure.initiatives.models import Indicator, Target

from .conftest import publish, spec_from, table_rows

URL = "/i/alpha/dashboard/"


def _card(html: str, code: str) -> str:
    match = re.search(
        rf'<div class="card headline[^"]*" data-indicator="{code}">(.*?)</div>\s*(?=<div class="card headline|</div>\s*</section>)',
        html,
        re.S,
    )
    assert match, f"no card for {code}"
    return match.group(0)


def _headlines(html: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table_rows(html, "headlines")}


def test_headline_shows_latest_value_trend_and_completeness(data, client_for):
    html = client_for("alice").get(URL).content.decode()
    rows = _headlines(html)
    # February: A 20 + B 10 enrolled, down from 34 in January; both organisations reported.
    assert rows["People enrolled"][:3] == ["2024-02", "30", "–"]
    assert rows["People enrolled"][5:] == ["down", "2", "2"]
    assert rows["Job starts"][1] == "14" and rows["Job starts"][5] == "up"
    card = _card(html, "enrolled")
    assert 'data-direction="down"' in card and "verdict-bad" in card
    assert "2 of 2 organisations reported" in card


def test_trend_arrow_takes_the_polarity_into_account(data, client_for):
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(polarity="lower")
    card = _card(client_for("alice").get(URL).content.decode(), "enrolled")
    assert 'data-direction="down"' in card and "verdict-good" in card and " · better" in card


def test_percent_of_target_and_status_come_from_the_declared_target(data, client_for):
    enrolled = data.alpha.indicators.get(code="enrolled")
    Target.objects.create(initiative=data.alpha, indicator=enrolled, period="2024-02", value=40)
    html = client_for("bob").get(URL).content.decode()
    row = _headlines(html)["People enrolled"]
    assert row[2:5] == ["40", "75%", "off target"]  # 30 of 40
    assert "rag-red" in _card(html, "enrolled") and ">off target<" in _card(html, "enrolled")


def test_without_targets_the_dashboard_says_none_are_declared(data, client_for):
    assert "no targets declared" in _card(client_for("alice").get(URL).content.decode(), "enrolled")


def test_completeness_counts_organisations_that_reported_the_indicator(data, client_for):
    rows = _headlines(client_for("backbone").get(URL).content.decode())
    # Satisfaction was reported in January only: its latest period is January, 2 of 2.
    assert rows["Satisfied participants"][0] == "2024-01"
    assert rows["Satisfied participants"][-2:] == ["2", "2"]
    # Hourly wage was never reported.
    assert rows["Hourly wage"][-2:] == ["0", "2"]


def _spark(html: str) -> list:
    spec_id = re.search(r'data-indicator="enrolled">.*?data-spec-id="(spark-\d+)"', html, re.S)
    return spec_from(html, spec_id.group(1))["data"]["values"]


def test_sparkline_carries_the_approved_series(data, client_for):
    assert _spark(client_for("backbone").get(URL).content.decode()) == [
        {"period": "2024-01", "value": 34},
        {"period": "2024-02", "value": 30},
    ]


def test_a_members_sparkline_leaves_out_a_total_that_would_give_a_small_figure_away(
    data, client_for
):
    # January: A 30 + B 4 = 34; A's reporter could work out B's 4 as 34 - 30.
    assert _spark(client_for("alice").get(URL).content.decode()) == [
        {"period": "2024-02", "value": 30}
    ]


def test_embed_snippets_are_shown_to_the_backbone_only(data, client_for):
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    html = client_for("backbone").get(URL).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/public/alpha/enrolled/&quot;" in html
    assert "<iframe" not in client_for("alice").get(URL).content.decode().replace("&lt;iframe", "")
    assert 'id="embeds"' not in client_for("alice").get(URL).content.decode()


def test_embed_snippets_are_offered_only_for_pages_that_exist(data, client_for):
    # Seen: an unpublished initiative with a published indicator offered a snippet whose page
    # answered 404 to everyone who opened it.
    publish(data.alpha.indicators.get(code="enrolled"))
    html = client_for("backbone").get(URL).content.decode()
    assert 'id="embed-enrolled"' not in html
    assert 'id="embeds-unpublished"' in html  # says why, and where to publish
    publish(data.alpha)
    html = client_for("backbone").get(URL).content.decode()
    offered = re.findall(r'<p><a href="http://testserver(/public/[^"]+)">', html)
    assert offered == ["/public/alpha/enrolled/"]
    for path in offered:  # every snippet offered opens for an anonymous visitor
        assert client_for("anonymous").get(path).status_code == 200


def test_embed_snippet_escapes_the_indicator_name(data, client_for):
    # A name with a double quote used to close the title attribute and add an onload handler.
    publish(data.alpha)
    name = 'Enrolled" onload="alert(1)'
    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(
        name=name, is_published=True
    )
    html = client_for("backbone").get(URL).content.decode()
    snippet = unescape(
        re.search(r'<textarea id="embed-enrolled"[^>]*>(.*?)</textarea>', html).group(1)
    )

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.found = (tag, dict(attrs))

    parser = Tags()
    parser.feed(snippet)
    tag, attrs = parser.found
    assert tag == "iframe"
    assert attrs["title"] == name
    assert sorted(attrs) == ["height", "loading", "src", "style", "title", "width"]


def test_organisation_dashboard_compares_its_values_with_the_peer_quartiles(data, client_for):
    html = client_for("alice").get("/i/alpha/orgs/org-a/dashboard/?period=2024-02").content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "indicators")}
    # Enrolled: A 20 against A 20 and B 10: quartiles 12.5, 15, 17.5; rank 1 of 2.
    assert rows["People enrolled"][:8] == ["20", "12.5", "15", "17.5", "1", "1", "2", "100"]
    bars = {
        b["label"]: b["percentile"]
        for b in spec_from(html, "spec-position")["layer"][0]["data"]["values"]
    }
    assert bars["People enrolled"] == 100


def test_organisation_dashboard_shows_its_own_small_value(data, client_for):
    html = client_for("bob").get("/i/alpha/orgs/org-b/dashboard/?period=2024-01").content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "indicators")}
    assert rows["People enrolled"][0] == "4"
    # No peer may be shown in January (B is small and A is hidden with it), so no quartiles.
    assert rows["People enrolled"][1:4] == ["–", "–", "–"]


def test_initiative_nav_links_the_dashboard_and_explorer_for_members(data, client_for):
    html = client_for("alice").get("/i/alpha/").content.decode()
    assert 'href="/i/alpha/dashboard/"' in html and 'href="/i/alpha/explore/"' in html
    publish(data.alpha)
    html = client_for("anonymous").get("/i/alpha/").content.decode()
    assert 'id="nav-dashboard"' not in html


def test_indicator_and_organisation_pages_link_to_the_insight_pages(data, client_for):
    alice = client_for("alice")
    html = alice.get("/i/alpha/indicators/enrolled/").content.decode()
    assert 'href="/i/alpha/benchmarks/enrolled/"' in html
    assert 'id="org-dashboard"' in alice.get("/i/alpha/orgs/org-a/").content.decode()
    assert (
        'id="org-dashboard"' not in client_for("bob").get("/i/alpha/orgs/org-a/").content.decode()
    )
    publish(data.alpha)
    html = client_for("anonymous").get("/i/alpha/indicators/enrolled/").content.decode()
    assert 'id="benchmark-link"' not in html


def test_a_yearly_target_shows_progress_so_far_and_the_pro_rata_expectation(data, client_for):
    # Seen: a yearly target against a monthly indicator gave "no target for this period".
    enrolled = data.alpha.indicators.get(code="enrolled")
    Target.objects.create(initiative=data.alpha, indicator=enrolled, period="2024", value=360)
    html = client_for("bob").get(URL).content.decode()
    card = _card(html, "enrolled")
    # January 34 + February 30 = 64 so far; 2 of 12 months gone, so 60 expected by now.
    assert "no target for this period" not in card
    assert "64 so far of 360 for 2024: 107% of the 60 expected after 2 of 12 periods" in unescape(
        card
    )
    assert "rag-green" in card
    row = _headlines(html)["People enrolled"]
    assert row[2:5] == ["360 for 2024 (64 so far, 60 expected by now)", "18%", "on target"]


def test_a_yearly_target_of_a_mean_is_not_prorated(data, client_for):
    satisfaction = data.alpha.indicators.get(code="satisfaction")
    Target.objects.create(initiative=data.alpha, indicator=satisfaction, period="2024", value=80)
    card = unescape(_card(client_for("backbone").get(URL).content.decode(), "satisfaction"))
    # Only January has satisfaction (80 and 60: mean 70), compared with the target itself.
    assert "70% so far in 2024: 88% of the target of 80%" in card
    assert "expected" not in card


def test_the_indicator_page_shows_progress_and_the_turn_the_curve(data, client_for):
    enrolled = data.alpha.indicators.get(code="enrolled")
    Target.objects.create(
        initiative=data.alpha,
        indicator=enrolled,
        period="2024-03",
        value=40,
        baseline_from="2024-01",
        baseline_to="2024-02",
    )
    Target.objects.create(initiative=data.alpha, indicator=enrolled, period="2024", value=360)
    html = client_for("alice").get("/i/alpha/indicators/enrolled/").content.decode()
    section = html[
        html.index('id="target-progress"') : html.index(
            "</section>", html.index('id="target-progress"')
        )
    ]
    assert "64 so far of 360 for 2024" in unescape(section)
    assert 'id="curve-section"' in html and 'id="spec-curve"' in html
    rows = table_rows(html, "curve")
    assert rows[0][:4] == ["2024-03", "–", "26", "40"]  # the forecast from 34, 30
