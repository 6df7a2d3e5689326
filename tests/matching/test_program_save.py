"""Saving a program (the admin's program page): its settings, coordinators and people, through `program_save`.

Tried: an unconfirmed address, a deactivated account, people enrolled before who became either since, another
program's coordinator, a trainee creating a program, weights the engine cannot score with, and an account that
changes between the form's check and the save. Every refusal leaves the program exactly as it was.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Program
from matching.services.programs import (
    NotReadyToEnrol,
    ProgramInvalid,
    program_people_refusal,
    program_save,
)
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

INVITE = (
    "Use *Enrol from a list* with “Invite people who cannot take part yet”: they are enrolled once they confirm their "
    "address."
)


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


def _save(program, by, *, coordinators=None, mentors=(), trainees=()):
    coordinators = list(program.coordinators.all()) if coordinators is None and program.pk else coordinators or []
    return program_save(program=program, by=by, coordinators=coordinators, mentors=mentors, trainees=trainees)


def test_it_saves_the_settings_and_exactly_the_people_given(program, coordinator, trainee, mentor):
    leaving = TraineeProfileFactory(user__email="leaving@uni.edu")
    program.trainees.add(leaving)
    program.name, program.weights = "Surgery Mentoring 2025", {**program.weights, "specialty": 5}

    _save(program, coordinator, mentors=[mentor], trainees=[trainee])

    name, weights, coordinators, mentors, trainees = _state(program)
    assert (name, weights["specialty"]) == ("Surgery Mentoring 2025", 5)
    assert (coordinators, mentors, trainees) == (["cora@example.org"], ["maya@example.org"], ["tara@example.org"])


def test_the_coordinator_who_saves_stays_one_but_a_superuser_is_not_added(program, coordinator):
    other = CoordinatorFactory(email="olu@uni.edu")
    _save(program, coordinator, coordinators=[other])
    assert _state(program)[2] == ["cora@example.org", "olu@uni.edu"]

    admin = UserFactory(email="root@uni.edu", is_staff=True, is_superuser=True)
    _save(program, admin, coordinators=[other])
    assert _state(program)[2] == ["olu@uni.edu"]


def test_a_new_program_is_created_with_its_creator_as_coordinator(coordinator, trainee):
    created = _save(Program(name="Cardiology Pathways", open_to_all=False), coordinator, trainees=[trainee])
    assert _state(created)[0::2] == ("Cardiology Pathways", ["cora@example.org"], ["tara@example.org"])


def test_an_unconfirmed_address_or_a_deactivated_account_is_refused_with_each_named_and_nothing_changes(
    program, coordinator, trainee
):
    unconfirmed = TraineeProfileFactory(
        user__full_name="Dean Maybe", user__email="dean@uni.edu", user__email_confirmed_at=None
    )
    gone = MentorProfileFactory(user__full_name="Dr Gone", user__email="gone@uni.edu", user__is_active=False)
    before = _state(program)
    program.name = "Renamed"

    with pytest.raises(NotReadyToEnrol) as refused:
        _save(program, coordinator, mentors=[gone], trainees=[trainee, unconfirmed])

    assert refused.value.fields == {
        "mentors": [f"Not enrolled — gone@uni.edu: Dr Gone's account is deactivated. {INVITE}"],
        "trainees": [
            "Not enrolled — dean@uni.edu: Dean Maybe has not confirmed this e-mail address yet (every page offers "
            f"them the link). {INVITE}"
        ],
    }
    assert refused.value.message.startswith("Not enrolled — gone@uni.edu: Dr Gone's account is deactivated; dean@")
    assert _state(program) == before  # the new name included: refused whole


def test_people_enrolled_already_stay_whatever_became_of_them(program, coordinator):
    unconfirmed = TraineeProfileFactory(user__email="dean@uni.edu", user__email_confirmed_at=None)
    gone = MentorProfileFactory(user__email="gone@uni.edu", user__is_active=False)
    program.trainees.add(unconfirmed)
    program.mentors.add(gone)

    assert program_people_refusal(program=program, mentors=[gone], trainees=[unconfirmed]) is None
    _save(program, coordinator, mentors=[gone], trainees=[unconfirmed])
    assert _state(program)[3:] == (["gone@uni.edu"], ["dean@uni.edu"])


def test_the_check_alone_says_why_and_saves_nothing(program, trainee):
    unconfirmed = TraineeProfileFactory(user__email="dean@uni.edu", user__email_confirmed_at=None)
    before = _state(program)

    refusal = program_people_refusal(program=program, mentors=[], trainees=[trainee, unconfirmed])

    assert refusal is not None
    assert list(refusal.fields) == ["trainees"]
    assert program_people_refusal(program=program, mentors=[], trainees=[trainee]) is None
    assert _state(program) == before


def test_another_programs_coordinator_is_refused_and_nothing_changes(program, trainee):
    before = _state(program)
    program.name = "Taken over"
    with pytest.raises(NotProgramCoordinator):
        _save(program, CoordinatorFactory(), trainees=[trainee])
    assert _state(program) == before


def test_someone_who_is_not_staff_cannot_create_a_program(trainee):
    with pytest.raises(NotProgramCoordinator):
        _save(Program(name="Mine now"), trainee.user)
    assert not Program.objects.filter(name="Mine now").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weights": {"specialty": 1e308}}, "weights"),
        ({"weights": {"charisma": 2}}, "weights"),
        ({"request_reminder_days": 30, "request_expiry_days": 5}, "request_reminder_days"),
    ],
)
def test_settings_the_model_refuses_raise_with_the_field_named_and_nothing_changes(
    program, coordinator, trainee, change, field
):
    before = _state(program)
    for name, value in change.items():
        setattr(program, name, value)
    with pytest.raises(ProgramInvalid) as refused:
        _save(program, coordinator, trainees=[trainee])
    assert field in refused.value.fields
    assert _state(program) == before


def test_an_account_deactivated_after_the_form_checked_it_is_refused_at_saving_and_the_page_says_so(
    login, coordinator, program, monkeypatch
):
    # The form's check passed (here: skipped), then the account changed before the save: the service's own check
    # refuses, the admin's transaction rolls back and the coordinator reads why.
    monkeypatch.setattr("matching.admin.programs.program_people_refusal", lambda **kwargs: None)
    gone = TraineeProfileFactory(user__email="gone@uni.edu", user__is_active=False)
    # Someone the coordinator may pick (the box offers only people of their programs): a request in another of them.
    from tests.factories import MatchFactory

    MatchFactory(program=ProgramFactory(coordinators=[coordinator]), trainee=gone, status="declined")
    before = _state(program)
    url = reverse("admin:matching_program_change", args=[program.pk])
    data = program_admin_form(program, name="Renamed", coordinators=[coordinator.pk], trainees=[gone.pk])

    response = login(coordinator).post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    said = [str(m) for m in response.context["messages"]]
    assert said == [f"Nothing was saved: Not enrolled — gone@uni.edu: {gone.user}'s account is deactivated. {INVITE}"]
    assert _state(program) == before
