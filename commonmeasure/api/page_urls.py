"""The pages (not the JSON API) of the api app: the user's own API tokens."""

from django.urls import path

from . import pages

urlpatterns = [
    path("account/tokens/", pages.tokens_page, name="api_tokens"),
    path("account/tokens/revoke/", pages.revoke_page, name="api_tokens_revoke"),
]
