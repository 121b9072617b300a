"""Sign-in throttling per account and per client address, on the site's login, Django admin's
login and API token authentication; unlock by command, by admin action or after the lockout;
every event in the audit trail (docs/reference/sign-in.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from commonmeasure.accounts.models import LoginThrottle, SignInEvent
from tests.conftest import PASSWORD

LOGIN = {"site": "/login/", "admin": "/admin/login/"}


def attempt(client, form, username, password, **extra):
    return client.post(LOGIN[form], {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("form", ["site", "admin"])
def test_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused(cast, form, settings):
    # On main, 400 wrong passwords in a row and then the right one signed in.
    client = Client()
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, form, "backbone", "wrong-guess")
        assert not signed_in(client)
    response = attempt(client, form, "backbone", PASSWORD)
    assert not signed_in(client)
    html = response.content.decode()
    assert "Too many failed sign-in attempts for this account" in html
    assert "Try again in 15 minutes" in html
    # Another client address is refused as well: the lock is on the account.
    other = Client(REMOTE_ADDR="10.9.9.9")
    attempt(other, form, "backbone", PASSWORD)
    assert not signed_in(other)


def test_the_lock_is_lifted_after_the_lockout_period(cast, settings):
    client = Client()
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "site", "alice", "wrong-guess")
    attempt(client, "site", "alice", PASSWORD)
    assert not signed_in(client)
    past = timezone.now() - timedelta(seconds=1)
    LoginThrottle.objects.update(locked_until=past, first_failure_at=past - timedelta(minutes=15))
    response = attempt(client, "site", "alice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_clears_them(cast, settings):
    client = Client()
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT - 1):
        attempt(client, "site", "alice", "wrong-guess")
    attempt(client, "site", "alice", PASSWORD)
    assert signed_in(client)
    assert not LoginThrottle.objects.filter(scope=LoginThrottle.ACCOUNT, key="alice").exists()


def test_many_accounts_tried_from_one_address_lock_the_address(cast, settings):
    settings.CM_LOGIN_FAILURES_PER_ADDRESS = 6
    client = Client(REMOTE_ADDR="192.0.2.7")
    for name in ["alice", "bob", "carol", "backbone", "outsider", "nobody"]:
        attempt(client, "site", name, "wrong-guess")
    response = attempt(client, "site", "bob", PASSWORD)
    assert not signed_in(client)
    assert "from your network address" in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="192.0.2.8")
    attempt(elsewhere, "site", "bob", PASSWORD)
    assert signed_in(elsewhere)


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(cast, settings):
    settings.CM_LOGIN_FAILURES_PER_ADDRESS = 3
    client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(3):
        attempt(client, "site", f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    attempt(client, "site", "bob", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert not signed_in(client)


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(cast, settings):
    settings.CM_LOGIN_FAILURES_PER_ADDRESS = 3
    settings.CM_TRUSTED_PROXIES = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for n in range(3):
        attempt(proxy, "site", f"user{n}", "wrong", HTTP_X_FORWARDED_FOR="forged, 198.51.100.1")
    attempt(proxy, "site", "bob", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert signed_in(proxy)  # another client behind the same proxy
    assert LoginThrottle.objects.get(scope=LoginThrottle.ADDRESS).key == "198.51.100.1"


def test_the_command_unlocks_an_account_and_the_audit_trail_records_it_all(cast, cli, settings):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(client, "site", "alice", "wrong-guess")
    attempt(client, "site", "alice", PASSWORD)
    assert not signed_in(client)
    code, out, _ = cli("user", "unlock", "alice")
    assert code == 0 and out.strip() == "Unlocked user alice."
    attempt(client, "site", "alice", PASSWORD)
    assert signed_in(client)
    kinds = list(
        SignInEvent.objects.filter(username="alice")
        .order_by("at", "id")
        .values_list("kind", "channel", "address")
    )
    failures = [(SignInEvent.FAILED, "site", "192.0.2.7")] * settings.CM_LOGIN_FAILURES_PER_ACCOUNT
    assert kinds == [
        *failures,
        (SignInEvent.LOCKED, "site", "192.0.2.7"),
        (SignInEvent.REFUSED, "site", "192.0.2.7"),
        (SignInEvent.UNLOCKED, "cli", ""),
        (SignInEvent.SUCCEEDED, "site", "192.0.2.7"),
    ]
    code, out, _ = cli("user", "unlock", "alice")
    assert out.strip() == "Unlocked user alice (nothing was locked)."


def test_a_superuser_unlocks_from_django_admin(cast, django_user_model, settings):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(Client(), "site", "alice", "wrong-guess")
    admin = Client()
    admin.login(username="root", password=PASSWORD)
    row = LoginThrottle.objects.get(scope=LoginThrottle.ACCOUNT, key="alice")
    response = admin.post(
        "/admin/accounts/loginthrottle/",
        {"action": "unlock_selected", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(key="alice").exists()
    event = SignInEvent.objects.get(kind=SignInEvent.UNLOCKED)
    assert (event.username, event.by.username) == ("alice", "root")


def test_a_backbone_admin_cannot_see_the_sign_in_records_in_django_admin(cast):
    client = Client()
    client.login(username="backbone", password=PASSWORD)
    assert client.get("/admin/accounts/signinevent/").status_code == 403
    assert client.get("/admin/accounts/loginthrottle/").status_code == 403


# -- API tokens ----------------------------------------------------------------------------------


def test_unknown_api_tokens_lock_the_address_with_429_and_retry_after(cast, settings):
    from commonmeasure.api.tokens import create_token

    settings.CM_LOGIN_FAILURES_PER_ADDRESS = 5
    _, good = create_token("alice")
    client = Client(REMOTE_ADDR="192.0.2.7")
    url = "/api/v1/initiatives/alpha/submissions"
    statuses = [
        client.get(url, headers={"Authorization": f"Bearer cm_guess{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]
    response = client.get(url, headers={"Authorization": f"Bearer {good}"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-in attempts from your network address" in response.json()["detail"]
    elsewhere = Client(REMOTE_ADDR="192.0.2.8")
    assert elsewhere.get(url, headers={"Authorization": f"Bearer {good}"}).status_code == 200
    assert SignInEvent.objects.filter(channel="api", kind=SignInEvent.LOCKED).count() == 1


def test_the_command_unlocks_an_address(cast, cli, settings):
    settings.CM_LOGIN_FAILURES_PER_ADDRESS = 2
    client = Client(REMOTE_ADDR="192.0.2.7")
    url = "/api/v1/initiatives"
    for _ in range(2):
        client.get(url, headers={"Authorization": "Bearer cm_guess"})
    assert client.get(url).status_code == 200  # anonymous reads need no sign-in
    assert client.get(url, headers={"Authorization": "Bearer cm_x"}).status_code == 429
    code, out, _ = cli("user", "unlock", "--address", "192.0.2.7")
    assert out.strip() == "Unlocked address 192.0.2.7."
    assert client.get(url, headers={"Authorization": "Bearer cm_x"}).status_code == 401


# -- passwords -----------------------------------------------------------------------------------


def test_the_command_refuses_a_password_equal_to_the_username(cast, cli, django_user_model):
    code, _, err = cli("user", "add", "reporter-one", "--password", "reporter-one")
    assert code != 0 and "too similar to the username" in err
    code, _, err = cli("user", "add", "reporter-one", "--password", "123456789012")
    assert code != 0 and "entirely numeric" in err
    assert not django_user_model.objects.filter(username="reporter-one").exists()
    code, _, _ = cli("user", "add", "reporter-one", "--password", "a-long-new-password-42")
    assert code == 0 and django_user_model.objects.filter(username="reporter-one").exists()


def test_the_backbone_unlocks_a_member_from_the_members_page(cast, client_for, settings):
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(Client(), "site", "alice", "wrong-guess")
    backbone = client_for(cast.backbone)
    page = backbone.get("/i/alpha/members/").content.decode()
    membership = cast.alice.cm_memberships.get().pk
    assert f'id="unlock-{membership}"' in page and "Sign-in locked until" in page
    response = backbone.post("/i/alpha/members/", {"membership": membership, "action": "unlock"})
    assert response.status_code == 302
    client = Client()
    attempt(client, "site", "alice", PASSWORD)
    assert signed_in(client)
    event = SignInEvent.objects.get(kind=SignInEvent.UNLOCKED)
    assert (event.username, event.by, event.scope) == ("alice", cast.backbone, "account")


def test_the_backbone_cannot_unlock_someone_outside_its_initiative(cast, client_for, settings):
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(Client(), "site", "carol", "wrong-guess")
    backbone = client_for(cast.backbone)
    membership = cast.carol.cm_memberships.get().pk
    response = backbone.post("/i/alpha/members/", {"membership": membership, "action": "unlock"})
    assert response.status_code == 404
    assert LoginThrottle.objects.filter(key="carol", locked_until__isnull=False).exists()


def test_a_success_after_the_lock_ended_clears_the_account(cast, settings):
    for _ in range(settings.CM_LOGIN_FAILURES_PER_ACCOUNT):
        attempt(Client(), "site", "alice", "wrong-guess")
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    client = Client()
    attempt(client, "site", "alice", PASSWORD)
    assert signed_in(client)
    assert not LoginThrottle.objects.filter(scope=LoginThrottle.ACCOUNT).exists()
