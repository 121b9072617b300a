"""`commonmeasure demo load` shows every feature with real content: the workflow's own steps, a
deadline and reminders, rules some reports fail, targets on most indicators, a survey with its
figures, a co-design vote, comments with @mentions, an activity matrix with a gap and an
overlap, an outcomes contract and impact bond data with private and disputed fields."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commonmeasure.backbone.views_activities import build_matrix
from commonmeasure.contracts.models import ManagedContract
from commonmeasure.contracts.services import terms
from commonmeasure.conversation.models import Comment, Notification
from commonmeasure.demo import load_demo
from commonmeasure.domain import periods
from commonmeasure.impactbonds.models import Project
from commonmeasure.initiatives.access import access_for, public_indicators
from commonmeasure.initiatives.models import Initiative, Target
from commonmeasure.reporting.models import DataValue, StatusChange, Submission, ValidationRule
from commonmeasure.reporting.report_checks import check_submission
from commonmeasure.reporting.services import locked_by_deadline
from commonmeasure.voice import services as voice
from commonmeasure.voice.models import Ballot, Question

END = periods.month(2025, 12)


@pytest.mark.no_cast
def test_the_demo_shows_every_feature(db, client, client_for):
    load_demo(end=END)
    initiative = Initiative.objects.get(code="youth-jobs")
    reporter_org = initiative.organisations.get(code="NYT")

    # The workflow's own steps, dated as they would have happened.
    approved = Submission.objects.filter(initiative=initiative, status=Submission.APPROVED)
    steps = StatusChange.objects.filter(initiative=initiative)
    assert steps.filter(new_status=Submission.APPROVED).count() == approved.count() > 1000
    oldest = steps.order_by("changed_at").first()
    assert oldest.changed_at.date() < END.start_date  # set back, not all "now"
    returned = Submission.objects.get(
        initiative=initiative, organisation=reporter_org, period="2025-11"
    )
    assert returned.status == Submission.RETURNED and returned.review_comment
    assert steps.filter(submission=returned, new_status=Submission.RETURNED).exists()

    # A deadline and reminders; the demo reporter's open reports are unlocked for it.
    assert (initiative.deadline_days, initiative.reminder_days_before) == (15, 3)
    reporter = access_for(initiative.memberships.get(user__username="reporter").user, initiative)
    assert not locked_by_deadline(reporter, returned, returned.period)
    assert returned.unlocked_at is not None

    # Validation rules, and reports that fail them: the reporter's own draft among them.
    assert ValidationRule.objects.filter(initiative=initiative).count() >= 2
    draft = Submission.objects.get(
        initiative=initiative, organisation=reporter_org, period="2025-12"
    )
    failed = [o.code for o in check_submission(draft) if o.status == "failed"]
    assert "courses_within_enrolled" in failed
    quality = client_for("backbone").get("/i/youth-jobs/quality/?period=2025-12")
    assert "courses_within_enrolled" in quality.content.decode()

    # Targets on most indicators, for the year of the latest month.
    with_target = set(
        Target.objects.filter(
            initiative=initiative, organisation=None, area=None, period="2025"
        ).values_list("indicator__code", flat=True)
    )
    assert len(with_target) >= 10 and initiative.indicators.count() == 14

    # A survey with enough responses for its figures, written to the indicator it feeds.
    survey = initiative.surveys.get()
    link = survey.links.get(organisation=reporter_org)
    period = voice.current_period(initiative)
    (likert,) = [f for f in voice.figures(link, period) if f.question.kind == Question.LIKERT]
    assert likert.responses >= survey.threshold and likert.value is not None
    fed = DataValue.objects.get(
        submission__initiative=initiative,
        submission__organisation=reporter_org,
        submission__period=period,
        indicator__code="satisfaction",
        disaggregation__key="",
    )
    assert fed.value == round(likert.value, 1) and fed.created_channel == "survey"

    # A co-design vote with its results.
    count, rows = voice.ballot_results(Ballot.objects.get(initiative=initiative))
    assert count == 40 and rows

    # Comments with @mentions, and the reporter notified of them and of its returned report.
    mentioning = Comment.objects.filter(initiative=initiative, mentioned__username="reporter")
    assert mentioning.exists()
    unread = Notification.objects.filter(user__username="reporter", read_at__isnull=True)
    assert {Notification.MENTION, Notification.RETURNED} <= set(
        unread.values_list("kind", flat=True)
    )

    # The activity matrix has a gap and an overlap.
    matrix = build_matrix(initiative)
    assert matrix.gaps == ["G4"] and "G1" in matrix.overlaps

    # An outcomes contract with achievements, payments and investor cash flows; named metrics.
    contract = ManagedContract.objects.get(project__initiative=initiative)
    assert contract.achievements.count() > 50 and contract.payments.exists()
    assert contract.investor_flows.exists()
    assert [m.label for m in terms(contract).metrics][0] == "Better school attendance (a term)"

    # Impact bond data with a private and a disputed field: kept in the cells, not shown.
    private = Project.objects.get(indigo_id="INDIGO-POJ-0345")
    disputed = Project.objects.get(indigo_id="INDIGO-POJ-0069")
    assert private.max_outcome_payment is None
    assert disputed.investment_exact is None
    cells = dict(private.cells)
    assert (
        cells["Overall project finance - Maximum potential outcome payment - Amount - (Status)"]
        == "PRIVATE"
    )
    assert Decimal(
        cells["Overall project finance - Maximum potential outcome payment - Amount - (Value)"]
    )

    # Published: the public sees the initiative and its ticked indicators only.
    client.logout()
    public = client.get("/i/youth-jobs/").content.decode()
    ticked = list(public_indicators(initiative).values_list("name", flat=True))
    assert ticked and all(name in public for name in ticked)
    assert "Mean wellbeing score" not in public
