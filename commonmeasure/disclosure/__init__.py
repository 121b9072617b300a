"""Disclosure control: for a viewer and a figure, shown as is, under a pseudonym, or suppressed.

Every surface asks this module (docs/reference/disclosure.md): organisation pages, indicator
pages, dashboards, benchmarks, the explorer, public pages and embeds, downloads, the JSON API
and the command line. The rules:

- The backbone and the organisation itself see every figure of that organisation, by name.
- Anyone else (a peer organisation's member, the public) sees an organisation by name only if
  it opted in to be named or the initiative does not anonymise peers; every other
  organisation's figures appear only under a pseudonym ("Organisation n"), never under its
  name, so its own page shows them to nobody but itself and the backbone.
- Anyone else never sees a figure based on fewer people than the initiative's threshold, nor
  one that could be worked out from a shown total (complementary suppression,
  ``domain.suppression``). Community figures (totals of every organisation) are figures too.

The arithmetic (thresholds, complementary suppression, pseudonym numbering) is pure and lives
in ``commonmeasure.domain.suppression``; this module applies it to who is looking. Reading the
figures of a surface, with the rules applied, is ``commonmeasure.disclosure.cells``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commonmeasure.domain import suppression

SUPPRESSED = "suppressed"  # what a hidden figure is replaced with

# The three answers of ``decide``.
SHOWN, PSEUDONYM, HIDDEN = "shown", "pseudonym", "suppressed"


@dataclass
class Viewer:
    """What one person (or the public) may see of an initiative's figures."""

    initiative: object
    own: set[str]  # codes of the viewer's own organisations
    labels: dict[str, str]  # organisation code -> label shown to this viewer
    names: dict[str, str]  # organisation code -> real name (every participating organisation)
    threshold: int
    anonymised: set[str] = field(default_factory=set)  # shown to this viewer under a pseudonym
    sees_all: bool = False  # the backbone, and the command line without --as
    public: bool = False  # not a member: sees the initiative only because it is published

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def named(self, code: str) -> bool:
        """Whether this viewer may see ``code``'s figures under its name."""
        return code not in self.anonymised

    def sees_everything_of(self, code: str | None) -> bool:
        """The backbone, and the organisation itself, see all of its figures."""
        return self.sees_all or (code is not None and code in self.own)


def viewer_for(initiative, access=None) -> Viewer:
    """Labels and threshold for this viewer. ``access`` None or not a member: the public.

    The backbone sees names (it runs the initiative and reviews every report); members see their
    own organisation and those that opted in by name and the others as "Organisation n"; the
    public sees only opted-in names.
    """
    parts = list(  # tuples, not instances: an initiative may have thousands of organisations
        initiative.participations.order_by("organisation__code").values_list(
            "organisation_id", "organisation__code", "organisation__name", "named_in_benchmarks"
        )
    )
    names = {code: name for _id, code, name, _named in parts}
    member, backbone, own_ids = _standing(access)
    own = {code for org_id, code, _name, _named in parts if org_id in own_ids}
    if not initiative.anonymise_peers or backbone:
        named = set(names)
    else:
        named = {code for _id, code, _name, opted_in in parts if opted_in} | own
    labels = suppression.peer_labels(list(names), names, named=named, salt=initiative.code)
    return Viewer(
        initiative,
        own,
        labels,
        names,
        initiative.small_number_threshold,
        anonymised=set(names) - named,
        sees_all=backbone,
        public=not member,
    )


def _standing(access) -> tuple[bool, bool, frozenset[int]]:
    """(member, backbone, ids of the viewer's own organisations): all ``viewer_for`` takes from
    the viewer; the rest of a Viewer comes from the initiative's set-up and settings."""
    member = access is not None and access.is_member
    backbone = member and access.is_backbone
    return member, backbone, frozenset(access.org_roles) if member else frozenset()


def disclosure_class(access) -> str:
    """The viewer's disclosure class: two viewers of one class are shown exactly the same
    figures of an initiative (with the same set-up and settings), two of different classes
    may not be. "public", "backbone", or "member:" and the ids of the member's own
    organisations. What pages keep in the figure cache (``rollups.figure_cache``) is keyed by it.
    """
    member, backbone, own_ids = _standing(access)
    if not member:
        return "public"
    if backbone:
        return "backbone"
    return "member:" + ",".join(str(i) for i in sorted(own_ids))


def operator_viewer(initiative) -> Viewer:
    """The person running the installation (the command line without ``--as``): sees all."""
    viewer = viewer_for(initiative, None)
    viewer.labels = dict(viewer.names)
    viewer.anonymised = set()
    viewer.sees_all, viewer.public = True, False
    return viewer


def decide(viewer: Viewer, organisation: str | None, people: float | None) -> str:
    """SHOWN, PSEUDONYM or HIDDEN for one figure, before complementary suppression.

    ``organisation``: whose figure it is (None: a community figure of every organisation).
    ``people``: how many people it is based on (None: not a count of people, e.g. money).
    """
    if viewer.sees_everything_of(organisation):
        return SHOWN
    if suppression.is_suppressed(people, viewer.threshold):
        return HIDDEN
    if organisation is not None and not viewer.named(organisation):
        return PSEUDONYM
    return SHOWN


def disclose(
    values: dict, people: dict | None, viewer: Viewer, own_keys=(), total_shown: bool = True
) -> dict:
    """{key: value or SUPPRESSED} for one group of cells whose total may be shown elsewhere.

    Cells in ``own_keys`` belong to the viewer's organisation and are always shown; they also
    take no part in complementary suppression (the viewer knows them anyway). A viewer who
    sees everything (the backbone) gets the values as they are. ``people`` None: the cells are
    not counts of people and are never suppressed.
    """
    if people is None or viewer.sees_all:
        return dict(values)
    cells = {
        key: (value, None if key in own_keys else (people.get(key) or 0))
        for key, value in values.items()
    }
    shown = suppression.suppress_cells(cells, viewer.threshold, total_shown=total_shown)
    out = {}
    for key, value in values.items():
        hidden = key not in own_keys and value is not None and shown[key] is None
        out[key] = SUPPRESSED if hidden else value
    return out


def for_everyone(values: dict, people: dict | None, threshold: int, total_shown=True) -> dict:
    """The cells every member may see, whoever they are (no one's own cells, no backbone view):
    what peer distributions (quartiles, ranks, funnel targets) are made of, so that they are
    the same for every viewer and reveal no hidden cell."""
    if people is None:
        return dict(values)
    cells = {key: (value, people.get(key) or 0) for key, value in values.items()}
    shown = suppression.suppress_cells(cells, threshold, total_shown=total_shown)
    return {
        key: (SUPPRESSED if value is not None and shown[key] is None else value)
        for key, value in values.items()
    }


def visible(value) -> bool:
    """A value that is shown (not suppressed and not missing)."""
    return value is not None and value is not SUPPRESSED
