"""Fixtures for the web page tests: clients signed in as each member of the standard cast,
a small set of values at every status, and a stand-in for the slow Vega bundle builder."""

from __future__ import annotations

import pytest

from tests.html import publish, spec_from, table_rows  # noqa: F401  (used by the tests)

USERS = ("alice", "bob", "carol", "backbone", "outsider")
EVERYONE = (*USERS, "anonymous")

# Organisation A: approved 2024-01 (10) and a draft 2024-02 (7).
# Organisation B: approved 2024-01 (5) and a draft 2024-02 (987654, shown as 987,654).
VALUES = """organisation,indicator,period,value,gender,age_band
org-a,enrolled,2024-01,10,,
org-b,enrolled,2024-01,5,,
org-a,enrolled,2024-01,6,female,
org-a,enrolled,2024-01,4,male,
org-b,enrolled,2024-01,5,female,
org-a,satisfaction,2024-01,80,,
org-b,satisfaction,2024-01,60,,
"""
DRAFTS = """organisation,indicator,period,value
org-a,enrolled,2024-02,7
org-b,enrolled,2024-02,987654
"""


@pytest.fixture(autouse=True)
def fake_vega_bundle(monkeypatch, settings, tmp_path):
    """Building the real bundle takes seconds: one test does it, the rest use this stand-in."""
    from commonmeasure.web import assets

    calls = []

    def build():
        calls.append(1)
        return "window.vegaEmbed = function () { return Promise.resolve(); };"

    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(assets, "build_bundle", build)
    monkeypatch.setattr(assets, "_memory", {})
    return calls


@pytest.fixture
def data(cast, import_csv):
    """Approved January values for A and B, and a draft February for each."""
    result = import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone)
    assert result.errors == [], result.errors
    result = import_csv(cast.alpha, DRAFTS, name="drafts.csv")
    assert result.errors == [], result.errors
    return cast
