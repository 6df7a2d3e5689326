"""A form's own URL opened by GET — a reload, a bookmark, or the log-in page sending someone back there after their
session ran out while they wrote — leads to the page that holds the form, never to a bare 405, and does nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from meetings.models import Meeting
from tests.factories import MatchFactory, MeetingFactory, MentorProfileFactory, ProgramFactory, approved_match

pytestmark = pytest.mark.django_db


def test_after_logging_in_again_the_request_form_url_shows_the_mentor_page(trainee: Any) -> None:
    # Tried: the session ran out while a trainee wrote their request; logging in sent them back to the form's URL,
    # which answered GET with 405 and an empty page (Chromium: "HTTP ERROR 405").
    ProgramFactory(open_to_all=True)
    mentor = MentorProfileFactory(user__full_name="Dr Ana Cardio")
    target = reverse("matching-request-create", args=[mentor.pk])
    client = Client()
    sent_to_log_in = client.post(target, {"message": "Advice on a fellowship"})
    assert sent_to_log_in.status_code == 302
    assert sent_to_log_in["Location"].startswith("/login/")

    client.force_login(trainee.user, backend="profiles.backends.EmailBackend")
    page = client.get(target, follow=True)
    assert page.redirect_chain == [(reverse("matching-mentor", args=[mentor.pk]), 302)]
    assert "Dr Ana Cardio" in page.content.decode()
    assert "Send request" in page.content.decode()
    assert not Match.objects.exists()


def test_the_trainees_other_form_urls_lead_to_their_pages_and_change_nothing(login: Any, trainee: Any) -> None:
    program = ProgramFactory(open_to_all=True)
    mentor = MentorProfileFactory()
    pending = MatchFactory(
        program=program, trainee=trainee, mentor=mentor, status=Match.Status.REQUESTED, origin=Match.Origin.REQUEST
    )
    client = login(trainee.user)
    for name, args, page in (
        ("matching-shortlist-add", [mentor.pk], reverse("matching-mentor", args=[mentor.pk])),
        ("matching-shortlist-remove", [mentor.pk], reverse("matching-mentor", args=[mentor.pk])),
        ("matching-request-cancel", [pending.pk], reverse("matching-requests")),
    ):
        response = client.get(reverse(name, args=args))
        assert (name, response.status_code, response["Location"]) == (name, 302, page)
        assert client.get(response["Location"]).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Match.Status.REQUESTED
    assert not trainee.shortlist.exists()


def test_the_mentors_accepting_switch_url_leads_to_my_mentees_and_changes_nothing(login: Any, mentor: Any) -> None:
    response = login(mentor.user).get(reverse("matching-mentor-accepting"))
    assert (response.status_code, response["Location"]) == (302, reverse("matching-my-mentees"))
    mentor.refresh_from_db()
    assert mentor.accepting_mentees


def test_the_meeting_answer_urls_lead_to_the_meeting_and_change_nothing(login: Any, mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = MeetingFactory(match=match, start=timezone.now() + timedelta(days=3), status=Meeting.Status.PROPOSED)
    client = login(trainee.user)
    for name in ("meetings-accept", "meetings-cancel"):
        response = client.get(reverse(name, args=[meeting.pk]))
        assert (name, response.status_code, response["Location"]) == (
            name,
            302,
            reverse("meetings-detail", args=[meeting.pk]),
        )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED


def test_someone_elses_meeting_stays_not_found_through_the_redirect(login: Any, outsider: Any) -> None:
    meeting = MeetingFactory(start=timezone.now() + timedelta(days=3), status=Meeting.Status.PROPOSED)
    response = login(outsider.user).get(reverse("meetings-accept", args=[meeting.pk]), follow=True)
    assert response.status_code == 404
