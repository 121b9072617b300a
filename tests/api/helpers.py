"""Small helpers shared by the API tests."""

from __future__ import annotations


def publish(initiative) -> None:
    initiative.is_published = True
    initiative.save(update_fields=["is_published"])


def submission(initiative, org, period: str):
    from commonmeasure.reporting.models import Submission

    return Submission.objects.get(initiative=initiative, organisation=org, period=period)
