"""The deterministic demo initiative: 30 youth employment providers, 14 indicators (2 computed), 36 months.

The same seed and end month always give the same data. Values go through the same import
service as any values file; reports then move through the real workflow (``approve_many``,
``submit``, ``return_for_changes``, ``unlock``) to a realistic mix of approved, submitted,
draft, returned, late and missing reports, their dates set back to when they would have
happened. On top: a deadline with reminders, validation rules some reports fail, targets on
most indicators, a feedback survey with enough responses for its figures, a co-design vote,
comments with @mentions, activities that fill the activity matrix with gaps and overlaps, an
outcomes contract (``contracts/demo.py``) and impact bond data with private and disputed
fields (``demo_data/indigo``). Every piece goes through the service its page uses.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from commonmeasure.backbone.services import save_activity
from commonmeasure.contracts.demo import load_demo_contract
from commonmeasure.conversation.models import Thread
from commonmeasure.conversation.services import mark_read, post_comment, report_spec
from commonmeasure.domain import periods
from commonmeasure.impactbonds.services import import_bundle
from commonmeasure.initiatives.access import Access, access_for
from commonmeasure.initiatives.models import (
    Indicator,
    Initiative,
    Membership,
    Organisation,
    Participation,
)
from commonmeasure.initiatives.users import add_user
from commonmeasure.interchange.definition import TargetDef, read_definition
from commonmeasure.interchange.tabular import open_table
from commonmeasure.measures.selectors import BY_PERIOD, query
from commonmeasure.reporting import services as reporting
from commonmeasure.reporting.importing import import_table
from commonmeasure.reporting.initiative_file import load_definition
from commonmeasure.reporting.models import DataValue, StatusChange, Submission
from commonmeasure.reporting.workflow import WorkflowError, approve_many
from commonmeasure.voice import building
from commonmeasure.voice import services as voice
from commonmeasure.voice.forms import ResponseForm
from commonmeasure.voice.models import BallotResponse, Question, Response

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
    for code, _name, _ident in orgs:
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
                for (g, a, _weight), part in zip(combos, parts, strict=True):
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
            "role": _("backbone admin of the partnership"),
            "can": _(
                "sees every report, approves and returns them (some are waiting), runs data "
                "quality (rules, outliers, who has not reported), sets the deadline and "
                "reminders, members, targets, surveys, the co-design vote, the activity matrix "
                "and the outcomes contract; also Django admin at /admin/"
            ),
        },
        {
            "username": "reporter",
            "role": _("reporter for %(name)s (%(code)s)")
            % {"name": orgs[0][1], "code": orgs[0][0]},
            "can": _(
                "enters and submits its organisation's monthly report in the grid or by file: "
                "last month's came back with a comment and this month's draft fails a rule it "
                "must explain; is @mentioned in comments; sees the community figures"
            ),
        },
        {
            "username": "reporter2",
            "role": _("reporter for %(name)s (%(code)s)")
            % {"name": orgs[1][1], "code": orgs[1][0]},
            "can": _(
                "the same for a second organisation, to see what one organisation may and "
                "may not see of another"
            ),
        },
        {
            "username": "viewer",
            "role": _("viewer for %(name)s (%(code)s)") % {"name": orgs[2][1], "code": orgs[2][0]},
            "can": _("reads its organisation's reports and the community figures, changes nothing"),
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
        # The users first: the workflow's notifications and the comments' mentions reach them.
        users = _users(initiative, orgs)
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
                    if (
                        row[0] == orgs[0][0]
                        and row[2] == end.code
                        and row[1] == "training_completed"
                    ):
                        row[3] = 40  # the reporter's own draft fails a rule it must explain
                    writer.writerow(row)
            result = import_table(initiative, open_table(path), today=end.end_date)
        if result.errors:
            raise RuntimeError(f"demo data did not import: {result.errors[:3]}")
        _workflow(initiative, end, rng, users, orgs)
        _targets(initiative, defn, end)
        _activities(initiative, orgs, users["backbone"])
        _survey(initiative, orgs, users, random.Random(seed + 2))
        _ballot(initiative, users["backbone"], random.Random(seed + 3))
        _comments(initiative, orgs, users, end)

        load_demo_contract(initiative)

    # Twelve real projects from GO Lab's INDIGO dataset, for the impact bond pages, two of them
    # with a field marked private or disputed; re-importing changes nothing.
    import_bundle(DEMO_INDIGO)
    return (
        f"Loaded {initiative.name} ({initiative.code}): {len(orgs)} organisations, "
        f"{initiative.indicators.count()} indicators, {len(month_list)} months "
        f"({month_list[0].code} to {month_list[-1].code}), {result.imported} new values.\n"
        + login_help(orgs)
    )


RETURN_COMMENT = "Job starts look high against enrolments; please check the gender split."


def _plan(initiative: Initiative, subs, end: periods.Period, rng: random.Random, first_org: str):
    """Each report's status and dates: older months approved, the last two a mix; about one
    report in eight submitted late; the first organisation (the demo reporter's) has the
    latest month in draft and the one before returned."""
    plan: dict[int, tuple[str, object, object]] = {}
    now = timezone.now()
    for sub in subs:
        p = initiative.parse_period(sub.period)
        age = end.start - p.start  # 0 = latest month
        due = timezone.make_aware(
            timezone.datetime.combine(p.end_date + timedelta(days=15), timezone.datetime.min.time())
        )
        late = rng.random() < 0.12
        submitted_at = (
            due + timedelta(days=rng.randint(1, 20))
            if late
            else due - timedelta(days=rng.randint(1, 12))
        )
        roll = rng.random()
        if sub.organisation.code == first_org and age <= 1:
            status = Submission.DRAFT if age == 0 else Submission.RETURNED
        elif age == 0:
            status = (
                Submission.APPROVED
                if roll < 0.55
                else Submission.SUBMITTED
                if roll < 0.8
                else Submission.DRAFT
            )
        elif age == 1:
            status = Submission.APPROVED if roll < 0.9 else Submission.RETURNED
        else:
            status = Submission.APPROVED
        if submitted_at > now:
            submitted_at = now - timedelta(hours=rng.randint(1, 48))  # late, and still outstanding
        reviewed_at = None
        if status in (Submission.APPROVED, Submission.RETURNED):
            reviewed_at = min(submitted_at + timedelta(days=rng.randint(1, 6)), now)
        if status == Submission.DRAFT:
            submitted_at = None
        plan[sub.id] = (status, submitted_at, reviewed_at)
    return plan


def _workflow(initiative: Initiative, end: periods.Period, rng: random.Random, users, orgs):
    """Move the reports through the workflow the pages and the API use: the reports of the
    last two months that are not approved outright are submitted one by one (``submit``,
    which checks the validation rules; one a rule stops, a warning not explained, stays a
    draft as it would for its reporter), some of them returned with a comment; the backbone
    approves the rest in one ``approve_many``, as ``import values --approve`` does. The steps'
    dates are then set back to when they would have happened."""
    backbone = users["backbone"]
    access = Access(initiative, is_backbone=True)
    reporters = {orgs[0][0]: users["reporter"], orgs[1][0]: users["reporter2"]}
    subs = list(
        Submission.objects.filter(initiative=initiative)
        .select_related("organisation")
        .order_by("period_start", "organisation__code")
    )
    plan = _plan(initiative, subs, end, rng, orgs[0][0])
    approved = [s.id for s in subs if plan[s.id][0] == Submission.APPROVED]
    approve_many(initiative, approved, backbone, channel="cli")
    for user in users.values():  # the history's notifications are old news
        mark_read(user)
    for sub in subs:
        status = plan[sub.id][0]
        if status not in (Submission.SUBMITTED, Submission.RETURNED):
            continue
        try:
            sub = reporting.submit(
                access, sub, reporters.get(sub.organisation.code, backbone), channel="cli"
            )
        except WorkflowError:  # stopped by a rule: it stays a draft until it is explained
            plan[sub.id] = (Submission.DRAFT, None, None)
            continue
        if status == Submission.RETURNED:
            reporting.return_for_changes(access, sub, backbone, RETURN_COMMENT, channel="cli")
    # The reporter may still correct its returned and draft reports after the deadline.
    for sub in Submission.objects.filter(
        initiative=initiative, organisation__code=orgs[0][0], status__in=Submission.EDITABLE
    ):
        if reporting.past_deadline(initiative, sub, sub.period):
            reporting.unlock(access, sub, backbone)
    _backdate(plan)


def _backdate(plan) -> None:
    """The reports' and their steps' dates: when they would have been submitted and reviewed
    (one statement run for every row: Django's bulk_update is many times slower here)."""
    adapt = connection.ops.adapt_datetimefield_value
    steps = StatusChange.objects.filter(submission_id__in=list(plan)).values_list(
        "id", "submission_id", "new_status"
    )
    moved = []
    for step_id, sub_id, new_status in steps:
        _status, submitted_at, reviewed_at = plan[sub_id]
        when = submitted_at if new_status == Submission.SUBMITTED else reviewed_at
        if when is not None:
            moved.append((adapt(when), step_id))
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {qn(Submission._meta.db_table)} SET submitted_at = %s, reviewed_at = %s "
            "WHERE id = %s",
            [(adapt(sub), adapt(rev), sid) for sid, (_s, sub, rev) in plan.items()],
        )
        cursor.executemany(
            f"UPDATE {qn(StatusChange._meta.db_table)} SET changed_at = %s WHERE id = %s", moved
        )


# Indicators without a target of their own in the demo: the caseload is capacity, not an aim.
NO_TARGET = {"caseload", "outcomes_index"}


def _targets(initiative: Initiative, defn, end: periods.Period) -> None:
    """A target for this year on most indicators, where the file sets none: last year's figure
    (the same query as every page) improved by 8% in the indicator's better direction, with the
    two years before as the baseline for turn-the-curve. Loaded through the definition file's
    own service, as if written in it."""
    year = periods.index_to_year_month(end.start)[0]
    have = set(
        initiative.targets.filter(organisation=None, area=None, period=str(year)).values_list(
            "indicator__code", flat=True
        )
    )
    extra = []
    for ind in initiative.indicators.all():
        if ind.code in have or ind.code in NO_TARGET:
            continue
        last = {r["key"]: r["value"] for r in query(initiative, ind, BY_PERIOD, "year")}.get(
            str(year - 1)
        )
        if last is None:
            continue
        value = round(last * (1.08 if ind.polarity == "higher" else 0.92), ind.decimals)
        if ind.value_type == Indicator.PERCENTAGE:
            value = min(value, 100)
        extra.append(
            TargetDef(
                indicator=ind.code,
                period=str(year),
                value=value,
                baseline_from=str(year - 2),
                baseline_to=str(year - 1),
            )
        )
    if extra:
        load_definition(defn.model_copy(update={"targets": [*defn.targets, *extra]}))


# (name, goals, indicators): what the providers do, for the activity matrix.
ACTIVITIES = [
    ("Job coaching", ["G1"], ["job_starts", "sustained_6m"]),
    ("In-work support", ["G1"], ["sustained_6m", "hourly_wage"]),
    ("Employability workshops", ["G1", "G2"], ["training_completed", "job_starts"]),
    ("One-to-one mentoring", ["G3"], ["mentoring_hours", "wellbeing"]),
    ("Wellbeing groups", ["G3"], ["wellbeing", "satisfaction"]),
    ("Accredited courses", ["G2"], ["training_completed", "qualifications"]),
]


def _activities(initiative: Initiative, orgs, backbone) -> None:
    """Activities for twenty providers: many coach young people into work (an overlap), only
    two run accredited courses, and none works with employers (goal G4: a gap)."""
    indicators = {i.code: i for i in initiative.indicators.all()}
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=[c for c, _, _ in orgs])}
    for n, (code, _name, _ident) in enumerate(orgs[:20]):
        chosen = [ACTIVITIES[n % 5]] + ([ACTIVITIES[5]] if n in (3, 11) else [])
        for name, goals, codes in chosen:
            save_activity(
                initiative,
                by_code[code],
                by=backbone,
                name=name,
                description=f"{name} for the young people {by_code[code].name} supports.",
                goals=goals,
                indicators=[indicators[c] for c in codes],
            )


SURVEY_ORGS = 3  # the providers whose young people answered the survey this month


def _survey(initiative: Initiative, orgs, users, rng: random.Random) -> None:
    """A feedback survey for every provider; this month, 12 to 24 young people at each of the
    first three answered, enough for its figures; the satisfaction question feeds the
    "Participants satisfied" indicator of their current report (``recompute``, as after a
    response on the survey's page)."""
    backbone = users["backbone"]
    survey = building.create_survey(
        initiative,
        organisation=None,
        title="How is the support going?",
        intro="Four short questions about the support you get. Your answers are anonymous.",
        threshold=5,
        rate_limit_per_minute=60,
        user=backbone,
    )
    satisfaction = initiative.indicators.get(code="satisfaction")
    asked = [
        (Question.LIKERT, "How satisfied are you with the support you get?", [], satisfaction),
        (Question.NPS, "How likely are you to recommend us to a friend?", [], None),
        (
            Question.SINGLE,
            "How did you first hear about us?",
            ["School or college", "Jobcentre", "A friend", "Social media"],
            None,
        ),
        (Question.TEXT, "What one thing would make the support better?", [], None),
    ]
    questions = [
        building.add_question(
            survey,
            kind=kind,
            text=text,
            choices=choices,
            translations={},
            required=kind == Question.LIKERT,
            indicator=indicator,
            measure="satisfied" if indicator else "",
        )
        for kind, text, choices, indicator in asked
    ]
    period = voice.current_period(initiative)
    ideas = [
        "Evening sessions",
        "More help with interviews",
        "Bus fares paid",
        "Meeting employers",
        "",
    ]
    now = timezone.now()
    links = list(survey.links.filter(organisation__code__in=[c for c, _, _ in orgs[:SURVEY_ORGS]]))
    for link in links:
        responses = []
        for n in range(rng.randint(12, 24)):
            data = QueryDict(mutable=True)
            data[f"q{questions[0].id}"] = str(rng.choices([2, 3, 4, 5], [1, 2, 5, 4])[0])
            data[f"q{questions[1].id}"] = str(rng.choices(range(11), [1] * 6 + [2, 3, 4, 4, 3])[0])
            data[f"q{questions[2].id}"] = rng.choice(questions[2].choices)
            data[f"q{questions[3].id}"] = rng.choice(ideas)
            form = ResponseForm(data, questions=questions)
            if not form.is_valid():
                raise RuntimeError(f"demo survey answers refused: {form.messages}")
            answers, texts = form.cleaned_data["answers"], form.cleaned_data["texts"]
            responses.append(
                Response(
                    survey=survey,
                    link=link,
                    period=period,
                    answers=answers,
                    device=voice.device_hash(f"demo-{link.id}-{n}", f"survey:{survey.id}", period),
                    text_digest=voice.text_digest(texts),
                    created_at=now - timedelta(hours=rng.randint(1, 24 * 20)),
                )
            )
        Response.objects.bulk_create(responses)
        voice.recompute(link, period)
    building.publish_you_said(
        links[0],
        you_said="Sessions clash with college hours.",
        we_did="From next month there are evening sessions on Tuesdays and Thursdays.",
        user=backbone,
    )


def _ballot(initiative: Initiative, backbone, rng: random.Random) -> None:
    """A co-design vote on the outcome to add next, ranked by 40 young people."""
    ballot = building.create_ballot(
        initiative,
        title="Which outcome should the partnership measure next?",
        intro="Rank the outcomes that matter most to you; 1 is the most important.",
        mode="rank",
        candidates=[
            "Feeling confident at work",
            "Stable housing",
            "A job that pays the real living wage",
            "Learning to drive",
            "Being part of the community",
        ],
        user=backbone,
    )
    codes = [c["code"] for c in ballot.candidates]
    weights = [5, 2, 4, 1, 3]
    now = timezone.now()
    rows = []
    for n in range(40):
        ranking = []
        left = list(zip(codes, weights, strict=True))
        for _step in range(rng.randint(2, len(codes))):
            pick = rng.choices(range(len(left)), [w for _code, w in left])[0]
            ranking.append(left.pop(pick)[0])
        device = hashlib.sha256(f"demo-ballot-{ballot.id}-{n}".encode()).hexdigest()
        rows.append(
            BallotResponse(
                ballot=ballot, ranking=ranking, device=device, created_at=now - timedelta(hours=n)
            )
        )
    BallotResponse.objects.bulk_create(rows)


def _comments(initiative: Initiative, orgs, users, end: periods.Period) -> None:
    """Conversations with @mentions, through the comment service (which notifies who is
    mentioned): on the demo reporter's returned report, and on an indicator."""
    backbone, reporter, reporter2 = users["backbone"], users["reporter"], users["reporter2"]
    previous = periods.month(*periods.index_to_year_month(end.start - 1))
    returned = Submission.objects.get(
        initiative=initiative, organisation__code=orgs[0][0], period=previous.code
    )
    job_starts = initiative.indicators.get(code="job_starts")
    on_value = report_spec(returned, job_starts, "")
    post_comment(
        access_for(backbone, initiative),
        backbone,
        on_value,
        "@reporter job starts are high against enrolments this month; could two young people "
        "have been recorded twice?",
    )
    post_comment(
        access_for(reporter, initiative),
        reporter,
        report_spec(returned, job_starts, ""),
        "@backbone yes, two were entered twice; I will correct them and submit again.",
    )
    rate = {
        "kind": Thread.INDICATOR,
        "indicator": initiative.indicators.get(code="sustainment_rate"),
    }
    post_comment(
        access_for(backbone, initiative),
        backbone,
        dict(rate),
        "The sustainment rate dipped last autumn. @reporter @reporter2 did your providers see "
        "young people leave jobs around then?",
    )
    post_comment(
        access_for(reporter2, initiative),
        reporter2,
        dict(rate),
        "@backbone two of our employers cut hours in October; most of those young people "
        "found other work by December.",
    )


def _users(initiative: Initiative, orgs) -> dict:
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
    found = get_user_model().objects.filter(username__in=[u for u, _, _ in users])
    return {u.username: u for u in found}
