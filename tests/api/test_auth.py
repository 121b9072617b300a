"""Signing in to the API: personal tokens (stored only as a hash), the session with CSRF, and
anonymous access to published initiatives only."""

from __future__ import annotations

import hashlib

from django.test import Client

from commonmeasure.api.models import ApiToken

from .helpers import publish, submission


def test_token_create_prints_the_token_once_and_stores_only_its_hash(cast, cli):
    code, out, err = cli("token", "create", "alice", "--name", "nightly upload")
    assert code == 0
    token = out.strip()
    assert token.startswith("cm_") and len(token) > 40
    record = ApiToken.objects.get(user=cast.alice)
    assert record.name == "nightly upload"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in record.token_hash and token not in err
    assert all(token != getattr(record, f.attname) for f in ApiToken._meta.fields)


def test_token_list_shows_tokens_without_the_secret(cast, cli):
    token = cli("token", "create", "bob")[1].strip()
    code, out, _ = cli("token", "list")
    assert code == 0 and "bob" in out and "active" in out
    assert token not in out


def test_token_create_for_an_unknown_user_fails_clearly(cast, cli):
    code, out, err = cli("token", "create", "nobody")
    assert code == 1 and "no user 'nobody'" in err and out == ""
    assert ApiToken.objects.count() == 0


def test_revoking_an_unknown_token_id_fails_clearly(cast, cli):
    code, _, err = cli("token", "revoke", "999")
    assert code == 1 and "no API token with id 999" in err


def test_a_token_acts_as_its_user(as_, cast):
    response = as_("alice", "token").get("/initiatives")
    assert response.status_code == 200
    assert [i["code"] for i in response.json()] == ["alpha"]


def test_a_revoked_token_is_refused_with_401(cast, cli):
    token = cli("token", "create", "alice")[1].strip()
    record = ApiToken.objects.get(user=cast.alice)
    headers = {"Authorization": f"Bearer {token}"}
    assert Client().get("/api/v1/initiatives/alpha", headers=headers).status_code == 200
    code, out, _ = cli("token", "revoke", str(record.id))
    assert code == 0 and "Revoked" in out
    response = Client().get("/api/v1/initiatives/alpha", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_unknown_token_is_refused_even_for_published_data(cast):
    publish(cast.alpha)
    assert Client().get("/api/v1/initiatives/alpha").status_code == 200  # anonymous may read it
    response = Client().get(
        "/api/v1/initiatives/alpha", headers={"Authorization": "Bearer cm_not-a-real-token"}
    )
    assert response.status_code == 401


def test_an_inactive_users_token_is_refused(as_, cast):
    caller = as_("alice", "token")
    cast.alice.is_active = False
    cast.alice.save()
    assert caller.get("/initiatives/alpha").status_code == 401


def test_a_token_records_when_it_was_last_used(as_, cast):
    as_("alice", "token").get("/initiatives")
    assert ApiToken.objects.get(user=cast.alice).last_used_at is not None


def test_a_session_post_without_the_csrf_token_is_refused(reported, client_for):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    client = client_for(reported.alice, enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/initiatives/alpha/submissions/{sub.id}/submit",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    sub.refresh_from_db()
    assert sub.status == "draft"


def test_a_session_post_with_the_csrf_token_is_accepted(reported, client_for):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    client = client_for(reported.alice, enforce_csrf_checks=True)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/v1/initiatives/alpha/submissions/{sub.id}/submit",
        "{}",
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"


def test_a_token_post_needs_no_csrf_token(reported):
    from commonmeasure.api.tokens import create_token

    sub = submission(reported.alpha, reported.org_a, "2024-02")
    _, token = create_token("alice")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/initiatives/alpha/submissions/{sub.id}/submit",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content


def test_anonymous_writes_are_refused_with_401(reported):
    publish(reported.alpha)
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    client = Client()
    response = client.post(
        f"/api/v1/initiatives/alpha/submissions/{sub.id}/submit",
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 401
    body = {
        "values": [
            {"organisation": "org-a", "indicator": "enrolled", "period": "2024-03", "value": 1}
        ]
    }
    response = client.post(
        "/api/v1/initiatives/alpha/values", body, content_type="application/json"
    )
    assert response.status_code == 401
    assert "API token" in response.json()["detail"]


def test_a_401_says_how_to_authenticate(as_):
    response = as_("alice", "revoked").get("/initiatives")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
