"""The validation rules set-up page: list, add, edit, reorder and remove rules, and before
saving, preview which reports of the last periods the rule as edited would fail. The preview
checks the stored reports with the rule evaluation every report uses (reporting/rules.py:
``RuleSet`` over the reports' ``totals``), on the rule the dry run of ``services.apply`` has
accepted."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.domain import expressions
from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting.models import Submission, ValidationRule
from commonmeasure.reporting.presenters import format_value, status_label
from commonmeasure.reporting.rules import RuleSet, totals

from . import services
from .access import setup_access
from .forms_common import EditorPostForm
from .forms_rules import MoveRuleForm, RemoveRuleForm, RuleForm
from .structure_pages import Change, find, move, run, where

LAST_PERIODS = 6  # the preview checks the reports of this many latest periods
_FIELDS = ("code", "left", "op", "right", "severity", "message")


def failing_reports(
    initiative, rule: dict, last: int = LAST_PERIODS
) -> tuple[list[str], list[dict]]:
    """The periods checked (the ``last`` latest with reports) and every report among them that
    ``rule`` (a definition's rule: code, left, op, right, severity, message) fails, with the
    figures it compared."""
    codes = list(
        Submission.objects.filter(initiative=initiative)
        .order_by("-period_start")
        .values_list("period", flat=True)
        .distinct()[: last * 2]
    )
    checked = list(dict.fromkeys(codes))[:last]
    reports = list(
        Submission.objects.filter(initiative=initiative, period__in=checked)
        .select_related("organisation")
        .order_by("-period_start", "organisation__name")
    )
    rules = RuleSet([ValidationRule(**{k: rule[k] for k in _FIELDS})])
    values = totals([r.id for r in reports])
    indicators = {i.code: i for i in Indicator.objects.filter(initiative=initiative)}
    out = []
    for report in reports:
        for outcome in rules.failures(values[report.id]):
            out.append(
                {
                    "report": report,
                    "organisation": report.organisation.name,
                    "period": report.period,
                    "status": status_label(report.status),
                    "url": reverse(
                        "grid", args=[initiative.code, report.organisation.code, report.period]
                    ),
                    "figures": [
                        {
                            "name": indicators[code].name if code in indicators else code,
                            "value": format_value(
                                values[report.id].get(code), indicators.get(code)
                            ),
                        }
                        for code in outcome.indicators
                    ],
                    "reason": outcome.reason,
                    "severity": outcome.severity,
                }
            )
    return checked, out


def _uses(rule: dict, definition: dict) -> list[str]:
    """The names of the indicators a rule compares, in the order it names them."""
    names = {i["code"]: i["name"] for i in definition.get("indicators") or []}
    try:
        codes = expressions.Rule(
            expressions.parse_expression(rule["left"]),
            rule["op"],
            expressions.parse_expression(rule["right"]),
        ).names
    except expressions.ExpressionError:
        return []
    return [names.get(code, code) for code in codes]


def _rule_of(c: dict) -> dict:
    return {k: c[k] for k in _FIELDS}


def _actions(definition: dict, editing: str | None, previewed: dict) -> dict:
    rules = definition.get("rules") or []

    def save_rule(c):
        rule = _rule_of(c)
        previewed["rule"] = rule
        if editing:
            n = next((i for i, r in enumerate(rules) if r["code"] == editing), len(rules))

            def edit(d):
                d["rules"][d["rules"].index(find(d["rules"], editing, _("Rule")))] = rule

            versions = {f"rules/{editing}": c["version"]}
            what = _("changed the validation rule %(code)s") % {"code": rule["code"]}
        else:
            n = len(rules)

            def edit(d):
                d.setdefault("rules", []).append(rule)

            versions = None  # adding overwrites nothing: a code taken meanwhile is refused
            what = _("added the validation rule %(code)s") % {"code": rule["code"]}
        return Change(
            edit, what, _("Rule %(code)s saved.") % rule, versions, {"rule": [f"rules.{n}"]}
        )

    def move_rule(c):
        def edit(d):
            move(d["rules"], find(d["rules"], c["rule"], _("Rule")), c["direction"])

        return Change(
            edit,
            _("reordered the validation rules"),
            _("Rules reordered."),
            {"rules": c["version"]},
        )

    def remove_rule(c):
        def edit(d):
            d["rules"].remove(find(d["rules"], c["rule"], _("Rule")))

        return Change(
            edit,
            _("removed the validation rule %(code)s") % {"code": c["rule"]},
            _("Rule removed."),
            {"rules": c["version"]},
        )

    return {
        "save_rule": (RuleForm, {}, save_rule),
        "move_rule": (MoveRuleForm, {}, move_rule),
        "remove_rule": (RemoveRuleForm, {}, remove_rule),
    }


def _fields(posted) -> dict[str, str]:
    """Each rule field's message, from the form or from the definition's check of the rule."""
    out = dict(posted.errors)
    for problem in posted.problems:
        head = where(problem) or problem.split(" ", 1)[0].rstrip(":")
        steps = head.split(".")
        side = next((s for s in ("left", "right") if f": {s} " in problem), None)
        if len(steps) >= 3 and steps[2] in _FIELDS:
            out.setdefault(steps[2], problem)
        elif side:
            out.setdefault(side, problem)
    return out


def _page(request, initiative, access, editing: str | None):
    definition = services.definition_of(initiative)
    previewed: dict = {}
    if editing:
        to = reverse("setup:rule", args=[initiative.code, editing])
    else:
        to = reverse("setup:rules", args=[initiative.code])
    sent = EditorPostForm(request.POST)
    sent.is_valid()  # every value is valid: run() refuses an unknown action
    if request.method == "POST" and sent.cleaned_data["action"] != "save_rule":
        to = reverse("setup:rules", args=[initiative.code])
    posted = run(request, initiative, _actions(definition, editing, previewed), to)
    if isinstance(posted, HttpResponseBase):
        if (
            posted.status_code == 302
            and editing
            and previewed.get("rule", {}).get("code") != editing
        ):
            posted["Location"] = reverse("setup:rules", args=[initiative.code])
        return posted
    definition = services.definition_of(initiative)
    rules = definition.get("rules") or []
    current = services.part_of(definition, f"rules/{editing}") if editing else None
    values = dict(current or {"op": "<=", "severity": "error"})
    if posted.action == "save_rule" and not posted.stale:
        values.update(posted.values)
    failing, checked = None, []
    if posted.preview is not None and previewed.get("rule"):
        checked, failing = failing_reports(initiative, previewed["rule"])
    return render(
        request,
        "setup/rules.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "rules": [
                {
                    **r,
                    "uses": _uses(r, definition),
                    "first": n == 0,
                    "last": n == len(rules) - 1,
                }
                for n, r in enumerate(rules)
            ],
            "editing": current,
            "values": values,
            "fields": _fields(posted) if posted.action == "save_rule" else {},
            "version": services.version_of(definition, f"rules/{editing}" if editing else "rules"),
            "list_version": services.version_of(definition, "rules"),
            "posted": posted,
            "failing": failing,
            "checked": checked,
            "live_problems": (
                [*posted.errors.values(), *posted.problems]
                if posted.action == "save_rule" and sent.cleaned_data["preview"]
                else []
            ),
            "operators": ["<", "<=", "==", "!=", ">=", ">"],
            "last_periods": LAST_PERIODS,
        },
        # the live preview (htmx) swaps in the answer's preview whatever it says
        status=200 if request.htmx else posted.status,
    )


@login_required
def rules(request, code):
    initiative, access = setup_access(request.user, code)
    return _page(request, initiative, access, None)


@login_required
def rule(request, code, rule):
    initiative, access = setup_access(request.user, code)
    if services.part_of(services.definition_of(initiative), f"rules/{rule}") is None:
        raise Http404(_("No such rule in this initiative."))
    return _page(request, initiative, access, rule)
