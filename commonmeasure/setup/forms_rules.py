"""The forms of the validation rules page: a rule's fields (its expressions are checked by the
definition file's own rules when the page applies or previews it), and moving or removing one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonmeasure.reporting.models import ValidationRule

from .forms_common import DirectionField, NeededField, VersionedForm

OPERATORS = ["<", "<=", "==", "!=", ">=", ">"]


class RuleForm(VersionedForm):
    code = NeededField(_("Code"))
    left = NeededField(_("Left side"))
    op = forms.ChoiceField(
        choices=[(op, op) for op in OPERATORS],
        error_messages={"invalid_choice": _("Comparison: choose one of < <= == != >= >.")},
    )
    right = NeededField(_("Right side"))
    severity = forms.ChoiceField(
        choices=[
            (ValidationRule.ERROR, ValidationRule.ERROR),
            (ValidationRule.WARNING, ValidationRule.WARNING),
        ],
        error_messages={"invalid_choice": _("Severity: choose error or warning.")},
    )
    message = NeededField(_("Message"))


class MoveRuleForm(VersionedForm):
    rule = NeededField(_("Rule"))
    direction = DirectionField()


class RemoveRuleForm(VersionedForm):
    rule = NeededField(_("Rule"))
