"""Saving a program (the admin's program page): its settings and coordinators, through `program_save`. Its mentors
and trainees are not on the page (they are enrolled from a list and removed from the people lists): saving leaves
them as they are.

Tried: another program's coordinator, a trainee creating a program, weights the engine cannot score with, and a
coordinator taken off the program between the form's check and the save. Every refusal leaves the program exactly
as it was.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.features.read import program_weights
from matching.models import DEFAULT_WEIGHTS, Program
from matching.services.programs import ProgramInvalid, program_save
from matching.services.refusals import NotProgramCoordinator
from tests.factories import (
    CoordinatorFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    UserFactory,
    program_admin_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator], open_to_all=False)


def _state(program):
    """What a coordinator sees of the program, read afresh."""
    program = Program.objects.get(pk=program.pk)
    return (
        program.name,
        program.weights,
        sorted(program.coordinators.values_list("email", flat=True)),
        sorted(program.mentors.values_list("user__email", flat=True)),
        sorted(program.trainees.values_list("user__email", flat=True)),
    )


def _save(program, by, *, coordinators=None):
    coordinators = list(program.coordinators.all()) if coordinators is None and program.pk else coordinators or []
    return program_save(program=program, by=by, coordinators=coordinators)


def test_it_saves_the_settings_and_coordinators_and_leaves_the_people_as_they_are(
    program, coordinator, trainee, mentor
):
    # Someone enrolled who has since deactivated their account stays too: only removing them ends their enrolment.
    gone = TraineeProfileFactory(user__email="gone@uni.edu", user__is_active=False)
    program.trainees.add(trainee, gone)
    program.mentors.add(mentor)
    program.name, program.weights = "Surgery Mentoring 2025", {**program.weights, "specialty": 5}

    _save(program, coordinator)

    name, weights, coordinators, mentors, trainees = _state(program)
    assert (name, weights["specialty"]) == ("Surgery Mentoring 2025", 5)
    assert (coordinators, mentors, trainees) == (
        ["cora@example.org"],
        ["maya@example.org"],
        ["gone@uni.edu", "tara@example.org"],
    )


def test_a_coordinator_hands_the_program_over_by_leaving_it_to_another_and_a_superuser_is_not_added(
    program, coordinator
):
    # Before: the service added the coordinator back without a word, so a handover "changed successfully" and she
    # was still one.
    other = CoordinatorFactory(email="olu@uni.edu")
    admin = UserFactory(email="root@uni.edu", is_staff=True, is_superuser=True)
    _save(program, admin, coordinators=[coordinator, other])
    assert _state(program)[2] == ["cora@example.org", "olu@uni.edu"]

    _save(program, coordinator, coordinators=[other])
    assert _state(program)[2] == ["olu@uni.edu"]


@pytest.mark.parametrize("left_to", ["nobody", "a deactivated coordinator"])
def test_the_last_active_coordinator_cannot_leave_and_nothing_changes(program, coordinator, left_to):
    coordinators = [] if left_to == "nobody" else [CoordinatorFactory(email="gone@uni.edu", is_active=False)]
    before = _state(program)
    program.name = "Nobody's now"
    with pytest.raises(ProgramInvalid) as refused:
        _save(program, coordinator, coordinators=coordinators)
    assert "You are the program's only active coordinator" in refused.value.fields["coordinators"][0]
    assert _state(program) == before


def test_weights_left_out_are_stored_at_the_defaults_they_are_scored_with(program, coordinator):
    program.weights = {"specialty": 5, "language": 0}
    _save(program, coordinator)
    stored = Program.objects.get(pk=program.pk)
    assert stored.weights == {**DEFAULT_WEIGHTS, "specialty": 5, "language": 0}
    assert program_weights(stored).active() == {**stored.weights, "institution": 0.0}


def test_a_new_program_is_created_with_its_creator_as_coordinator_and_nobody_enrolled(coordinator):
    created = _save(Program(name="Cardiology Pathways", open_to_all=False), coordinator)
    assert _state(created)[0::2] == ("Cardiology Pathways", ["cora@example.org"], [])
    assert _state(created)[3:] == ([], [])


def test_another_programs_coordinator_is_refused_and_nothing_changes(program):
    before = _state(program)
    program.name = "Taken over"
    with pytest.raises(NotProgramCoordinator):
        _save(program, CoordinatorFactory())
    assert _state(program) == before


def test_someone_who_is_not_staff_cannot_create_a_program(trainee):
    with pytest.raises(NotProgramCoordinator):
        _save(Program(name="Mine now"), trainee.user)
    assert not Program.objects.filter(name="Mine now").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weights": {"specialty": 1e308}}, "weights"),
        ({"weights": {"specialty": 1e-40}}, "weights"),
        ({"weights": {**{name: 0 for name in DEFAULT_WEIGHTS}, "shortlist": 5}}, "weights"),
        ({"weights": {"charisma": 2}}, "weights"),
        ({"request_reminder_days": 30, "request_expiry_days": 5}, "request_reminder_days"),
    ],
)
def test_settings_the_model_refuses_raise_with_the_field_named_and_nothing_changes(program, coordinator, change, field):
    before = _state(program)
    for name, value in change.items():
        setattr(program, name, value)
    with pytest.raises(ProgramInvalid) as refused:
        _save(program, coordinator)
    assert field in refused.value.fields
    assert _state(program) == before


def test_a_coordinator_taken_off_the_program_after_the_form_checked_is_refused_at_saving_and_the_page_says_so(
    login, coordinator, program, monkeypatch
):
    # The page opened and the form was valid; then another coordinator took Cora off the program before her save
    # reached the service: its own check refuses, the admin's transaction rolls back and she reads why.
    program.mentors.add(MentorProfileFactory(user__email="stays@uni.edu"))
    other = CoordinatorFactory(email="olu@uni.edu")
    program.coordinators.add(other)

    def taken_off_first(**kwargs):
        Program.objects.get(pk=program.pk).coordinators.remove(coordinator)
        return program_save(**kwargs)

    monkeypatch.setattr("matching.admin.programs.program_save", taken_off_first)
    url = reverse("admin:matching_program_change", args=[program.pk])
    data = program_admin_form(program, name="Renamed", coordinators=[coordinator.pk, other.pk])

    response = login(coordinator).post(url, data, follow=True)

    assert response.redirect_chain[0] == (url, 302)
    said = [str(m) for m in response.context["messages"]]
    assert said[0].startswith("Nothing was saved: Only coordinators of")
    assert _state(program)[0] == "Surgery Mentoring"  # the new name was not saved
    assert _state(program)[3:] == (["stays@uni.edu"], [])


def test_a_staff_account_handed_a_program_can_use_its_people_lists_at_once(program, coordinator, trainee, client):
    # Found in review: the Coordinators picker offers every staff account, and one outside the Coordinators group,
    # handed the program, could decide its matches but got 403 on its trainee and mentor lists.
    from django.contrib.auth.models import Group

    from profiles.models import COORDINATORS_GROUP

    program.trainees.add(trainee)
    olga = UserFactory(email="olga@uni.edu", full_name="Olga Owens", is_staff=True)
    assert not olga.is_coordinator()

    _save(program, coordinator, coordinators=[olga])

    assert Group.objects.get(name=COORDINATORS_GROUP).user_set.filter(pk=olga.pk).exists()
    client.force_login(olga, backend="profiles.backends.EmailBackend")
    listed = client.get(reverse("admin:profiles_traineeprofile_changelist"), {"programs__id__exact": program.pk})
    assert listed.status_code == 200
    assert "tara@example.org" in listed.content.decode()
    # Cora left the program but stays in the group: her lists now show only the programs she still runs (none).
    client.force_login(coordinator, backend="profiles.backends.EmailBackend")
    assert "tara@example.org" not in client.get(reverse("admin:profiles_traineeprofile_changelist")).content.decode()
