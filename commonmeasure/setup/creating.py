"""A new initiative from the browser, and an initiative's whole set-up from a definition file.

- ``create_initiative``: a new initiative from a few fields (code, name, vision, reporting
  frequency, first month of the financial year), through ``services.apply`` from an empty
  definition, with its creator as its first backbone admin (``initiatives.users.grant_role``,
  recorded in the roles history).
- ``save_definition_upload`` / ``preview_upload`` / ``apply_upload``: a definition file (YAML or
  JSON) kept in the upload store between its dry run and its confirmation, loaded through the same
  ``services.apply``: for a new initiative (``initiative=None``) or to replace the set-up of an
  existing one, whose code the file must keep.

Who may create an initiative: a user with Django's ``initiatives.add_initiative`` permission
(superusers have every permission); docs/reference/permissions.md."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commonmeasure.backbone.models import RoleChange
from commonmeasure.initiatives.models import Initiative, Membership
from commonmeasure.initiatives.users import grant_role
from commonmeasure.interchange.definition import DefinitionError, definition_data
from commonmeasure.upload_store import UploadStore

from . import services
from .services import Outcome, Refused

CREATE_PERMISSION = "initiatives.add_initiative"
# Kept under their own names (a folder each): a data file "<token>.json" would be its record.
STORE = UploadStore("definition-uploads", keeps_names=True)
MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def may_create(user) -> bool:
    """Whether ``user`` may create initiatives (from scratch or from a file)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(CREATE_PERMISSION)


def _refuse_taken(code: str) -> None:
    if Initiative.objects.filter(code=code).exists():
        raise Refused(
            [
                _(
                    "code: an initiative with the code %(code)s exists already; to change it, "
                    "its backbone uses Replace the set-up from a file on its set-up page"
                )
                % {"code": code}
            ]
        )


def _appoint(initiative: Initiative, user) -> None:
    grant_role(user, initiative, Membership.BACKBONE_ADMIN)
    RoleChange.objects.create(
        initiative=initiative,
        action=RoleChange.CREATED,
        changed_by=user,
        subject=user.get_username(),
        new_role=Membership.BACKBONE_ADMIN,
    )


def _new(data: dict, *, by, dry_run: bool) -> Outcome:
    code = data.get("code") if isinstance(data, dict) else None
    if isinstance(code, str):
        _refuse_taken(code)

    def edit(mapping: dict) -> None:
        mapping.clear()
        mapping.update(data)

    try:
        with transaction.atomic():
            outcome = services.apply(
                None,
                edit,
                by=by,
                what=_("created the initiative %(name)s") % {"name": data.get("name", code)},
                dry_run=dry_run,
            )
            # Someone may have created the same code since the check above: then the load
            # found theirs, and nothing of this one may be kept.
            if f"initiative {code}" not in outcome.summary.created:
                _refuse_taken(code)
            if not dry_run:
                _appoint(outcome.initiative, by)
    except IntegrityError:  # created at the same moment by someone else
        _refuse_taken(code)
        raise
    return outcome


def create_initiative(
    *,
    by,
    code: str,
    name: str,
    vision: str = "",
    reporting_frequency: str = "monthly",
    fy_first_month: int = 4,
) -> Initiative:
    """A new initiative with nothing in it yet, its creator its backbone admin. Raises
    ``Refused`` (code taken) or ``DefinitionError`` (a field the definition file would refuse),
    writing nothing."""
    data = {
        "code": code,
        "name": name,
        "vision": vision,
        "reporting_frequency": reporting_frequency,
        "fy_first_month": fy_first_month,
    }
    return _new(data, by=by, dry_run=False).initiative


# -- from a definition file ----------------------------------------------------------------------


@dataclass
class FileProblem(Exception):
    message: str

    def __str__(self) -> str:
        return self.message


def save_definition_upload(uploaded, user, initiative: Initiative | None) -> str:
    """Keep an uploaded definition file (YAML or JSON) for its dry run and confirmation; returns
    its token. ``initiative`` is the one whose set-up it replaces, None for a new one."""
    suffix = Path(uploaded.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise FileProblem(
            _("%(name)s: choose a definition file ending in .yaml, .yml or .json")
            % {"name": uploaded.name}
        )
    if uploaded.size > MAX_BYTES:
        raise FileProblem(
            _("%(name)s: the file is larger than %(mb)s MB")
            % {"name": uploaded.name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    return STORE.save(
        uploaded.chunks(),
        owner=user.id,
        name=uploaded.name,
        suffix=suffix,
        kind="definition",
        initiative=initiative.code if initiative else None,
        version=services.version_of(initiative) if initiative else None,
    )


def load_definition_upload(token: str, user, initiative: Initiative | None) -> dict:
    """The upload's record; ``UploadNotFound`` unless it is this user's, for this initiative."""
    return STORE.load(
        token,
        getattr(user, "id", None),
        kind="definition",
        initiative=initiative.code if initiative else None,
    )


def _data(record: dict) -> dict:
    path = STORE.data_path(record)
    name = record["name"]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(name, [_("the file is not UTF-8 text")]) from None
    data = definition_data(text, name, SUFFIXES.get(path.suffix.lower(), "yaml"))
    if not isinstance(data, dict):
        raise DefinitionError(
            name, [_("the top level must be a mapping with code, name, indicators, ...")]
        )
    return data


def _replace(initiative: Initiative, record: dict, data: dict, *, by, dry_run: bool) -> Outcome:
    if data.get("code") != initiative.code:
        raise Refused(
            [
                _(
                    "code: the file is for the initiative %(file)s, not %(code)s; a file replaces "
                    "the set-up of its own initiative only"
                )
                % {"file": data.get("code") or _("(none)"), "code": initiative.code}
            ]
        )

    def edit(mapping: dict) -> None:
        mapping.clear()
        mapping.update(data)

    return services.apply(
        initiative,
        edit,
        by=by,
        what=_("replaced the set-up from the file %(name)s") % {"name": record["name"]},
        versions={"": record["version"]} if record.get("version") else None,
        dry_run=dry_run,
    )


def preview_upload(record: dict, *, by, initiative: Initiative | None) -> Outcome:
    """The dry run of a stored definition file: what it would create and change, nothing
    written. Raises ``DefinitionError`` (each problem with its path, as the command line prints
    them), ``Refused`` or ``Stale``."""
    data = _data(record)
    if initiative is None:
        return _new(data, by=by, dry_run=True)
    return _replace(initiative, record, data, by=by, dry_run=True)


def apply_upload(record: dict, *, by, initiative: Initiative | None) -> Outcome:
    """Load a stored definition file for real (after its preview), then drop the file."""
    data = _data(record)
    if initiative is None:
        outcome = _new(data, by=by, dry_run=False)
    else:
        outcome = _replace(initiative, record, data, by=by, dry_run=False)
    STORE.delete(record)
    return outcome
