"""Django admin with two backbone admins of two initiatives: every page (list, add, change) and
every choice list, filter and form shows and accepts only the admin's own initiatives' records.

On main a backbone admin saw every initiative's name in the "By initiative" filters, every
organisation and user in the Membership form and every user in `unlocked_by`; the Membership
form accepted an organisation that does not take part in the initiative."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib import admin

from commonmeasure.backbone import invitations as inv
from commonmeasure.backbone.models import Activity, SettingsChange
from commonmeasure.initiatives.models import Dimension, Membership
from commonmeasure.initiatives.users import add_user
from commonmeasure.reporting.models import Submission
from tests.conftest import PASSWORD

# What each admin must never see: the other initiative's names, organisations and people.
FOREIGN = {
    "alpha": ["Beta Network", "Organisation C", "carol", "betaboss", "Beta colour", "Beta club"],
    "beta": [
        "Alpha Partnership",
        "Organisation A",
        "Organisation B",
        "alice",
        "bob",
        "Age band",
        "Alpha club",
    ],
}


@pytest.fixture
def two(cast):
    """alpha's backbone (cast.backbone) and beta's (betaboss), each with a record of every kind."""
    add_user("betaboss", password=PASSWORD, initiative_code="beta", role="backbone_admin")
    add_user("outsider2", password=PASSWORD)  # in no initiative: neither admin may pick them
    from django.contrib.auth import get_user_model

    betaboss = get_user_model().objects.get(username="betaboss")
    Dimension.objects.create(initiative=cast.beta, code="colour", name="Beta colour")
    for ini, org, who, boss, club, email in [
        (cast.alpha, cast.org_a, cast.alice, cast.backbone, "Alpha club", "dana@example.org"),
        (cast.beta, cast.org_c, cast.carol, betaboss, "Beta club", "erin@example.org"),
    ]:
        Submission.objects.create(
            initiative=ini,
            organisation=org,
            period="2024-01" if ini.code == "alpha" else "2024-Q1",
            period_start=datetime.date(2024, 1, 1),
            unlocked_by=who,
            submitted_by=who,
        )
        Activity.objects.create(initiative=ini, organisation=org, name=club, updated_by=who)
        inv.invite(ini, by=boss, email=email, role="reporter", organisation=org)
        SettingsChange.objects.create(initiative=ini, changed_by=boss, changes={"x": ["1", "2"]})
    return {"alpha": cast.backbone, "beta": betaboss}


def admin_pages(user):
    """(url, model admin) of every admin page this user may open: list, add and a change page."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(base)
        if model_admin.has_add_permission(request):
            pages.append(base + "add/")
        obj = model_admin.get_queryset(request).first()
        if obj is not None:
            pages.append(f"{base}{obj.pk}/change/")
    return pages


def visible_text(html: str) -> str:
    """The page without its CSRF token (random text could spell a name)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("initiative", ["alpha", "beta"])
def test_every_admin_page_shows_only_the_admins_own_initiatives(two, initiative, client_for):
    user = two[initiative]
    client = client_for(user)
    pages = admin_pages(user)
    # Every backbone-scoped model is reachable, with its list, add and change pages.
    assert "/admin/initiatives/membership/add/" in pages
    assert any(p.startswith("/admin/reporting/submission/") and "change" in p for p in pages)
    assert len(pages) >= 20, pages
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = visible_text(response.content.decode())
        leaked = [name for name in FOREIGN[initiative] if name in html]
        assert leaked == [], f"{url} shows {leaked}"
        assert "outsider2" not in html, url


@pytest.mark.parametrize("initiative", ["alpha", "beta"])
def test_the_other_initiatives_records_cannot_be_opened(two, initiative, client_for):
    other = "beta" if initiative == "alpha" else "alpha"
    client = client_for(two[initiative])
    for url in admin_pages(two[other]):
        if url.endswith("/change/"):
            assert client.get(url).status_code in (302, 403, 404), url


def test_the_membership_form_refuses_an_organisation_outside_the_initiative(two, cast, client_for):
    client = client_for(two["alpha"])
    before = Membership.objects.count()
    # Organisation C takes part in beta only: alpha's admin may not even name it.
    response = client.post(
        "/admin/initiatives/membership/add/",
        {
            "user": cast.alice.pk,
            "initiative": cast.alpha.pk,
            "organisation": cast.org_c.pk,
            "role": "viewer",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    # Nor another initiative's user.
    response = client.post(
        "/admin/initiatives/membership/add/",
        {
            "user": cast.carol.pk,
            "initiative": cast.alpha.pk,
            "organisation": cast.org_a.pk,
            "role": "viewer",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert Membership.objects.count() == before


def test_an_admin_of_two_initiatives_cannot_cross_an_organisation_between_them(
    two, cast, client_for
):
    # betaboss also runs alpha: org C (beta) still cannot become a member organisation in alpha.
    add_user("betaboss", initiative_code="alpha", role="backbone_admin")
    client = client_for(two["beta"])
    before = Membership.objects.count()
    response = client.post(
        "/admin/initiatives/membership/add/",
        {
            "user": cast.carol.pk,
            "initiative": cast.alpha.pk,
            "organisation": cast.org_c.pk,
            "role": "viewer",
        },
    )
    assert response.status_code == 200
    assert "does not take part in Alpha Partnership" in response.content.decode()
    assert Membership.objects.count() == before
    response = client.post(
        "/admin/initiatives/membership/add/",
        {
            "user": cast.carol.pk,
            "initiative": cast.alpha.pk,
            "organisation": cast.org_a.pk,
            "role": "viewer",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.carol, organisation=cast.org_a).exists()


def test_the_membership_rule_holds_for_superusers_too(two, cast, django_user_model, client_for):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    response = client_for(root).post(
        "/admin/initiatives/membership/add/",
        {
            "user": cast.carol.pk,
            "initiative": cast.alpha.pk,
            "organisation": cast.org_c.pk,
            "role": "viewer",
        },
    )
    assert "does not take part in Alpha Partnership" in response.content.decode()
    assert not Membership.objects.filter(user=cast.carol, initiative=cast.alpha).exists()


def test_the_organisation_search_of_the_participation_inline_is_scoped(two, client_for):
    client = client_for(two["alpha"])
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "initiatives",
            "model_name": "participation",
            "field_name": "organisation",
            "term": "Organisation",
        },
    )
    assert response.status_code == 200
    assert {r["text"] for r in response.json()["results"]} == {"Organisation A", "Organisation B"}


def test_an_indicator_cannot_take_another_initiatives_dimension(
    two, cast, django_user_model, client_for
):
    # Superusers pick from every initiative; the relation is still checked on save.
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    enrolled = cast.alpha.indicators.get(code="enrolled")
    colour = Dimension.objects.get(initiative=cast.beta)
    page = client_for(root).get(f"/admin/initiatives/indicator/{enrolled.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["dimensions"] = [d.pk for d in enrolled.dimensions.all()] + [colour.pk]
    data["initiative"] = cast.alpha.pk
    response = client_for(root).post(
        f"/admin/initiatives/indicator/{enrolled.pk}/change/",
        {k: v for k, v in data.items() if not isinstance(v, list | dict)}
        | {"dimensions": data["dimensions"]},
    )
    assert response.status_code == 200
    assert "belongs to another initiative, not Alpha Partnership" in response.content.decode()
    assert colour not in enrolled.dimensions.all()
