"""Every backbone page opens for the backbone admin."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/i/alpha/activities/",
        "/i/alpha/activities/new/?organisation=org-a",
        "/i/alpha/calendar/",
        "/i/alpha/members/",
        "/i/alpha/members/invite/",
        "/i/alpha/settings/",
        "/i/alpha/orgs/org-a/naming/",
    ],
)
def test_the_backbone_opens_every_page(goals, cast, client_for, path):
    response = client_for(cast.backbone).get(path)
    assert response.status_code == 200, response.content[:2000]
    assert b'id="nav-settings"' in response.content
