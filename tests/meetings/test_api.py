"""The meetings API as each persona, and the refusals it maps to 400/403/404/409."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from meetings.models import Feedback, Meeting, SessionLog
from profiles.models import FocusArea
from tests.factories import MeetingFactory, SessionLogFactory, mentors_today

pytestmark = pytest.mark.django_db


def later(days: int = 4) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


@pytest.fixture
def proposed(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() + timedelta(days=3), status=Meeting.Status.PROPOSED)


@pytest.fixture
def past(match: Any) -> Meeting:
    return MeetingFactory(match=match, start=timezone.now() - timedelta(hours=5))


def test_anonymous_calls_get_401(client: Any, proposed: Any) -> None:
    for method, url in [
        ("get", "/api/v1/meetings/"),
        ("post", "/api/v1/meetings/"),
        ("get", f"/api/v1/meetings/{proposed.pk}/ics/"),
        ("get", "/api/v1/session-logs/"),
        ("post", "/api/v1/feedback/"),
    ]:
        assert getattr(client, method)(url).status_code == 401


def test_the_mentor_proposes_with_a_local_time_and_the_trainee_sees_it_in_chicago(
    match: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    naive = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT10:00:00")
    response = login(mentor.user).post(
        "/api/v1/meetings/",
        {"match": match.pk, "start": naive, "format": "video", "video_link": "https://v.example.org/1"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["start_local"].startswith(naive[:10] + "T10:00:00")
    listed = login(trainee.user).get("/api/v1/meetings/").json()["results"]
    assert listed[0]["time_zone"] == "America/Chicago"
    assert listed[0]["start_local"][11:16] == "09:00"


def test_proposing_for_someone_elses_match_is_refused_as_no_such_match_and_nothing_saved(
    match: Any, login: Any, outsider: Any
) -> None:
    response = login(outsider.user).post(
        "/api/v1/meetings/",
        {"match": match.pk, "start": later(), "format": "video", "video_link": "https://v.example.org/1"},
        content_type="application/json",
    )
    # Not 403 `not_in_match`: that would tell the outsider the match exists (see tests/api/test_references.py).
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["match"]
    assert Meeting.objects.count() == 0


def test_a_proposal_in_the_past_is_400_and_an_overlap_409(match: Any, login: Any, mentor: Any, proposed: Any) -> None:
    client = login(mentor.user)
    body = {"match": match.pk, "format": "video", "video_link": "https://v.example.org/1"}
    past = client.post("/api/v1/meetings/", {**body, "start": "2020-05-01T10:00:00Z"}, content_type="application/json")
    assert past.status_code == 400
    assert past.json()["error"]["code"] == "meeting_in_past"
    overlap = client.post(
        "/api/v1/meetings/", {**body, "start": proposed.start.isoformat()}, content_type="application/json"
    )
    assert overlap.status_code == 409
    assert overlap.json()["error"]["code"] == "meeting_overlap"
    assert Meeting.objects.count() == 1


def test_accept_suggest_reschedule_cancel_and_ics(proposed: Any, login: Any, mentor: Any, trainee: Any) -> None:
    base = f"/api/v1/meetings/{proposed.pk}"
    t = login(trainee.user)
    assert t.post(f"{base}/suggest/", {"start": later(6)}, content_type="application/json").status_code == 200
    m = login(mentor.user)
    assert m.post(f"{base}/accept/", content_type="application/json").json()["status"] == "accepted"
    moved = m.post(f"{base}/reschedule/", {"start": later(7), "duration_minutes": 60}, content_type="application/json")
    assert moved.json()["sequence"] == 2
    ics = m.get(f"{base}/ics/")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"SEQUENCE:2" in ics.content
    assert (
        m.post(f"{base}/cancel/", {"reason": "Conflict"}, content_type="application/json").json()["status"]
        == "cancelled"
    )
    assert m.post(f"{base}/cancel/", {}, content_type="application/json").status_code == 409


def test_an_outsider_gets_404_on_every_meeting_action(
    proposed: Any, login: Any, outsider: Any, coordinator: Any
) -> None:
    for person in (outsider.user, coordinator):
        client = login(person)
        base = f"/api/v1/meetings/{proposed.pk}"
        assert client.get(f"{base}/").status_code == 404
        assert client.get(f"{base}/ics/").status_code == 404
        for action in ("accept", "suggest", "reschedule", "cancel"):
            assert (
                client.post(f"{base}/{action}/", {"start": later()}, content_type="application/json").status_code == 404
            )
    proposed.refresh_from_db()
    assert proposed.status == Meeting.Status.PROPOSED


def test_the_mentor_logs_a_session_and_the_trainee_reads_only_the_shared_part(
    match: Any, past: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    created = login(mentor.user).post(
        "/api/v1/session-logs/",
        {
            "meeting": past.pk,
            "date": str(mentors_today(match)),
            "duration_minutes": 30,
            "notes_shared": "CV review",
            "notes_private": "Tired",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["notes_private"] == "Tired"
    seen = login(trainee.user).get("/api/v1/session-logs/").json()["results"][0]
    assert seen["notes_shared"] == "CV review"
    assert "notes_private" not in seen
    one = login(trainee.user).get(f"/api/v1/session-logs/{created.json()['id']}/").json()
    assert "notes_private" not in one


def test_a_mentor_in_tokyo_logs_this_mornings_session_through_the_api(
    match: Any, login: Any, mentor: Any, monkeypatch: Any
) -> None:
    # Tried without the fix: 400 "cannot be logged before it happens", UTC being still on 9 June.
    mentor.time_zone = "Asia/Tokyo"
    mentor.save()
    tokyo_morning = datetime(2026, 6, 10, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    monkeypatch.setattr(timezone, "now", lambda: tokyo_morning.astimezone(UTC))
    client = login(mentor.user)
    body = {"match": match.pk, "date": "2026-06-10", "duration_minutes": 30, "notes_shared": "CV review"}
    created = client.post("/api/v1/session-logs/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    tomorrow = client.post("/api/v1/session-logs/", {**body, "date": "2026-06-11"}, content_type="application/json")
    assert tomorrow.status_code == 400
    assert tomorrow.json()["error"]["fields"] == {"date": ["In the future."]}


def test_a_retried_create_with_the_same_submission_id_writes_one_log(match: Any, login: Any, mentor: Any) -> None:
    # A client whose first response was lost sends the same create again: before, two identical logs.
    from meetings.models import SessionLog

    client = login(mentor.user)
    body = {
        "match": match.pk,
        "date": str(mentors_today(match)),
        "duration_minutes": 30,
        "notes_shared": "CV review",
        "submission": str(uuid4()),
    }
    assert client.post("/api/v1/session-logs/", body, content_type="application/json").status_code == 201
    again = client.post("/api/v1/session-logs/", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "session_already_logged"
    assert SessionLog.objects.count() == 1
    # Another id is another log, even saying the same: the API's contract (the 30-minute rule is the form's).
    other = {**body, "submission": str(uuid4())}
    assert client.post("/api/v1/session-logs/", other, content_type="application/json").status_code == 201
    assert SessionLog.objects.count() == 2


def test_the_trainee_and_an_outsider_cannot_log_or_edit_sessions(
    match: Any, login: Any, trainee: Any, outsider: Any
) -> None:
    body = {"match": match.pk, "date": str(mentors_today(match)), "duration_minutes": 30}
    assert login(trainee.user).post("/api/v1/session-logs/", body, content_type="application/json").status_code == 403
    assert login(outsider.user).post("/api/v1/session-logs/", body, content_type="application/json").status_code == 400
    log = SessionLogFactory(match=match)
    assert (
        login(trainee.user).put(f"/api/v1/session-logs/{log.pk}/", body, content_type="application/json").status_code
        == 403
    )
    assert (
        login(outsider.user).put(f"/api/v1/session-logs/{log.pk}/", body, content_type="application/json").status_code
        == 404
    )
    assert SessionLog.objects.count() == 1
    assert login(outsider.user).get("/api/v1/session-logs/").json()["count"] == 0


def test_the_mentor_edits_their_log(match: Any, login: Any, mentor: Any) -> None:
    log = SessionLogFactory(match=match)
    body = {"date": str(log.date), "duration_minutes": 50, "notes_shared": "Updated"}
    assert (
        login(mentor.user).put(f"/api/v1/session-logs/{log.pk}/", body, content_type="application/json").status_code
        == 200
    )
    log.refresh_from_db()
    assert (log.duration_minutes, log.notes_shared) == (50, "Updated")


def test_feedback_is_mine_only_and_given_once(past: Any, login: Any, mentor: Any, trainee: Any, outsider: Any) -> None:
    body = {"meeting": past.pk, "rating": 4, "useful": True, "good_fit": True}
    assert login(trainee.user).post("/api/v1/feedback/", body, content_type="application/json").status_code == 201
    again = login(trainee.user).post("/api/v1/feedback/", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_answered"
    assert login(outsider.user).post("/api/v1/feedback/", body, content_type="application/json").status_code == 400
    assert login(mentor.user).get("/api/v1/feedback/").json()["count"] == 0
    assert login(trainee.user).get("/api/v1/feedback/").json()["count"] == 1
    assert Feedback.objects.count() == 1


def test_feedback_with_a_rating_of_nine_is_refused(past: Any, login: Any, trainee: Any) -> None:
    body = {"meeting": past.pk, "rating": 9, "useful": True, "good_fit": True}
    response = login(trainee.user).post("/api/v1/feedback/", body, content_type="application/json")
    assert response.status_code == 400
    assert "rating" in response.json()["error"]["fields"]
    assert Feedback.objects.count() == 0


def test_a_meeting_on_a_not_approved_match_is_409(login: Any, mentor: Any, trainee: Any) -> None:
    from tests.factories import MatchFactory

    proposed_match = MatchFactory(mentor=mentor, trainee=trainee, status="proposed")
    response = login(mentor.user).post(
        "/api/v1/meetings/",
        {"match": proposed_match.pk, "start": later(), "format": "video", "video_link": "https://v.example.org/1"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "match_not_approved"


def test_a_session_log_naming_one_goal_twice_is_400_and_saves_nothing(match: Any, login: Any, mentor: Any) -> None:
    # Before: the second SessionGoal row broke the (session, goal) unique constraint and the client got a 500.
    from tests.factories import GoalFactory

    goal = GoalFactory(trainee=match.trainee, progress=10)
    client = login(mentor.user)
    body = {
        "match": match.pk,
        "date": str(mentors_today(match)),
        "duration_minutes": 30,
        "goals": [{"goal": goal.pk, "progress": 40}, {"goal": goal.pk, "progress": 70}],
    }
    created = client.post("/api/v1/session-logs/", body, content_type="application/json")
    assert created.status_code == 400, created.content[:300]
    assert created.json()["error"]["code"] == "invalid"
    assert "goals" in created.json()["error"]["fields"]
    assert SessionLog.objects.count() == 0

    log = SessionLogFactory(match=match)
    edited = client.put(f"/api/v1/session-logs/{log.pk}/", body, content_type="application/json")
    assert edited.status_code == 400, edited.content[:300]
    goal.refresh_from_db()
    assert goal.progress == 10
    assert log.goal_updates.count() == 0


def test_accepting_a_proposal_whose_time_has_passed_is_a_documented_400(match: Any, login: Any, trainee: Any) -> None:
    # The refusal was right but the schema listed 200/401/403/404/409 only: a client generated from it had no
    # case for the 400 `meeting_in_past` the service answers when the other person was too slow.
    from tests.api.schema_walk import schema

    stale = MeetingFactory(
        match=match, status=Meeting.Status.PROPOSED, start=timezone.now() - timedelta(hours=1), duration_minutes=30
    )
    response = login(trainee.user).post(f"/api/v1/meetings/{stale.pk}/accept/", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "meeting_in_past"
    assert "400" in schema()["paths"]["/api/v1/meetings/{id}/accept/"]["post"]["responses"]
    stale.refresh_from_db()
    assert stale.status == Meeting.Status.PROPOSED


def test_the_schema_does_not_offer_to_move_a_log_to_another_match_or_meeting_on_edit(
    match: Any, login: Any, mentor: Any
) -> None:
    # The edit's documented body listed `match`, `meeting` and `submission`, which an edit ignores: a client
    # re-linking a log to another meeting got 200 and the log stayed where it was.
    from tests.api.schema_walk import schema

    spec = schema()
    body = spec["paths"]["/api/v1/session-logs/{id}/"]["put"]["requestBody"]["content"]["application/json"]
    component = spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"match", "meeting", "submission"}.isdisjoint(component["properties"])
    assert {"date", "duration_minutes", "notes_private"} <= set(component["properties"])

    log = SessionLogFactory(match=match)
    edited = login(mentor.user).put(
        f"/api/v1/session-logs/{log.pk}/",
        {"date": str(log.date), "duration_minutes": 40, "next_steps": "Send the draft"},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content[:300]
    assert edited.json()["match"] == match.pk


@pytest.mark.parametrize("path", ["/api/v1/meetings/", "/api/v1/session-logs/"])
def test_filtering_by_someone_elses_match_is_the_same_400_as_by_a_match_that_does_not_exist(
    path: str, match: Any, login: Any, mentor: Any, outsider: Any
) -> None:
    # Before: someone else's match gave 200 and an empty list, a missing one 400, so any signed-in person could
    # tell which match ids exist.
    MeetingFactory(match=match)
    SessionLogFactory(match=match)
    client = login(outsider.user)

    theirs = client.get(path, {"match": match.pk})
    missing = client.get(path, {"match": match.pk + 1000})

    assert theirs.status_code == missing.status_code == 400
    assert theirs.json() == missing.json()
    assert "match" in theirs.json()["error"]["fields"]
    assert login(mentor.user).get(path, {"match": match.pk}).json()["count"] == 1


@pytest.mark.parametrize("path", ["/api/v1/meetings/", "/api/v1/session-logs/"])
def test_the_browsable_filter_form_lists_only_my_own_matches(path: str, match: Any, login: Any, outsider: Any) -> None:
    # Before: a browser opening the list got DRF's HTML page, whose `match` filter was a <select> of every match
    # in the system, each named by its trainee and mentor, whatever program they were in.
    from tests.factories import MentorProfileFactory, TraineeProfileFactory, approved_match

    approved_match(
        mentor=MentorProfileFactory(user__full_name="Dr Private Mentor"),
        trainee=TraineeProfileFactory(user__full_name="Private Trainee"),
    )

    page = login(outsider.user).get(path, HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert "text/html" in page["Content-Type"]
    body = page.content.decode()
    assert "Private Trainee" not in body
    assert "Dr Private Mentor" not in body
    assert str(match.trainee.user.full_name) not in body


def test_a_log_that_says_nothing_but_date_and_duration_is_400_and_counts_no_session(
    match: Any, login: Any, mentor: Any
) -> None:
    # Before: 201, and the empty log counted as a session in the pair's and the program's figures and reset the
    # inactivity clock, so a pair that never talked looked active.
    client = login(mentor.user)
    body = {"match": match.pk, "date": str(mentors_today(match)), "duration_minutes": 30, "notes_shared": "  "}
    empty = client.post("/api/v1/session-logs/", body, content_type="application/json")
    assert empty.status_code == 400, empty.json()
    assert empty.json()["error"]["code"] == "empty_session_log"
    assert "topic" in empty.json()["error"]["message"]
    assert set(empty.json()["error"]["fields"]) == {"non_field_errors"}
    assert SessionLog.objects.count() == 0
    # One topic is enough to say what the session was about.
    topic = FocusArea.objects.first()
    assert topic is not None
    created = client.post("/api/v1/session-logs/", {**body, "topics": [topic.pk]}, content_type="application/json")
    assert created.status_code == 201, created.json()
    # Emptying a log afterwards is refused the same way, and the log stays as it was.
    url = f"/api/v1/session-logs/{created.json()['id']}/"
    emptied = client.put(url, {"date": body["date"], "duration_minutes": 30}, content_type="application/json")
    assert emptied.status_code == 400
    assert emptied.json()["error"]["code"] == "empty_session_log"
    assert list(SessionLog.objects.get().topics.all()) == [topic]


def test_a_sixth_move_of_one_meeting_in_a_day_is_409_and_changes_nothing(
    proposed: Any, login: Any, mentor: Any
) -> None:
    proposed.status = Meeting.Status.ACCEPTED
    proposed.save()
    client = login(mentor.user)
    url = f"/api/v1/meetings/{proposed.pk}/reschedule/"
    for days in range(4, 9):
        assert client.post(url, {"start": later(days)}, content_type="application/json").status_code == 200
    proposed.refresh_from_db()
    before = (proposed.start, proposed.sequence)
    refused = client.post(url, {"start": later(10)}, content_type="application/json")
    assert refused.status_code == 409, refused.json()
    assert refused.json()["error"]["code"] == "too_many_moves"
    proposed.refresh_from_db()
    assert (proposed.start, proposed.sequence) == before


def test_an_edit_made_from_a_stale_copy_of_a_log_is_412_and_does_not_overwrite_the_newer_edit(
    match: Any, login: Any, mentor: Any
) -> None:
    # Before: the mentor's edit from a second tab (or a phone app that read the log an hour ago) silently replaced
    # what they had saved since. The log now carries an ETag; an edit sent with an older one as If-Match is refused.
    log = SessionLogFactory(match=match, notes_shared="First version")
    client = login(mentor.user)
    url = f"/api/v1/session-logs/{log.pk}/"
    read = client.get(url)
    stale = read.headers["ETag"]
    body = {"date": str(log.date), "duration_minutes": 45, "notes_shared": "Saved from the laptop"}
    saved = client.put(url, body, content_type="application/json", headers={"If-Match": stale})
    assert saved.status_code == 200, saved.json()
    assert saved.headers["ETag"] != stale

    late = {**body, "notes_shared": "Typed on the phone, from the old copy"}
    refused = client.put(url, late, content_type="application/json", headers={"If-Match": stale})
    assert refused.status_code == 412
    assert refused.json()["error"]["code"] == "changed_since_read"
    log.refresh_from_db()
    assert log.notes_shared == "Saved from the laptop"
    # With the current version, or without If-Match (clients that do not send it), the edit goes through.
    current = client.get(url).headers["ETag"]
    assert client.put(url, late, content_type="application/json", headers={"If-Match": current}).status_code == 200
    assert client.put(url, body, content_type="application/json").status_code == 200


def test_each_meeting_says_what_follows_it_for_the_caller(
    past: Any, proposed: Any, login: Any, mentor: Any, trainee: Any
) -> None:
    """GET /meetings/: `follow_up` is null until an accepted meeting has ended, then the log and my feedback."""

    def follow_ups(user: Any) -> dict[int, Any]:
        return {m["id"]: m["follow_up"] for m in login(user).get("/api/v1/meetings/").json()["results"]}

    assert follow_ups(mentor.user) == {past.pk: {"log": "due", "feedback": "due"}, proposed.pk: None}
    assert follow_ups(trainee.user)[past.pk] == {"log": None, "feedback": "due"}  # the mentor logs, not the trainee

    SessionLogFactory(match=past.match, meeting=past)
    body = {"meeting": past.pk, "rating": 5, "useful": True, "good_fit": True}
    assert login(trainee.user).post("/api/v1/feedback/", body, content_type="application/json").status_code == 201
    assert follow_ups(mentor.user)[past.pk] == {"log": "done", "feedback": "due"}
    assert follow_ups(trainee.user)[past.pk] == {"log": "done", "feedback": "done"}
    one = login(trainee.user).get(f"/api/v1/meetings/{past.pk}/").json()
    assert one["follow_up"] == {"log": "done", "feedback": "done"}


def _answer_as(user: Any) -> Any:
    """A client of its own (the `login` fixture signs one shared client in as one person at a time)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="profiles.backends.EmailBackend")
    return client


def _outbox() -> set[tuple[Any, ...]]:
    from notifications.models import Notification

    return set(Notification.objects.values_list("pk", "recipient_id", "kind", "state", "email", "due_at"))


@pytest.mark.parametrize("answer", ["accept", "cancel"])
def test_an_answer_sent_with_a_sequence_moved_since_is_412_and_changes_nothing(
    answer: str, proposed: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: the trainee's app read the mentor's proposal (sequence 0), the mentor moved it (sequence 1), and the app
    # sent accept (or decline) for what it had shown. Before, the body was ignored and the new time was answered.
    base = f"/api/v1/meetings/{proposed.pk}"
    tara, maya = _answer_as(trainee.user), _answer_as(mentor.user)
    shown = tara.get(f"{base}/").json()
    assert shown["sequence"] == 0
    new_start = (proposed.start + timedelta(days=1)).astimezone(ZoneInfo("America/Chicago")).replace(hour=18, minute=0)
    moved = maya.post(f"{base}/reschedule/", {"start": new_start.isoformat()}, content_type="application/json")
    assert moved.json()["sequence"] == 1
    before = _outbox()

    body = {"sequence": shown["sequence"], **({"reason": "On nights"} if answer == "cancel" else {})}
    refused = tara.post(f"{base}/{answer}/", body, content_type="application/json")

    assert refused.status_code == 412
    error = refused.json()["error"]
    assert error["code"] == "changed_since_read"
    assert f"it is now at 18:00 on {new_start:%a %-d %b %Y} (America/Chicago) for 45 minutes" in error["message"]
    proposed.refresh_from_db()
    assert (proposed.status, proposed.sequence, proposed.cancel_reason) == (Meeting.Status.PROPOSED, 1, "")
    assert _outbox() == before  # no reminders, and the mentor is told nothing

    # With the sequence of the meeting as it is now, the answer goes through as before.
    current = tara.get(f"{base}/").json()["sequence"]
    answered = tara.post(f"{base}/{answer}/", {**body, "sequence": current}, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["status"] == ("accepted" if answer == "accept" else "cancelled")
    told = "meeting_accepted" if answer == "accept" else "meeting_cancelled"
    assert {kind for _, recipient, kind, *_ in _outbox() - before if recipient == mentor.user.pk} >= {told}


@pytest.mark.parametrize(("mover", "action"), [("trainee", "suggest"), ("mentor", "reschedule")])
def test_a_move_sent_with_a_sequence_moved_since_is_412_and_changes_nothing(
    mover: str, action: str, proposed: Any, mentor: Any, trainee: Any
) -> None:
    # Tried: both apps read the mentor's proposal (sequence 0); the mentor moved it from his laptop (sequence 1); then
    # a second move was sent with what had been read: the trainee's counter-proposal, or the mentor's phone moving it
    # again. Before, the move ignored the sequence and overwrote the time its sender had never seen.
    base = f"/api/v1/meetings/{proposed.pk}"
    client = _answer_as(trainee.user if mover == "trainee" else mentor.user)
    shown = client.get(f"{base}/").json()
    new_start = (proposed.start + timedelta(days=1)).astimezone(ZoneInfo("America/Chicago")).replace(hour=18, minute=0)
    moved = _answer_as(mentor.user).post(
        f"{base}/reschedule/", {"start": new_start.isoformat()}, content_type="application/json"
    )
    assert moved.json()["sequence"] == 1
    before = _outbox()
    body = {"start": (new_start + timedelta(days=1)).isoformat(), "sequence": shown["sequence"], "status": "proposed"}

    refused = client.post(f"{base}/{action}/", body, content_type="application/json")

    assert refused.status_code == 412
    assert refused.json()["error"]["code"] == "changed_since_read"
    proposed.refresh_from_db()
    assert (proposed.sequence, proposed.start, proposed.proposed_by) == (1, new_start, mentor.user)
    assert _outbox() == before
    # Sent with the meeting as it is now, the move goes through.
    assert client.post(f"{base}/{action}/", {**body, "sequence": 1}, content_type="application/json").status_code == 200
    proposed.refresh_from_db()
    assert proposed.sequence == 2


def test_a_decline_read_before_the_meeting_was_accepted_elsewhere_is_412_and_keeps_it(
    proposed: Any, trainee: Any
) -> None:
    # Tried: the trainee's phone read the mentor's proposal (sequence 0, proposed); on the laptop she accepted it
    # (accepting keeps the sequence); the phone then sent the decline it had shown, with that sequence. The
    # sequence alone matched, so the accepted meeting was cancelled. With the status it read, nothing changes.
    base = f"/api/v1/meetings/{proposed.pk}"
    phone, laptop = _answer_as(trainee.user), _answer_as(trainee.user)
    shown = phone.get(f"{base}/").json()
    assert (shown["sequence"], shown["status"]) == (0, "proposed")
    assert laptop.post(f"{base}/accept/", {"sequence": 0}, content_type="application/json").status_code == 200
    before = _outbox()

    stale = {"sequence": shown["sequence"], "status": shown["status"], "reason": "Clashes with clinic"}
    refused = phone.post(f"{base}/cancel/", stale, content_type="application/json")

    assert refused.status_code == 412
    assert refused.json()["error"]["code"] == "changed_since_read"
    assert "it is now accepted, at " in refused.json()["error"]["message"]
    proposed.refresh_from_db()
    assert (proposed.status, proposed.sequence, proposed.cancel_reason) == (Meeting.Status.ACCEPTED, 0, "")
    assert _outbox() == before  # the reminders stand and the mentor is told nothing

    # Accept sent with a status read as proposed, after it was accepted, is refused as before (nothing to accept);
    # an unknown status is a 400 naming the field. Cancelling with the status as it is now goes through.
    again = phone.post(f"{base}/accept/", {"sequence": 0, "status": "proposed"}, content_type="application/json")
    assert again.status_code == 409
    bad = phone.post(f"{base}/cancel/", {"status": "maybe"}, content_type="application/json")
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["status"])
    current = {"sequence": 0, "status": "accepted", "reason": "Clashes with clinic"}
    assert phone.post(f"{base}/cancel/", current, content_type="application/json").json()["status"] == "cancelled"


def test_an_answer_without_a_sequence_is_made_as_before_and_a_bad_one_is_400(
    proposed: Any, login: Any, trainee: Any
) -> None:
    # Clients written before `sequence` existed send no body (or `{}`): their answers still go through, unchecked,
    # as a PATCH without If-Match does elsewhere. A sequence that is not a number is a 400 naming it, not ignored.
    client = login(trainee.user)
    url = f"/api/v1/meetings/{proposed.pk}/accept/"
    bad = client.post(url, {"sequence": "latest"}, content_type="application/json")
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["sequence"])
    proposed.refresh_from_db()
    assert proposed.status == Meeting.Status.PROPOSED

    no_body = client.generic("POST", url)  # Content-Length: 0, as `requests.post(url)` or `fetch` send
    assert no_body.status_code == 200, no_body.content[:300]
    assert no_body.json()["status"] == "accepted"


def test_the_schema_documents_the_sequence_and_the_412_of_accept_and_cancel() -> None:
    from tests.api.schema_walk import schema

    paths = schema()["paths"]
    for answer in ("accept", "cancel"):
        operation = paths[f"/api/v1/meetings/{{id}}/{answer}/"]["post"]
        assert "412" in operation["responses"], answer
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "sequence" in schema()["components"]["schemas"][body]["properties"], answer


def test_a_log_naming_no_meeting_is_the_log_of_the_one_meeting_held_that_day(
    match: Any, login: Any, mentor: Any, monkeypatch: Any
) -> None:
    # As on the web form: a client that logs a session right after a meeting without naming it left the meeting
    # "due" in `follow_up` and the to-do list, and a later log naming it counted the session twice.
    midday = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo(mentor.time_zone))  # at any hour the suite runs
    monkeypatch.setattr(timezone, "now", lambda: midday.astimezone(UTC))
    meeting = MeetingFactory(match=match, start=midday - timedelta(hours=2), duration_minutes=45)
    client = login(mentor.user)
    body = {"match": match.pk, "date": "2026-06-10", "duration_minutes": 45, "notes_shared": "CV review"}

    created = client.post("/api/v1/session-logs/", body, content_type="application/json")

    assert created.status_code == 201, created.json()
    assert created.json()["meeting"] == meeting.pk
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").json()["follow_up"]["log"] == "done"
    again = client.post("/api/v1/session-logs/", {**body, "meeting": meeting.pk}, content_type="application/json")
    assert again.status_code == 409
    assert SessionLog.objects.count() == 1


def test_the_same_proposal_sent_again_is_409_naming_the_first_and_writes_nothing(
    match: Any, login: Any, mentor: Any
) -> None:
    client = login(mentor.user)
    body = {"match": match.pk, "start": later(), "format": "video", "video_link": "https://v.example.org/1"}
    first = client.post("/api/v1/meetings/", body, content_type="application/json")
    assert first.status_code == 201

    again = client.post("/api/v1/meetings/", body, content_type="application/json")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "meeting_already_proposed"
    assert f"id {first.json()['id']}" in again.json()["error"]["message"]
    assert Meeting.objects.count() == 1
