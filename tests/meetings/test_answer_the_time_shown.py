"""Accepting or declining answers the time the page showed, not whatever time the meeting has by then.

Found in review: the mentor opened Tara's proposal (Friday 10:00 in Chicago), Tara moved her own proposal to Saturday
18:00 meanwhile, and the mentor's *Accept this time* on the open page accepted Saturday: reminders were written and
Tara was told the meeting was confirmed at a time he was never shown. *Decline this time* declined Saturday likewise.
Every button that answers a meeting now sends the meeting's `sequence` as the page showed it (every move raises it),
and an answer to an older one is refused, changing nothing, with the page shown again at the new time.
"""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from notifications.models import Notification
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The fields each form of a page sends (by its action), as a browser would send them on its button."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = self.forms.setdefault(named.get("action", ""), {})
        elif tag == "input" and self._current is not None and "name" in named:
            self._current[named["name"]] = named.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def form_on(page: Any, action: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(page.content.decode())
    assert action in parser.forms, f"no form posting to {action} on the page"
    return parser.forms[action]


def signed_in(user: Any) -> Client:
    """A browser of its own (the `login` fixture signs one shared client in as one person at a time)."""
    client = Client()
    client.force_login(user, backend="profiles.backends.EmailBackend")
    return client


def next_weekday(weekday: int, at_least: int = 3) -> date:
    day = timezone.localdate() + timedelta(days=at_least)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


FRIDAY, SATURDAY = 4, 5


@pytest.fixture
def proposal(match: Any, login: Any, trainee: Any) -> Meeting:
    """Tara (Chicago) proposes Friday 10:00, through the form; Dr Patel (New York) sees it as 11:00."""
    response = login(trainee.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {
            "start": f"{next_weekday(FRIDAY)}T10:00",
            "duration_minutes": 45,
            "format": "video",
            "video_link": "https://video.example.org/tara",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    return Meeting.objects.get()


def tara_moves_it_to_saturday_evening(proposal: Meeting, trainee: Any) -> None:
    saturday = next_weekday(SATURDAY, at_least=4)
    response = signed_in(trainee.user).post(
        reverse("meetings-reschedule", args=[proposal.pk]),
        {"start": f"{saturday}T18:00", "duration_minutes": 45, "sequence": proposal.sequence},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]


def outbox() -> set[tuple[Any, ...]]:
    """Every outbox row and what would be sent of it: nothing written, and nothing skipped or cancelled."""
    return set(Notification.objects.values_list("pk", "recipient_id", "kind", "state", "email", "due_at"))


def test_accepting_a_time_moved_since_the_page_was_opened_is_refused_and_the_new_time_shown(
    proposal: Meeting, login: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: the mentor's page opened at Friday 11:00 (his zone), Tara moved it, the mentor pressed the button of the
    # open page. Before, that accepted Saturday; now it is refused, and nothing at all is written.
    accept = reverse("meetings-accept", args=[proposal.pk])
    client = login(mentor.user)
    opened = client.get(reverse("meetings-detail", args=[proposal.pk]))
    assert "11:00 (America/New_York)" in opened.content.decode()
    shown = form_on(opened, accept)
    assert shown["sequence"] == "0"

    tara_moves_it_to_saturday_evening(proposal, trainee)
    before = outbox()

    refused = client.post(accept, shown)

    assert refused.status_code == 409
    page = refused.content.decode()
    saturday = next_weekday(SATURDAY, at_least=4)
    new_time = f"{saturday:%a} {saturday.day} {saturday:%b %Y}, 19:00 (America/New_York)"
    assert f"The time changed since you opened this page: it is now {new_time}. Accept or decline the new time." in page
    assert f"<h1>Meeting on {new_time}</h1>" in page  # the page again, at the new time
    proposal.refresh_from_db()
    assert (proposal.status, proposal.sequence) == (Meeting.Status.PROPOSED, 1)
    assert outbox() == before  # no reminders, no prompts, no "accepted" to Tara
    assert not Notification.objects.filter(kind="meeting_accepted").exists()

    # The page shown with the refusal answers the time it shows: accepting that works as before.
    again = form_on(refused, accept)
    assert again["sequence"] == "1"
    accepted = client.post(accept, again, follow=True)
    assert "Meeting accepted." in accepted.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Meeting.Status.ACCEPTED
    assert Notification.objects.filter(recipient=trainee.user, kind="meeting_accepted").count() == 1
    assert Notification.objects.filter(kind="meeting_reminder").exists()


def test_declining_a_time_moved_since_the_page_was_opened_is_refused_keeping_the_reason(
    proposal: Meeting, login: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: the same race with *Decline this time* and a reason typed. Before, Saturday was declined and Tara told so.
    decline = reverse("meetings-cancel", args=[proposal.pk])
    client = login(mentor.user)
    shown = form_on(client.get(reverse("meetings-detail", args=[proposal.pk])), decline)
    shown["reason"] = "Clinic all Friday"

    tara_moves_it_to_saturday_evening(proposal, trainee)
    before = outbox()

    refused = client.post(decline, shown)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "The time changed since you opened this page: it is now " in page
    assert "19:00 (America/New_York). Accept or decline the new time." in page
    assert 'value="Clinic all Friday"' in page  # what he typed is still there
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cancel_reason) == (Meeting.Status.PROPOSED, "")
    assert outbox() == before  # Tara is not told her Saturday was declined

    again = form_on(refused, decline)
    declined = client.post(decline, again, follow=True)
    assert "Proposal declined: Tara Trainee is told." in declined.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cancel_reason) == (Meeting.Status.CANCELLED, "Clinic all Friday")
    assert Notification.objects.filter(recipient=trainee.user, kind="meeting_cancelled").count() == 1


def test_cancelling_an_accepted_meeting_the_other_person_moved_meanwhile_is_refused_once(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: the trainee opened an accepted meeting to cancel it; the mentor moved it meanwhile. The cancel is held
    # back once with the new time (she may keep that one); sent again from the page shown, it cancels.
    meeting = MeetingFactory(match=match, proposed_by=mentor.user, status=Meeting.Status.ACCEPTED)
    cancel = reverse("meetings-cancel", args=[meeting.pk])
    client = login(trainee.user)
    shown = form_on(client.get(reverse("meetings-detail", args=[meeting.pk])), cancel)
    moved = signed_in(mentor.user).post(
        reverse("meetings-reschedule", args=[meeting.pk]),
        {"start": f"{next_weekday(SATURDAY, at_least=5)}T09:00", "duration_minutes": 45, "sequence": meeting.sequence},
    )
    assert moved.status_code == 302

    refused = client.post(cancel, shown)
    assert refused.status_code == 409
    assert "Cancel it again if it still does not suit you." in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED

    assert client.post(cancel, form_on(refused, cancel)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


@pytest.mark.parametrize("name", ["meetings-accept", "meetings-cancel"])
def test_an_answer_that_does_not_say_which_time_it_answers_changes_nothing(
    name: str, proposal: Meeting, login: Any, mentor: Any
) -> None:
    # Tried: a hand-made POST (or a page opened before the buttons sent the sequence) without `sequence`, and one
    # with a garbled value. Our own pages always send it, so such a form is not trusted to answer whatever time the
    # meeting has now: it is shown the time instead (400), and answering from that page works.
    client = login(mentor.user)
    for form in ({}, {"sequence": "latest"}, {"sequence": "-1"}):
        refused = client.post(reverse(name, args=[proposal.pk]), form)
        assert refused.status_code == 400
        page = refused.content.decode()
        assert "This form did not say which time it answers, so nothing was changed: the meeting is on " in page
        assert "11:00 (America/New_York). Accept or decline it here." in page
    proposal.refresh_from_db()
    assert proposal.status == Meeting.Status.PROPOSED
    assert not Notification.objects.filter(kind__in=["meeting_accepted", "meeting_cancelled"]).exists()

    url = reverse(name, args=[proposal.pk])
    assert client.post(url, form_on(refused, url)).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status != Meeting.Status.PROPOSED


def test_an_answer_to_a_meeting_cancelled_meanwhile_says_it_is_cancelled(
    proposal: Meeting, login: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: Tara withdrew her proposal while the mentor's page was open. The cancellation raised the sequence too,
    # but "it is cancelled" says more than "the time changed".
    accept = reverse("meetings-accept", args=[proposal.pk])
    client = login(mentor.user)
    shown = form_on(client.get(reverse("meetings-detail", args=[proposal.pk])), accept)
    withdrawn = signed_in(trainee.user).post(reverse("meetings-cancel", args=[proposal.pk]), {"sequence": 0})
    assert withdrawn.status_code == 302

    response = client.post(accept, shown, follow=True)
    assert "This meeting is cancelled; there is nothing to accept." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Meeting.Status.CANCELLED


def test_declining_on_a_page_from_before_you_accepted_in_another_tab_does_not_cancel_the_meeting(
    proposal: Meeting, mentor: Any, trainee: Any
) -> None:
    # Tried: the mentor opens the proposal in two tabs, accepts in one, then presses *Decline this time* in the
    # other. Accepting keeps the sequence (the time did not change), so the decline used to cancel the accepted
    # meeting and tell Tara it was off. The page's status is sent too, and the answer is refused.
    mentor_browser = signed_in(mentor.user)
    page = mentor_browser.get(reverse("meetings-detail", args=[proposal.pk]))
    accept = reverse("meetings-accept", args=[proposal.pk])
    decline = reverse("meetings-cancel", args=[proposal.pk])
    older_tab = form_on(page, decline)
    assert older_tab["status"] == "proposed"
    assert mentor_browser.post(accept, form_on(page, accept)).status_code == 302
    before = Notification.objects.count()

    refused = mentor_browser.post(decline, older_tab)

    assert refused.status_code == 409
    said = [str(m) for m in refused.context["messages"]]
    assert said[-1].startswith("This meeting changed since you opened this page: it is accepted now, on ")
    proposal.refresh_from_db()
    assert proposal.status == Meeting.Status.ACCEPTED
    assert Notification.objects.count() == before  # Tara is told nothing


# --- Moving, too ------------------------------------------------------------------------------------------------
# Found in review: Move and Suggest sent no version. The mentor opened *Suggest another time* on Tara's Friday
# proposal, Tara moved it to Saturday meanwhile, and his suggestion overwrote her Saturday without his ever seeing
# it. A move now sends the meeting's sequence and status as its page showed them, as the answers do.


def test_a_time_suggested_on_a_page_from_before_the_other_person_moved_it_is_refused_once(
    proposal: Meeting, mentor: Any, trainee: Any
) -> None:
    suggest = reverse("meetings-suggest", args=[proposal.pk])
    client = signed_in(mentor.user)
    shown = form_on(client.get(suggest), "")
    assert (shown["sequence"], shown["status"]) == ("0", "proposed")
    sunday = next_weekday(SATURDAY, at_least=4) + timedelta(days=1)

    tara_moves_it_to_saturday_evening(proposal, trainee)
    before = outbox()
    refused = client.post(suggest, {**shown, "start": f"{sunday}T09:00", "duration_minutes": 45})

    assert refused.status_code == 409
    page = refused.content.decode()
    saturday = next_weekday(SATURDAY, at_least=4)
    new_time = f"{saturday:%a} {saturday.day} {saturday:%b %Y}, 19:00 (America/New_York)"
    assert f"This meeting changed since you opened this page: it is proposed now, on {new_time}." in page
    assert f'value="{sunday}T09:00"' in page  # what he typed is kept
    proposal.refresh_from_db()
    in_chicago = proposal.start.astimezone(ZoneInfo("America/Chicago"))
    assert (proposal.sequence, proposal.proposed_by) == (1, trainee.user)
    assert f"{in_chicago:%Y-%m-%d %H:%M}" == f"{saturday} 18:00"  # Tara's time stands
    assert outbox() == before  # Tara is told nothing

    # Sent again from the page shown with the refusal, it is his counter-proposal to the time he has now seen.
    again = form_on(refused, "")
    assert again["sequence"] == "1"
    assert client.post(suggest, again).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.sequence, proposal.proposed_by) == (2, mentor.user)
    assert Notification.objects.filter(recipient=trainee.user, kind="meeting_time_suggested").count() == 1


def test_moving_a_proposal_the_other_person_accepted_meanwhile_is_refused(
    proposal: Meeting, mentor: Any, trainee: Any
) -> None:
    # Accepting keeps the sequence (the time did not change): the status the page showed tells the two apart.
    move = reverse("meetings-reschedule", args=[proposal.pk])
    client = signed_in(trainee.user)
    shown = form_on(client.get(move), "")
    accepted = signed_in(mentor.user).post(reverse("meetings-accept", args=[proposal.pk]), {"sequence": 0})
    assert accepted.status_code == 302

    refused = client.post(move, {**shown, "start": f"{next_weekday(SATURDAY, at_least=4)}T18:00"})

    assert refused.status_code == 409
    assert "This meeting changed since you opened this page: it is accepted now" in refused.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.sequence) == (Meeting.Status.ACCEPTED, 0)
    assert not Notification.objects.filter(kind="meeting_rescheduled").exists()


@pytest.mark.parametrize("sent", [{}, {"sequence": "latest"}, {"sequence": "-1"}])
def test_a_move_that_does_not_say_which_time_it_moves_changes_nothing(
    proposal: Meeting, trainee: Any, sent: dict[str, str]
) -> None:
    # Tried: a hand-made POST, or a page from before the form sent the sequence.
    day = next_weekday(SATURDAY, at_least=4)
    response = signed_in(trainee.user).post(
        reverse("meetings-reschedule", args=[proposal.pk]), {"start": f"{day}T18:00", "duration_minutes": 45, **sent}
    )
    assert response.status_code == 400
    assert "This form did not say which time it moves, so nothing was changed" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.sequence == 0
