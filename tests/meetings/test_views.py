"""The meeting pages as each persona: the two people in the match use them; others get 404; anonymous → login."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from meetings.models import Feedback, Meeting, SessionLog
from tests.factories import MeetingFactory, SessionLogFactory, approved_match, mentors_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() + timedelta(days=3), status=Meeting.Status.PROPOSED)


@pytest.fixture
def past(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() - timedelta(hours=4))


PAGES = ["meetings-detail", "meetings-ics", "meetings-suggest", "meetings-reschedule", "meetings-feedback"]


@pytest.mark.parametrize("name", PAGES)
def test_an_outsider_and_a_coordinator_get_404_for_someone_elses_meeting(
    name: str, meeting: Any, login: Any, outsider: Any, coordinator: Any
) -> None:
    for person in (outsider.user, coordinator):
        assert login(person).get(reverse(name, args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize("name", [*PAGES, "meetings-accept", "meetings-cancel"])
def test_anonymous_visitors_are_sent_to_log_in(name: str, meeting: Any, client: Any) -> None:
    response = client.post(reverse(name, args=[meeting.pk]))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_the_meetings_list_shows_each_person_their_own_time_zone(
    meeting: Any, login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    assert "(America/New_York)" in login(mentor.user).get(reverse("meetings-list")).content.decode()
    assert "(America/Chicago)" in login(trainee.user).get(reverse("meetings-list")).content.decode()
    assert "Maya" not in login(outsider.user).get(reverse("meetings-list")).content.decode()


def test_the_mentor_proposes_in_new_york_time_from_the_match(match: Any, login: Any, mentor: Any) -> None:
    day = (timezone.now() + timedelta(days=5)).date()
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": f"{day}T10:30", "duration_minutes": 30, "format": "phone", "phone": "+1 555 0100"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings-detail", args=[meeting.pk])
    assert meeting.start.astimezone(meeting.start.tzinfo).hour in (14, 15)  # 10:30 in New York is 14:30/15:30 UTC


def test_a_proposal_in_the_past_is_shown_back_with_the_reason_and_not_saved(
    match: Any, login: Any, mentor: Any
) -> None:
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": "2020-01-01T10:00", "duration_minutes": 30, "format": "video", "video_link": "https://v.example.org"},
    )
    assert response.status_code == 400
    assert "must start in the future" in response.content.decode()
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("9999-12-31T23:30", "That date is out of range."),  # was a server error: no UTC for it from New York
        # 1 June three years on: more than two years ahead on any day the suite runs (a fixed date stops being so).
        pytest.param(
            f"{timezone.now().year + 3}-06-01T10:00",
            "A meeting can be arranged up to two years ahead.",
            id="more-than-two-years-ahead",  # the same in every xdist process, even across New Year's midnight
        ),
        # Spring forward in New York: 02:30 silently became 03:30 before.
        ("2027-03-14T02:30", "02:30 does not exist on 14 Mar 2027 in America/New_York: the clocks go forward then."),
        # Fall back in New York: 01:30 happens twice; it was silently taken as the first, an hour off for anyone
        # who read it as the second.
        ("2027-11-07T01:30", "01:30 happens twice on 7 Nov 2027 in America/New_York: the clocks go back then."),
    ],
)
def test_a_date_years_ahead_is_shown_back_with_the_reason_and_not_saved(
    match: Any, login: Any, mentor: Any, start: str, reason: str
) -> None:
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": start, "duration_minutes": 30, "format": "video", "video_link": "https://v.example.org"},
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("phone", "saved"), [("+1 (555) 010-0100 ext. 12", True), ("call me maybe", False), ("12", False)]
)
def test_a_phone_meeting_needs_a_number_that_can_be_called(
    match: Any, login: Any, mentor: Any, phone: str, saved: bool
) -> None:
    when = (timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT10:00")
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": when, "duration_minutes": 30, "format": "phone", "phone": phone},
    )
    assert Meeting.objects.filter(phone=phone).exists() == saved
    if not saved:
        assert "A phone number has 5 to 20 digits" in response.content.decode()


def test_an_overlap_is_told_in_the_proposers_own_zone_and_person(match: Any, login: Any, mentor: Any) -> None:
    from meetings.people import local_to_utc

    new_york = ZoneInfo("America/New_York")
    day = (timezone.now() + timedelta(days=5)).astimezone(new_york).date()
    start = local_to_utc(datetime(day.year, day.month, day.day, 12, 30), new_york)
    MeetingFactory(match=match, start=start, duration_minutes=45)
    response = login(mentor.user).post(
        reverse("meetings-propose", args=[match.pk]),
        {"start": f"{day}T12:45", "duration_minutes": 30, "format": "video", "video_link": "https://v.example.org"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    # Before: "Dr Maya Patel already has a meeting from 17:30 to 18:15 UTC on Dec 5" (the UTC times).
    assert f"You already have a meeting from 12:30 to 13:15 on {day:%a %-d %b} (America/New_York)" in page


def test_a_session_dated_decades_back_is_refused_with_the_reason(match: Any, login: Any, mentor: Any) -> None:
    # The review typed 1900-01-01: it was saved and showed as "1900-01" in the program's sessions per month.
    response = login(mentor.user).post(
        reverse("meetings-log-create", args=[match.pk]),
        {"date": "1900-01-01", "duration_minutes": 45, "notes_shared": "Kick-off"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "A session can be logged up to three years back: check the year." in page
    assert SessionLog.objects.count() == 0


def test_a_long_teams_link_is_kept_whole_and_an_absurd_one_refused(match: Any, login: Any, mentor: Any) -> None:
    # Real Teams links run to 300 characters; the column held 200 (PostgreSQL refused the INSERT: a 500).
    teams = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + "N2Y4ZmQ" * 40 + "%40thread.v2/0?context=x"
    client = login(mentor.user)
    url = reverse("meetings-propose", args=[match.pk])
    when = (timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT10:00")
    data = {"start": when, "duration_minutes": 30, "format": "video"}
    assert client.post(url, {**data, "video_link": teams}).status_code == 302
    assert Meeting.objects.get().video_link == teams
    absurd = client.post(url, {**data, "video_link": teams + "x" * 2000})
    assert absurd.status_code == 400
    assert "at most 2000 characters" in absurd.content.decode()
    assert Meeting.objects.count() == 1


def test_the_same_log_form_sent_twice_is_one_session_log(match: Any, login: Any, mentor: Any) -> None:
    # The review saved a log, pressed Back (the form still filled in) and Save again: two identical logs.
    import re

    client = login(mentor.user)
    url = reverse("meetings-log-create", args=[match.pk])
    form = client.get(url).content.decode()
    submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', form)
    assert submission is not None
    data = {"submission": submission[1], "date": str(mentors_today(match)), "duration_minutes": 45, "notes_shared": "x"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "This session was already logged; it is saved once." in again.content.decode()
    assert SessionLog.objects.count() == 1
    # Back, edited into another session, sent again with the old form's id: nothing is lost, the form says so.
    edited = client.post(url, {**data, "notes_shared": "Today's session", "duration_minutes": 30})
    page = edited.content.decode()
    assert edited.status_code == 400
    assert "This form was already saved as the log of" in page
    assert "Today&#x27;s session" in page  # what was typed is still there
    fresh = re.search(r'name="submission" value="([0-9a-f-]{36})"', page)
    assert fresh is not None
    assert fresh[1] != submission[1]
    assert SessionLog.objects.count() == 1
    resent = client.post(url, {**data, "notes_shared": "Today's session", "submission": fresh[1]})
    assert resent.status_code == 302
    assert SessionLog.objects.filter(notes_shared="Today's session").count() == 1
    SessionLog.objects.filter(notes_shared="Today's session").delete()
    # Back to a form the browser fetched again (so with a new id), the same details, Save: still one log (the
    # second review's finding); a different session from a new form is a new log.
    other_form = re.search(r'name="submission" value="([0-9a-f-]{36})"', client.get(url).content.decode())
    assert other_form is not None
    assert other_form[1] != submission[1]
    refetched = client.post(url, {**data, "submission": other_form[1]}, follow=True)
    assert "This session was already logged; it is saved once." in refetched.content.decode()
    assert SessionLog.objects.count() == 1
    assert client.post(url, {**data, "submission": other_form[1], "duration_minutes": 60}).status_code == 302
    assert SessionLog.objects.count() == 2


def test_two_sessions_on_one_day_that_differ_only_in_goal_progress_are_two_logs(
    match: Any, login: Any, mentor: Any
) -> None:
    # The third review: same day, same length, no notes, goal progress 20 then 50: the second was refused as
    # "already logged" and the progress lost. What a log says includes its topics and goal progress.
    import re

    from tests.factories import GoalFactory

    goal = GoalFactory(trainee=match.trainee)
    client = login(mentor.user)
    url = reverse("meetings-log-create", args=[match.pk])
    for progress in ("20", "50"):
        form = client.get(url).content.decode()
        submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', form)
        assert submission is not None
        data = {"submission": submission[1], "date": str(mentors_today(match)), "duration_minutes": 30}
        assert client.post(url, {**data, f"goal_{goal.pk}": progress}).status_code == 302
    assert SessionLog.objects.count() == 2
    goal.refresh_from_db()
    assert goal.progress == 50


def test_the_log_form_says_where_each_of_the_trainees_goals_stands(match: Any, login: Any, mentor: Any) -> None:
    # Tried: "Progress on “Choose my sub-internship” (%)" with an empty box and nothing else: the mentor had to
    # guess where the goal was (the trainee had it at 30 %) before recording progress on it.
    from tests.factories import GoalFactory

    GoalFactory(trainee=match.trainee, title="Choose my sub-internship", status="in_progress", progress=30)
    GoalFactory(trainee=match.trainee, title="Join a research project", status="not_started", progress=0)
    page = login(mentor.user).get(reverse("meetings-log-create", args=[match.pk])).content.decode()
    assert "Now 30 % (in progress). Leave empty if you did not work on it." in page
    assert "Now 0 % (not started). Leave empty if you did not work on it." in page


def test_feedback_and_check_in_forms_say_at_once_when_they_cannot_be_sent(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    # The review filled in whole forms for a future meeting, a mere proposal, one already answered and check-in
    # period 99, and was refused only after sending.
    ahead = MeetingFactory(match=match, start=timezone.now() + timedelta(days=2))
    held = MeetingFactory(match=match, start=timezone.now() - timedelta(days=2))
    Feedback.objects.create(meeting=held, author=trainee.user, role="trainee", rating=4, useful=True)
    client = login(trainee.user)
    for meeting, refusal in [
        (ahead, "Feedback opens when an accepted meeting has ended."),
        (held, "You have already given feedback on this meeting."),
    ]:
        page = client.get(reverse("meetings-feedback", args=[meeting.pk])).content.decode()
        assert refusal in page
        assert 'name="rating"' not in page  # no form to fill in for nothing
    page = client.get(reverse("meetings-checkin", args=[match.pk, 99])).content.decode()
    assert "This check-in is not open." in page
    assert 'name="going_well"' not in page
    open_form = login(mentor.user).get(reverse("meetings-feedback", args=[held.pk])).content.decode()
    assert 'name="rating"' in open_form  # the mentor has not answered yet


def test_an_outsider_cannot_open_the_propose_form_of_a_match(match: Any, login: Any, outsider: Any) -> None:
    assert login(outsider.user).get(reverse("meetings-propose", args=[match.pk])).status_code == 404


def test_the_trainee_accepts_and_the_mentor_cannot_accept_their_own_proposal(
    meeting: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    seen = {"sequence": meeting.sequence}  # what the page's buttons send: the version of the meeting shown
    response = login(mentor.user).post(reverse("meetings-accept", args=[meeting.pk]), seen, follow=True)
    assert "the other person accepts it" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED
    login(trainee.user).post(reverse("meetings-accept", args=[meeting.pk]), seen)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED


def test_the_trainee_suggests_another_time(meeting: Any, login: Any, trainee: Any) -> None:
    day = (timezone.now() + timedelta(days=6)).date()
    response = login(trainee.user).post(
        reverse("meetings-suggest", args=[meeting.pk]), {"start": f"{day}T09:00", "duration_minutes": 45, "sequence": 0}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.proposed_by, meeting.sequence) == (trainee.user, 1)


def test_either_person_cancels(meeting: Any, login: Any, trainee: Any) -> None:
    login(trainee.user).post(reverse("meetings-cancel", args=[meeting.pk]), {"reason": "Night shift", "sequence": 0})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Meeting.Status.CANCELLED, "Night shift")


def test_a_cancel_reason_over_300_characters_is_refused_next_to_the_field_and_nothing_is_cancelled(
    meeting: Any, login: Any, trainee: Any
) -> None:
    # Tried: a 301-character reason cancelled the meeting and silently dropped the reason (and the input's
    # maxlength made a browser cut a pasted one at 300 without a word).
    page = login(trainee.user).get(reverse("meetings-detail", args=[meeting.pk])).content.decode()
    assert '<input type="text" name="reason" aria-describedby="id_reason_helptext" id="id_reason">' in page
    response = login(trainee.user).post(reverse("meetings-cancel", args=[meeting.pk]), {"reason": "x" * 301})
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_reason_error"><li>Keep the reason to 300 characters (this one has 301).' in body
    )
    assert "x" * 301 in body  # what they typed is still there to shorten
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (Meeting.Status.PROPOSED, "")


def test_the_ics_download_is_a_calendar_invitation_for_the_two_people(meeting: Any, login: Any, trainee: Any) -> None:
    response = login(trainee.user).get(reverse("meetings-ics", args=[meeting.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "METHOD:REQUEST" in body
    assert f"UID:meeting-{meeting.pk}@127.0.0.1" in body
    assert "SEQUENCE:0" in body


def test_a_cancelled_meetings_ics_cancels_the_event_with_a_higher_sequence(
    meeting: Any, login: Any, trainee: Any
) -> None:
    client = login(trainee.user)
    client.post(reverse("meetings-cancel", args=[meeting.pk]), {"sequence": 0})
    body = client.get(reverse("meetings-ics", args=[meeting.pk])).content.decode()
    assert "STATUS:CANCELLED" in body
    assert "SEQUENCE:1" in body
    assert f"UID:meeting-{meeting.pk}@" in body


def test_the_mentor_logs_a_session_and_the_trainee_sees_only_the_shared_notes(
    match: Any, past: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    response = login(mentor.user).post(
        reverse("meetings-log-create", args=[match.pk]) + f"?meeting={past.pk}",
        {
            "date": str(mentors_today(match)),
            "duration_minutes": 40,
            "notes_shared": "Residency applications",
            "notes_private": "Needs confidence",
        },
    )
    assert response.status_code == 302
    assert SessionLog.objects.get().meeting == past
    mentor_page = login(mentor.user).get(reverse("meetings-match", args=[match.pk])).content.decode()
    assert "Needs confidence" in mentor_page
    trainee_page = login(trainee.user).get(reverse("meetings-match", args=[match.pk])).content.decode()
    assert "Residency applications" in trainee_page
    assert "Needs confidence" not in trainee_page


def test_the_log_form_starts_on_the_mentors_own_date_of_the_meeting_and_of_today(
    match: Any, login: Any, mentor: Any, monkeypatch: Any
) -> None:
    # Tried without the fix: the form offered 3 March (the UTC date) for a meeting at 21:00 on 2 March in New York.
    evening = datetime(2026, 3, 2, 21, 0, tzinfo=ZoneInfo("America/New_York"))
    held = MeetingFactory(match=match, start=evening, duration_minutes=50)
    monkeypatch.setattr(timezone, "now", lambda: (evening + timedelta(hours=1)).astimezone(UTC))
    client = login(mentor.user)
    url = reverse("meetings-log-create", args=[match.pk])
    initial = client.get(f"{url}?meeting={held.pk}").context["form"].initial
    assert (initial["date"], initial["duration_minutes"]) == (date(2026, 3, 2), 50)
    assert client.get(url).context["form"].initial["date"] == date(2026, 3, 2)  # 22:00 in New York, 03:00 UTC


def test_a_log_form_naming_no_meeting_of_this_match_is_404(match: Any, login: Any, mentor: Any) -> None:
    # Tried without the fix: ?meeting=abc raised ValueError in the view (500).
    someone_elses = MeetingFactory(start=timezone.now() - timedelta(days=1))
    client = login(mentor.user)
    url = reverse("meetings-log-create", args=[match.pk])
    for meeting in ("abc", "1.5", str(someone_elses.pk)):
        assert client.get(f"{url}?meeting={meeting}").status_code == 404, meeting
        body = {"date": str(mentors_today(match)), "duration_minutes": "30"}
        assert client.post(f"{url}?meeting={meeting}", body).status_code == 404, meeting
    assert SessionLog.objects.count() == 0


def test_the_trainee_cannot_open_the_session_log_form_or_edit_a_log(match: Any, login: Any, trainee: Any) -> None:
    log = SessionLogFactory(match=match)
    client = login(trainee.user)
    assert client.get(reverse("meetings-log-create", args=[match.pk])).status_code == 404
    assert (
        client.post(
            reverse("meetings-log-edit", args=[log.pk]), {"date": "2026-01-01", "duration_minutes": 5}
        ).status_code
        == 404
    )


def test_the_match_page_is_404_for_an_outsider(match: Any, login: Any, outsider: Any) -> None:
    assert login(outsider.user).get(reverse("meetings-match", args=[match.pk])).status_code == 404


def test_both_give_feedback_and_see_each_other_only_after_both_answered(
    past: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    answer = {"rating": "5", "useful": "yes", "went_well": "Clear plan", "good_fit": "yes"}
    login(mentor.user).post(reverse("meetings-feedback", args=[past.pk]), answer)
    assert "Clear plan" not in login(trainee.user).get(reverse("meetings-detail", args=[past.pk])).content.decode()
    login(trainee.user).post(reverse("meetings-feedback", args=[past.pk]), {**answer, "went_well": "Kind"})
    assert Feedback.objects.count() == 2
    assert "Clear plan" in login(trainee.user).get(reverse("meetings-detail", args=[past.pk])).content.decode()


def test_feedback_summary_is_for_coordinators_only(login: Any, coordinator: Any, mentor: Any) -> None:
    # Before, any staff account got every program's totals; now staff who coordinate nothing get 403.
    from tests.factories import UserFactory

    assert login(UserFactory(is_staff=True)).get(reverse("meetings-feedback-summary")).status_code == 403
    assert login(mentor.user).get(reverse("meetings-feedback-summary")).status_code == 302  # to the admin's login
    page = login(coordinator).get(reverse("meetings-feedback-summary"))
    assert page.status_code == 200
    assert "You coordinate no programs yet" in page.content.decode()


def test_feedback_summary_totals_only_the_programs_the_coordinator_runs(login: Any, coordinator: Any) -> None:
    # Before, the one table counted every program's answers (here 3 instead of 1 for the cardiology program).
    from tests.factories import FeedbackFactory, ProgramFactory, UserFactory, approved_match

    cardiology = ProgramFactory(coordinators=[coordinator], name="Cardiology residents")
    surgery = ProgramFactory(name="Surgery fellows")
    # Five and six answers (were one and two): totals now wait for 5 new answers and the end of their week
    # (meetings.selectors.release), so fewer would show no row at all; read a week later, with freezegun.
    for _ in range(5):
        FeedbackFactory(meeting=MeetingFactory(match=approved_match(program=cardiology)), rating=5)
    for _ in range(6):
        FeedbackFactory(meeting=MeetingFactory(match=approved_match(program=surgery)), rating=1)

    with freeze_time(timezone.now() + timedelta(days=8)):
        mine = login(coordinator).get(reverse("meetings-feedback-summary")).content.decode()
        root = UserFactory(is_staff=True, is_superuser=True)
        everything = login(root).get(reverse("meetings-feedback-summary")).content.decode()
    assert "<td>Mentors</td><td>5</td><td>5.0</td>" in mine
    assert "<td>11</td>" not in mine
    assert "<h2>Cardiology residents</h2>" in mine
    assert "Surgery fellows" not in mine
    assert "<h2>All programs</h2>" in everything
    assert "<td>Mentors</td><td>11</td>" in everything


def test_the_feedback_summary_of_two_programs_or_twelve_costs_the_same_queries(login: Any, coordinator: Any) -> None:
    # Each program's tables were two queries of their own: 47 for a coordinator of 20 programs.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import FeedbackFactory, ProgramFactory, approved_match

    def queries() -> int:
        client = login(coordinator)
        client.get(reverse("meetings-feedback-summary"))  # the session and the like, read once
        with CaptureQueriesContext(connection) as read:
            response = client.get(reverse("meetings-feedback-summary"))
        assert response.status_code == 200
        return len(read.captured_queries)

    def programs(count: int) -> None:
        for _ in range(count):
            program = ProgramFactory(coordinators=[coordinator])
            FeedbackFactory(meeting=MeetingFactory(match=approved_match(program=program)), rating=4)

    programs(2)
    few = queries()
    programs(10)
    assert queries() == few


def test_both_answer_the_open_check_in_and_an_outsider_cannot(
    login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    from meetings.models import CheckIn
    from tests.factories import approved_match

    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=31))
    url = reverse("meetings-checkin", args=[match.pk, 0])
    assert login(trainee.user).post(url, {"going_well": "4"}).status_code == 302
    assert login(mentor.user).post(url, {"going_well": "2", "comment": "Hard to find time"}).status_code == 302
    assert login(outsider.user).post(url, {"going_well": "5"}).status_code == 404
    closed = login(trainee.user).post(reverse("meetings-checkin", args=[match.pk, 3]), {"going_well": "5"})
    assert closed.status_code == 400
    assert "not open" in closed.content.decode()
    assert CheckIn.objects.count() == 2
    match.refresh_from_db()
    assert "not going well" in match.at_risk_reason


def test_the_check_in_page_of_a_declined_match_shows_the_refusal(login: Any, mentor: Any, trainee: Any) -> None:
    # Tried without the fix: the answer was saved (302) and a 1/5 flagged the declined match at risk.
    from matching.models import Match
    from meetings.models import CheckIn

    match = approved_match(mentor=mentor, trainee=trainee, decided_at=timezone.now() - timedelta(days=40))
    Match.objects.filter(pk=match.pk).update(status=Match.Status.DECLINED)
    client = login(trainee.user)
    refused = client.post(reverse("meetings-checkin", args=[match.pk, 0]), {"going_well": "1"})
    assert refused.status_code == 400
    assert "approved match only; this one is declined" in refused.content.decode()
    assert CheckIn.objects.count() == 0
    match.refresh_from_db()
    assert match.at_risk_since is None


def test_the_meetings_page_links_each_approved_match_to_its_page_and_a_new_proposal(
    match: Any, login: Any, mentor: Any, trainee: Any, outsider: Any
) -> None:
    # A newly approved pair has no meeting yet: the page itself must show where to propose the first one.
    for person, role in ((mentor, "your mentee"), (trainee, "your mentor")):
        html = login(person.user).get("/meetings/").content.decode()
        assert role in html
        assert f'href="/meetings/match/{match.pk}/"' in html
        assert f'href="/meetings/new/{match.pk}/"' in html
    html = login(outsider.user).get("/meetings/").content.decode()
    assert f"/meetings/new/{match.pk}/" not in html
    assert "once a coordinator approves a match" in html


def test_the_mentor_reaches_the_log_form_from_my_mentees_and_meetings_and_the_trainee_is_not_offered_it(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: logging a session took My mentees → Meetings and session notes → Log a session; proposing took one.
    # (My mentees adds the mentee's name to the link for screen readers: the visible text starts its name.)
    log_form = f'href="{reverse("meetings-log-create", args=[match.pk])}">Log a session'
    for page in ("matching-my-mentees", "meetings-list"):
        assert log_form in login(mentor.user).get(reverse(page)).content.decode(), page
    assert log_form not in login(trainee.user).get(reverse("meetings-list")).content.decode()


def test_one_person_cannot_flood_the_other_with_proposals_nor_hold_their_whole_calendar(
    match: Any, login: Any, trainee: Any, mentor: Any
) -> None:
    """Each proposal e-mails the other person and holds that time in their calendar (no one can book them over it),
    and nothing limited how many one person sent: a mentee could fill a mentor's weeks with proposals, block them
    for their other mentees and bury their inbox. Three may wait for an answer at once."""
    from notifications.models import Notification

    client = login(trainee.user)

    def propose(days: int) -> Any:
        day = (timezone.now() + timedelta(days=days)).date()
        return client.post(
            reverse("meetings-propose", args=[match.pk]),
            {"start": f"{day}T10:00", "duration_minutes": 30, "format": "video", "video_link": "https://v.example.org"},
        )

    for days in (3, 4, 5):
        assert propose(days).status_code == 302
    refused = propose(6)
    assert refused.status_code == 400
    assert "You have 3 proposals waiting for Dr Maya Patel" in refused.content.decode()
    assert Meeting.objects.count() == 3
    assert Notification.objects.filter(recipient=mentor.user, kind="meeting_proposed").count() == 3
    # The mentor answers one: the trainee may propose again; the mentor's own proposals are counted apart.
    first = Meeting.objects.order_by("start").first()
    assert first is not None
    login(mentor.user).post(reverse("meetings-accept", args=[first.pk]), {"sequence": first.sequence})
    client = login(trainee.user)
    assert propose(6).status_code == 302


def test_the_check_in_average_shows_only_from_five_answers_as_the_page_promises(login: Any, coordinator: Any) -> None:
    # Tried with one answer: "Check-ins answered: 1 · average 3.0/5", that one person's answer, under a page that
    # promises "–" for fewer than 5. Totals are no longer live (meetings.selectors.release): the page is read a
    # week later, once the answers' week has ended, and a lone answer is not counted at all until 4 more join it.
    from meetings.models import CheckIn
    from tests.factories import ProgramFactory, approved_match

    program = ProgramFactory(coordinators=[coordinator], name="Cardiology residents")
    matches = [approved_match(program=program) for _ in range(5)]
    CheckIn.objects.create(match=matches[0], respondent=matches[0].trainee.user, period=0, going_well=3)

    week_later = timezone.now() + timedelta(days=8)
    with freeze_time(week_later):
        page = login(coordinator).get(reverse("meetings-feedback-summary")).content.decode()
    assert "Check-ins answered: 0: answers are added once there are at least 5" in page
    assert "3.0/5" not in page

    for match in matches[1:]:
        CheckIn.objects.create(match=match, respondent=match.trainee.user, period=0, going_well=4)
    with freeze_time(week_later):
        page = login(coordinator).get(reverse("meetings-feedback-summary")).content.decode()
    assert "Check-ins answered: 5 · average 3.8/5" in page


def test_the_feedback_summary_and_the_program_health_page_give_the_same_figures(login: Any, coordinator: Any) -> None:
    # Before, the two pages each counted the answers with their own rounding: 1 useful answer in 40 showed as 3 % on
    # the feedback summary and 2 % on the health page. Both now read meetings.selectors.answer_totals.feedback_totals.
    from tests.factories import FeedbackFactory, ProgramFactory, approved_match

    program = ProgramFactory(coordinators=[coordinator], name="Cardiology residents")
    match = approved_match(program=program)
    for answer in range(40):
        FeedbackFactory(meeting=MeetingFactory(match=match), rating=4 if answer % 2 else 3, useful=answer == 0)

    # Read a week later: totals take in answers once their week has ended (meetings.selectors.release).
    with freeze_time(timezone.now() + timedelta(days=8)):
        summary = login(coordinator).get(reverse("meetings-feedback-summary")).content.decode()
        health = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    assert "<td>Mentors</td><td>40</td><td>3.5</td><td>2 %</td>" in summary
    assert "<td>3.5</td><td>40</td><td>2%</td>" in health


def test_one_person_cannot_flood_the_other_by_moving_one_meeting_again_and_again(
    match: Any, login: Any, trainee: Any, mentor: Any
) -> None:
    """Each move e-mails the other person, and nothing limited how often: the mentor moved one meeting 30 times
    in a minute and the trainee got 30 e-mails. Five moves per person and meeting in 24 hours; the sixth is refused
    with the reason, changes nothing and e-mails no one."""
    from notifications.models import Notification

    meeting = MeetingFactory(match=match, start=timezone.now() + timedelta(days=3))
    client = login(mentor.user)
    url = reverse("meetings-reschedule", args=[meeting.pk])

    def move(hour: int) -> Any:
        day = (timezone.now() + timedelta(days=4)).date()
        shown = Meeting.objects.get(pk=meeting.pk).sequence  # as the form page shows it
        return client.post(url, {"start": f"{day}T{hour:02d}:00", "duration_minutes": 45, "sequence": shown})

    for hour in range(9, 14):
        assert move(hour).status_code == 302
    meeting.refresh_from_db()
    moved_to = meeting.start
    refused = move(15)
    assert refused.status_code == 400
    said = refused.content.decode()
    assert "You have moved this meeting 5 times in the last 24 hours, and Tara Trainee was told each time" in said
    meeting.refresh_from_db()
    assert (meeting.start, meeting.sequence) == (moved_to, 5)
    assert Notification.objects.filter(recipient=trainee.user, kind="meeting_rescheduled").count() == 5
    # Said on the form page itself, before anyone fills it in.
    assert "You have moved this meeting 5 times" in client.get(url).content.decode()
    # The other person's moves are counted apart, and the day's count runs out after 24 hours.
    theirs = {"start": f"{(timezone.now() + timedelta(days=5)).date()}T10:00", "duration_minutes": 45, "sequence": 5}
    assert login(trainee.user).post(url, theirs).status_code == 302
    Notification.objects.filter(recipient=trainee.user).update(due_at=timezone.now() - timedelta(hours=25))
    client = login(mentor.user)
    assert move(16).status_code == 302


@pytest.mark.parametrize("topic", ["99999999999999999999999", "²"])
def test_a_topic_that_is_not_an_id_is_a_field_error_and_logs_nothing(
    match: Any, login: Any, mentor: Any, topic: str
) -> None:
    # Tried: a 23-digit topic id (SQLite cannot bind it: a 500 on make run's database) and "²" (passes isdigit).
    import uuid

    data = {"submission": str(uuid.uuid4()), "date": str(mentors_today(match)), "duration_minutes": 45}
    response = login(mentor.user).post(reverse("meetings-log-create", args=[match.pk]), {**data, "topics": [topic]})
    assert response.status_code == 400
    assert response.context["form"].errors["topics"] == [
        f"Select a valid choice. {topic} is not one of the available choices."
    ]
    assert SessionLog.objects.count() == 0


def test_the_same_proposal_sent_twice_is_one_and_says_so(match: Any, login: Any, mentor: Any) -> None:
    # Tried: Propose, double click (or Back and Propose again). The second sending was refused with 400 "You already
    # have a meeting from 14:00 to 14:30 …; choose another time": the mentor's own first proposal, which made the
    # mentor think the proposal had failed.
    client = login(mentor.user)
    start = (timezone.now() + timedelta(days=5)).astimezone(ZoneInfo(mentor.time_zone)).replace(hour=14, minute=0)
    data = {
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 30,
        "format": "video",
        "video_link": "https://video.example.org/r/1",
        "agenda": "CV",
    }
    url = reverse("meetings-propose", args=[match.pk])
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=True)
    meeting = Meeting.objects.get()
    assert second.redirect_chain == [(reverse("meetings-detail", args=[meeting.pk]), 302)]
    assert "Already proposed" in second.content.decode()
    # Another meeting at that time (another link) still overlaps: it is not the same proposal.
    other = client.post(url, {**data, "video_link": "https://video.example.org/r/2"})
    assert other.status_code == 400
    assert "You already have a meeting from 14:00 to 14:30" in other.content.decode()
    assert Meeting.objects.count() == 1
