"""The Content-Security-Policy of every response (docs/explanation/security.md).

Scripts, styles, images, fonts and connections come from this server only; no inline script and
no ``eval`` run (the pages' behaviours are static files, and Vega draws charts with its
expression interpreter). Styles may be inline: Vega and htmx set style attributes and insert
small style elements. Pages may not be framed (X-Frame-Options DENY too), except views marked
with Django's ``xframe_options_exempt`` (the public indicator page), which any site may frame.
"""

from __future__ import annotations

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
HEADER = "Content-Security-Policy"
NOT_FRAMED = "; ".join((*POLICY, "frame-ancestors 'none'"))
EMBEDDABLE = "; ".join((*POLICY, "frame-ancestors *"))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            framed = getattr(response, "xframe_options_exempt", False)
            response[HEADER] = EMBEDDABLE if framed else NOT_FRAMED
        return response
