"""The API tokens page (/account/tokens/): a user creates a token (shown once), lists and
revokes their own, and never sees or touches anyone else's. Same services as `commonmeasure
token`, so a token made here works on the API at once and stops working when revoked."""

from __future__ import annotations

import re

from django.test import Client

from commonmeasure.api.models import ApiToken
from commonmeasure.api.tokens import create_token
from tests.html import table_rows

PAGE = "/account/tokens/"


def test_signing_in_is_needed(cast):
    answer = Client().get(PAGE)
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_a_user_creates_a_token_sees_it_once_and_it_works_on_the_api(cast, client_for):
    alice = client_for(cast.alice)
    assert "You have no API tokens yet." in alice.get(PAGE).content.decode()
    answer = alice.post(PAGE, {"name": "nightly upload"})
    assert "no-store" in answer["Cache-Control"]
    html = answer.content.decode()
    token = re.search(r'id="new-token-value"[^>]*value="(cm_[^"]+)"', html).group(1)
    record = ApiToken.objects.get(user=cast.alice)
    assert record.name == "nightly upload" and token.startswith(record.prefix)
    assert token not in alice.get(PAGE).content.decode()  # never shown again
    assert [r[:2] + r[4:5] for r in table_rows(alice.get(PAGE).content.decode(), "token-list")] == [
        ["nightly upload", f"{record.prefix}…", "Active"]
    ]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/initiatives/alpha").status_code == 200


def test_a_user_revokes_their_token_and_it_stops_working(cast, client_for):
    record, token = create_token("alice", "old script")
    alice = client_for(cast.alice)
    page = alice.post(f"{PAGE}revoke/", {"token": record.id}, follow=True).content.decode()
    assert f"Revoked the token {record.prefix}…" in page
    assert table_rows(page, "token-list")[0][4].startswith("Revoked")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/initiatives/alpha").status_code == 401


def test_nobody_sees_or_revokes_another_users_token(cast, client_for):
    record, token = create_token("alice", "alice's secret job")
    bob = client_for(cast.bob)
    assert "alice's secret job" not in bob.get(PAGE).content.decode()
    assert record.prefix not in bob.get(PAGE).content.decode()
    page = bob.post(f"{PAGE}revoke/", {"token": record.id}, follow=True).content.decode()
    assert "There is no such token of yours." in page
    record.refresh_from_db()
    assert record.revoked_at is None
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/initiatives/alpha").status_code == 200


def test_the_name_is_checked(cast, client_for):
    html = client_for(cast.alice).post(PAGE, {"name": "x" * 101}).content.decode()
    assert 'id="token-name-error"' in html and not ApiToken.objects.exists()
