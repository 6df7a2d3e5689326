"""What a coordinator reads of an open-to-all program's people: those enrolled in it or with a match in it, never
everyone a round may consider (every active person of the site, another program's people included)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from matching.models import Match
from matching.selectors_coordination import program_people_seen
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(coordinator):
    """Open A (Cora's): an enrolled trainee, a trainee who requested a mentor there, an enrolled mentor. Closed B
    (Bob's): a trainee and a mentor of its own, approved together, and a staff account with a trainee profile."""
    open_a = ProgramFactory(name="Open A", coordinators=[coordinator], open_to_all=True)
    bob = CoordinatorFactory(full_name="Bob Coordinator", email="bob@b.org")
    closed_b = ProgramFactory(name="Closed B", coordinators=[bob], open_to_all=False)
    enrolled = TraineeProfileFactory(user__full_name="Ann Enrolled", user__email="ann@a.org")
    requesting = TraineeProfileFactory(user__full_name="Ria Requesting", user__email="ria@a.org")
    mentor_a = MentorProfileFactory(user__full_name="Dr Amos Mentor", user__email="amos@a.org")
    open_a.trainees.add(enrolled)
    open_a.mentors.add(mentor_a)
    MatchFactory(program=open_a, trainee=requesting, mentor=mentor_a, status=Match.Status.REQUESTED)
    betty = TraineeProfileFactory(user__full_name="Betty BTrainee", user__email="betty@b.org")
    bruno = MentorProfileFactory(user__full_name="Dr Bruno BMentor", user__email="bruno@b.org")
    closed_b.trainees.add(betty)
    closed_b.mentors.add(bruno)
    MatchFactory(program=closed_b, trainee=betty, mentor=bruno, status=Match.Status.APPROVED)
    TraineeProfileFactory(user=bob)
    return open_a, closed_b


def _csv(client, program, kind):
    response = client.get(reverse("admin:matching_program_export", args=[program.pk, kind]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_an_open_programs_people_are_those_enrolled_or_with_a_match_in_it(programs):
    open_a, _ = programs
    trainees, mentors = program_people_seen(open_a)
    assert sorted(str(t) for t in trainees) == ["Ann Enrolled", "Ria Requesting"]
    assert [str(m) for m in mentors] == ["Dr Amos Mentor"]


def test_a_closed_programs_people_are_its_active_enrolled_not_someone_unenrolled_with_a_past_match(programs):
    _, closed_b = programs
    unenrolled = TraineeProfileFactory(user__full_name="Uma Unenrolled")
    MatchFactory(program=closed_b, trainee=unenrolled, status=Match.Status.DECLINED)
    gone = TraineeProfileFactory(user__full_name="Gil Gone", user__is_active=False)
    closed_b.trainees.add(gone)

    trainees, mentors = program_people_seen(closed_b)

    assert [str(t) for t in trainees] == ["Betty BTrainee"]
    assert [str(m) for m in mentors] == ["Dr Bruno BMentor"]


def test_the_health_page_of_an_open_program_names_none_of_another_programs_people(login, coordinator, programs):
    open_a, _ = programs
    html = login(coordinator).get(reverse("admin:matching_program_health", args=[open_a.pk])).content.decode()

    for name in ("Ann Enrolled", "Ria Requesting", "Dr Amos Mentor"):
        assert name in html
    for name in ("Betty BTrainee", "Bruno BMentor", "Bob Coordinator"):
        assert name not in html
    assert "Trainees of this program without a mentor: those enrolled or with a request or" in html


@pytest.mark.parametrize(
    ("kind", "column", "expected"),
    [
        ("roster", "email", ["ann@a.org", "ria@a.org", "amos@a.org"]),
        ("without-mentor", "trainee_email", ["ann@a.org", "ria@a.org"]),
        ("mentor-load", "mentor_email", ["amos@a.org"]),
    ],
)
def test_the_csvs_of_an_open_program_list_its_enrolled_and_matched_people_only(
    login, coordinator, programs, kind, column, expected
):
    open_a, _ = programs
    rows = _csv(login(coordinator), open_a, kind)
    assert [row[column] for row in rows] == expected


def test_the_enrol_page_of_an_open_program_counts_the_people_its_roster_csv_lists(login, coordinator, programs):
    open_a, _ = programs
    html = login(coordinator).get(reverse("admin:matching_program_enrol", args=[open_a.pk])).content.decode()
    assert "Taking part now (enrolled, or with a request or match here):" in html
    assert "2 trainees and 1 mentor" in html


def test_a_coordinator_who_adds_an_open_program_reads_nobody_in_it_until_someone_takes_part(login, programs):
    newcomer = CoordinatorFactory(full_name="New Coordinator")
    fresh = ProgramFactory(name="Fishing trip", coordinators=[newcomer], open_to_all=True)
    client = login(newcomer)

    assert _csv(client, fresh, "roster") == []
    assert _csv(client, fresh, "mentor-load") == []
    html = client.get(reverse("admin:matching_program_health", args=[fresh.pk])).content.decode()
    assert "Betty" not in html
    assert "Amos" not in html


def test_the_other_programs_coordinator_gets_404_for_the_open_programs_pages(login, programs):
    open_a, closed_b = programs
    client = login(closed_b.coordinators.get())
    assert client.get(reverse("admin:matching_program_health", args=[open_a.pk])).status_code == 404
    assert client.get(reverse("admin:matching_program_enrol", args=[open_a.pk])).status_code == 404
    assert client.get(reverse("admin:matching_program_export", args=[open_a.pk, "roster"])).status_code == 404


@pytest.mark.parametrize("person", ["trainee", "mentor", "outsider"])
def test_a_trainee_a_mentor_and_an_outsider_are_sent_to_the_admin_login(login, programs, request, person):
    open_a, _ = programs
    profile = request.getfixturevalue(person)
    # Taking part in the program (the outsider does not) opens none of its coordinator's pages.
    if person == "trainee":
        open_a.trainees.add(profile)
    if person == "mentor":
        open_a.mentors.add(profile)
    client = login(profile.user)
    for url in (
        reverse("admin:matching_program_health", args=[open_a.pk]),
        reverse("admin:matching_program_enrol", args=[open_a.pk]),
        reverse("admin:matching_program_export", args=[open_a.pk, "roster"]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"], url
