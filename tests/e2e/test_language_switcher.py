"""The language switcher in a real browser: a visitor picks Français in the header and the page
comes back in French (the cookie kept for the next pages, signed in or not); the grid's running
sums speak French too; the header with the switcher has no serious accessibility violation."""

from __future__ import annotations

import pytest

from . import axe
from .test_reporting_flow import _last_complete_month, _log_in

pytestmark = pytest.mark.e2e


def test_choosing_french_in_the_header_turns_the_pages_into_french(
    transactional_db, cast, live_server, browser, shoot
):
    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_server.url}/login/")
        assert page.get_attribute("html", "lang") == "en-GB"
        found = axe.violations(page)
        assert not found, axe.describe(found)
        page.select_option("#language-select", "fr")
        page.click("#language-submit")
        page.wait_for_selector('html[lang="fr"]')
        assert page.url == f"{live_server.url}/login/"
        assert page.inner_text("label[for=language-select]") == "Langue"
        assert page.input_value("#language-select") == "fr"
        found = axe.violations(page)
        assert not found, axe.describe(found)
        shoot(page, "language-switcher-fr")

        _log_in(page, live_server.url, "alice")
        period = _last_complete_month()
        page.goto(f"{live_server.url}/i/alpha/orgs/org-a/report/{period}/")
        assert page.get_attribute("html", "lang") == "fr"
        assert page.inner_text("#save") == "Enregistrer"
        group = page.locator('[data-breakdown][data-total="v:job_starts:"]')
        page.fill('[id="v:job_starts:gender=female"]', "16")
        assert group.locator("[data-sum-given]").inner_text() == "(1 sur 2 renseignés)"
        page.fill('[id="v:job_starts:gender=male"]', "17")
        assert group.locator("[data-fill-total]").inner_text() == "Utiliser 33 comme total"
    finally:
        context.close()
