"""Create or update an initiative from its definition, and write it back."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation

from commonmeasure.initiatives import signals
from commonmeasure.initiatives.models import (
    Area,
    Category,
    Dimension,
    Indicator,
    Initiative,
    Organisation,
    OverlapAdjustment,
    Participation,
    Target,
)
from commonmeasure.interchange.definition import InitiativeDef, texts_by_language

from . import archive
from .models import ValidationRule


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated}


def _upsert(model, lookup: dict, values: dict, summary: LoadSummary, label: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        summary.created.append(label)
        return obj
    # The stored text, not the viewer's translation (initiatives/content.py), is compared.
    changed = [
        k
        for k, v in values.items()
        if (obj.__dict__[k] if k in obj.__dict__ else getattr(obj, k)) != v
    ]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        summary.updated.append(label)
    return obj


@transaction.atomic
def load_definition(
    defn: InitiativeDef, *, archive_values: bool = False
) -> tuple[Initiative, LoadSummary]:
    """Create or update the initiative. When a reported indicator becomes a formula, composite
    or survey-fed one while values reported for it are stored, the load is refused
    (``reporting.archive.StaleValues``, nothing written) unless ``archive_values``: then they
    are archived and the summary says how many."""
    summary = LoadSummary()
    before = {
        code: (kind, survey_fed)
        for code, kind, survey_fed in Indicator.objects.filter(
            initiative__code=defn.code
        ).values_list("code", "kind", "survey_fed")
    }
    initiative = _upsert(
        Initiative,
        {"code": defn.code},
        {
            "name": defn.name,
            "language": defn.language,
            "vision": defn.vision,
            "translations": texts_by_language(defn.translations),
            "goals": [g.model_dump() for g in defn.goals],
            "reporting_frequency": defn.reporting_frequency,
            "fy_first_month": defn.fy_first_month,
            "is_published": defn.published,
            "deadline_days": defn.deadline_days,
            "reminder_days_before": defn.reminder_days_before,
            "reminder_days_after": defn.reminder_days_after,
            "small_number_threshold": defn.small_number_threshold,
            "anonymise_peers": defn.anonymise_peers,
        },
        summary,
        f"initiative {defn.code}",
    )
    areas: dict[str, Area] = {}
    for n, (a, parent) in enumerate(defn.flat_areas()):
        areas[a.code] = _upsert(
            Area,
            {"initiative": initiative, "code": a.code},
            {
                "name": a.name,
                "level": a.level,
                "parent": areas[parent] if parent else None,
                "sort_order": n,
            },
            summary,
            f"area {a.code}",
        )
    for n, d in enumerate(defn.dimensions):
        dim = _upsert(
            Dimension,
            {"initiative": initiative, "code": d.code},
            {"name": d.name, "translations": texts_by_language(d.translations), "sort_order": n},
            summary,
            f"dimension {d.code}",
        )
        for m, c in enumerate(d.categories):
            _upsert(
                Category,
                {"dimension": dim, "code": c.code},
                {
                    "name": c.name,
                    "translations": texts_by_language(c.translations),
                    "sort_order": m,
                },
                summary,
                f"category {d.code}.{c.code}",
            )
    for o in defn.organisations:
        org = _upsert(
            Organisation,
            {"code": o.code},
            {"name": o.name, "identifiers": o.identifiers, "description": o.description},
            summary,
            f"organisation {o.code}",
        )
        _upsert(
            Participation,
            {"initiative": initiative, "organisation": org},
            {
                "is_backbone": o.backbone,
                "named_in_benchmarks": o.named_in_benchmarks,
                "area": areas[o.area] if o.area else None,
            },
            summary,
            f"participation {o.code}",
        )
    dims = {d.code: d for d in initiative.dimensions.all()}
    by_code: dict[str, Indicator] = {}
    for n, i in enumerate(defn.indicators):
        ind = _upsert(
            Indicator,
            {"initiative": initiative, "code": i.code},
            {
                "name": i.name,
                "definition": i.definition,
                "rationale": i.rationale,
                "unit": i.unit,
                "value_type": i.value_type,
                "polarity": i.polarity,
                "aggregation": i.aggregation,
                "time_aggregation": i.time_aggregation,
                "goal": i.goal,
                "data_source": i.data_source,
                "min_value": i.min,
                "max_value": i.max,
                "decimals": i.decimals,
                "sort_order": n,
                "kind": i.kind,
                "formula": i.formula,
                "composite": i.composite.model_dump(exclude_none=True) if i.composite else {},
                "deduplication": i.deduplication,
                "is_published": i.published,
                "survey_fed": i.survey_fed,
                "breakdown_check": i.breakdown_check,
                "outlier_check": i.outliers.check,
                "outlier_multiplier": i.outliers.multiplier,
                "outlier_min_history": i.outliers.min_history,
                "outlier_min_spread": i.outliers.min_spread,
                "translations": texts_by_language(i.translations),
                "is_retired": i.retired,
            },
            summary,
            f"indicator {i.code}",
        )
        wanted = {dims[c].id for c in i.dimensions}
        if set(ind.dimensions.values_list("id", flat=True)) != wanted:
            ind.dimensions.set(wanted)
            if f"indicator {i.code}" not in summary.created + summary.updated:
                summary.updated.append(f"indicator {i.code}")
        by_code[i.code] = ind
    for i in defn.indicators:
        ind = by_code[i.code]
        weight_id = by_code[i.weight_indicator].id if i.weight_indicator else None
        if ind.weight_indicator_id != weight_id:
            ind.weight_indicator_id = weight_id
            ind.save(update_fields=["weight_indicator"])
            if f"indicator {i.code}" not in summary.created + summary.updated:
                summary.updated.append(f"indicator {i.code}")
    _load_rules(initiative, defn, summary)
    _load_targets(initiative, defn, by_code, areas, summary)
    _stale_values(initiative, before, by_code, archive_values, summary)
    signals.definition_loaded.send(sender=Initiative, initiative=initiative, summary=summary)
    return initiative, summary


def _stale_values(initiative, before, by_code, archive_values: bool, summary) -> None:
    """Values a changed indicator would no longer use: refused, or archived if asked."""
    changes = {}
    for code, ind in by_code.items():
        kind, survey_fed = before.get(code, (None, None))
        if kind == Indicator.REPORTED and ind.kind != Indicator.REPORTED:
            changes[ind.id] = (code, ind.kind)
        elif kind == Indicator.REPORTED and ind.survey_fed and not survey_fed:
            changes[ind.id] = (code, archive.SURVEY)
    stale = archive.find(initiative, changes) if changes else []
    if not stale:
        return
    if not archive_values:
        raise archive.StaleValues(stale)
    archive.archive(initiative, stale)
    for s in stale:
        summary.updated.append(
            f"indicator {s.indicator}: {len(s.value_ids)} stored value(s) archived ({s.reason})"
        )


def _load_targets(initiative, defn, by_code, areas, summary) -> None:
    """The file's targets and overlap adjustments replace the initiative's, as rules do."""
    orgs = dict(initiative.participations.values_list("organisation__code", "organisation_id"))
    kept = set()
    for t in defn.targets:
        org_id = orgs[t.organisation] if t.organisation else None
        area = areas[t.area] if t.area else None
        obj = _upsert(
            Target,
            {
                "initiative": initiative,
                "indicator": by_code[t.indicator],
                "organisation_id": org_id,
                "area": area,
                "period": t.period,
            },
            {"value": t.value, "baseline_from": t.baseline_from, "baseline_to": t.baseline_to},
            summary,
            f"target {t.indicator} {t.organisation or t.area or initiative.code} {t.period}",
        )
        kept.add(obj.id)
    gone = Target.objects.filter(initiative=initiative).exclude(id__in=kept)
    for label in gone.values_list("indicator__code", "period"):
        summary.updated.append(f"target {label[0]} {label[1]} removed")
    gone.delete()
    kept = set()
    for a in defn.overlap_adjustments:
        obj = _upsert(
            OverlapAdjustment,
            {
                "initiative": initiative,
                "indicator": by_code[a.indicator],
                "area": areas[a.area],
                "period": a.period,
            },
            {"value": a.value},
            summary,
            f"overlap adjustment {a.indicator} {a.area} {a.period}",
        )
        kept.add(obj.id)
    gone = OverlapAdjustment.objects.filter(initiative=initiative).exclude(id__in=kept)
    for label in gone.values_list("indicator__code", "area__code", "period"):
        summary.updated.append(f"overlap adjustment {' '.join(label)} removed")
    gone.delete()


def _load_rules(initiative: Initiative, defn: InitiativeDef, summary: LoadSummary) -> None:
    """The file's rules replace the initiative's: rules no longer in the file are removed."""
    for n, r in enumerate(defn.rules):
        _upsert(
            ValidationRule,
            {"initiative": initiative, "code": r.code},
            {
                "left": r.left,
                "op": r.op,
                "right": r.right,
                "severity": r.severity,
                "message": r.message,
                "sort_order": n,
            },
            summary,
            f"rule {r.code}",
        )
    gone = ValidationRule.objects.filter(initiative=initiative).exclude(
        code__in=[r.code for r in defn.rules]
    )
    for code in gone.values_list("code", flat=True):
        summary.updated.append(f"rule {code} removed")
    gone.delete()


def dump_definition(initiative: Initiative) -> dict:
    """The initiative as a definition mapping; loading it back changes nothing. Names and
    definitions are the stored ones, in the initiative's language, whatever the viewer's is;
    other languages are in the translations blocks."""
    with translation.override(None):
        return _dump(initiative)


def _translations(obj) -> dict:
    return {"translations": obj.translations} if obj.translations else {}


def _dump(initiative: Initiative) -> dict:
    out: dict = {
        "code": initiative.code,
        "name": initiative.name,
        "language": initiative.language,
        **_translations(initiative),
        "vision": initiative.vision,
        "goals": initiative.goals,
        "reporting_frequency": initiative.reporting_frequency,
        "fy_first_month": initiative.fy_first_month,
        "published": initiative.is_published,
        "deadline_days": initiative.deadline_days,
        "reminder_days_before": initiative.reminder_days_before,
        "reminder_days_after": initiative.reminder_days_after,
        "small_number_threshold": initiative.small_number_threshold,
        "anonymise_peers": initiative.anonymise_peers,
        "areas": _dump_areas(initiative),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                **_translations(d),
                "categories": [
                    {"code": c.code, "name": c.name, **_translations(c)} for c in d.categories.all()
                ],
            }
            for d in initiative.dimensions.prefetch_related("categories")
        ],
        "organisations": [
            {
                "code": p.organisation.code,
                "name": p.organisation.name,
                "identifiers": p.organisation.identifiers,
                "description": p.organisation.description,
                "backbone": p.is_backbone,
                "area": p.area.code if p.area else None,
                "named_in_benchmarks": p.named_in_benchmarks,
            }
            for p in initiative.participations.select_related("organisation", "area").order_by(
                "organisation__code"
            )
        ],
        "indicators": [],
    }
    for ind in initiative.indicators.select_related("weight_indicator").prefetch_related(
        "dimensions"
    ):
        out["indicators"].append(
            {
                "code": ind.code,
                "kind": ind.kind,
                "formula": ind.formula,
                "composite": ind.composite or None,
                "name": ind.name,
                "definition": ind.definition,
                "rationale": ind.rationale,
                "unit": ind.unit,
                "value_type": ind.value_type,
                "polarity": ind.polarity,
                "aggregation": ind.aggregation,
                "time_aggregation": ind.time_aggregation,
                "weight_indicator": ind.weight_indicator.code if ind.weight_indicator else None,
                "dimensions": [d.code for d in ind.dimensions.all()],
                "goal": ind.goal,
                "data_source": ind.data_source,
                "min": ind.min_value,
                "max": ind.max_value,
                "decimals": ind.decimals,
                "deduplication": ind.deduplication,
                "published": ind.is_published,
                "survey_fed": ind.survey_fed,
                "breakdown_check": ind.breakdown_check,
                "outliers": {
                    "check": ind.outlier_check,
                    "multiplier": ind.outlier_multiplier,
                    "min_history": ind.outlier_min_history,
                    "min_spread": ind.outlier_min_spread,
                },
                "translations": ind.translations,
                "retired": ind.is_retired,
            }
        )

    out["rules"] = [
        {
            "code": r.code,
            "left": r.left,
            "op": r.op,
            "right": r.right,
            "severity": r.severity,
            "message": r.message,
        }
        for r in ValidationRule.objects.filter(initiative=initiative).order_by("sort_order", "code")
    ]
    out["targets"] = [
        {
            "indicator": t.indicator.code,
            **({"organisation": t.organisation.code} if t.organisation_id else {}),
            **({"area": t.area.code} if t.area_id else {}),
            "period": t.period,
            "value": t.value,
            "baseline_from": t.baseline_from,
            "baseline_to": t.baseline_to,
        }
        for t in Target.objects.filter(initiative=initiative)
        .select_related("indicator", "organisation", "area")
        .order_by(
            "indicator__sort_order", "indicator__code", "organisation__code", "area__code", "period"
        )
    ]
    out["overlap_adjustments"] = [
        {"indicator": a.indicator.code, "area": a.area.code, "period": a.period, "value": a.value}
        for a in OverlapAdjustment.objects.filter(initiative=initiative)
        .select_related("indicator", "area")
        .order_by("indicator__sort_order", "indicator__code", "area__code", "period")
    ]
    return out


def _dump_areas(initiative: Initiative) -> list[dict]:
    """Areas flat, each with its parent's code, parents first."""
    children: dict = {}
    for a in Area.objects.filter(initiative=initiative).select_related("parent"):
        children.setdefault(a.parent_id, []).append(a)
    out: list[dict] = []

    def visit(parent_id) -> None:
        for a in children.get(parent_id, []):
            row = {"code": a.code, "name": a.name, "level": a.level}
            if a.parent_id:
                row["parent"] = a.parent.code
            out.append(row)
            visit(a.id)

    visit(None)
    return out
