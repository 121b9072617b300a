"""A small, realistic managed contract for the demo: a youth employment social impact bond.

``load_demo_contract(initiative)`` creates (once) a managed impact bond project in the
initiative, its parties, a rate card modelled on the DWP Innovation Fund prices, 60 participants
with two years of achievements (some pending validation, one entered twice), the outcome
payments made so far and the investor's cash flows. Every date is in the past. Calling it again
keeps what is there. ``commonmeasure/demo.py`` calls it after loading the demo initiative.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commonmeasure.impactbonds.models import Organisation, Project, ProjectParty, Role

from .models import Achievement, InvestorFlow, ManagedContract, Participant, PaymentMade
from .services import save_contract, statement

DEMO_PROJECT = "CM-DEMO-SIB-0001"
PARTIES = [
    ("CM-DEMO-ORG-DWP", "Department for Work and Pensions", Role.OUTCOME_PAYER),
    ("CM-DEMO-ORG-LA", "Riverside Borough Council", Role.OUTCOME_PAYER),
    ("CM-DEMO-ORG-INV", "Bridges Outcomes Fund", Role.INVESTOR),
    ("CM-DEMO-ORG-PRV", "Youth Futures Trust", Role.SERVICE_PROVIDER),
    ("CM-DEMO-ORG-INT", "Social Finance", Role.INTERMEDIARY),
    ("CM-DEMO-ORG-EVL", "Centre for Evidence", Role.EVALUATOR),
]
METRICS = [
    # id, price, once per participant, share of participants who achieve it
    ("improved_attendance", "1400", False, 0.8),
    ("improved_behaviour", "1300", True, 0.6),
    ("entry_level_qualification", "900", True, 0.55),
    ("level_1_qualification", "1100", True, 0.45),
    ("level_2_qualification", "3300", True, 0.3),
    ("entry_to_employment", "3500", True, 0.3),
    ("sustained_employment", "2000", True, 0.2),
]
NAMES = {
    "improved_attendance": "Better school attendance (a term)",
    "improved_behaviour": "Improved behaviour at school",
    "entry_level_qualification": "Entry level qualification",
    "level_1_qualification": "Level 1 qualification (GCSE grades 3 to 1)",
    "level_2_qualification": "Level 2 qualification (GCSE grades 9 to 4)",
    "entry_to_employment": "Started a job",
    "sustained_employment": "Job kept for 26 weeks",
}
PARTICIPANTS = 60


def _definition(start: date, end: date) -> dict:
    return {
        "currency": "GBP",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "cap_total": "400000",
        "cap_per_participant": "8200",
        "payers": [{"id": "DWP", "share": "0.7"}, {"id": "Riverside", "share": "0.3"}],
        "metrics": [
            {
                "id": m,
                "name": NAMES[m],
                "price": price,
                **({"once_per_participant": True} if once else {}),
            }
            | ({"cap_count": 40} if m == "level_2_qualification" else {})
            for m, price, once, _ in METRICS
        ],
    }


def load_demo_contract(initiative=None, seed: int = 5) -> ManagedContract:
    """The demo contract, created the first time; ``initiative`` (an Initiative) owns it, so its
    backbone admins manage it and its members see it."""
    existing = ManagedContract.objects.filter(project__indigo_id=DEMO_PROJECT).first()
    if existing is not None:
        _name_metrics(existing)
        return existing
    rng = random.Random(seed)
    today = timezone.localdate()
    start = date(today.year - 2, today.month, 1)
    end = date(today.year + 1, 3, 31)
    with transaction.atomic():
        project = Project.objects.create(
            indigo_id=DEMO_PROJECT,
            kind=Project.MANAGED,
            initiative=initiative,
            name="Riverside Youth Employment Bond",
            stage="Implementation",
            policy_sector="Employment and training",
            primary_sdg_goal=8,
            sdg_goals=[8, 4],
            jurisdiction="GB",
            outcomes_contract_signed=(start - timedelta(days=45)).isoformat(),
            service_start=start.isoformat(),
            service_end_anticipated=end.isoformat(),
            launch_date=start - timedelta(days=45),
            target_population="Young people aged 14 to 19 at risk of not being in education, employment or training",
            targeted_service_users=PARTICIPANTS,
            investment_currency="GBP",
            investment_exact=Decimal("180000"),
            max_outcome_payment_currency="GBP",
            max_outcome_payment=Decimal("400000"),
        )
        for indigo_id, name, role in PARTIES:
            org, _ = Organisation.objects.get_or_create(
                indigo_id=indigo_id, defaults={"name": name, "country": "GB"}
            )
            ProjectParty.objects.get_or_create(project=project, organisation=org, role=role)
        contract = save_contract(project, _definition(start, end))
        _achievements(contract, rng, start, today)
        _money(contract, start, today)
    return contract


def _name_metrics(contract: ManagedContract) -> None:
    """A demo contract loaded before its metrics had names gets them (nothing else changes)."""
    metrics = contract.definition.get("metrics") or []
    if all(m.get("name") for m in metrics):
        return
    named = [{**m, "name": m.get("name") or NAMES.get(m["id"], m["id"])} for m in metrics]
    save_contract(contract.project, {**contract.definition, "metrics": named})


def _achievements(contract: ManagedContract, rng: random.Random, start: date, today: date) -> None:
    days = (today - start).days
    participants = Participant.objects.bulk_create(
        [Participant(contract=contract, code=f"RYE-{n:04d}") for n in range(1, PARTICIPANTS + 1)]
    )
    rows = []
    for p in participants:
        joined = rng.randrange(0, max(days - 120, 1))
        achieved = [(m, once) for m, _price, once, share in METRICS if rng.random() < share]
        steps = sorted(
            rng.randrange(joined + 20, max(joined + 21, min(days, joined + 600))) for _ in achieved
        )
        for (metric, once), step in zip(achieved, steps, strict=True):
            day = start + timedelta(days=step)
            recent = (today - day).days < 45
            status = Achievement.PENDING if recent and rng.random() < 0.7 else Achievement.VALIDATED
            if rng.random() < 0.03:
                status = Achievement.REJECTED
            rows.append(
                Achievement(
                    contract=contract,
                    participant=p,
                    metric=metric,
                    date=day,
                    status=status,
                    evidence=_evidence(metric, rng),
                )
            )
            if not once and rng.random() < 0.5:  # attendance improves again a term later
                later = day + timedelta(days=120)
                if later < today:
                    rows.append(
                        Achievement(
                            contract=contract,
                            participant=p,
                            metric=metric,
                            date=later,
                            status=Achievement.VALIDATED,
                            evidence=_evidence(metric, rng),
                        )
                    )
    first = next(r for r in rows if r.metric == "improved_behaviour")
    rows.append(
        Achievement(
            contract=contract,
            participant=first.participant,
            metric=first.metric,
            date=first.date + timedelta(days=30),
            status=Achievement.VALIDATED,
            evidence="Entered again by the school; the first record stands",
        )
    )
    rows.sort(key=lambda r: (r.date, r.participant.code))
    Achievement.objects.bulk_create(rows)


def _evidence(metric: str, rng: random.Random) -> str:
    return {
        "improved_attendance": f"School attendance register, term {rng.randint(1, 3)}",
        "improved_behaviour": "Teacher assessment, behaviour log",
        "entry_level_qualification": "Awarding body certificate",
        "level_1_qualification": "Awarding body certificate",
        "level_2_qualification": "Awarding body results letter",
        "entry_to_employment": "Employer letter and payslip",
        "sustained_employment": "HMRC employment record, 26 weeks",
    }[metric]


def _money(contract: ManagedContract, start: date, today: date) -> None:
    due = statement(contract, by="quarter")
    # Outcome payments made quarterly in arrears, up to the last full quarter.
    quarters = sorted(due.by_period.items())[:-1]
    for code, amount in quarters:
        year, q = int(code[:4]), int(code[-1])
        paid_on = date(year + (q == 4), (q * 3) % 12 + 1, 20)
        if paid_on >= today or not amount:
            continue
        for payer, share in (("DWP", Decimal("0.7")), ("Riverside", Decimal("0.3"))):
            PaymentMade.objects.create(
                contract=contract,
                date=paid_on,
                payer=payer,
                amount=(amount * share).quantize(Decimal("0.01")),
                reference=f"Claim {code}",
            )
    flows = [
        ("Bridges Outcomes Fund", start - timedelta(days=30), InvestorFlow.COMMITMENT, "180000"),
        ("Bridges Outcomes Fund", start, InvestorFlow.DRAWDOWN, "90000"),
        ("Bridges Outcomes Fund", start + timedelta(days=270), InvestorFlow.DRAWDOWN, "60000"),
        ("Bridges Outcomes Fund", start + timedelta(days=540), InvestorFlow.REPAYMENT, "45000"),
        ("Bridges Outcomes Fund", start + timedelta(days=660), InvestorFlow.REPAYMENT, "70000"),
    ]
    for investor, day, kind, amount in flows:
        if day < today:
            InvestorFlow.objects.create(
                contract=contract, investor=investor, date=day, kind=kind, amount=Decimal(amount)
            )
