"""What the structure pages share (dimensions, organisations, areas, the target and overlap
grids, validation rules): one ``save`` that hands an edit to ``services.apply`` and turns its
answers (saved, a dry-run preview, stale, refused, or the definition's own problems) into what a
page shows, and ``place`` that puts each problem beside the row it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from . import services
from .forms_common import EditorPostForm

_UNKNOWN = gettext_lazy("This page does not know that action.")
_GONE = gettext_lazy("%(what)s %(code)s is no longer there: someone removed it; reload the page.")


@dataclass
class Saved:
    """What came of one save: ``outcome`` when it went (or would go) through, else why not."""

    outcome: services.Outcome | None = None
    problems: list[str] = field(default_factory=list)
    stale: services.Stale | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is not None

    @property
    def status(self) -> int:
        return 200 if self.ok else 409 if self.stale else 400


def save(request, initiative, edit, *, what: str, versions=None, preview: bool = False) -> Saved:
    """Apply ``edit`` (a dry run when ``preview``); every refusal comes back as words."""
    try:
        outcome = services.apply(
            initiative, edit, by=request.user, what=what, versions=versions, dry_run=preview
        )
    except services.Stale as stale:
        return Saved(stale=stale)
    except (services.Refused, services.DefinitionError) as refused:
        return Saved(problems=list(refused.problems))
    return Saved(outcome=outcome)


def done(request, saved: Saved, sentence: str, to: str):
    """After a save that went through: say so, and show the page afresh."""
    if saved.outcome.changed:
        messages.success(request, sentence)
    return redirect(to)


def where(problem: str) -> str:
    """The place a problem names: "dimensions.gender.female" of "dimensions.gender.female: ..."."""
    head, _message = services.place_and_message(problem)
    return head if " " not in head else ""


def _in_words(problem: str, path: str) -> str:
    """A problem shown beside its row: without the part of its place that the row is
    ("dimensions.2.code: ..." beside the new dimension reads "code: ...")."""
    at = where(problem)
    rest = at[len(path) :].lstrip(".")
    message = services.place_and_message(problem)[1] if at else problem
    return f"{rest}: {message}" if rest else message


def place(problems: list[str], rows: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(problem, row id, the row's path it matched) for each problem that names a row:
    ``rows`` maps each row id to the paths that name it ("dimensions.gender", "dimensions.0");
    the longest path that begins the problem's place wins."""
    out = []
    for problem in problems:
        at = where(problem)
        if not at:
            continue
        best = max(
            (
                (len(path), row, path)
                for row, paths in rows.items()
                for path in paths
                if at == path or at.startswith(path + ".")
            ),
            default=None,
        )
        if best:
            out.append((problem, best[1], best[2]))
    return out


def changes_in_words(outcome: services.Outcome) -> list[dict]:
    """A preview's changes as rows: where, before, after."""
    empty = {"", "[]", "{}"}
    return [
        {"path": path, "old": old, "new": new}
        for path, (old, new) in outcome.changes.items()
        if not (old in empty and new in empty)  # a list that only became (or stopped being) empty
    ]


# -- one action of a page, from its POST to what the page shows --------------------------------


@dataclass
class Change:
    """What one action does: the edit of the definition, the feed's sentence, the message once
    saved, the versions it checks, and extra places for its problems (e.g. a new row's index)."""

    edit: object
    what: str
    done: str
    versions: dict[str, str] | None = None
    places: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Posted:
    """What the page shows after a POST that did not go through (or a preview)."""

    action: str = ""
    row: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    stale: services.Stale | None = None
    preview: list[dict] | None = None
    removed: list[str] = field(default_factory=list)
    repeat: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)
    status: int = 200

    @property
    def typed(self) -> list[tuple[str, str]]:
        """What the person typed (not the hidden fields naming the part), for a stale save."""
        hidden = {"action", "row", "version", "dimension", "category", "rule", "direction"}
        return [(k, v) for k, v in self.values.items() if k not in hidden and v]

    def beside(self, rows: dict[str, list[str]]) -> dict[str, list[str]]:
        """{row id: messages}: each problem beside the row it names (without the part of its
        place the row already says), the rest (and the form's own messages) beside the row the
        action came from."""
        placed: dict[str, list[str]] = {}
        shown = set()
        for problem, row, path in place(self.problems, {**rows, **self.places}):
            placed.setdefault(row, []).append(_in_words(problem, path))
            shown.add(problem)
        rest = [*self.errors.values(), *(p for p in self.problems if p not in shown)]
        if self.stale is not None:
            rest.append(str(self.stale))
        if rest and self.row:
            placed.setdefault(self.row, []).extend(rest)
        return placed


def run(request, initiative, actions: dict, to: str):
    """Handle a POST of a page whose forms each send ``action`` (a key of ``actions``: the form
    class, its keyword arguments and a function from the cleaned data to a ``Change``).
    Returns a redirect when the change was saved, else a ``Posted``. ``preview=1`` is a dry run
    (``forms_common.EditorPostForm`` reads the action, the row, the preview and what was typed)."""
    posted = Posted(status=200)
    if request.method != "POST":
        return posted
    sent = EditorPostForm(request.POST)
    sent.is_valid()  # every value is valid: an unknown action is refused just below
    posted.action, posted.row = sent.cleaned_data["action"], sent.cleaned_data["row"]
    posted.values = sent.typed()
    if posted.action not in actions:
        posted.errors = {"action": str(_UNKNOWN)}
        posted.status = 400
        return posted
    form_class, kwargs, build = actions[posted.action]
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        posted.errors = form.messages
        posted.status = 400
        return posted
    try:
        change = build(form.cleaned_data)
    except services.Refused as refused:
        posted.problems, posted.status = list(refused.problems), 400
        return posted
    preview = sent.cleaned_data["preview"]
    saved = save(
        request,
        initiative,
        change.edit,
        what=change.what,
        versions=change.versions,
        preview=preview,
    )
    posted.places = change.places
    if saved.ok and not preview:
        return done(request, saved, change.done, to)
    posted.status = saved.status
    posted.problems, posted.stale = saved.problems, saved.stale
    if saved.ok:
        posted.preview = changes_in_words(saved.outcome)
        posted.removed = saved.outcome.removed
        posted.repeat = sent.repeat()
    return posted


def find(items: list, code: str, what: str) -> dict:
    """The item of a definition list with this code; refused, naming it, when it is gone."""
    for item in items or []:
        if isinstance(item, dict) and item.get("code") == code:
            return item
    raise services.Refused([_GONE % {"what": what, "code": code}])


def move(items: list, item: dict, direction: str) -> None:
    """Move an item of a list one place up or down (in place)."""
    n = items.index(item)
    m = n - 1 if direction == "up" else n + 1
    if 0 <= m < len(items):
        items[n], items[m] = items[m], items[n]
