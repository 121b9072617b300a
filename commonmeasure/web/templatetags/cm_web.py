"""Small template helpers for the web pages."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from commonmeasure.charts import text_alternative
from commonmeasure.web.assets import vl_convert_version
from commonmeasure.web.presenters import format_value, status_label, target_status_label

register = template.Library()


@register.simple_tag
def vega_src() -> str:
    """The local Vega bundle's address, versioned so that it can be cached for good."""
    return f"{reverse('vega_bundle')}?v={vl_convert_version()}"


@register.simple_tag(takes_context=True)
def absolute_url(context, name: str, *args) -> str:
    """The full address of a page (scheme and host included), for a link people copy, print or
    send: ``{% absolute_url 'voice:form' link.token %}``."""
    return context["request"].build_absolute_uri(reverse(name, args=args))


@register.simple_tag
def status_pill(status: str, label: str = "") -> str:
    return format_html(
        '<span class="pill pill-{}">{}</span>', status, label or status_label(status)
    )


@register.filter
def rag(status):
    """A figure's status against its target in words: ``{{ p.status|rag }}``."""
    return target_status_label(status)


@register.filter
def fmt(value, indicator):
    return format_value(value, indicator)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def chart_alt(spec, title=""):
    """A chart's text alternative (commonmeasure.charts.text_alternative)."""
    return text_alternative(spec, title)
