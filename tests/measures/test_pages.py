"""The indicator page shows why a computed value is missing and what each component gave."""

from django.urls import reverse

from commonmeasure.initiatives.users import add_user
from tests.conftest import PASSWORD


def _page(client, towns, indicator, **params):
    add_user("towns-admin", password=PASSWORD, initiative_code="towns", role="backbone_admin")
    client.login(username="towns-admin", password=PASSWORD)
    response = client.get(reverse("indicator", args=["towns", indicator]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_formula_page_by_organisation_shows_the_division_by_zero_reason(client, towns):
    html = _page(client, towns, "sustain_rate", by="organisation")
    assert "sustained / started * 100" in html
    assert "division by zero: denominator started is 0" in html
    assert "Provider Three" in html


def test_composite_page_shows_each_components_score_weight_and_contribution(client, towns):
    html = _page(client, towns, "quality", by="organisation")
    # Provider One: satisfaction 70 on goalposts 0-100 = 0.700, weight 0.5, contribution 0.350
    assert "score 0.700 × weight 0.500 = 0.350" in html
    assert "no value for sustain_rate" in html


def test_indicator_page_can_show_values_by_area_level(client, towns):
    html = _page(client, towns, "people", by="area:borough")
    assert 'value="area:borough" selected' in html
    assert "Borough One" in html and "35" in html
