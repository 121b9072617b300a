"""`commonmeasure demo load`: the data `make demo` shows."""

from __future__ import annotations

from commonmeasure.demo import load_demo
from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Initiative
from commonmeasure.measures.selectors import query
from commonmeasure.reporting.models import DataValue, Submission


def test_demo_loads_a_partnership_with_a_realistic_mix_of_reports_and_keeps_it_on_a_second_load(db):
    end = periods.month(2025, 12)
    message = load_demo(end=end)
    initiative = Initiative.objects.get(code="youth-jobs")
    assert "backbone" in message and "commonmeasure" in message
    assert initiative.participations.count() == 31 and initiative.indicators.count() == 14
    statuses = set(
        Submission.objects.filter(initiative=initiative).values_list("status", flat=True)
    )
    assert statuses == {"draft", "submitted", "approved", "returned"}
    # Two organisations never sent the latest month.
    assert Submission.objects.filter(initiative=initiative, period=end.code).count() == 28
    job_starts = initiative.indicators.get(code="job_starts")
    by_year = {r["key"]: r["value"] for r in query(initiative, job_starts, "period", "year")}
    by_gender = query(initiative, job_starts, "gender", within=periods.year(2024))
    assert by_year["2024"] == sum(r["value"] for r in by_gender)  # breakdowns add up to the total
    # Every provider is in a ward; Ashgrove's three providers overlap, so its referrals in 2025
    # are their sum less the 12 declared adjustments of 4.
    assert not initiative.participations.filter(is_backbone=False, area__isnull=True).exists()
    referrals = initiative.indicators.get(code="referrals")
    in_2025 = {"within": periods.year(2025)}
    by_org = {r["key"]: r["value"] for r in query(initiative, referrals, "organisation", **in_2025)}
    by_ward = {r["key"]: r["value"] for r in query(initiative, referrals, "area:ward", **in_2025)}
    assert by_ward["ashgrove"] == by_org["NYT"] + by_org["BDS"] + by_org["UYN"] - 12 * 4
    region = query(initiative, referrals, "area:region", **in_2025)
    assert region == [{"key": "riverside", "value": sum(by_org.values()) - 12 * (4 + 2)}]
    rate = initiative.indicators.get(code="sustainment_rate")
    sustained = initiative.indicators.get(code="sustained_6m")
    (row,) = query(initiative, rate, "period", "year", **in_2025)
    (s6,) = query(initiative, sustained, "period", "year", **in_2025)
    assert row["value"] == round(100 * s6["value"] / by_year["2025"], 6)
    values = DataValue.objects.count()
    assert "already loaded" in load_demo(end=end)
    assert DataValue.objects.count() == values


def test_in_demo_mode_the_first_screen_says_how_to_log_in(settings, client, db):
    # Seen: the demo's first screen said nothing of the demo users; only the terminal did.
    from html import unescape

    from commonmeasure.demo import DEMO_PASSWORD, demo_accounts

    settings.CM_DEMO = True
    html = unescape(client.get("/").content.decode())
    assert 'id="demo-accounts"' in html and f"<code>{DEMO_PASSWORD}</code>" in html
    for account in demo_accounts():
        assert f"<code>{account['username']}</code>" in html and account["can"] in html
    settings.CM_DEMO = False
    assert 'id="demo-accounts"' not in client.get("/").content.decode()
