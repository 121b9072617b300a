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

RULE_MESSAGE = "Job starts cannot be more than the young people enrolled"


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
        axe.wait_for_charts(page)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        self.shoot(page, f"setup-new-{name}")
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


def _submit(page, form) -> None:
    navigate(page, lambda: form.locator("button[type=submit]").first.click())


def _dimensions(page, base: str, shot) -> None:
    page.goto(f"{base}/i/{CODE}/setup/dimensions/")
    page.fill("#new-dimension-code", "gender")
    page.fill("#new-dimension-name", "Gender")
    page.fill("#new-dimension-category-code", "female")
    page.fill("#new-dimension-category-name", "Female")
    _submit(page, page.locator("#add-dimension form"))
    page.fill("[id='dim:gender-new-code']", "male")
    page.fill("[id='dim:gender-new-name']", "Male")
    _submit(page, page.locator("form:has([id='dim:gender-new-code'])"))
    assert "Male" in page.inner_text("[id='dim:gender']")
    shot(page, "step-dimensions")


def _organisations(page, base: str, shot) -> None:
    page.goto(f"{base}/i/{CODE}/setup/organisations/")
    for code, name in (("NYT", "Northside Youth Trust"), ("SWA", "Southside Works")):
        page.fill("#new-organisation-code", code)
        page.fill("#new-organisation-name", name)
        _submit(page, page.locator("#add-organisation form"))
        assert name in page.inner_text("#organisations")
    shot(page, "step-organisations")


def _indicator(page, base: str, code: str, name: str, *, value_type="count", **extra) -> None:
    page.goto(f"{base}/i/{CODE}/setup/indicators/new/")
    page.fill("#id_code", code)
    page.fill("#id_name", name)
    if extra.get("formula"):
        page.select_option("#id_kind", "formula")
    page.select_option("#id_value_type", value_type)
    if "decimals" in extra:
        page.fill("#id_decimals", str(extra["decimals"]))
    for dimension in extra.get("dimensions", []):
        page.check(f"#field-dimensions input[value='{dimension}']")
    if extra.get("formula"):
        page.locator("#id_formula").press_sequentially(extra["formula"], delay=10)
        page.locator('#formula-check-result[data-ok="yes"]').wait_for()
    navigate(page, lambda: page.click("#save-indicator"))
    assert page.locator(f"#row-{code}").count() == 1, f"indicator {code} was not created"


def _target(page, base: str, shot) -> None:
    page.goto(f"{base}/i/{CODE}/setup/targets/?indicator=enrolled")
    page.fill("#new-period", PERIOD)
    page.fill("[name='v|i|_new']", "40")
    navigate(page, lambda: page.click("#save-grid"))
    assert PERIOD in page.inner_text("#grid")
    shot(page, "step-targets")


def _rule(page, base: str, shot) -> None:
    page.goto(f"{base}/i/{CODE}/setup/rules/")
    page.fill("#rule-code", "starts_within_enrolled")
    page.fill("#rule-left", "job_starts")
    page.select_option("#rule-op", "<=")
    page.fill("#rule-right", "enrolled")
    page.fill("#rule-message", RULE_MESSAGE)
    # The page previews the rule as it is typed (a dry run); let that answer arrive before
    # saving: the tests' live server shares one database connection between its requests.
    page.press("#rule-message", "Tab")
    page.wait_for_load_state("networkidle")
    navigate(page, lambda: page.click("#save-rule"))
    assert "starts_within_enrolled" in page.inner_text("#rules")
    shot(page, "step-rules")


def _replace_from_a_file(page, base: str, shot, tmp_path: Path) -> None:
    """The definition file the pages made, downloaded, edited (a new vision) and uploaded on
    "Replace the set-up from a file": the change is shown first."""
    page.goto(f"{base}/i/{CODE}/setup/")
    navigate(page, lambda: page.click(f"a[href='/i/{CODE}/setup/file/']"))
    shot(page, "replace-file-upload")
    with page.expect_download() as download:
        page.click("#definition-download a[href$='/download/']")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"{CODE}.yaml"
    data = yaml.safe_load(path.read_text())
    assert [i["code"] for i in data["indicators"]] == ["enrolled", "job_starts", "job_start_rate"]
    data["vision"] = "Every young person in Riverside is in work, learning or training."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    page.set_input_files("#definition-file", str(path))
    navigate(page, lambda: page.click("#definition-check"))
    page.wait_for_selector("#definition-checked")
    assert "vision" in page.inner_text("#definition-changes")
    shot(page, "replace-file-preview")
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

    # Dimensions, organisations, three indicators (one a formula), a target and a rule, each
    # on its set-up page.
    _dimensions(page, base, shot)
    _organisations(page, base, shot)
    _indicator(page, base, "enrolled", "Young people enrolled", dimensions=["gender"])
    _indicator(page, base, "job_starts", "Job starts")
    _indicator(
        page,
        base,
        "job_start_rate",
        "Job start rate",
        value_type="percentage",
        formula="job_starts / enrolled * 100",
        decimals=1,
    )
    shot(page, "step-indicators")
    _target(page, base, shot)
    _rule(page, base, shot)
    from commonmeasure.initiatives.models import Initiative

    river = Initiative.objects.get(code=CODE)
    assert sorted(river.indicators.values_list("code", flat=True)) == [
        "enrolled",
        "job_start_rate",
        "job_starts",
    ]
    assert river.indicators.get(code="job_start_rate").formula == "job_starts / enrolled * 100"
    _replace_from_a_file(page, base, shot, tmp_path)

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
    assert RULE_MESSAGE in page.inner_text("body")
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


def test_a_new_initiative_from_a_definition_file_is_previewed_then_created(
    transactional_db, live_server, page, shot, tmp_path
):
    base = live_server.url
    _creator()
    bad = tmp_path / "river.yaml"
    bad.write_text(
        "code: river\nname: River\nindicators:\n"
        "  - {code: a, name: A, value_type: count, decimals: -1}\n"
    )
    good = tmp_path / "river.json"
    good.write_text(
        '{"code": "river", "name": "River", "indicators": '
        '[{"code": "a", "name": "Allotments", "value_type": "count"}]}'
    )

    _log_in(page, base, "maria")
    page.goto(f"{base}/setup/new/")
    navigate(page, lambda: page.click("#new-from-file"))
    shot(page, "new-file-upload")
    page.set_input_files("#definition-file", str(bad))
    navigate(page, lambda: page.click("#definition-check"))
    assert "indicators.0.decimals" in page.inner_text("#definition-problems")
    assert page.locator("#definition-apply").count() == 0
    shot(page, "new-file-problems")

    page.goto(f"{base}/setup/new/file/")
    page.set_input_files("#definition-file", str(good))
    navigate(page, lambda: page.click("#definition-check"))
    assert "indicator a" in page.inner_text("#definition-created")
    shot(page, "new-file-preview")
    navigate(page, lambda: page.click("#definition-apply"))
    assert page.url.endswith("/i/river/setup/")
    page.goto(f"{base}/i/river/")
    assert "Allotments" in page.inner_text("body")
    shot.assert_accessible()


def test_staff_upload_an_indigo_zip_and_its_projects_are_published(
    transactional_db, cast, live_server, page, shot, tmp_path, settings
):
    from commonmeasure.impactbonds import models as m
    from commonmeasure.impactbonds import uploads

    # Checked and imported by the background worker, as a large bundle is: the page polls.
    settings.CM_INDIGO_BACKGROUND_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    base = live_server.url
    m.Project.objects.all().delete()
    from django.contrib.auth.models import Permission

    cast.outsider.user_permissions.add(Permission.objects.get(codename="administer_database"))
    bundle = tmp_path / "indigo.zip"
    bundle.write_bytes(_zip_of(INDIGO))

    _log_in(page, base, "outsider")
    page.goto(f"{base}/impact-bonds/manage/")
    shot(page, "impact-bonds-manage")
    page.set_input_files("#bundle-file", str(bundle))
    navigate(page, lambda: page.click("#bundle-check"))
    page.wait_for_selector("#import-progress")
    shot(page, "impact-bonds-progress")
    token = page.url.rstrip("/").split("/")[-1]
    uploads.run_task(token, cast.outsider.id, commit=False)  # what the worker does
    page.wait_for_selector("#import-commit")  # the page polled and showed the result
    assert "projects.csv" in page.inner_text("#import-tables")
    assert "Period - Start - (Value)" in page.inner_text("#import-problems")
    shot(page, "impact-bonds-dry-run")
    assert not m.Project.objects.exists()
    navigate(page, lambda: page.click("#import-commit"))
    page.wait_for_selector("#import-progress")
    uploads.run_task(token, cast.outsider.id, commit=True)
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
    page.wait_for_selector("#quality-chart.chart-ready svg")
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
