"""Program health for coordinators: statuses, late first meetings, at-risk matches, load, sessions, feedback, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from matching.coordination.health import program_health
from matching.models import Match
from profiles.models import TraineeProfile
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Demo Program", coordinators=[coordinator], first_meeting_days=21)


def _approved(program, **kwargs):
    kwargs.setdefault("decided_at", timezone.now() - timedelta(days=30))
    return MatchFactory(program=program, status=Match.Status.APPROVED, **kwargs)


def test_an_approved_match_with_no_accepted_meeting_after_the_programs_days_is_listed(program):
    late = _approved(program, decided_at=timezone.now() - timedelta(days=31))
    _approved(program, decided_at=timezone.now() - timedelta(days=3))  # still within 21 days
    met = _approved(program)
    unanswered = _approved(program)
    meeting = apps.get_model("meetings", "Meeting")
    meeting.objects.create(
        match=met, proposed_by=met.mentor.user, start=timezone.now() - timedelta(days=20), status="accepted"
    )
    # A proposal nobody accepted is not a meeting (the rule of the at-risk flag and the home page too); before,
    # any meeting not cancelled took the match off this list.
    meeting.objects.create(
        match=unanswered, proposed_by=unanswered.mentor.user, start=timezone.now() - timedelta(days=20)
    )

    health = program_health(program=program)

    assert [m.pk for m in health.no_first_meeting] == [late.pk, unanswered.pk]


def test_at_risk_matches_and_statuses_are_counted(program):
    risky = _approved(program, at_risk_since=timezone.now(), at_risk_reason="No session in 45 days")
    MatchFactory(program=program)
    health = program_health(program=program)
    assert [m.pk for m in health.at_risk] == [risky.pk]
    assert dict(health.by_status)["Approved"] == 1
    assert dict(health.by_status)["Proposed"] == 1


def test_a_mentor_carrying_far_more_than_the_average_is_flagged(program):
    busy = MentorProfileFactory(capacity=10, user__full_name="Dr Busy")
    for _ in range(6):
        _approved(program, mentor=busy)
    for _ in range(6):
        _approved(program, mentor=MentorProfileFactory(capacity=2))

    health = program_health(program=program)

    flagged = [m.name for m in health.loads if m.flagged]
    assert flagged == ["Dr Busy"]
    assert health.chart_data()["load"][0] == {"label": "Dr Busy", "value": 6, "capacity": 10, "flagged": True}


def test_a_large_program_charts_the_mentors_carrying_the_most_and_its_csv_lists_every_one(
    login, coordinator, program, monkeypatch
):
    # 4,000 mentors were each a bar and a table row: a page some 130,000 pixels long. The page now shows the
    # LOADS_SHOWN carrying the most (2 here) and how the rest stand; the CSV lists them all.
    monkeypatch.setattr("matching.coordination.health.LOADS_SHOWN", 2)
    full = MentorProfileFactory(capacity=2, user__full_name="Dr Full")
    for _ in range(2):
        _approved(program, mentor=full)
    room = MentorProfileFactory(capacity=3, user__full_name="Dr Room")
    _approved(program, mentor=room)
    idle = [MentorProfileFactory(capacity=1, user__full_name=f"Dr Idle {i}") for i in (1, 2)]
    program.mentors.add(*idle)

    health = program_health(program=program)
    assert health.load_summary == {"mentors": 4, "full": 1, "with_room": 1, "without_mentees": 2, "flagged": 1}
    assert [m["label"] for m in health.chart_data()["load"]] == ["Dr Full", "Dr Room"]

    html = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    table = html.split('id="h-load-table"')[1].split("</table>")[0]
    assert "Dr Room" in table
    assert "Dr Idle" not in table
    assert (
        "4 mentors (enrolled or with a request or match here, and anyone with a match under way here): 1 full, 1 "
        "with mentees and free places," in " ".join(html.split())
    )
    assert "the Mentor load CSV</a> lists all 4" in html

    export = reverse("admin:matching_program_export", args=[program.pk, "mentor-load"])
    body = b"".join(login(coordinator).get(export).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["mentor"], r["mentees"], r["capacity"], r["free_places"]) for r in rows] == [
        ("Dr Full", "2", "2", "0"),
        ("Dr Room", "1", "3", "2"),
        ("Dr Idle 1", "0", "1", "1"),
        ("Dr Idle 2", "0", "1", "1"),
    ]
    assert rows[0]["mentor_email"] == full.user.email
    assert [r["far_above_average"] for r in rows] == ["yes", "no", "no", "no"]  # 2 mentees against 0.75 on average


def test_every_flagged_mentor_is_shown_however_many_there_are(program, monkeypatch):
    monkeypatch.setattr("matching.coordination.health.LOADS_SHOWN", 1)
    for name in ("Dr Busy", "Dr Busier"):
        busy = MentorProfileFactory(capacity=10, user__full_name=name)
        for _ in range(6):
            _approved(program, mentor=busy)
    for _ in range(12):
        _approved(program, mentor=MentorProfileFactory(capacity=2))
    health = program_health(program=program)
    assert sorted(m.name for m in health.loads_shown) == ["Dr Busier", "Dr Busy"]
    assert all(m.flagged for m in health.loads_shown)


def test_two_mentors_with_one_name_are_told_apart_in_the_load_chart(program):
    # The review saw two "Claire Thompson" bars and could not tell whose was whose.
    for email in ("claire.t@uni.edu", "claire.thompson@hosp.org"):
        _approved(program, mentor=MentorProfileFactory(user__full_name="Claire Thompson", user__email=email))
    _approved(program, mentor=MentorProfileFactory(user__full_name="Dr Unique"))
    names = sorted(m.name for m in program_health(program=program).loads)
    assert names == ["Claire Thompson (claire.t@uni.edu)", "Claire Thompson (claire.thompson@hosp.org)", "Dr Unique"]


def test_sessions_per_month_and_feedback_averages(program):
    match = _approved(program)
    session_log = apps.get_model("meetings", "SessionLog")
    meeting_model = apps.get_model("meetings", "Meeting")
    feedback = apps.get_model("meetings", "Feedback")
    for day in (date(2026, 9, 3), date(2026, 9, 20), date(2026, 10, 2)):
        session_log.objects.create(match=match, author=match.mentor.user, date=day, duration_minutes=30)
    meeting = meeting_model.objects.create(match=match, proposed_by=match.mentor.user, start=timezone.now())
    feedback.objects.create(meeting=meeting, author=match.trainee.user, role="trainee", rating=4, useful=True)
    feedback.objects.create(
        meeting=meeting, author=match.mentor.user, role="mentor", rating=2, useful=False, good_fit=False
    )

    # Read a week later: feedback totals take in answers once their week has ended, at least 5 new ones per side
    # (meetings.selectors.release); they were live, and one answer per side showed as a count of 1.
    week_later = timezone.now() + timedelta(days=8)
    health = program_health(program=program, now=week_later)

    assert health.sessions_per_month == [("Sep 2026", 2), ("Oct 2026", 1)]
    # One answer per side: not in the totals at all, so neither its rating nor that it was given.
    assert health.feedback == {}
    for _ in range(4):
        other = meeting_model.objects.create(match=match, proposed_by=match.mentor.user, start=timezone.now())
        feedback.objects.create(meeting=other, author=match.trainee.user, role="trainee", rating=5, useful=False)
    health = program_health(program=program, now=week_later)
    assert health.feedback["trainee"]["rating"] == 4.8
    assert health.feedback["trainee"]["useful_pct"] == 20
    assert "mentor" not in health.feedback  # its one "not a good fit" flags the match; the totals wait for 4 more


def test_coordinators_never_read_single_feedback_answers_on_the_health_page_or_in_its_export(
    login, coordinator, program
):
    """Feedback answers stay between the two people; coordinators get totals (README, meetings/admin.py). The
    export listed every answer with both names, its rating and its words, and the page showed a lone rating."""
    from tests.factories import FeedbackFactory, MeetingFactory

    match = _approved(program)
    FeedbackFactory(
        meeting=MeetingFactory(match=match),
        author=match.trainee.user,
        role="trainee",
        rating=1,
        useful=False,
        went_well="Nothing, he was late",
        to_change="Please listen",
    )
    client = login(coordinator)
    # Read a week later, once the answer's week has ended: it is still not in the totals, which wait for 5 new
    # answers (meetings.selectors.release); they were live, and listed it as a row of 1 answer.
    with freeze_time(timezone.now() + timedelta(days=8)):
        page = client.get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
        response = client.get(reverse("admin:matching_program_export", args=[program.pk, "feedback"]))
        text = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == []
    assert text.startswith("role,answers,average_rating,useful_percent,not_a_good_fit,totals_up_to")
    for private in ("he was late", "Please listen", match.trainee.user.full_name, match.mentor.user.full_name):
        assert private not in text
    assert "No feedback in the totals yet: answers are added once there are at least 5" in page


def _closed_program_with_three_trainees(coordinator):
    program = ProgramFactory(name="Closed Program", coordinators=[coordinator], open_to_all=False)
    matched, requesting, idle = (
        TraineeProfileFactory(user__full_name=name) for name in ("Ann Matched", "Bea Requesting", "Cal Idle")
    )
    TraineeProfileFactory(user__full_name="Dee Elsewhere")  # not in the program
    program.trainees.add(matched, requesting, idle)
    _approved(program, trainee=matched)
    request = MatchFactory(
        program=program, trainee=requesting, status=Match.Status.REQUESTED, mentor__user__full_name="Dr Xu"
    )
    MatchFactory(program=program, trainee=idle, status=Match.Status.DECLINED)  # decided: nothing under way
    return program, request


def test_trainees_without_an_approved_mentor_are_listed_with_what_waits_for_a_decision(coordinator):
    program, request = _closed_program_with_three_trainees(coordinator)

    health = program_health(program=program)

    assert health.without_mentor_count == 2
    assert [(str(w.trainee), w.pending) for w in health.without_mentor] == [
        ("Bea Requesting", [request]),
        ("Cal Idle", []),
    ]


def test_a_deactivated_trainee_is_not_chased_and_is_left_out_of_the_roster(login, coordinator):
    program, _ = _closed_program_with_three_trainees(coordinator)
    idle = program.trainees.get(user__full_name="Cal Idle")
    idle.user.is_active = False
    idle.user.save()

    health = program_health(program=program)
    roster = login(coordinator).get(reverse("admin:matching_program_export", args=[program.pk, "roster"]))

    assert [str(w.trainee) for w in health.without_mentor] == ["Bea Requesting"]
    assert b"Cal Idle" not in b"".join(roster.streaming_content)


def test_the_health_page_shows_the_trainees_without_a_mentor_and_links_their_requests(login, coordinator):
    program, request = _closed_program_with_three_trainees(coordinator)
    page = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    html = page.split('id="h-waiting"')[1].split("</section>")[0]
    assert "Trainees without a mentor (2)" in html
    assert f'<a href="{reverse("admin:matching_match_change", args=[request.pk])}">Requested: Dr Xu</a>' in html
    assert "Nothing under way" in html
    assert "Ann Matched" not in html
    assert "Dee Elsewhere" not in html


def test_approved_matches_with_someone_who_left_are_listed_for_the_coordinator_to_end(login, coordinator, program):
    left = _approved(program, mentor__user__full_name="Dr Gone")
    _approved(program)  # both still here
    left.mentor.user.is_active = False
    left.mentor.user.save()

    health = program_health(program=program)
    page = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()

    assert [m.pk for m in health.someone_left] == [left.pk]
    assert "Approved matches with someone who left (1)" in page
    assert "Dr Gone (deactivated)" in page


def test_the_health_headings_count_every_match_and_say_when_the_list_is_cut(login, coordinator, program, monkeypatch):
    # Tried with 101 at-risk matches: the heading read "At-risk matches (100)", the length of the list cut to the
    # first 100, while the home panel and the admin index said 101. Here the page shows 2 of 3 of each list.
    monkeypatch.setattr("matching.coordination.health.SHOWN", 2)
    late = timezone.now() - timedelta(days=40)
    for _ in range(3):
        _approved(program, decided_at=late, at_risk_since=timezone.now(), at_risk_reason="No meeting")
        gone = _approved(program, decided_at=late)
        gone.trainee.user.is_active = False
        gone.trainee.user.save()

    health = program_health(program=program)
    page = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()

    assert "At-risk matches (3)" in page
    assert "No first meeting after 21 days (6)" in page
    assert "Approved matches with someone who left (3)" in page
    assert page.count("showing the first 2") == 3
    assert (health.at_risk_count, health.no_first_meeting_count, health.someone_left_count) == (3, 6, 3)
    assert len(health.at_risk) == 2


def test_the_health_page_renders_charts_from_a_data_element(login, coordinator, program):
    _approved(program, at_risk_since=timezone.now(), at_risk_reason="Poor feedback")
    response = login(coordinator).get(reverse("admin:matching_program_health", args=[program.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="application/json"' in html
    assert "js/charts.js" in html
    assert "Poor feedback" in html
    assert "style=" not in html.split('id="content-main"')[1]


def test_without_the_meetings_app_the_health_page_and_reports_leave_its_parts_out(
    login, coordinator, program, monkeypatch
):
    # The meetings app registers what the page reads of meetings (matching may not import it); with nothing
    # registered, late first meetings are every approved match past the program's days, and there is no sessions
    # chart, no feedback and no sessions or feedback CSV, rather than an error.
    late = _approved(program, decided_at=timezone.now() - timedelta(days=31))
    apps.get_model("meetings", "Meeting").objects.create(
        match=late, proposed_by=late.mentor.user, start=timezone.now() - timedelta(days=20), status="accepted"
    )
    monkeypatch.setattr("matching.coordination.meeting_activity._activity", [])
    client = login(coordinator)

    page = client.get(reverse("admin:matching_program_health", args=[program.pk]))

    assert page.status_code == 200
    assert [m.pk for m in page.context["health"].no_first_meeting] == [late.pk]
    html = page.content.decode()
    assert "Sessions per month" not in html
    assert "h-feedback" not in html
    assert _export_url(program, "sessions") not in html
    assert _export_url(program, "matches") in html
    for kind in ("sessions", "feedback"):
        assert client.get(_export_url(program, kind)).status_code == 404


def _export_url(program, kind):
    return reverse("admin:matching_program_export", args=[program.pk, kind])


def test_another_coordinator_gets_404_for_health_and_exports(login, program):
    client = login(CoordinatorFactory())
    assert client.get(reverse("admin:matching_program_health", args=[program.pk])).status_code == 404
    assert client.get(reverse("admin:matching_program_export", args=[program.pk, "matches"])).status_code == 404


def test_the_matches_csv_lists_the_programs_matches_and_neutralises_formulas(login, coordinator, program):
    match = _approved(program, decision_reason="=HYPERLINK(evil)")
    MatchFactory()  # another program
    response = login(coordinator).get(reverse("admin:matching_program_export", args=[program.pk, "matches"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert [int(r["id"]) for r in rows] == [match.pk]
    assert rows[0]["decision_reason"] == "'=HYPERLINK(evil)"


def test_sessions_and_feedback_exports_never_include_private_notes(login, coordinator, program):
    match = _approved(program)
    apps.get_model("meetings", "SessionLog").objects.create(
        match=match, author=match.mentor.user, date=date(2026, 9, 1), duration_minutes=30, notes_private="secret"
    )
    client = login(coordinator)
    sessions = b"".join(
        client.get(reverse("admin:matching_program_export", args=[program.pk, "sessions"])).streaming_content
    )
    assert b"2026-09-01" in sessions
    assert b"secret" not in sessions
    feedback = client.get(reverse("admin:matching_program_export", args=[program.pk, "feedback"]))
    assert feedback.status_code == 200
    assert client.get(reverse("admin:matching_program_export", args=[program.pk, "bogus"])).status_code == 404


def test_the_without_mentor_csv_lists_every_waiting_trainee_past_the_pages_first_hundred(
    login, coordinator, monkeypatch
):
    from matching.coordination import exports, health

    program, _ = _closed_program_with_three_trainees(coordinator)
    monkeypatch.setattr(health, "SHOWN", 1)  # the page shows one; the file has them all
    monkeypatch.setattr(exports, "CHUNK", 1)  # and reads them in chunks
    client = login(coordinator)

    page = client.get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    response = client.get(reverse("admin:matching_program_export", args=[program.pk, "without-mentor"]))

    assert "The first 1 by name." in page
    assert "<details open>" in page  # short lists are shown unfolded
    assert ">Trainees without a mentor</a>" in page
    assert response["Content-Disposition"] == 'attachment; filename="closed-program-without-mentor.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(r["trainee"], r["waiting_for_a_decision"]) for r in rows] == [
        ("Bea Requesting", "Requested: Dr Xu"),
        ("Cal Idle", ""),
    ]


def test_the_page_and_the_csv_of_trainees_without_a_mentor_cost_the_same_queries_however_much_waits(login, coordinator):
    # They read only each waiting match's status and mentor: a field left out of that read and touched per row
    # would cost one query per row (with a round's 9,000 proposals, 9,000 queries).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    program, _ = _closed_program_with_three_trainees(coordinator)
    client = login(coordinator)
    urls = [
        reverse("admin:matching_program_health", args=[program.pk]),
        reverse("admin:matching_program_export", args=[program.pk, "without-mentor"]),
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"Dr Xu" in body
            counts.append(len(captured))
        return counts

    before = queries()
    cal = TraineeProfile.objects.get(user__full_name="Cal Idle")
    for name in ("Dr Yu", "Dr Zed", "Dr Ames"):
        MatchFactory(program=program, trainee=cal, status=Match.Status.PROPOSED, mentor__user__full_name=name)
    assert queries() == before


def test_the_roster_csv_lists_who_takes_part_and_reads_back_into_enrol_from_a_list(login, coordinator):
    from matching.coordination.roster import Role, parse_roster

    program, _ = _closed_program_with_three_trainees(coordinator)
    program.mentors.add(MentorProfileFactory(user__full_name="Dr Xu Enrolled", user__email="xu@example.org"))
    response = login(coordinator).get(reverse("admin:matching_program_export", args=[program.pk, "roster"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["name"], r["role"]) for r in rows] == [
        ("Ann Matched", "trainee"),
        ("Bea Requesting", "trainee"),
        ("Cal Idle", "trainee"),
        ("Dr Xu Enrolled", "mentor"),
    ]
    assert [(e.email, e.role) for e in parse_roster(text).entries] == [
        *((r["email"], Role.TRAINEE) for r in rows[:3]),
        ("xu@example.org", Role.MENTOR),
    ]


@pytest.mark.parametrize("kind", ["roster", "matches", "without-mentor", "sessions"])
def test_every_export_opens_in_excel_with_accented_names_intact(login, coordinator, program, kind):
    # Excel reads a CSV without a byte order mark as the local code page: "José" became "JosÃ©" in every cell.
    trainee = TraineeProfileFactory(user__full_name="José Núñez, Jr")
    program.open_to_all = True
    program.save()
    program.trainees.add(trainee)  # an open program's reports list those enrolled or with a match in it
    match = _approved(program, trainee=trainee) if kind != "without-mentor" else None
    if kind == "sessions":
        apps.get_model("meetings", "SessionLog").objects.create(
            match=match, author=match.mentor.user, date=date(2026, 9, 1), duration_minutes=30
        )
    response = login(coordinator).get(reverse("admin:matching_program_export", args=[program.pk, kind]))
    body = b"".join(response.streaming_content)

    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8's byte order mark, once, before the header
    assert body.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] in ("name", "id", "trainee")
    assert "José Núñez, Jr" in rows[1]  # one cell, comma and accents intact


def test_an_export_of_a_program_named_in_another_script_still_has_a_file_name(login, coordinator):
    # The file name came from the program's name in Latin letters only: "Ελληνικό Πρόγραμμα" left "-roster.csv".
    program = ProgramFactory(name="Ελληνικό Πρόγραμμα", coordinators=[coordinator])
    response = login(coordinator).get(reverse("admin:matching_program_export", args=[program.pk, "roster"]))
    assert response["Content-Disposition"] == f'attachment; filename="program-{program.pk}-roster.csv"'


def test_the_mentor_load_of_a_program_open_to_all_counts_its_mentors_not_every_active_mentor_of_the_site(program):
    # Every active mentor of the site, with e-mails in the CSV, was any coordinator's to read by making an open
    # program: they count once enrolled here or with a match here (a request, a proposal, a mentorship).
    busy = MentorProfileFactory(capacity=2, user__full_name="Dr Busy")
    _approved(program, mentor=busy)
    enrolled = MentorProfileFactory(capacity=3, user__full_name="Dr Free")
    program.mentors.add(enrolled)
    MentorProfileFactory(capacity=3, user__full_name="Dr Elsewhere")
    program.mentors.add(MentorProfileFactory(capacity=1, user__full_name="Dr Gone", user__is_active=False))

    health = program_health(program=program)

    assert program.open_to_all
    assert sorted(m.name for m in health.loads) == ["Dr Busy", "Dr Free"]
    assert (health.load_summary["mentors"], health.load_summary["without_mentees"]) == (2, 1)


def test_the_mentor_load_of_a_closed_program_counts_its_enrolled_mentors_and_anyone_with_a_match_here(coordinator):
    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    enrolled = MentorProfileFactory(user__full_name="Dr Enrolled")
    program.mentors.add(enrolled)
    removed_since = MentorProfileFactory(user__full_name="Dr Removed")
    _approved(program, mentor=removed_since)  # taken off the program with a mentee still under way
    MentorProfileFactory(user__full_name="Dr Elsewhere")

    names = sorted(m.name for m in program_health(program=program).loads)

    assert names == ["Dr Enrolled", "Dr Removed"]


def test_the_sessions_csv_says_each_sessions_topics_in_one_query_however_many_sessions(login, coordinator, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from profiles.models import FocusArea
    from tests.factories import SessionLogFactory

    match = _approved(program)
    first, second = FocusArea.objects.order_by("position", "name")[:2]
    SessionLogFactory(match=match, date=date(2026, 9, 1), notes_shared="").topics.set([second, first])
    client = login(coordinator)

    def export() -> tuple[list[dict[str, str]], int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_export_url(program, "sessions"))
            text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text))), len(captured)

    rows, queries = export()
    assert rows[0]["topics"] == f"{first.name}; {second.name}"
    for day in (2, 3, 4):
        SessionLogFactory(match=match, date=date(2026, 9, day)).topics.set([first])
    rows, more_queries = export()
    assert [row["topics"] for row in rows[1:]] == [first.name] * 3
    assert more_queries == queries
