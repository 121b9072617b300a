"""Helpers for the API tests: call an endpoint as one of the standard cast, with a session,
an API token, a revoked token or nobody; and a small set of reports at different statuses."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commonmeasure.initiatives.models import Membership

API = "/api/v1"


class Caller:
    """Calls the API as one person. ``how`` is "session", "token", "revoked" or "anonymous"."""

    def __init__(self, user=None, how: str = "session"):
        self.user, self.how = user, how
        self.client = Client()
        self.headers: dict[str, str] = {}
        if how == "session":
            self.client.force_login(user)
        elif how in ("token", "revoked"):
            from commonmeasure.api.tokens import create_token, revoke_token

            record, token = create_token(user.username, "tests")
            if how == "revoked":
                revoke_token(record.id)
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, body=None):
        data = json.dumps(body if body is not None else {})
        return self.client.post(
            API + path, data, content_type="application/json", headers=self.headers
        )

    def __repr__(self) -> str:
        return f"{getattr(self.user, 'username', 'anonymous')} ({self.how})"


@pytest.fixture
def as_(cast):
    """as_("alice") calls with alice's session; as_("alice", "token"); as_(None) is anonymous."""

    def make(username: str | None, how: str = "session") -> Caller:
        if username is None:
            return Caller(None, "anonymous")
        user = getattr(cast, username, None)
        if user is None:  # someone added outside the standard cast, e.g. the viewer
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(username=username)
        return Caller(user, how)

    return make


@pytest.fixture
def viewer(cast):
    """vera: a viewer of organisation A in alpha (sees like a reporter, may not write)."""
    from django.contrib.auth import get_user_model

    from commonmeasure.initiatives.users import add_user

    add_user("vera", initiative_code="alpha", role=Membership.VIEWER, organisation_code="org-a")
    return get_user_model().objects.get(username="vera")


@pytest.fixture
def reported(cast, import_csv):
    """alpha: January 2024 approved for A (10 = 6 female + 4 male) and B (5); February 2024 in
    draft for A (7) and B (3). beta: 2024-Q1 approved for C (9)."""
    approved = (
        "organisation,indicator,period,value,gender\n"
        "org-a,enrolled,2024-01,10,\norg-a,enrolled,2024-01,6,female\norg-a,enrolled,2024-01,4,male\n"
        "org-b,enrolled,2024-01,5,\norg-a,job_starts,2024-01,3,\norg-b,job_starts,2024-01,2,\n"
    )
    for initiative, text, approve in [
        (cast.alpha, approved, True),
        (
            cast.alpha,
            "organisation,indicator,period,value\norg-a,enrolled,2024-02,7\norg-b,enrolled,2024-02,3\n",
            False,
        ),
        (cast.beta, "organisation,indicator,period,value\norg-c,enrolled,2024-Q1,9\n", True),
    ]:
        result = import_csv(initiative, text, approve=approve, user=cast.backbone)
        assert result.errors == [], result.errors
    return cast
