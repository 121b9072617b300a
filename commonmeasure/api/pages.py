"""The API tokens page: any signed-in user creates (shown once), lists and revokes their own
personal API tokens (docs/reference/api.md, "Authentication"). The same services as the
``commonmeasure token`` commands: ``api.tokens``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .tokens import create_token, revoke_token, tokens_of


class CreateTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        help_text=gettext_lazy("So that you can tell your tokens apart, e.g. “nightly upload”."),
        max_length=100,
        required=False,
        strip=True,
    )


class RevokeTokenForm(forms.Form):
    token = forms.IntegerField(min_value=1)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request):
    """GET: the user's tokens. POST: a new token, shown on the answer once and never again."""
    created = None
    form = CreateTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record, token = create_token(request.user.get_username(), form.cleaned_data["name"])
        created = {"record": record, "token": token}
        form = CreateTokenForm()
    # never_cache: the answer holding a new token is kept by no cache (Cache-Control: no-store).
    return render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": list(tokens_of(request.user))},
    )


@login_required
@require_POST
def revoke_page(request):
    form = RevokeTokenForm(request.POST)
    if form.is_valid():
        try:
            record = revoke_token(form.cleaned_data["token"], user=request.user)
        except ValueError:
            messages.error(request, _("There is no such token of yours."))
        else:
            messages.success(
                request,
                _("Revoked the token %(prefix)s…: it stops working at once.")
                % {"prefix": record.prefix},
            )
    else:
        messages.error(request, _("There is no such token of yours."))
    return redirect("api_tokens")
