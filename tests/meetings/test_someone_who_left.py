"""Someone left (their account is deactivated): nothing new can be arranged with them in the match a coordinator has
still to end. The other person is told who left and that a coordinator will end the match, on the pages and in the
API (409 `other_person_left`); cancelling stays possible.

Tried without the fix: after Tara Trainee's account was deactivated (her meetings to come cancelled with it), Dr Maya
Patel's match page still offered *Propose a meeting*, and the proposal, from the page or POST /api/v1/meetings/, was
saved and e-mailed to Tara. A meeting that outlived the deactivation (an account saved inactive without its effects,
or deactivated while the meeting was being written) could still be accepted, moved and given another time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Match
from meetings import services
from meetings.errors import OtherPersonLeft
from meetings.models import Meeting
from profiles.models import User
from profiles.services import user_deactivate
from tests.accessible_text import read
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TARA_LEFT = (
    "Tara Trainee has left the mentorship program (their account is deactivated), so no meeting can be arranged "
    "with them. A coordinator will end this match."
)


def _in(days: int) -> Any:
    return timezone.now() + timedelta(days=days)


def _form(days: int = 5) -> dict[str, Any]:
    return {"start": f"{_in(days).date()}T10:00", "duration_minutes": 45, "format": "phone", "phone": "+1 555 0100"}


def _left_without_the_effects(user: User) -> None:
    """The account saved inactive while a meeting of theirs stayed live: what a deactivation racing the meeting's
    proposal leaves (see test_someone_who_left_concurrency.py), or one made outside `user_deactivate`."""
    User.objects.filter(pk=user.pk).update(is_active=False)


# --- Proposing ---------------------------------------------------------------------------------------------------


def test_the_service_refuses_a_proposal_to_someone_who_left_and_says_who(
    match: Match, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    user_deactivate(user=trainee.user, by=coordinator)

    with pytest.raises(OtherPersonLeft) as refused:
        services.meeting_propose(
            match=match, by=mentor.user, start=_in(5), duration_minutes=30, format="phone", phone="+1 555 0100"
        )

    assert (refused.value.code, refused.value.status, refused.value.message) == ("other_person_left", 409, TARA_LEFT)
    assert not Meeting.objects.exists()


def test_a_trainee_whose_mentor_left_is_told_the_mentors_name(
    match: Match, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    user_deactivate(user=mentor.user, by=coordinator)

    refusal = services.meeting_propose_refusal(match=match)

    assert refusal is not None
    assert refusal.message.startswith("Dr Maya Patel has left the mentorship program")


def test_the_match_page_says_who_left_instead_of_offering_a_proposal(
    match: Match, login: Any, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    client = login(mentor.user)
    propose = reverse("meetings-propose", args=[match.pk])
    assert propose in client.get(reverse("meetings-match", args=[match.pk])).content.decode()  # offered before

    user_deactivate(user=trainee.user, by=coordinator)
    html = client.get(reverse("meetings-match", args=[match.pk])).content.decode()

    assert f'href="{propose}"' not in html
    assert "Propose a meeting" not in [link.name for link in read(html, "a")]
    assert TARA_LEFT in [p.name for p in read(html, "p")]
    # The mentor can still log the sessions they held.
    assert reverse("meetings-log-create", args=[match.pk]) in html


def test_the_propose_page_says_who_left_and_its_form_saves_nothing(
    match: Match, login: Any, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    user_deactivate(user=trainee.user, by=coordinator)
    client = login(mentor.user)
    url = reverse("meetings-propose", args=[match.pk])

    opened = client.get(url)
    sent = client.post(url, _form())

    assert TARA_LEFT in [p.name for p in read(opened.content.decode(), "p")]
    assert sent.status_code == 400
    assert TARA_LEFT in sent.content.decode()
    assert not Meeting.objects.exists()


def test_the_api_refuses_a_proposal_to_someone_who_left_with_409(
    match: Match, login: Any, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    user_deactivate(user=trainee.user, by=coordinator)

    response = login(mentor.user).post(
        "/api/v1/meetings/",
        {"match": match.pk, "start": _in(5).isoformat(), "format": "phone", "phone": "+1 555 0100"},
        content_type="application/json",
    )

    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "other_person_left"
    assert response.json()["error"]["message"] == TARA_LEFT
    assert not Meeting.objects.exists()


# --- Answering and moving a meeting that outlived the departure ---------------------------------------------------


def test_a_proposal_from_someone_who_left_cannot_be_accepted(
    match: Match, login: Any, trainee: Any, mentor: Any
) -> None:
    proposal = MeetingFactory(match=match, proposed_by=trainee.user, start=_in(3), status=Meeting.Status.PROPOSED)
    _left_without_the_effects(trainee.user)
    client = login(mentor.user)

    page = client.post(
        reverse("meetings-accept", args=[proposal.pk]), {"sequence": proposal.sequence, "status": "proposed"}
    )
    api = client.post(f"/api/v1/meetings/{proposal.pk}/accept/", {}, content_type="application/json")

    assert TARA_LEFT in client.get(page["Location"]).content.decode()
    assert (api.status_code, api.json()["error"]["code"]) == (409, "other_person_left")
    assert Meeting.objects.get(pk=proposal.pk).status == Meeting.Status.PROPOSED


def test_a_meeting_with_someone_who_left_cannot_be_moved_and_says_why_when_the_form_opens(
    match: Match, login: Any, trainee: Any, mentor: Any
) -> None:
    meeting = MeetingFactory(match=match, start=_in(3), status=Meeting.Status.ACCEPTED)
    _left_without_the_effects(trainee.user)
    client = login(mentor.user)
    url = reverse("meetings-reschedule", args=[meeting.pk])

    opened = client.get(url)
    sent = client.post(url, {"start": f"{_in(6).date()}T10:00", "duration_minutes": 45, "sequence": 0})
    api = client.post(
        f"/api/v1/meetings/{meeting.pk}/reschedule/", {"start": _in(6).isoformat()}, content_type="application/json"
    )

    assert TARA_LEFT in opened.content.decode()
    assert 'name="start"' not in opened.content.decode()  # no form to fill in only to be refused
    assert sent.status_code == 400
    assert TARA_LEFT in sent.content.decode()
    assert (api.status_code, api.json()["error"]["code"]) == (409, "other_person_left")
    assert Meeting.objects.get(pk=meeting.pk).start == meeting.start


def test_no_other_time_can_be_suggested_to_someone_who_left(
    match: Match, login: Any, trainee: Any, mentor: Any
) -> None:
    proposal = MeetingFactory(match=match, proposed_by=trainee.user, start=_in(3), status=Meeting.Status.PROPOSED)
    _left_without_the_effects(trainee.user)

    response = login(mentor.user).post(
        f"/api/v1/meetings/{proposal.pk}/suggest/", {"start": _in(6).isoformat()}, content_type="application/json"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (409, "other_person_left")
    assert Meeting.objects.get(pk=proposal.pk).start == proposal.start


def test_a_meeting_with_someone_who_left_can_still_be_cancelled(
    match: Match, login: Any, trainee: Any, mentor: Any
) -> None:
    meeting = MeetingFactory(match=match, start=_in(3), status=Meeting.Status.ACCEPTED)
    _left_without_the_effects(trainee.user)

    response = login(mentor.user).post(f"/api/v1/meetings/{meeting.pk}/cancel/", {}, content_type="application/json")

    assert response.status_code == 200, response.json()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED


def test_meetings_in_other_matches_of_the_one_who_stays_are_arranged_as_before(
    match: Match, mentor: Any, trainee: Any, outsider: Any, coordinator: Any
) -> None:
    from tests.factories import approved_match

    other_match = approved_match(mentor=mentor, trainee=outsider)
    user_deactivate(user=trainee.user, by=coordinator)

    meeting = services.meeting_propose(
        match=other_match, by=mentor.user, start=_in(5), duration_minutes=30, format="phone", phone="+1 555 0100"
    )

    assert meeting.status == Meeting.Status.PROPOSED


def test_no_list_offers_to_propose_a_meeting_to_someone_who_left(
    login: Any, match: Match, mentor: Any, trainee: Any, coordinator: Any
) -> None:
    # Tried: the home page's "propose one" to-do, the *Propose a meeting* link on My meetings and *Propose a new time*
    # under a proposal that lapsed still led to the propose page, which then said it cannot be done.
    lapsed = MeetingFactory(match=match, start=_in(-1), status=Meeting.Status.PROPOSED)
    client = login(mentor.user)
    propose = reverse("meetings-propose", args=[match.pk])
    assert propose in client.get(reverse("meetings-list")).content.decode()
    assert propose in client.get(reverse("meetings-detail", args=[lapsed.pk])).content.decode()
    Meeting.objects.filter(pk=lapsed.pk).delete()
    assert propose in client.get("/").content.decode()  # "no meeting yet: propose one"

    user_deactivate(user=trainee.user, by=coordinator)
    lapsed = MeetingFactory(match=match, start=_in(-1), status=Meeting.Status.PROPOSED)

    assert propose not in client.get(reverse("meetings-list")).content.decode()
    assert propose not in client.get(reverse("meetings-detail", args=[lapsed.pk])).content.decode()
    Meeting.objects.filter(pk=lapsed.pk).delete()
    assert propose not in client.get("/").content.decode()
