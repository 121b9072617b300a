"""The deterministic demo initiative: 30 youth employment providers, 14 indicators (2 computed), 36 months.

The same seed and end month always give the same data. Values go through the same import
service as any values file; statuses are then set to give a realistic mix of approved,
submitted, draft, returned, late and missing reports.
"""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from commonmeasure.contracts.demo import load_demo_contract
from commonmeasure.domain import periods
from commonmeasure.impactbonds.services import import_bundle
from commonmeasure.initiatives.models import Initiative, Membership, Organisation, Participation
from commonmeasure.initiatives.services import load_definition
from commonmeasure.initiatives.users import add_user
from commonmeasure.interchange.definition import read_definition
from commonmeasure.interchange.tabular import open_table
from commonmeasure.reporting.importing import import_table
from commonmeasure.reporting.models import DataValue, Submission
from commonmeasure.rollups.engine import rebuild

DEMO_FILE = Path(__file__).parent / "demo_data" / "initiative.yaml"
DEMO_INDIGO = Path(__file__).parent / "demo_data" / "indigo"
DEMO_PASSWORD = "commonmeasure"
ORG_NAMES = [
    "Northside Youth Trust",
    "Riverside Works",
    "Eastgate Community Hub",
    "Open Doors Mentoring",
    "Harbour Lights Foundation",
    "Step Up Training",
    "Millfield Youth Project",
    "Bridges to Work",
    "Canal Street Collective",
    "Greenway Futures",
    "Southbank Skills Centre",
    "The Next Chapter",
    "Westwood Young People's Service",
    "First Rung Apprenticeships",
    "Lighthouse Careers",
    "Oakfield Family Centre",
    "New Horizons Youth",
    "St Anne's Community Trust",
    "Youth Voice Riverside",
    "Compass Employment Support",
    "Ladder Up",
    "Hillcrest Learning Partnership",
    "Spark Enterprise",
    "The Foundry Arts Trust",
    "Kingsmead Youth Club",
    "Fresh Start Riverside",
    "Pathways Mentoring",
    "Brightside Digital Skills",
    "Valley Sports Trust",
    "Unity Youth Network",
]
BACKBONE = ("RCF", "Riverside Community Foundation", "GB-CHC-1090001")


def _code(name: str) -> str:
    words = [w for w in name.replace("'", "").split() if w[0].isupper()]
    return "".join(w[0] for w in words)[:5].upper()


def organisations() -> list[tuple[str, str, str]]:
    out, used = [], set()
    for n, name in enumerate(ORG_NAMES):
        code = _code(name)
        while code in used:
            code += str(n % 10)
        used.add(code)
        out.append((code, name, f"GB-CHC-{1100001 + n * 37}"))
    return out


def default_end() -> periods.Period:
    """The last complete month."""
    today = timezone.localdate()
    first = today.replace(day=1) - timedelta(days=1)
    return periods.month(first.year, first.month)


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split a whole number at random in proportion to weights; the parts sum exactly to total."""
    parts = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=total):
        parts[i] += 1
    return parts


def generate_rows(seed: int, months: list[periods.Period], orgs: list[tuple[str, str, str]]):
    rng = random.Random(seed)
    genders, g_w = ["female", "male", "other"], [0.47, 0.49, 0.04]
    ages, a_w = ["16-17", "18-21", "22-24"], [0.25, 0.45, 0.30]
    combos = [
        (g, a, gw * aw)
        for g, gw in zip(genders, g_w, strict=True)
        for a, aw in zip(ages, a_w, strict=True)
    ]
    for code, _, _ in orgs:
        size = rng.uniform(0.4, 2.2)
        skill = rng.uniform(0.7, 1.3)
        caseload = int(40 * size)
        for n, p in enumerate(months):
            season = 1 + 0.15 * ((p.start % 12) in (8, 9, 0))  # Sep, Oct, Jan peaks
            growth = 1 + 0.012 * n
            referrals = max(1, int(rng.gauss(18 * size * season * growth, 3)))
            enrolled = max(1, int(referrals * rng.uniform(0.55, 0.8)))
            job_starts = min(
                enrolled, max(0, int(rng.gauss(enrolled * 0.22 * skill * (1 + 0.006 * n), 1.2)))
            )
            sustained = max(0, int(job_starts * rng.uniform(0.45, 0.75)))
            caseload = max(
                5, caseload + enrolled - job_starts - int(rng.uniform(0.1, 0.25) * caseload)
            )
            values = {
                "referrals": referrals,
                "enrolled": enrolled,
                "caseload": caseload,
                "training_completed": max(0, int(rng.gauss(enrolled * 0.6, 2))),
                "qualifications": max(0, int(rng.gauss(enrolled * 0.3 * skill, 1.5))),
                "job_starts": job_starts,
                "sustained_6m": sustained,
                "job_start_rate": round(100 * job_starts / enrolled, 1),
                "mentoring_hours": int(enrolled * rng.uniform(3, 6)),
                "wellbeing": round(min(35, max(7, rng.gauss(21 + 2 * skill + 0.05 * n, 1.2))), 1),
                "satisfaction": round(min(100, max(0, rng.gauss(78 + 8 * (skill - 1), 6))), 1),
            }
            if job_starts:
                values["hourly_wage"] = round(rng.gauss(10.9 + 0.02 * n, 0.6), 2)
            for ind, value in values.items():
                yield [code, ind, p.code, value, "", "", ""]
            for ind in ("referrals", "enrolled", "job_starts"):
                parts = _split(values[ind], [w for _, _, w in combos], rng)
                for (g, a, _), part in zip(combos, parts, strict=True):
                    yield [code, ind, p.code, part, g, a, ""]
            for ind in ("caseload", "sustained_6m", "qualifications"):
                for g, part in zip(genders, _split(values[ind], g_w, rng), strict=True):
                    yield [code, ind, p.code, part, g, "", ""]


@transaction.atomic
def delete_initiative(initiative: Initiative) -> None:
    """Delete an initiative with all its reports and values."""
    DataValue.objects.filter(initiative=initiative).delete()
    initiative.indicators.update(weight_indicator=None)
    initiative.delete()


def demo_accounts(orgs=None) -> list[dict]:
    """The demo's users, each with what it may do: for the command's message and for the first
    screen of a server run in demo mode (``CM_DEMO``)."""
    orgs = orgs or organisations()
    return [
        {
            "username": "backbone",
            "role": gettext("backbone admin of the partnership"),
            "can": gettext(
                "sees every report, approves and returns them, runs data quality, settings, "
                "members, surveys and the outcomes contract; also Django admin at /admin/"
            ),
        },
        {
            "username": "reporter",
            "role": gettext("reporter for %(name)s (%(code)s)")
            % {"name": orgs[0][1], "code": orgs[0][0]},
            "can": gettext(
                "enters and submits its organisation's monthly report in the grid or by file, "
                "and sees the community figures"
            ),
        },
        {
            "username": "reporter2",
            "role": gettext("reporter for %(name)s (%(code)s)")
            % {"name": orgs[1][1], "code": orgs[1][0]},
            "can": gettext(
                "the same for a second organisation, to see what one organisation may and "
                "may not see of another"
            ),
        },
        {
            "username": "viewer",
            "role": gettext("viewer for %(name)s (%(code)s)")
            % {"name": orgs[2][1], "code": orgs[2][0]},
            "can": gettext(
                "reads its organisation's reports and the community figures, changes nothing"
            ),
        },
    ]


def login_help(orgs) -> str:
    lines = [gettext("Log in with password '%(password)s' as:") % {"password": DEMO_PASSWORD}]
    for account in demo_accounts(orgs):
        role = account["role"]
        if account["username"] == "backbone":
            role += gettext(" (also Django admin at /admin/)")
        lines.append(f"  {account['username']:<10} {role}")
    return "\n".join(lines)


def load_demo(
    seed: int = 2024,
    end: periods.Period | None = None,
    months: int = 36,
    quiet: bool = True,
    reset: bool = False,
) -> str:
    """Load the demo initiative; if it is already there, keep it (and its users' work) unless ``reset``."""
    existing = Initiative.objects.filter(code="youth-jobs").first()
    if existing is not None:
        if not reset:
            return (
                f"The demo initiative {existing.name} ({existing.code}) is already loaded; keeping it.\n"
                + login_help(organisations())
            )
        delete_initiative(existing)
    end = end or default_end()
    month_list = periods.periods_between(
        periods.month(*periods.index_to_year_month(end.start - months + 1)), end
    )
    defn = read_definition(DEMO_FILE)
    orgs = organisations()
    with transaction.atomic():
        initiative, _ = load_definition(defn)
        for code, name, ident in [BACKBONE, *orgs]:
            org, _ = Organisation.objects.update_or_create(
                code=code, defaults={"name": name, "identifiers": [ident]}
            )
            Participation.objects.update_or_create(
                initiative=initiative,
                organisation=org,
                defaults={"is_backbone": code == BACKBONE[0]},
            )
        # Reporting organisations skip the last month or two now and then; two never send the latest.
        rng = random.Random(seed + 1)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo-values.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(
                    [
                        "organisation",
                        "indicator",
                        "period",
                        "value",
                        "gender",
                        "age_band",
                        "comment",
                    ]
                )
                latest_missing = {orgs[-1][0], orgs[-2][0]}
                for row in generate_rows(seed, month_list, orgs):
                    if row[2] == end.code and row[0] in latest_missing:
                        continue
                    writer.writerow(row)
            result = import_table(initiative, open_table(path), today=end.end_date)
        if result.errors:
            raise RuntimeError(f"demo data did not import: {result.errors[:3]}")
        _set_statuses(initiative, end, rng)

        rebuild(initiative, check=False)  # statuses were set directly, not through the workflow
        _users(initiative, orgs)

        load_demo_contract(initiative)

    # Twelve real projects from GO Lab's INDIGO dataset, for the impact bond pages; re-importing changes nothing.
    import_bundle(DEMO_INDIGO)
    return (
        f"Loaded {initiative.name} ({initiative.code}): {len(orgs)} organisations, "
        f"{initiative.indicators.count()} indicators, {len(month_list)} months "
        f"({month_list[0].code} to {month_list[-1].code}), {result.imported} new values.\n"
        + login_help(orgs)
    )


def _set_statuses(initiative: Initiative, end: periods.Period, rng: random.Random) -> None:
    subs = list(Submission.objects.filter(initiative=initiative).select_related("organisation"))
    first_org = organisations()[0][0]
    for sub in subs:
        p = initiative.parse_period(sub.period)
        age = end.start - p.start  # 0 = latest month
        due = timezone.make_aware(
            timezone.datetime.combine(p.end_date + timedelta(days=15), timezone.datetime.min.time())
        )
        late = rng.random() < 0.12
        sub.submitted_at = (
            due + timedelta(days=rng.randint(1, 20))
            if late
            else due - timedelta(days=rng.randint(1, 12))
        )
        roll = rng.random()
        if sub.organisation.code == first_org and age == 0:
            sub.status, sub.submitted_at = Submission.DRAFT, None
        elif age == 0:
            sub.status = (
                Submission.APPROVED
                if roll < 0.55
                else Submission.SUBMITTED
                if roll < 0.8
                else Submission.DRAFT
            )
        elif age == 1:
            sub.status = Submission.APPROVED if roll < 0.9 else Submission.RETURNED
            if sub.status == Submission.RETURNED:
                sub.review_comment = (
                    "Job starts look high against enrolments; please check the gender split."
                )
        else:
            sub.status = Submission.APPROVED
        now = timezone.now()
        if sub.submitted_at is not None and sub.submitted_at > now:
            sub.submitted_at = now - timedelta(
                hours=rng.randint(1, 48)
            )  # late, and still outstanding
        if sub.status == Submission.DRAFT:
            sub.submitted_at = None
        if sub.status == Submission.APPROVED:
            sub.reviewed_at = min(
                (sub.submitted_at or due) + timedelta(days=rng.randint(1, 6)), now
            )
    Submission.objects.bulk_update(
        subs, ["status", "submitted_at", "reviewed_at", "review_comment"], batch_size=500
    )


def _users(initiative: Initiative, orgs) -> None:
    users = [
        ("backbone", Membership.BACKBONE_ADMIN, None),
        ("reporter", Membership.REPORTER, orgs[0][0]),
        ("reporter2", Membership.REPORTER, orgs[1][0]),
        ("viewer", Membership.VIEWER, orgs[2][0]),
    ]
    for username, role, organisation in users:
        add_user(
            username,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
            initiative_code=initiative.code,
            role=role,
            organisation_code=organisation,
        )
