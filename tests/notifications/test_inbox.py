"""The in-app inbox: the bell's count, the list, mark one / all as read — each person sees only their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(trainee: Any) -> list[Notification]:
    return [
        NotificationFactory(recipient=trainee.user, kind="match_approved_x"),
        NotificationFactory(recipient=trainee.user, kind="y", state=Notification.State.FAILED),  # e-mail failed
        NotificationFactory(recipient=trainee.user, kind="z", email=False),
    ]


def test_the_bell_shows_the_unread_count_including_messages_whose_email_failed(
    mine: Any, login: Any, trainee: Any
) -> None:
    NotificationFactory(recipient=trainee.user, due_at=timezone.now() + timedelta(hours=2))  # not due yet
    NotificationFactory(recipient=trainee.user, state=Notification.State.CANCELLED)
    page = login(trainee.user).get(reverse("notifications-inbox")).content.decode()
    assert '<span class="badge nav-count">3<span class="visually-hidden"> unread</span>' in page
    assert page.count("inbox-item") == 3
    assert "(America/Chicago)" in page  # times in the trainee's own zone


def test_marking_one_as_read_lowers_the_count(mine: Any, login: Any, trainee: Any) -> None:
    client = login(trainee.user)
    assert client.post(reverse("notifications-read", args=[mine[0].pk])).status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    assert Notification.objects.unread_for(trainee.user).count() == 2


def test_mark_all_as_read(mine: Any, login: Any, trainee: Any) -> None:
    login(trainee.user).post(reverse("notifications-read-all"))
    assert Notification.objects.unread_for(trainee.user).count() == 0


def test_nobody_marks_or_sees_another_persons_message(mine: Any, login: Any, mentor: Any, coordinator: Any) -> None:
    for person in (mentor.user, coordinator):
        client = login(person)
        assert client.post(reverse("notifications-read", args=[mine[0].pk])).status_code == 404
        assert "inbox-item" not in client.get(reverse("notifications-inbox")).content.decode()
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_marking_read_needs_post(mine: Any, login: Any, trainee: Any) -> None:
    assert login(trainee.user).get(reverse("notifications-read", args=[mine[0].pk])).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client: Any) -> None:
    assert client.get(reverse("notifications-inbox")).status_code == 302


def test_api_lists_my_messages_and_marks_them_read(mine: Any, login: Any, trainee: Any) -> None:
    client = login(trainee.user)
    listed = client.get("/api/v1/notifications/").json()
    assert listed["count"] == 3
    assert {row["unread"] for row in listed["results"]} == {True}
    assert client.post(f"/api/v1/notifications/{mine[0].pk}/read/").json()["unread"] is False
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}


def test_api_refuses_another_persons_message_and_anonymous_calls(
    mine: Any, login: Any, client: Any, outsider: Any
) -> None:
    assert client.get("/api/v1/notifications/").status_code == 401
    other = login(outsider.user)
    assert other.post(f"/api/v1/notifications/{mine[0].pk}/read/").status_code == 404
    assert other.get(f"/api/v1/notifications/{mine[0].pk}/").status_code == 404
    assert other.get("/api/v1/notifications/").json()["count"] == 0


def test_coordinators_retry_failed_messages_from_the_admin(
    login: Any, coordinator: Any, mentor: Any, trainee: Any
) -> None:
    from tests.factories import ProgramFactory, approved_match

    # A message about a match of the coordinator's program: the admin shows them only those (tests/notifications/
    # test_admin.py has the rest).
    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    failed = NotificationFactory(
        recipient=trainee.user,
        object_type="match",
        object_id=match.pk,
        state=Notification.State.FAILED,
        attempts=5,
        last_error="SMTP 550",
    )
    client = login(coordinator)
    listing = client.get(reverse("admin:notifications_notification_changelist") + "?state__exact=failed")
    assert "SMTP 550" in listing.content.decode()
    client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry", "_selected_action": [failed.pk]},
    )
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (Notification.State.PENDING, 0, "")


def test_each_message_opens_the_page_it_is_about_in_the_inbox_and_the_api(
    login: Any, mentor: Any, trainee: Any
) -> None:
    from tests.factories import approved_match

    match = approved_match(mentor=mentor, trainee=trainee)
    approved = NotificationFactory(
        recipient=trainee.user, kind="match_approved", object_type="match", object_id=match.pk
    )
    NotificationFactory(recipient=trainee.user, kind="some_future_kind")  # the generic message has no page
    client = login(trainee.user)
    page = client.get(reverse("notifications-inbox")).content.decode()
    assert page.count('aria-label="Open: ') == 1
    assert f'action="/inbox/{approved.pk}/open"' in page  # unread: opening it also marks it read

    opened = client.post(f"/inbox/{approved.pk}/open")
    assert opened.status_code == 302
    assert opened["Location"] == f"/meetings/match/{match.pk}/"
    approved.refresh_from_db()
    assert approved.read_at is not None
    page = client.get(reverse("notifications-inbox")).content.decode()
    assert f'href="/meetings/match/{match.pk}/" aria-label="Open: Your mentor: Dr Maya Patel"' in page  # read: a link

    links = {row["kind"]: row["link"] for row in client.get("/api/v1/notifications/").json()["results"]}
    assert links == {"match_approved": f"/meetings/match/{match.pk}/", "some_future_kind": ""}


def test_opening_needs_post_and_someone_elses_message_is_not_found(login: Any, mentor: Any, trainee: Any) -> None:
    theirs = NotificationFactory(recipient=trainee.user, kind="match_approved_x")
    assert login(trainee.user).get(f"/inbox/{theirs.pk}/open").status_code == 405
    assert login(mentor.user).post(f"/inbox/{theirs.pk}/open").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_page_of_the_inbox_costs_the_same_queries_for_two_messages_or_twelve(
    login: Any, mentor: Any, trainee: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MeetingFactory, MentorProfileFactory, approved_match

    def about_new_match_and_meeting() -> None:
        match = approved_match(mentor=MentorProfileFactory(), trainee=trainee)
        meeting = MeetingFactory(match=match)
        for kind, object_type, pk in (("match_ended", "match", match.pk), ("meeting_proposed", "meeting", meeting.pk)):
            NotificationFactory(recipient=trainee.user, kind=kind, object_type=object_type, object_id=pk)

    client = login(trainee.user)
    about_new_match_and_meeting()
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("notifications-inbox"))
        client.get("/api/v1/notifications/")
    for _ in range(5):
        about_new_match_and_meeting()
    with CaptureQueriesContext(connection) as twelve:
        page = client.get(reverse("notifications-inbox")).content.decode()
        listed = client.get("/api/v1/notifications/").json()
    assert page.count('aria-label="Open: ') == 12
    assert listed["count"] == 12
    assert len(twelve) == len(two)


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("-1", 1), ("x", 1), ("2", 2), ("7", 2)])
def test_a_page_number_below_one_or_not_a_number_shows_the_newest_messages_and_one_past_the_end_the_oldest(
    login: Any, trainee: Any, asked: str, shown: int
) -> None:
    # Tried: ?page=0 showed the last page, the oldest messages (Django's get_page treats it as "too far").
    NotificationFactory.create_batch(30, recipient=trainee.user)
    response = login(trainee.user).get(reverse("notifications-inbox"), {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert f"Page {shown} of 2" in " ".join(response.content.decode().split())
