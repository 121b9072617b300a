"""A backbone sets up an initiative from nothing in the browser, a reporter it invited reports,
the backbone approves, and the dashboard shows progress against the target; staff upload an
INDIGO zip and its projects are published. Screenshots of every new page go to /tmp/shots-new/
(CM_SHOTS to change it) and test-artifacts/screenshots/."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from django.core import mail

from tests.conftest import PASSWORD
from tests.e2e.conftest import navigate

from . import axe

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("CM_SHOTS", "/tmp/shots-new"))
INDIGO = Path(__file__).resolve().parents[1] / "fixtures" / "indigo"
CODE = "river-jobs"
PERIOD = "2026-04"  # the last complete month on the tests' fixed clock (2026-05-18)

# What the set-up pages enter, as a definition file: the step(s) whose page is not there yet are
# made by "Replace the set-up from a file" with this content.
STRUCTURE = {
    "dimensions": [
        {
            "code": "gender",
            "name": "Gender",
            "categories": [
                {"code": "female", "name": "Female"},
                {"code": "male", "name": "Male"},
            ],
        }
    ],
    "organisations": [
        {"code": "NYT", "name": "Northside Youth Trust"},
        {"code": "SWA", "name": "Southside Works"},
    ],
    "indicators": [
        {
            "code": "enrolled",
            "name": "Young people enrolled",
            "value_type": "count",
            "dimensions": ["gender"],
        },
        {"code": "job_starts", "name": "Job starts", "value_type": "count"},
        {
            "code": "job_start_rate",
            "name": "Job start rate",
            "value_type": "percentage",
            "kind": "formula",
            "formula": "job_starts / enrolled * 100",
            "decimals": 1,
        },
    ],
    "rules": [
        {
            "code": "starts_within_enrolled",
            "left": "job_starts",
            "op": "<=",
            "right": "enrolled",
            "message": "Job starts cannot be more than the young people enrolled",
        }
    ],
    "targets": [{"indicator": "enrolled", "period": PERIOD, "value": 40}],
}


@pytest.fixture
def page(browser):
    """A page with axe-core loaded, so that every new page is checked as it is photographed."""
    context = axe.new_context(browser, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


class Shots:
    """Photograph a page (SHOTS and test-artifacts/screenshots/) and check it with axe-core."""

    def __init__(self, shoot):
        self.shoot = shoot
        self.found: dict[str, str] = {}

    def __call__(self, page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        self.shoot(page, f"setup-new-{name}")
        axe.wait_for_charts(page)
        violations = axe.violations(page)
        if violations:
            self.found[name] = axe.describe(violations)

    def assert_accessible(self) -> None:
        assert not self.found, "\n".join(f"{k}: {v}" for k, v in self.found.items())


@pytest.fixture
def shot(shoot):
    SHOTS.mkdir(parents=True, exist_ok=True)
    return Shots(shoot)


def _log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", password)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")


def _log_out(page) -> None:
    page.click("#logout")
    page.wait_for_selector("#login-form, a[href*='/login/']")


def _creator():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(
        "maria", email="maria@example.org", password=PASSWORD
    )
    user.user_permissions.add(Permission.objects.get(codename="add_initiative"))
    return user


def _definition_file(tmp_path: Path, parts: dict) -> Path:
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.initiatives.services import dump_definition

    data = dump_definition(Initiative.objects.get(code=CODE))
    data.update(parts)
    path = tmp_path / f"{CODE}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def _set_up_from_a_file(page, base: str, path: Path, shot, name: str) -> None:
    page.goto(f"{base}/i/{CODE}/setup/")
    navigate(page, lambda: page.click(f"a[href='/i/{CODE}/setup/file/']"))
    shot(page, f"{name}-upload")
    page.set_input_files("#definition-file", str(path))
    navigate(page, lambda: page.click("#definition-check"))
    page.wait_for_selector("#definition-checked")
    shot(page, f"{name}-preview")
    navigate(page, lambda: page.click("#definition-apply"))
    assert page.url.endswith(f"/i/{CODE}/setup/")


def test_a_backbone_sets_up_an_initiative_in_the_browser_and_sees_progress_to_target(
    transactional_db, live_server, page, shot, tmp_path
):
    base = live_server.url
    _creator()

    # From nothing: the home page offers a new initiative to someone allowed to create one.
    _log_in(page, base, "maria")
    navigate(page, lambda: page.click("#new-initiative a"))
    page.fill("#id_code", "river jobs")  # a mistake first: a code has no spaces
    page.fill("#id_name", "Riverside Youth Jobs")
    navigate(page, lambda: page.click("#create-initiative"))
    assert "letters, digits" in page.inner_text("#code-error")
    shot(page, "new-initiative-errors")
    page.fill("#id_code", CODE)
    page.fill("#id_vision", "Every young person in Riverside is in work or learning.")
    page.select_option("#id_fy_first_month", "4")
    shot(page, "new-initiative")
    navigate(page, lambda: page.click("#create-initiative"))
    assert page.url.endswith(f"/i/{CODE}/setup/")
    assert "Riverside Youth Jobs" in page.inner_text("body")
    shot(page, "setup-home")

    # Dimensions, organisations, three indicators (one a formula), a rule and a target.
    _set_up_from_a_file(page, base, _definition_file(tmp_path, STRUCTURE), shot, "replace-file")
    from commonmeasure.initiatives.models import Initiative

    river = Initiative.objects.get(code=CODE)
    assert sorted(river.indicators.values_list("code", flat=True)) == [
        "enrolled",
        "job_start_rate",
        "job_starts",
    ]

    # The backbone invites a reporter for Northside Youth Trust.
    page.goto(f"{base}/i/{CODE}/members/invite/")
    page.fill("#email", "sam@example.org")
    page.select_option("#role", "reporter")
    page.select_option("#organisation", label="Northside Youth Trust")
    navigate(page, lambda: page.click("#send-invitation"))
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    _log_out(page)

    # The reporter accepts, choosing an account, and reports April.
    page.goto(link)
    page.fill("#id_username", "sam")
    page.fill("[name=password1]", "a long river password 7")
    page.fill("[name=password2]", "a long river password 7")
    navigate(page, lambda: page.click("#signup-submit"))
    if not page.locator("#whoami").count():
        _log_in(page, base, "sam", "a long river password 7")
    page.goto(f"{base}/i/{CODE}/orgs/NYT/report/{PERIOD}/")
    page.fill("input[name='v:enrolled:']", "30")
    page.fill("input[name='v:enrolled:gender=female']", "16")
    page.fill("input[name='v:enrolled:gender=male']", "14")
    page.fill("input[name='v:job_starts:']", "33")  # more starts than enrolled: the rule
    navigate(page, lambda: page.click("button[name=action][value=save]"))
    assert "cannot be more than the young people enrolled" in page.inner_text("body")
    page.fill("input[name='v:job_starts:']", "12")
    navigate(page, lambda: page.click("button[name=action][value=save]"))
    navigate(page, lambda: page.click("button[name=action][value=submit]"))
    assert "submitted" in page.inner_text("body").lower()
    _log_out(page)

    # The backbone approves it.
    _log_in(page, base, "maria")
    page.goto(f"{base}/i/{CODE}/orgs/NYT/report/{PERIOD}/")
    navigate(page, lambda: page.click("button[name=action][value=approve]"))
    assert "approved" in page.inner_text("body").lower()

    # The dashboard shows April against its target: 30 of 40 enrolled, 75%.
    page.goto(f"{base}/i/{CODE}/dashboard/?period={PERIOD}")
    card = page.locator("[data-indicator='enrolled'], .headline-card").filter(
        has_text="Young people enrolled"
    )
    target = card.first.locator("[data-figure='target']").inner_text()
    assert "75%" in target and "40" in target, target
    assert "40.0" in page.inner_text("body")  # the formula, 12 / 30 * 100, to 1 decimal
    shot(page, "dashboard")
    shot.assert_accessible()


def _zip_of(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in sorted(folder.glob("*.csv")):
            zf.write(path, f"indigo/{path.name}")
    return buf.getvalue()


def test_staff_upload_an_indigo_zip_and_its_projects_are_published(
    transactional_db, cast, live_server, page, shot, tmp_path
):
    from commonmeasure.impactbonds import models as m

    base = live_server.url
    m.Project.objects.all().delete()
    cast.outsider.is_staff = True
    cast.outsider.save()
    bundle = tmp_path / "indigo.zip"
    bundle.write_bytes(_zip_of(INDIGO))

    _log_in(page, base, "outsider")
    page.goto(f"{base}/impact-bonds/manage/")
    shot(page, "impact-bonds-manage")
    page.set_input_files("#bundle-file", str(bundle))
    navigate(page, lambda: page.click("#bundle-check"))
    page.wait_for_selector("#import-commit")
    assert "projects.csv" in page.inner_text("#import-tables")
    assert "Period - Start - (Value)" in page.inner_text("#import-problems")
    shot(page, "impact-bonds-dry-run")
    assert not m.Project.objects.exists()
    navigate(page, lambda: page.click("#import-commit"))
    page.wait_for_selector("#import-result")
    shot(page, "impact-bonds-imported")
    assert m.Project.objects.count() == 12

    # Published: everyone sees the projects on the public pages.
    name = m.Project.objects.get(indigo_id="INDIGO-POJ-0001").name
    anonymous = page.context.browser.new_context()
    try:
        public = anonymous.new_page()
        public.goto(f"{base}/impact-bonds/projects/")
        assert name in public.inner_text("body")
    finally:
        anonymous.close()

    page.goto(f"{base}/impact-bonds/manage/quality/?priority=0")
    assert "Period - Start - (Value)" in page.inner_text("#quality-rows")
    shot(page, "impact-bonds-quality")
    page.goto(f"{base}/impact-bonds/manage/projects/INDIGO-POJ-0001/fields/")
    row = page.locator("tr[data-field='Stage of Development']")
    row.locator("select").select_option("PRIVATE")
    row.locator("input[name=note]").fill("Not confirmed by the provider")
    navigate(page, lambda: row.locator("button").click())
    assert (
        page.locator("tr[data-field='Stage of Development']").get_attribute("data-status")
        == "PRIVATE"
    )
    shot(page, "impact-bonds-fields")
    shot.assert_accessible()
