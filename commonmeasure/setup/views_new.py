"""A new initiative from the browser (from a few fields or from a definition file), and an
initiative's whole set-up replaced from a file: docs/reference/setup-pages.md, "A new initiative".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.interchange.definition import DefinitionError, definition_text
from commonmeasure.upload_store import UploadNotFound

from . import creating, services
from .access import setup_access
from .forms_new import ConfirmForm, DefinitionUploadForm, NewInitiativeForm
from .services import Refused, Stale


def _may_create(request) -> None:
    if not creating.may_create(request.user):
        raise PermissionDenied(_("Only people allowed to create initiatives can do this."))


@login_required
def new(request):
    _may_create(request)
    form = NewInitiativeForm(request.POST if request.method == "POST" else None)
    problems: list[str] = []
    if form.is_valid():
        try:
            initiative = creating.create_initiative(by=request.user, **form.cleaned_data)
        except (DefinitionError, Refused) as exc:
            problems = list(exc.problems)
            _errors_to_fields(form, problems)
        else:
            return redirect("setup:home", initiative.code)
    return render(
        request,
        "setup/new.html",
        {"form": form, "errors": form.messages, "problems": problems, "here": "setup"},
        status=400 if form.is_bound and (form.errors or problems) else 200,
    )


def _errors_to_fields(form, problems: list[str]) -> None:
    """Show a file-rule message ("name: ...") beside its field as well as in the summary."""
    for problem in problems:
        path, message = services.place_and_message(problem)
        if path in form.fields and path not in form.errors:
            form.add_error(path, message)


# -- from a definition file ----------------------------------------------------------------------


def _upload_page(request, initiative, form, *, access=None, error=None, status=200):
    return render(
        request,
        "setup/new_file.html",
        {
            "initiative": initiative,
            "access": access,
            "form": form,
            "errors": form.messages,
            "error": error,
            "max_mb": creating.MAX_BYTES // (1024 * 1024),
            "here": "setup",
        },
        status=status,
    )


def _upload(request, initiative, access=None):
    form = DefinitionUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if not form.is_bound:
        return _upload_page(request, initiative, form, access=access)
    if not form.is_valid():
        return _upload_page(request, initiative, form, access=access, status=400)
    try:
        token = creating.save_definition_upload(form.cleaned_data["file"], request.user, initiative)
    except creating.FileProblem as problem:
        return _upload_page(
            request, initiative, form, access=access, error=str(problem), status=400
        )
    if initiative is None:
        return redirect("setup:new_file_preview", token)
    return redirect("setup:replace_preview", initiative.code, token)


def _preview(request, initiative, token, access=None):
    try:
        record = creating.load_definition_upload(token, request.user, initiative)
    except UploadNotFound:
        raise Http404(_("No such upload, or it has expired.")) from None
    confirming = request.method == "POST" and ConfirmForm(request.POST).is_valid()
    outcome, problems, stale = None, [], None
    try:
        if confirming:
            outcome = creating.apply_upload(record, by=request.user, initiative=initiative)
            return redirect("setup:home", outcome.initiative.code)
        outcome = creating.preview_upload(record, by=request.user, initiative=initiative)
    except (DefinitionError, Refused) as exc:
        problems = list(exc.problems)
    except Stale:
        stale = True
    again = (
        reverse("setup:new_file")
        if initiative is None
        else reverse("setup:replace", args=[initiative.code])
    )
    return render(
        request,
        "setup/new_preview.html",
        {
            "initiative": initiative,
            "access": access,
            "record": record,
            "outcome": outcome,
            "changes": _shown_changes(outcome) if outcome else [],
            "problems": problems,
            "stale": stale,
            "again": again,
            "here": "setup",
        },
        status=400 if problems or stale else 200,
    )


def _shown_changes(outcome) -> list[tuple[str, tuple[str, str]]]:
    """The changed fields, without the rows that only say an empty list or mapping was filled
    (its items have rows of their own)."""
    return [
        (path, pair)
        for path, pair in sorted(outcome.changes.items())
        if not (pair[0] in ("[]", "{}") and pair[1] == "")
    ]


@login_required
def new_file(request):
    _may_create(request)
    return _upload(request, None)


@login_required
def new_file_preview(request, token):
    _may_create(request)
    return _preview(request, None, token)


@login_required
def replace(request, code):
    initiative, access = setup_access(request.user, code)
    return _upload(request, initiative, access)


@login_required
def replace_preview(request, code, token):
    initiative, access = setup_access(request.user, code)
    return _preview(request, initiative, token, access)


@login_required
def download(request, code):
    """The initiative's definition file as it is now (what ``initiative dump`` writes), to edit
    and upload again on "Replace the set-up from a file"."""
    initiative, _access = setup_access(request.user, code)
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    response = HttpResponse(
        definition_text(services.definition_of(initiative), fmt),
        content_type="application/json; charset=utf-8"
        if fmt == "json"
        else "application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{initiative.code}.{fmt}"'
    return response
