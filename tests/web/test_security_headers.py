"""The Content-Security-Policy and the other security headers on every kind of response, no
inline script in any template, HSTS and secure cookies from the environment, and a SECRET_KEY
of at least 50 characters outside debug (docs/explanation/security.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import commonmeasure
from tests.test_cli import run

from .conftest import publish

TEMPLATES = sorted(Path(commonmeasure.__file__).parent.glob("*/templates/**/*.html"))
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in policy.split("; ")}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login/",
        "/admin/login/",
        "/i/alpha/",
        "/api/v1/initiatives",
        "/api/v1/docs",
        "/impact-bonds/",
        "/no-such-page/",
    ],
)
def test_every_response_has_the_policy_and_refuses_framing(cast, path):
    publish(cast.alpha)
    response = Client().get(path)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_public_indicator_page_may_be_framed_by_any_site(cast):
    publish(cast.alpha)
    publish(cast.alpha.indicators.get(code="enrolled"))
    response = Client().get("/public/alpha/enrolled/")
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "*"
    assert directives(response)["script-src"] == "'self'"
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_has_an_inline_script_or_event_handler(template):
    text = template.read_text(encoding="utf-8")
    assert INLINE_HANDLER.findall(text) == [], template
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            template,
            attributes,
        )


def test_the_json_script_filter_output_is_data_not_code(cast):
    # Chart specs travel as <script type="application/json">, which the policy need not allow.
    publish(cast.alpha)
    html = Client().get("/i/alpha/indicators/enrolled/").content.decode()
    tags = SCRIPT_TAG.findall(html)
    assert tags and all("src=" in t or 'type="application/json"' in t for t in tags)


def test_hsts_and_secure_cookies_come_from_the_environment(tmp_path):
    code = (
        "import json; from commonmeasure import settings as s; print(json.dumps(["
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "list(getattr(s, 'SECURE_PROXY_SSL_HEADER', None) or [])]))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "CM_VAR_DIR": str(tmp_path),
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "true",
        "SECURE_SSL_REDIRECT": "1",
        "SESSION_COOKIE_SECURE": "1",
        "CSRF_COOKIE_SECURE": "1",
        "CM_PROXY_SETS_X_FORWARDED_PROTO": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        31536000,
        True,
        True,
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]
    off = {k: v for k, v in env.items() if not k.startswith(("SECURE", "SESSION", "CSRF", "CM_P"))}
    done = subprocess.run(
        [sys.executable, "-c", code], env=off, capture_output=True, text=True, timeout=60
    )
    assert json.loads(done.stdout) == [0, False, False, False, False, False, []]


def test_behind_a_tls_proxy_pages_carry_hsts_and_cookies_are_secure(cast, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = True
    from tests.conftest import PASSWORD

    client = Client()
    response = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["sessionid"]["secure"] is True
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain  # only over HTTPS, as the standard says


def test_a_short_secret_key_is_refused_outside_debug(tmp_path, sqlite_file):
    done = run("setup", env={"CM_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 49}, cwd=tmp_path)
    assert done.returncode == 2
    assert "SECRET_KEY is 49 characters long; use at least 50" in done.stderr
    assert "Traceback" not in done.stderr
    key_file = tmp_path / "secret"
    key_file.write_text("short\n")
    done = run(
        "setup", env={"CM_VAR_DIR": str(tmp_path), "SECRET_KEY_FILE": str(key_file)}, cwd=tmp_path
    )
    assert done.returncode == 2 and "SECRET_KEY is 5 characters long" in done.stderr
    db = sqlite_file  # migrated already: the key is what this test is about
    done = run(
        "setup",
        env={
            "CM_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": f"sqlite:///{db}",
        },
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    done = run(
        "setup",
        env={"DEBUG": "1", "SECRET_KEY": "dev", "DATABASE_URL": f"sqlite:///{db}"},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
