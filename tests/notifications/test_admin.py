"""The outbox in the admin: a coordinator sees their own programs' messages and retries only the failed ones.

Each test names what it was checked against: it fails on the admin and retry service as they were before
(an unscoped list, an action without a permission, a retry that revived cancelled rows).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from meetings.services import meeting_accept, meeting_cancel, meeting_propose
from notifications.models import Notification
from notifications.services import notifications_cancel, notifications_retry
from tests.factories import MeetingFactory, NotificationFactory, ProgramFactory, UserFactory, approved_match

pytestmark = pytest.mark.django_db
State = Notification.State
CHANGELIST = reverse("admin:notifications_notification_changelist")


def retry(client: Any, *rows: Notification, follow: bool = False) -> Any:
    return client.post(
        CHANGELIST, {"action": "retry", "_selected_action": [str(row.pk) for row in rows]}, follow=follow
    )


def failed_about(about: Any, **fields: Any) -> Notification:
    fields = {"state": State.FAILED, "attempts": 5, "last_error": "SMTP 550", **fields}
    return NotificationFactory(object_type=about._meta.model_name, object_id=about.pk, **fields)


def accepted_meeting(program: Any, mentor: Any, trainee: Any) -> Any:
    """A meeting three days ahead, proposed by the mentor and accepted by the trainee, with its messages."""
    match = approved_match(mentor=mentor, trainee=trainee, program=program)
    meeting = meeting_propose(
        match=match,
        by=mentor.user,
        start=timezone.now() + timedelta(days=3),
        duration_minutes=45,
        format="video",
        video_link="https://v.example.org/1",
    )
    return meeting_accept(meeting=meeting, by=trainee.user)


@pytest.fixture
def program(coordinator: Any) -> Any:
    return ProgramFactory(coordinators=[coordinator], name="Cardiology residents")


def test_a_cancelled_meetings_reminders_stay_cancelled_when_a_coordinator_retries_them(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any
) -> None:
    # The reviewer's scenario, by the program's own coordinator: before, retry revived the cancelled reminders
    # (state back to pending, so they went out for a meeting that will not happen).
    meeting = accepted_meeting(program, mentor, trainee)
    match = meeting.match
    meeting_cancel(meeting=meeting, by=mentor.user, reason="ill")
    reminders = list(Notification.objects.filter(object_id=meeting.pk, kind="meeting_reminder"))
    assert {r.state for r in reminders} == {State.CANCELLED}
    failed = failed_about(match, recipient=trainee.user)

    response = retry(login(coordinator), failed, *reminders, follow=True)

    assert set(Notification.objects.filter(kind="meeting_reminder").values_list("state", flat=True)) == {
        State.CANCELLED
    }
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (State.PENDING, 0, "")
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        f"1 failed message(s) queued again. {len(reminders)} not failed, left as they are: {len(reminders)} "
        "cancelled on purpose (a cancelled meeting, a withdrawn invitation, an inactive account), so they stay "
        "cancelled."
    ]


def test_the_retry_service_revives_failed_rows_only_and_says_what_it_left() -> None:
    # Before, the service also revived cancelled rows and returned one count.
    failed, cancelled, sent = (NotificationFactory(state=s) for s in (State.FAILED, State.CANCELLED, State.SENT))
    result = notifications_retry(ids=[failed.pk, cancelled.pk, sent.pk])
    assert (result.requeued, result.skipped) == (1, {"cancelled": 1, "sent": 1})
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {failed.pk: State.PENDING, cancelled.pk: State.CANCELLED, sent.pk: State.SENT}


def test_cancelling_a_meeting_also_cancels_its_reminder_that_already_failed(mentor: Any, trainee: Any) -> None:
    # A failed reminder was left `failed` by the cancellation before, so a retry sent it for a cancelled meeting.
    meeting = MeetingFactory(match=approved_match(mentor=mentor, trainee=trainee))
    failed = failed_about(meeting, recipient=trainee.user, kind="meeting_reminder")
    sent = NotificationFactory(object_type="meeting", object_id=meeting.pk, state=State.SENT)
    assert notifications_cancel(about=meeting) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, sent.state) == (State.CANCELLED, State.SENT)


def test_a_coordinator_sees_and_retries_only_the_messages_of_their_programs(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    # Before, every coordinator listed every program's messages and could retry them.
    ours = failed_about(approved_match(mentor=mentor, trainee=trainee, program=program), recipient=trainee.user)
    theirs = failed_about(MeetingFactory(), recipient=outsider.user, last_error="Other program bounced")
    nobodys = NotificationFactory(recipient=outsider.user, state=State.FAILED, last_error="About nothing")
    own = NotificationFactory(recipient=coordinator, state=State.FAILED, last_error="My own message")
    client = login(coordinator)

    listed = client.get(CHANGELIST).content.decode()
    assert ("SMTP 550" in listed, "My own message" in listed) == (True, True)
    assert ("Other program bounced" in listed, "About nothing" in listed) == (False, False)
    assert client.get(reverse("admin:notifications_notification_change", args=[theirs.pk])).status_code == 302

    retry(client, ours, theirs, nobodys, own)
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {ours.pk: State.PENDING, own.pk: State.PENDING, theirs.pk: State.FAILED, nobodys.pk: State.FAILED}


def test_retrying_a_reminder_whose_meeting_has_begun_cancels_it_and_says_so(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any
) -> None:
    # Before, the outbox said "queued again" and the next dispatch cancelled it as expired without a word.
    meeting = MeetingFactory(match=approved_match(mentor=mentor, trainee=trainee, program=program))
    began = failed_about(
        meeting, recipient=trainee.user, kind="meeting_reminder", expires_at=timezone.now() - timedelta(minutes=5)
    )
    ahead = failed_about(
        meeting, recipient=mentor.user, kind="meeting_reminder", expires_at=timezone.now() + timedelta(hours=2)
    )
    page = retry(login(coordinator), began, ahead, follow=True).content.decode()
    assert "1 failed message(s) queued again." in page
    assert "1 cancelled instead: reminders for meetings that have begun would only arrive too late." in page
    began.refresh_from_db()
    ahead.refresh_from_db()
    assert (began.state, ahead.state) == (State.CANCELLED, State.PENDING)
    assert began.last_error.startswith("Not retried: past its expires_at")


def test_a_superuser_sees_and_retries_every_message(client: Any) -> None:
    root = UserFactory(is_staff=True, is_superuser=True)
    failed = failed_about(MeetingFactory(), last_error="Bounced")
    client.force_login(root, backend="profiles.backends.EmailBackend")
    assert "Bounced" in client.get(CHANGELIST).content.decode()
    retry(client, failed)
    failed.refresh_from_db()
    assert failed.state == State.PENDING


def test_staff_who_may_only_view_the_outbox_and_coordinate_nothing_cannot_retry(client: Any) -> None:
    # Before, the action declared no permission: anyone who could open the list could run it.
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))
    failed = NotificationFactory(recipient=viewer, state=State.FAILED)  # their own, so it is listed
    client.force_login(viewer, backend="profiles.backends.EmailBackend")
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action is offered
    retry(client, failed)
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_the_outbox_names_kinds_in_words_and_filters_by_them(login: Any, coordinator: Any) -> None:
    # Before, the list and its filter showed identifiers such as "meeting_feedback_prompt".
    NotificationFactory(recipient=coordinator, kind="meeting_feedback_prompt", state=State.SENT)
    NotificationFactory(recipient=coordinator, kind="match_approved", state=State.SENT)
    client = login(coordinator)
    page = client.get(CHANGELIST).content.decode()
    assert "Meeting feedback prompt" in page
    assert "?kind=meeting_feedback_prompt" in page  # the filter's link
    filtered = client.get(CHANGELIST, {"kind": "match_approved"})
    assert [row.kind for row in filtered.context["cl"].result_list] == ["match_approved"]


def test_the_outbox_list_says_which_zone_its_times_are_in(login: Any, coordinator: Any) -> None:
    # A coordinator has no zone of their own: "due 5 p.m." must say it is the server's zone (UTC), not theirs.
    NotificationFactory(recipient=coordinator, state=State.SENT, sent_at=timezone.now())
    listed = login(coordinator).get(CHANGELIST).content.decode()
    assert "Due (UTC)" in listed
    assert "Sent (UTC)" in listed


@pytest.mark.parametrize("decide", ["decline", "approve", "withdraw"])
def test_a_retry_never_asks_a_coordinator_to_decide_a_request_already_decided(
    login: Any, coordinator: Any, program: Any, decide: str
) -> None:
    # Found in review: a failed "this request waits: decide it" e-mail, retried after the request was declined,
    # went out. Deciding (or withdrawing) a request now cancels what was still to be sent about it waiting.
    from matching.models import Match
    from matching.services.decisions import match_approve, match_decline
    from matching.services.requests import match_cancel
    from notifications.services import notify
    from tests.factories import MatchFactory

    request = MatchFactory(program=program, status=Match.Status.REQUESTED, origin=Match.Origin.REQUEST)
    asked = notify(recipient=coordinator, kind="match_requested", about=request)
    reminder = notify(recipient=coordinator, kind="match_request_reminder", about=request, occurrence="reminder")
    Notification.objects.filter(pk=reminder.pk).update(state=State.FAILED, attempts=5, last_error="SMTP 451")
    if decide == "decline":
        match_decline(match=request, by=coordinator, reason="Mentor on leave")
    elif decide == "approve":
        match_approve(match=request, by=coordinator)
    else:
        match_cancel(match=request, by=request.trainee.user)

    response = retry(login(coordinator), reminder, follow=True)

    asked.refresh_from_db()
    reminder.refresh_from_db()
    assert (asked.state, reminder.state) == (State.CANCELLED, State.CANCELLED)
    assert "1 not failed, left as they are: 1 cancelled on purpose" in response.content.decode()


def test_a_meeting_confirmation_not_sent_before_the_meeting_began_is_not_emailed_after(
    login: Any, coordinator: Any, program: Any, mentor: Any, trainee: Any
) -> None:
    from django.core import mail
    from freezegun import freeze_time

    from notifications import dispatch
    from tests.notifications.test_dispatch import Recorder, run_sends

    # Found in review: a failed "Meeting confirmed" retried after the meeting had been held went out, with a
    # calendar invitation for a time gone by. It now expires at the start, and stays in the inbox only.
    meeting = accepted_meeting(program, mentor, trainee)
    confirmed = Notification.objects.get(kind="meeting_accepted", object_id=meeting.pk, recipient=meeting.proposed_by)
    Notification.objects.filter(pk=confirmed.pk).update(state=State.FAILED, attempts=5, last_error="SMTP 550")
    Notification.objects.exclude(pk=confirmed.pk).update(state=State.SENT)  # the accepter's copy went out in time

    with freeze_time(meeting.start + timedelta(days=2)):  # held; then a coordinator retries the failed message
        retry(login(coordinator), confirmed)
        recorder = Recorder()
        dispatch.notifications_dispatch_due(enqueue=recorder)
        run_sends(recorder)

    assert not [m for m in mail.outbox if m.subject.startswith("Meeting confirmed")]
    confirmed.refresh_from_db()
    assert (confirmed.state, confirmed.email, confirmed.in_app) == (State.SENT, False, True)  # in the inbox still


def test_a_superuser_can_neither_add_nor_edit_nor_delete_outbox_rows_but_still_retries(client: Any) -> None:
    # Before, a superuser could add, edit or delete a row with a plain save, skipping the claim and retry path.
    root = UserFactory(is_staff=True, is_superuser=True)
    failed = failed_about(MeetingFactory(), last_error="Bounced")
    client.force_login(root, backend="profiles.backends.EmailBackend")
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert client.get(reverse("admin:notifications_notification_delete", args=[failed.pk])).status_code == 403
    actions = [name for name, _ in client.get(CHANGELIST).context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert "retry" in actions
    page = client.get(reverse("admin:notifications_notification_change", args=[failed.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    client.post(reverse("admin:notifications_notification_change", args=[failed.pk]), {"state": State.SENT})
    failed.refresh_from_db()
    assert failed.state == State.FAILED
    retry(client, failed)
    failed.refresh_from_db()
    assert failed.state == State.PENDING
