"""Stored values an indicator no longer takes, when a definition loaded again changes its kind
(docs/reference/initiative-file.md, "Changing an indicator's kind").

A reported indicator that becomes a formula or composite indicator is worked out from others,
so its stored values would be silently ignored; one that becomes survey-fed takes its values
from the survey for the periods the survey covers, so values people reported for those periods
would stand against the survey's. Either way the load is refused, naming the indicator and how
many values, unless it is asked to archive them: they are then moved to ArchivedValue, and their
removal is written to each report's audit trail with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from . import audit, ownership, signals
from .models import ArchivedValue, DataValue, Submission, ValueChange

FORMULA, COMPOSITE, SURVEY = "formula", "composite", "survey"
# In English in the archive's reasons; translated where a person reads them (describe).
BECOMES = {
    FORMULA: gettext_noop("a formula indicator, worked out from other indicators"),
    COMPOSITE: gettext_noop("a composite indicator, worked out from other indicators"),
    SURVEY: gettext_noop("survey-fed, its values worked out from a survey's responses"),
}


@dataclass
class Stale:
    indicator: str
    becomes: str  # FORMULA, COMPOSITE or SURVEY
    value_ids: list[int] = field(default_factory=list)
    organisations: int = 0
    first: str = ""
    last: str = ""

    @property
    def reason(self) -> str:
        return f"archived: {self.indicator} became {BECOMES[self.becomes].split(',')[0]}"

    def describe(self) -> str:
        n = len(self.value_ids)
        span = (
            self.first
            if self.first == self.last
            else _("%(first)s to %(last)s") % {"first": self.first, "last": self.last}
        )
        values = (
            ngettext(
                "%(n)s value reported by people for periods its surveys cover is stored for it",
                "%(n)s values reported by people for periods its surveys cover are stored for it",
                n,
            )
            if self.becomes == SURVEY
            else ngettext("%(n)s value is stored for it", "%(n)s values are stored for it", n)
        ) % {"n": n}
        organisations = ngettext(
            "%(n)s organisation", "%(n)s organisations", self.organisations
        ) % {"n": self.organisations}
        return _(
            "indicator %(indicator)s becomes %(becomes)s, but %(values)s (%(organisations)s, %(span)s)"
        ) % {
            "indicator": self.indicator,
            "becomes": _(BECOMES[self.becomes]),
            "values": values,
            "organisations": organisations,
            "span": span,
        }


class StaleValues(Exception):
    """The definition would leave stored values unused; nothing was loaded."""

    def __init__(self, stale: list[Stale]):
        self.stale = stale
        super().__init__(
            "; ".join(s.describe() for s in stale)
            + ". "
            + _(
                "Nothing was loaded. Load the file again asking to archive them "
                "(`commonmeasure initiative load FILE --archive-values`): they are moved out of the "
                "reports into the archive and each report's history lists them; or keep the "
                "indicator as it was."
            )
        )


def find(initiative, changes: dict[int, tuple[str, str]]) -> list[Stale]:
    """Stored values the changed indicators no longer take: ``changes`` is {indicator id:
    (code, FORMULA | COMPOSITE | SURVEY)}, read after the definition was written."""
    out = []
    owners = ownership.Owners(initiative) if any(b == SURVEY for _, b in changes.values()) else None
    for iid, (code, becomes) in sorted(changes.items(), key=lambda kv: kv[1][0]):
        rows = DataValue.objects.filter(indicator_id=iid).values_list(
            "id", "submission__organisation_id", "submission__period", "created_channel"
        )
        stale = Stale(code, becomes)
        orgs, periods = set(), []
        for vid, org_id, period, channel in rows:
            if becomes == SURVEY:
                p = initiative.parse_period(period)
                if channel == ValueChange.SURVEY or owners.owner(org_id, iid, p) is None:
                    continue
            stale.value_ids.append(vid)
            orgs.add(org_id)
            periods.append(initiative.parse_period(period))
        if stale.value_ids:
            stale.organisations = len(orgs)
            stale.first, stale.last = min(periods).code, max(periods).code
            out.append(stale)
    return out


def archive(initiative, stale: list[Stale], channel: str = ValueChange.CLI) -> int:
    """Move the stale values to the archive, recording each removal in the audit trail; the
    reports' versions go up (an open grid becomes stale) and their rollups are refreshed."""
    now = timezone.now()
    archived, changes, touched = [], [], set()
    for s in stale:
        for v in DataValue.objects.filter(id__in=s.value_ids):
            archived.append(
                ArchivedValue(
                    initiative_id=v.initiative_id,
                    submission_id=v.submission_id,
                    indicator_id=v.indicator_id,
                    disaggregation_id=v.disaggregation_id,
                    value=v.value,
                    comment=v.comment,
                    reason=s.reason,
                    archived_at=now,
                )
            )
            creation = audit.creation_change(v)
            if creation is not None:
                changes.append(creation)
            changes.append(
                ValueChange(
                    initiative_id=v.initiative_id,
                    submission_id=v.submission_id,
                    indicator_id=v.indicator_id,
                    disaggregation_id=v.disaggregation_id,
                    old_value=v.value,
                    new_value=None,
                    comment=s.reason,
                    channel=channel,
                    changed_at=now,
                )
            )
            touched.add(v.submission_id)
    ArchivedValue.objects.bulk_create(archived, batch_size=500)
    ValueChange.objects.bulk_create(changes, batch_size=500)
    ids = [vid for s in stale for vid in s.value_ids]
    for start in range(0, len(ids), 500):
        DataValue.objects.filter(id__in=ids[start : start + 500]).delete()
    if touched:
        Submission.objects.filter(id__in=touched).update(version=F("version") + 1, updated_at=now)
        signals.values_changed.send(
            sender=Submission, initiative=initiative, submission_ids=sorted(touched)
        )
    return len(archived)
