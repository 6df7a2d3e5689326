from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_only_the_most_specific_nav_link_is_marked_current(trainee, login) -> None:
    client = login(trainee.user)
    html = client.get("/me/goals/").content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert current == ["/me/goals/"]


@pytest.mark.django_db
def test_pages_point_the_browser_at_our_own_icon(client) -> None:
    html = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in html
