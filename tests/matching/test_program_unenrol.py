"""Removing people from a program (`program_unenrol`, behind the admin's *Remove from program…*): exactly the people
given, from exactly that program, recorded in the admin's history; their matches there are left as they are, as
leaving someone out of the program page's boxes always left them.

Tried: people of two programs, someone not enrolled, another program's coordinator, a trainee, a queryset of many
people, and each kind of match a removed person may have (approved, requested, proposed).
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from matching.models import Match, Program
from matching.services.approvals import match_approve
from matching.services.refusals import NotProgramCoordinator
from matching.services.requests import ProgramNotAvailable, match_request
from matching.services.unenrolment import program_unenrol
from profiles.models import MentorProfile, TraineeProfile
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cardiology(coordinator, trainee, mentor):
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator], open_to_all=False)
    program.trainees.add(trainee, TraineeProfileFactory(user__email="tim@example.org"))
    program.mentors.add(mentor, MentorProfileFactory(user__email="mo@example.org"))
    return program


def _enrolled(program):
    program = Program.objects.get(pk=program.pk)
    return (
        sorted(program.mentors.values_list("user__email", flat=True)),
        sorted(program.trainees.values_list("user__email", flat=True)),
    )


def _history(model, pk):
    content_type = ContentType.objects.get_for_model(model)
    entries = LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).order_by("pk")
    return [(entry.user.email, entry.action_flag, entry.change_message) for entry in entries]


def test_it_removes_exactly_the_people_given_from_exactly_that_program(coordinator, cardiology, trainee, mentor):
    surgery = ProgramFactory(name="Surgery", coordinators=[coordinator], open_to_all=False)
    surgery.trainees.add(trainee)
    surgery.mentors.add(mentor)

    done = program_unenrol(program=cardiology, by=coordinator, mentors=[mentor], trainees=[trainee])

    assert ([m.email for m in done.mentors], [t.email for t in done.trainees]) == (
        ["maya@example.org"],
        ["tara@example.org"],
    )
    assert _enrolled(cardiology) == (["mo@example.org"], ["tim@example.org"])
    assert _enrolled(surgery) == (["maya@example.org"], ["tara@example.org"])


def test_it_records_what_it_did_on_the_program_and_on_each_person(coordinator, cardiology, trainee, mentor):
    program_unenrol(program=cardiology, by=coordinator, mentors=[mentor], trainees=[trainee])

    assert _history(Program, cardiology.pk) == [
        (
            "cora@example.org",
            CHANGE,
            "Removed 1 mentor (maya@example.org) and 1 trainee (tara@example.org) from the program.",
        )
    ]
    assert _history(TraineeProfile, trainee.pk) == [("cora@example.org", CHANGE, "Removed from Cardiology Mentoring.")]
    assert _history(MentorProfile, mentor.pk) == [("cora@example.org", CHANGE, "Removed from Cardiology Mentoring.")]


def test_someone_not_enrolled_is_counted_and_nothing_is_recorded_for_them(coordinator, cardiology, outsider):
    done = program_unenrol(program=cardiology, by=coordinator, trainees=[outsider])

    assert (done.trainees, done.not_enrolled) == ([], 1)
    assert _enrolled(cardiology) == (["maya@example.org", "mo@example.org"], ["tara@example.org", "tim@example.org"])
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("who", ["other_coordinator", "trainee"])
def test_anyone_but_its_coordinators_is_refused_and_nothing_changes(request, cardiology, trainee, mentor, who):
    by = CoordinatorFactory() if who == "other_coordinator" else request.getfixturevalue(who).user
    before = _enrolled(cardiology)

    with pytest.raises(NotProgramCoordinator):
        program_unenrol(program=cardiology, by=by, mentors=[mentor], trainees=[trainee])

    assert _enrolled(cardiology) == before
    assert not LogEntry.objects.exists()


def test_their_matches_in_the_program_are_left_as_they_are_and_a_waiting_one_can_no_longer_be_approved(
    coordinator, cardiology, trainee, mentor
):
    # As leaving them out of the program page's boxes did: enrolment ends, nothing else. A mentorship goes on (the
    # coordinator ends it if it should not); a request still waiting stays waiting, and approval refuses it, saying
    # to decline it instead.
    tim = TraineeProfile.objects.get(user__email="tim@example.org")
    approved = MatchFactory(program=cardiology, trainee=tim, mentor=mentor, status=Match.Status.APPROVED)
    waiting = MatchFactory(program=cardiology, trainee=trainee, mentor=mentor, status=Match.Status.REQUESTED)

    done = program_unenrol(program=cardiology, by=coordinator, trainees=[trainee, tim])

    assert done.matches_left == 2
    assert set(Match.objects.values_list("pk", "status")) == {
        (approved.pk, Match.Status.APPROVED),
        (waiting.pk, Match.Status.REQUESTED),
    }
    with pytest.raises(ProgramNotAvailable, match="is no longer enrolled in Cardiology Mentoring: decline"):
        match_approve(match=waiting, by=coordinator)
    with pytest.raises(ProgramNotAvailable):
        match_request(
            trainee=trainee,
            mentor=MentorProfile.objects.get(user__email="mo@example.org"),
            program=cardiology,
            message="",
        )


def test_a_selection_of_many_takes_the_same_queries_as_one(coordinator, django_assert_num_queries):
    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    few, many = TraineeProfileFactory.create_batch(1), TraineeProfileFactory.create_batch(40)
    program.trainees.add(*few, *many)
    ContentType.objects.get_for_models(Program, TraineeProfile, MentorProfile)  # cached, as in a running server

    with django_assert_num_queries(9) as one:
        program_unenrol(program=program, by=coordinator, trainees=TraineeProfile.objects.filter(pk=few[0].pk))
    with django_assert_num_queries(len(one.captured_queries)):
        program_unenrol(
            program=program, by=coordinator, trainees=TraineeProfile.objects.filter(pk__in=[t.pk for t in many])
        )

    assert program.trainees.count() == 0
    assert LogEntry.objects.count() == 1 + 1 + 1 + 40  # each removal on the program, and each person's
