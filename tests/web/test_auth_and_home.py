"""Log in, log out, the header, and the list of initiatives on the home page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD

from .conftest import publish


def test_login_page_has_the_standard_username_and_password_fields(db):
    html = Client().get("/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_user_can_log_in_and_the_header_shows_who_is_logged_in(cast):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<strong id="whoami">alice</strong>' in html
    assert 'id="logout"' in html


def test_wrong_password_is_refused_with_a_message(cast):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_out_signs_the_user_out(client_for):
    client = client_for("alice")
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert 'id="login-link"' in client.get("/").content.decode()


def test_log_out_refuses_a_get(client_for):
    client = client_for("alice")
    assert client.get("/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_anonymous_sees_published_initiatives_and_a_login_link(cast):
    publish(cast.beta)
    html = Client().get("/").content.decode()
    assert "Beta Network" in html
    assert "Alpha Partnership" not in html
    assert 'id="login-link"' in html


def test_anonymous_sees_no_unpublished_initiative(cast):
    html = Client().get("/").content.decode()
    assert "Alpha Partnership" not in html and "Beta Network" not in html


@pytest.mark.parametrize(
    "name, sees, does_not_see",
    [
        ("alice", "Alpha Partnership", "Beta Network"),
        ("bob", "Alpha Partnership", "Beta Network"),
        ("backbone", "Alpha Partnership", "Beta Network"),
        ("carol", "Beta Network", "Alpha Partnership"),
    ],
)
def test_members_see_their_own_initiatives_only(client_for, name, sees, does_not_see):
    html = client_for(name).get("/").content.decode()
    assert sees in html
    assert does_not_see not in html


def test_outsider_sees_no_unpublished_initiative(client_for):
    html = client_for("outsider").get("/").content.decode()
    assert "Alpha Partnership" not in html and "Beta Network" not in html
    assert "not a member of any initiative" in html


def test_home_page_says_which_role_the_user_has(client_for):
    html = client_for("alice").get("/").content.decode()
    assert "Reporter, Organisation A" in html
