"""The sign-in counts live in the database: failures counted by one server process lock the
account for every other process (two separate Python processes on one database file)."""

from __future__ import annotations

import subprocess
import sys

from tests.test_cli import run

ATTEMPTS = """
import sys, django
django.setup()
from django.test import Client
from django.conf import settings
settings.ALLOWED_HOSTS = ["testserver"]
password, times = sys.argv[1], int(sys.argv[2])
for _ in range(times):
    client = Client(REMOTE_ADDR=sys.argv[3])
    response = client.post("/login/", {"username": "pat", "password": password})
print("signed-in" if "_auth_user_id" in client.session else "refused")
"""


def test_failures_in_one_process_lock_the_account_in_another(tmp_path, sqlite_file):
    db = sqlite_file  # migrated already: `setup` below finds nothing to do
    env = {
        "DATABASE_URL": f"sqlite:///{db}",
        "SECRET_KEY": "k" * 50,
        "CM_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "commonmeasure.settings",
    }
    assert run("setup", env=env, cwd=tmp_path).returncode == 0
    done = run("user", "add", "pat", "--password", "a-long-new-password-42", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    def attempts(password: str, times: int, address: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", ATTEMPTS, password, str(times), address],
            env={**env, "PATH": "/usr/bin:/bin"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert attempts("wrong", 10, "192.0.2.1") == "refused"
    # A fresh process, from another address, with the right password: still locked.
    assert attempts("a-long-new-password-42", 1, "192.0.2.2") == "refused"
    assert run("user", "unlock", "pat", env=env, cwd=tmp_path).returncode == 0
    assert attempts("a-long-new-password-42", 1, "192.0.2.2") == "signed-in"
