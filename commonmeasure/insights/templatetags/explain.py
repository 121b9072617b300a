"""{% explain_url initiative_code indicator_code by key [period_type] [period] %}: the link behind
"How was this worked out?" (docs/reference/explain.md)."""

from django import template

from commonmeasure.insights.views_explain import explain_url as _explain_url

register = template.Library()


@register.simple_tag
def explain_url(initiative_code, indicator_code, by, key, period_type="", period=""):
    return _explain_url(
        initiative_code, indicator_code, by, key, period_type=period_type, period=period
    )
