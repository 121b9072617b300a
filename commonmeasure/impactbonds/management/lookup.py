"""Looking projects up by the ids people type on the command line."""

from __future__ import annotations

from commonmeasure.console import CommandError
from commonmeasure.impactbonds.models import Project


def project_or_error(ref: str) -> Project:
    """A project by its database id or its INDIGO-style id, or a CommandError."""
    project = None
    if ref.isdigit():
        project = Project.objects.filter(pk=int(ref)).first()
    project = project or Project.objects.filter(indigo_id=ref).first()
    if project is None:
        raise CommandError(
            f"--project: no project {ref!r} (give its id or its INDIGO id, such as INDIGO-POJ-0001)"
        )
    return project
