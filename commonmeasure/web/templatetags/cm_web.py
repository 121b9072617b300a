"""Small template helpers for the web pages."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from commonmeasure.charts import text_alternative
from commonmeasure.reporting.presenters import format_value, status_label, target_status_label
from commonmeasure.web.assets import vl_convert_version

register = template.Library()


@register.simple_tag
def vega_src() -> str:
    """The local Vega bundle's address, versioned so that it can be cached for good."""
    return f"{reverse('vega_bundle')}?v={vl_convert_version()}"


@register.simple_tag
def html_lang() -> str:
    """The active language as a BCP 47 tag for ``<html lang>``: en-GB, es, fr."""
    return translation.to_locale(translation.get_language() or "en-gb").replace("_", "-")


@register.simple_tag
def html_attributes() -> str:
    """The attributes of a page's ``<html>``: its language, the language's decimal mark and
    thousands separator for the charts drawn in the browser (when they are not English's), and
    the words the pages' scripts show (web/static/web/charts.js, page.js)."""
    attributes = [("lang", html_lang())]
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR")
    if (decimal, thousands) != (".", ","):
        attributes += [("data-decimal", decimal), ("data-thousands", thousands)]
    attributes += [
        ("data-text-chart-menu", _("Chart menu: save the chart as an image")),
        (
            "data-text-chart-failed",
            # %(error)s is filled in by the script
            _("The chart could not be drawn (%(error)s). The table has the same figures."),
        ),
        ("data-text-table-scroll", _("(table; scroll with the arrow keys)")),
        ("data-text-table", _("Table (scroll with the arrow keys)")),
    ]
    return format_html_join(" ", '{}="{}"', attributes)


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


@register.filter(expects_localtime=True)
def moment(value, seconds=""):
    """A date and time as the viewer's language writes the date (its DATE_FORMAT: "2 Dec 2026"
    in English, "2 décembre 2026" in French, "2 de diciembre de 2026" in Spanish), then the
    24-hour time: ``{{ at|moment }}``, ``{{ at|moment:"seconds" }}``."""
    if value in (None, ""):
        return ""
    time = dateformat.time_format(value, "H:i:s" if seconds == "seconds" else "H:i")
    return f"{formats.date_format(value)}, {time}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def chart_alt(spec, title=""):
    """A chart's text alternative (commonmeasure.charts.text_alternative)."""
    return text_alternative(spec, title)
