"""The initiative settings page: editing, publishing, disclosure control, deadlines; bad input
names the field and saves nothing; a stale form is refused and shows what changed."""

from __future__ import annotations

import html

import pytest

from commonmeasure.backbone.models import Activity, SettingsChange
from commonmeasure.initiatives.models import Indicator, Initiative, Participation


def form(initiative, **changes):
    initiative.refresh_from_db()
    data = {
        "version": initiative.updated_at.isoformat(),
        "name": initiative.name,
        "vision": initiative.vision,
        "goals": "G1 | People find work",
        "small_number_threshold": str(initiative.small_number_threshold),
        "deadline_days": "" if initiative.deadline_days is None else str(initiative.deadline_days),
        "reminder_days_before": str(initiative.reminder_days_before),
        "reminder_days_after": str(initiative.reminder_days_after),
        "anonymise_peers": "1" if initiative.anonymise_peers else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_backbone_saves_every_setting(cast, client_for):
    response = client_for(cast.backbone).post(
        "/i/alpha/settings/",
        form(
            cast.alpha,
            name="Alpha Works",
            vision="Everyone in work.",
            goals="G1 | People find work\nG2 | People stay in work | For a year or more",
            is_published="1",
            anonymise_peers=None,
            small_number_threshold="10",
            deadline_days="15",
            reminder_days_before="5",
            reminder_days_after="2",
            published_indicators=["enrolled", "job_starts"],
        ),
    )
    assert response.status_code == 302
    a = Initiative.objects.get(code="alpha")
    assert (a.name, a.vision, a.is_published, a.anonymise_peers) == (
        "Alpha Works",
        "Everyone in work.",
        True,
        False,
    )
    assert (
        a.small_number_threshold,
        a.deadline_days,
        a.reminder_days_before,
        a.reminder_days_after,
    ) == (10, 15, 5, 2)
    assert a.goals[1] == {
        "code": "G2",
        "name": "People stay in work",
        "description": "For a year or more",
    }
    assert sorted(
        Indicator.objects.filter(initiative=a, is_published=True).values_list("code", flat=True)
    ) == ["enrolled", "job_starts"]
    change = SettingsChange.objects.get()
    assert change.changed_by == cast.backbone
    assert change.changes["Small-number threshold"] == ["5", "10"]
    assert change.changes["Published indicators"] == ["none", "enrolled, job_starts"]


def test_an_empty_deadline_means_no_deadline(cast, client_for):
    cast.alpha.deadline_days = 10
    cast.alpha.save()
    client_for(cast.backbone).post("/i/alpha/settings/", form(cast.alpha, deadline_days=""))
    cast.alpha.refresh_from_db()
    assert cast.alpha.deadline_days is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "small_number_threshold",
            "0",
            "Small-number threshold: enter a whole number from 1 to 1000.",
        ),
        (
            "small_number_threshold",
            "1001",
            "Small-number threshold: enter a whole number from 1 to 1000.",
        ),
        (
            "small_number_threshold",
            "five",
            "Small-number threshold: enter a whole number from 1 to 1000.",
        ),
        (
            "deadline_days",
            "-1",
            "Deadline (days after the period): enter a whole number from 0 to 366 (or leave it empty).",
        ),
        (
            "reminder_days_after",
            "",
            "Reminder after the deadline (days): enter a whole number from 0 to 366.",
        ),
        ("name", "", "Name: the initiative needs a name."),
        ("goals", "G1", 'Goals, line 1: write "CODE | name"'),
        ("goals", "G1 | a\nG1 | b", "Goals, line 2: goal G1 appears twice."),
        ("goals", "bad code | x", "Goals, line 1: 'bad code' is not a code"),
        ("published_indicators", ["ghost"], "Published indicators: unknown ghost."),
    ],
)
def test_bad_settings_name_the_field_and_save_nothing(cast, client_for, field, value, message):
    before = Initiative.objects.filter(pk=cast.alpha.pk).values().get()
    response = client_for(cast.backbone).post(
        "/i/alpha/settings/", form(cast.alpha, **{field: value})
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert Initiative.objects.filter(pk=cast.alpha.pk).values().get() == before
    assert not SettingsChange.objects.exists()


def test_a_goal_in_use_cannot_be_removed(cast, client_for):
    Activity.objects.create(
        initiative=cast.alpha, organisation=cast.org_a, name="Club", goals=["G1"]
    )
    response = client_for(cast.backbone).post(
        "/i/alpha/settings/", form(cast.alpha, goals="G2 | Other")
    )
    assert response.status_code == 400
    assert "Goals: cannot remove G1 (1 indicator(s), 1 activity(ies))" in response.content.decode()
    cast.alpha.refresh_from_db()
    assert [g["code"] for g in cast.alpha.goals] == ["G1"]


def test_a_stale_form_is_refused_and_shows_what_changed(cast, client_for):
    earlier = form(cast.alpha, reminder_days_before="4")
    assert client_for(cast.backbone).post("/i/alpha/settings/", earlier).status_code == 302
    opened = form(cast.alpha)  # the form as the first person opened it, after that save
    other = client_for(cast.backbone)
    assert (
        other.post("/i/alpha/settings/", form(cast.alpha, small_number_threshold="20")).status_code
        == 302
    )
    response = client_for(cast.backbone).post("/i/alpha/settings/", {**opened, "vision": "Mine"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="stale"' in page
    assert (
        '<tr data-field="small_number_threshold"><th scope="row">Small-number threshold</th><td>5</td><td>20</td></tr>'
        in page
    )
    assert '<tr data-field="vision">' in page
    assert "by backbone: Small-number threshold" in page
    assert "Reminder before" not in page.split('id="stale-since"')[1].split("</ul>")[0]
    cast.alpha.refresh_from_db()
    assert (cast.alpha.small_number_threshold, cast.alpha.vision) == (20, "Test vision for alpha.")
    assert SettingsChange.objects.count() == 2
    # the refused page carries the current version: saving again replaces the current values
    version = page.split('name="version" value="')[1].split('"')[0]
    again = client_for(cast.backbone).post(
        "/i/alpha/settings/", {**opened, "vision": "Mine", "version": version}
    )
    assert again.status_code == 302
    cast.alpha.refresh_from_db()
    assert (cast.alpha.small_number_threshold, cast.alpha.vision) == (5, "Mine")


def test_a_change_elsewhere_also_makes_the_form_stale(cast, client_for):
    opened = form(cast.alpha)
    Initiative.objects.get(pk=cast.alpha.pk).save()  # e.g. saved in Django admin
    response = client_for(cast.backbone).post("/i/alpha/settings/", opened)
    assert (
        response.status_code == 409
        and b"Your values are the same as the current ones." in response.content
    )


def test_a_reporter_opts_their_organisation_in_and_out_of_being_named(cast, client_for):
    c = client_for(cast.alice)
    part = Participation.objects.get(initiative=cast.alpha, organisation=cast.org_a)
    assert not part.named_in_benchmarks
    c.post("/i/alpha/orgs/org-a/naming/", {"named": "yes"})
    part.refresh_from_db()
    assert part.named_in_benchmarks
    change = SettingsChange.objects.get()
    assert change.changed_by == cast.alice
    assert change.changes == {"Named in comparisons: Organisation A": ["no", "yes"]}
    c.post("/i/alpha/orgs/org-a/naming/", {"named": "no"})
    part.refresh_from_db()
    assert not part.named_in_benchmarks and SettingsChange.objects.count() == 2
    page = client_for(cast.backbone).get("/i/alpha/settings/").content.decode()
    assert 'data-organisation="org-a"' in page and "Named in comparisons: Organisation A" in page
