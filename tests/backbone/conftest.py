"""Fixtures for the backbone tools: a logged-in client per member of the standard cast, and
goals for alpha (G1 from the fixture file, G2 and G3 added here)."""

from __future__ import annotations

import pytest


@pytest.fixture
def goals(cast):
    cast.alpha.goals = [
        {"code": "G1", "name": "People find work"},
        {"code": "G2", "name": "People stay in work"},
        {"code": "G3", "name": "Fewer young people out of work"},
    ]
    cast.alpha.save()
    return cast.alpha


def user(cast, name):
    return None if name == "anonymous" else getattr(cast, name)
