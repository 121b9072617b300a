"""Writes to the impact bond database: import an INDIGO bundle, refresh project parties.

``import_bundle`` runs in one transaction. A bundle with a wrong layout raises
``BundleLayoutError`` before anything is written; values that cannot be interpreted are reported
(file, row, column) and kept as text. Records are matched on their INDIGO id and rewritten only
when their cells changed; a record's rows in each per-record table are replaced only when they
differ from what is stored, so importing the same bundle twice writes nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonmeasure.interchange import indigo_values as values
from commonmeasure.interchange.indigo import (
    STATUS_SUFFIX,
    Bundle,
    CsvFile,
    Problem,
    is_status_column,
    layout,
    public_cells,
    read_bundle,
    row_status,
)

from . import models as m
from .components import RECORD_SPECS, Reader, Spec, component_specs, required_columns

PARTY_TABLES = {
    "projects_investments",
    "projects_outcome_payment_commitments",
    "projects_outcome_payments",
    "projects_service_provisions",
    "projects_intermediary_services",
}
BATCH = 1000


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    empty_rows: int = 0
    absent_files: list[str] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            c.get("created") or c.get("updated") or c.get("replaced") for c in self.tables.values()
        )

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "tables": self.tables,
            "problems": [p.as_dict() for p in self.problems],
            "empty_rows_skipped": self.empty_rows,
            "absent_files": self.absent_files,
            "ignored_files": self.ignored_files,
        }


@cache
def _char_limits(model) -> dict[str, int]:
    return {
        f.name: f.max_length
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField) and f.max_length and not f.choices
    }


def typed_fields(spec: Spec, pairs: list[list[str]], report=None) -> dict:
    """Typed fields from the public view of the cells; problems are reported (``report(column,
    text, message)``) from all of them."""
    if report is not None:
        for column, text in pairs:
            if text and is_status_column(column) and text.strip():
                try:
                    values.status(text)
                except values.Uninterpretable as exc:
                    report(column, text, str(exc))
    public = public_cells(pairs)
    fields = spec.extract(Reader(dict(pairs), report))
    if public is not pairs:
        fields = spec.extract(Reader(dict(public)))
    limits = _char_limits(spec.model)
    for name, limit in limits.items():
        if isinstance(fields.get(name), str) and len(fields[name]) > limit:
            fields[name] = fields[name][:limit]
    return fields


class _Importer:
    def __init__(self, bundle: Bundle, report: ImportReport):
        self.bundle = bundle
        self.report = report
        self.ids: dict[str, dict[str, int]] = {}  # record file -> INDIGO id -> pk (stored and new)
        self.in_bundle: dict[str, set[int]] = {}  # record file -> pks of the records in this bundle
        self.changed_projects: set[int] = set()

    def problem(
        self, f: CsvFile, row: int | None, column: str | None, message: str, value: str = ""
    ) -> None:
        self.report.problems.append(Problem(f.name, row, column, message, value))

    def typed(self, spec: Spec, f: CsvFile, row: int, pairs: list[list[str]]) -> dict:
        def report(column, text, message):
            self.problem(f, row, column, message, text)

        return typed_fields(spec, pairs, report)

    # -- projects, organisations, funds --------------------------------------------------------

    def records(self, spec: Spec) -> None:
        model, f = spec.model, self.bundle.files.get(spec.key)
        stored = {
            iid: (pk, status, cells)
            for iid, pk, status, cells in model.objects.values_list(
                "indigo_id", "pk", "status", "cells"
            )
        }
        counts = self.report.tables[spec.key] = {"created": 0, "updated": 0, "unchanged": 0}
        self.in_bundle[spec.key] = set()
        if f is None:
            self.report.absent_files.append(f"{spec.key}.csv")
            self.ids[spec.key] = {iid: v[0] for iid, v in stored.items()}
            return
        incoming: dict[str, tuple] = {}
        at = f.header.index("ID")
        for row, cells in f.rows:
            pairs = [[h, c] for h, c in zip(f.header, cells, strict=True)]
            iid = cells[at].strip()
            if not iid:
                self.problem(f, row, "ID", _("the row has no ID; skipped"))
                continue
            if iid in incoming:
                self.problem(
                    f,
                    row,
                    "ID",
                    _("%(id)s appears more than once; the first row is kept") % {"id": iid},
                    iid,
                )
                continue
            incoming[iid] = (row, pairs)
        create, update, names = [], [], {"status", "cells", "updated_at"}
        now = timezone.now()
        for iid, (row, pairs) in incoming.items():
            status = row_status(dict(pairs))
            if iid in stored and stored[iid][1:] == (status, pairs):
                counts["unchanged"] += 1
                continue
            fields = self.typed(spec, f, row, pairs)
            if spec.model is m.Project:
                fields["launch_date"] = launch_date(fields)
            names.update(fields)
            obj = model(indigo_id=iid, status=status, cells=pairs, **fields)
            if iid in stored:
                obj.pk, obj.updated_at = stored[iid][0], now
                update.append(obj)
            else:
                create.append(obj)
        model.objects.bulk_create(create, batch_size=BATCH)
        if update:
            model.objects.bulk_update(update, sorted(names), batch_size=BATCH)
        counts["created"], counts["updated"] = len(create), len(update)
        self.ids[spec.key] = dict(model.objects.values_list("indigo_id", "pk"))
        self.in_bundle[spec.key] = {self.ids[spec.key][iid] for iid in incoming}

    # -- per-record tables ----------------------------------------------------------------------

    def components(self, spec: Spec) -> None:
        f = self.bundle.files.get(spec.key)
        counts = self.report.tables[spec.key] = {"rows": 0, "replaced": 0, "unchanged": 0}
        if f is None:
            self.report.absent_files.append(f"{spec.key}.csv")
            return
        record = layout()[spec.key]["record"]
        owners = self.ids[record]
        owner_column = layout()[spec.key]["owner_column"]
        at = f.header.index(owner_column)
        grouped: dict[int, list] = defaultdict(list)
        for row, cells in f.rows:
            owner_iid = cells[at].strip()
            pk = owners.get(owner_iid)
            if pk is None:
                self.problem(
                    f,
                    row,
                    owner_column,
                    (
                        _(
                            "refers to %(id)s, which is neither in %(file)s nor already loaded; "
                            "row skipped"
                        )
                        if owner_iid
                        else _(
                            "refers to no record, which is neither in %(file)s nor already loaded; "
                            "row skipped"
                        )
                    )
                    % {"id": owner_iid, "file": f"{record}.csv"},
                    owner_iid,
                )
                continue
            pairs = [[h, c] for h, c in zip(f.header, cells, strict=True)]
            grouped[pk].append((row, row_status(dict(pairs)), pairs))
        counts["rows"] = sum(len(v) for v in grouped.values())
        scope = self.in_bundle[record] | set(grouped)
        stored_rows = spec.model.objects.all()
        if spec.generic:
            stored_rows = stored_rows.filter(component=spec.key)
        stored: dict[int, list] = defaultdict(list)
        for owner, status, cells in stored_rows.order_by(
            f"{spec.owner}_id", "position"
        ).values_list(f"{spec.owner}_id", "status", "cells"):
            if owner in scope:
                stored[owner].append((status, cells))
        replace, new_rows = [], []
        for owner in sorted(scope):
            incoming = grouped.get(owner, [])
            if stored.get(owner, []) == [(status, pairs) for _, status, pairs in incoming]:
                counts["unchanged"] += 1
                continue
            replace.append(owner)
            for position, (row, status, pairs) in enumerate(incoming):
                fields = self.typed(spec, f, row, pairs)
                self.resolve_refs(spec, f, row, fields)
                extra = {"component": spec.key} if spec.generic else {}
                new_rows.append(
                    spec.model(
                        **{f"{spec.owner}_id": owner},
                        position=position,
                        status=status,
                        cells=pairs,
                        **extra,
                        **fields,
                    )
                )
        if replace:
            doomed = spec.model.objects.filter(**{f"{spec.owner}_id__in": replace})
            if spec.generic:
                doomed = doomed.filter(component=spec.key)
            doomed.delete()
            spec.model.objects.bulk_create(new_rows, batch_size=BATCH)
            if spec.key in PARTY_TABLES:
                self.changed_projects.update(replace)
        counts["replaced"] = len(replace)

    def resolve_refs(self, spec: Spec, f: CsvFile, row: int, fields: dict) -> None:
        """Link a row to the record its cell names; a cell may list several ids (an outcome
        payment shared by payers): the first that is loaded is linked, and only the ids that
        are neither in the bundle nor loaded are reported."""
        for name, (kind, column) in spec.refs.items():
            known = self.ids["organisations" if kind == "organisation" else "funds"]
            pk = None
            for iid in values.ids(fields.pop(name, "") or ""):
                found = known.get(iid)
                if found is None:
                    self.problem(
                        f,
                        row,
                        column,
                        _(
                            "refers to %(kind)s %(id)s, which is neither in %(file)s nor already "
                            "loaded; kept as text"
                        )
                        % {"kind": kind, "id": iid, "file": f"{kind}s.csv"},
                        iid,
                    )
                elif pk is None:
                    pk = found
            fields[f"{name}_id"] = pk


def launch_date(fields: dict):
    """GO Lab's launch date: the earliest of outcomes contract signed, all contracts signed and
    start of service provision, a partial date counting as its first day."""
    days = [
        values.first_day(fields.get(k, ""))
        for k in ("outcomes_contract_signed", "all_contracts_signed", "service_start")
    ]
    days = [d for d in days if d]
    return min(days) if days else None


def import_bundle(path: str | Path, *, dry_run: bool = False, progress=None) -> ImportReport:
    """Import an INDIGO bundle (folder or zip). Raises BundleLayoutError, writing nothing, when
    a file's layout is wrong. ``progress(done, total)``, if given, is called as each file of the
    bundle is done (the pages' progress bar)."""
    bundle = read_bundle(path, required_columns())
    report = ImportReport(
        source=str(path),
        dry_run=dry_run,
        empty_rows=bundle.empty_rows,
        ignored_files=bundle.ignored_files,
    )
    report.problems.extend(bundle.problems)
    importer = _Importer(bundle, report)
    steps = [(importer.records, spec) for spec in RECORD_SPECS] + [
        (importer.components, spec) for spec in component_specs()
    ]
    with transaction.atomic():
        for done, (step, spec) in enumerate(steps, start=1):
            step(spec)
            if progress is not None:
                progress(done, len(steps) + 1)
        refresh_parties(importer.changed_projects)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _intermediary_role(category: str, description: str) -> str:
    text = f"{category} {description}".lower()
    if "evaluat" in text:
        return m.Role.EVALUATOR
    if "validat" in text or "verif" in text:
        return m.Role.VALIDATOR
    return m.Role.INTERMEDIARY


def refresh_parties(project_ids) -> None:
    """Derive the parties of these projects from their public INDIGO rows: investors from
    investments, outcome payers from payment commitments and payments, service providers from
    service provisions, and intermediaries, evaluators and validators from intermediary
    services. Parties entered by hand (blank ``origin``) are left alone."""
    project_ids = list(project_ids)
    if not project_ids:
        return
    m.ProjectParty.objects.filter(project_id__in=project_ids).exclude(origin="").delete()
    found: dict[tuple, str] = {}
    public = {"project_id__in": project_ids, "status": m.Status.PUBLIC}
    sources = [
        (m.Investment, "organisation_id", lambda *_: m.Role.INVESTOR, "projects_investments"),
        (
            m.OutcomePaymentCommitment,
            "organisation_id",
            lambda *_: m.Role.OUTCOME_PAYER,
            "projects_outcome_payment_commitments",
        ),
        (
            m.OutcomePayment,
            "payer_id",
            lambda *_: m.Role.OUTCOME_PAYER,
            "projects_outcome_payments",
        ),
        (
            m.ServiceProvision,
            "organisation_id",
            lambda *_: m.Role.SERVICE_PROVIDER,
            "projects_service_provisions",
        ),
        (
            m.IntermediaryService,
            "organisation_id",
            _intermediary_role,
            "projects_intermediary_services",
        ),
    ]
    columns = {s.model: s.refs for s in component_specs()}
    orgs: dict[str, int] | None = None
    for model, org_field, role_of, origin in sources:
        extra = ("role_category", "role_description") if model is m.IntermediaryService else ()
        column = columns[model][org_field.removesuffix("_id")][1]
        rows = (
            model.objects.filter(**public)
            .exclude(**{f"{org_field}__isnull": True})
            .order_by("project_id", "position")
            .values_list("project_id", org_field, "cells", *extra)
        )
        for project_id, org_id, cells, *text in rows:
            role = role_of(*text)
            found.setdefault((project_id, org_id, role), origin)
            listed = values.ids(dict(cells).get(column, ""))
            if len(listed) > 1:  # a cell listing several organisations: each is a party
                if orgs is None:
                    orgs = dict(m.Organisation.objects.values_list("indigo_id", "pk"))
                for iid in listed:
                    if iid in orgs:
                        found.setdefault((project_id, orgs[iid], role), origin)
    manual = set(
        m.ProjectParty.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "organisation_id", "role"
        )
    )
    m.ProjectParty.objects.bulk_create(
        [
            m.ProjectParty(project_id=p, organisation_id=o, role=r, origin=origin)
            for (p, o, r), origin in sorted(found.items())
            if (p, o, r) not in manual
        ],
        batch_size=BATCH,
    )


# -- a field marked public, private or disputed ----------------------------------------------------

VALUE_SUFFIX = " - (Value)"


class FieldStatusError(ValueError):
    """A field that cannot be marked (unknown, or without a status in the INDIGO standard), or
    whose status changed since the page that marks it was opened."""


ADMINISTER = "impactbonds.administer_database"


def may_administer(user) -> bool:
    """Who may import INDIGO bundles, see the data-quality report of private data and mark
    fields public, private or disputed: superusers, and users (or groups) given the permission
    "Can import INDIGO bundles and mark fields" in Django admin. Being staff is not enough: every
    backbone admin of an initiative is staff, for Django admin of their own initiative."""
    return bool(user and user.is_active and user.has_perm(ADMINISTER))


def status_fields() -> list[dict]:
    """The fields of projects.csv that INDIGO lets be marked public, private or disputed (those
    with a ``X - (Status)`` column), in the file's order, with their priority."""
    columns = layout()["projects"]["columns"]
    statused = {
        c["name"][: -len(STATUS_SUFFIX)] for c in columns if c["name"].endswith(STATUS_SUFFIX)
    }
    return [
        {"field": c["name"][: -len(VALUE_SUFFIX)], "priority": c["priority"]}
        for c in columns
        if c["name"].endswith(VALUE_SUFFIX) and c["name"][: -len(VALUE_SUFFIX)] in statused
    ]


def field_status(project: m.Project, field_name: str) -> str:
    """The status of one field of a project: its ``X - (Status)`` cell, PUBLIC when blank."""
    cell = dict(project.cells).get(field_name + STATUS_SUFFIX, "").strip().upper()
    return cell or m.Status.PUBLIC


@transaction.atomic
def mark_field(
    project: m.Project, field_name: str, status: str, *, by, note: str = "", was: str = ""
):
    """Mark a field of a project PUBLIC, PRIVATE or DISPUTED: its status cell is set (so the
    full INDIGO export carries it), the typed fields are read again from the public view (so a
    private or disputed value leaves every public page and figure at once) and the change is
    recorded in ``DatabaseChange``. ``was``: the status the page showed; if the field's status
    is another now (someone changed it meanwhile), nothing is written. Returns the record, or
    None when the status was already so."""
    if status not in m.Status.values:
        raise FieldStatusError(
            _("status: choose PUBLIC, PRIVATE or DISPUTED, not %(status)s") % {"status": status}
        )
    if field_name not in {f["field"] for f in status_fields()}:
        raise FieldStatusError(
            _("field: %(field)s is not a field of projects.csv that has a status")
            % {"field": field_name}
        )
    project = m.Project.objects.select_for_update().get(pk=project.pk)
    old = field_status(project, field_name)
    if was and was != old:
        latest = project.changes.filter(field=field_name).select_related("changed_by").first()
        raise FieldStatusError(
            _(
                "%(field)s: someone changed it to %(now)s since you opened the page%(who)s; "
                "nothing was saved. Look at it again and choose."
            )
            % {
                "field": field_name,
                "now": old.lower(),
                "who": (
                    _(" (%(user)s)") % {"user": latest.changed_by.get_username()}
                    if latest and latest.changed_by
                    else ""
                ),
            }
        )
    if old == status:
        return None
    column = field_name + STATUS_SUFFIX
    cells = [list(pair) for pair in project.cells]
    for pair in cells:
        if pair[0] == column:
            pair[1] = status
            break
    else:
        # Beside the field's other columns (its value, its sources), as the standard has it.
        at = max(
            (n + 1 for n, (c, _v) in enumerate(cells) if c.startswith(field_name + " - (")),
            default=len(cells),
        )
        cells.insert(at, [column, status])
    spec = next(s for s in RECORD_SPECS if s.model is m.Project)
    fields = typed_fields(spec, cells)
    fields["launch_date"] = launch_date(fields)
    for name, value in fields.items():
        setattr(project, name, value)
    project.cells = cells
    project.save()
    return m.DatabaseChange.objects.create(
        kind=m.DatabaseChange.FIELD_STATUS,
        changed_by=by if getattr(by, "pk", None) else None,
        project=project,
        field=field_name,
        old_status=old,
        new_status=status,
        note=note,
    )


def record_import(report: ImportReport, *, by, name: str) -> m.DatabaseChange:
    """The audit record of a bundle imported from the administration pages."""
    return m.DatabaseChange.objects.create(
        kind=m.DatabaseChange.IMPORT,
        changed_by=by if getattr(by, "pk", None) else None,
        field=name,
        details={"tables": report.tables, "problems": len(report.problems)},
    )
