"""The admin's people pages (users, trainee and mentor profiles, goals) show a coordinator the people of their own
programs only: enrolled in one, or with a match in one (a request, a round's proposal, whatever became of it).

Tried (a reviewer's probe): Cora, who coordinates Cardiology Mentoring, listed, searched, opened and renamed Oscar,
a trainee of another coordinator's program, and read his statement and goals; the program form took his id and
named him back. A program open to all does not make everyone take part: Nina, in no program and no match, stays
unseen by the coordinator of an open one. Each page is tried as Cora, as the other program's coordinator, as a
superuser, and as people who are not staff.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from matching.models import Match
from profiles.models import Goal, MentorProfile, TraineeProfile
from tests.factories import (
    CoordinatorFactory,
    GoalFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    UserFactory,
    english,
    focus_area,
    program_admin_form,
)

pytestmark = pytest.mark.django_db

SECRET = "I am on medical leave and have told no one at school"


@pytest.fixture
def people(coordinator: Any, trainee: Any, mentor: Any, outsider: Any) -> dict[str, Any]:
    """Cora coordinates Cardiology Mentoring (Tara and Dr Maya Patel enrolled) and Open Door (open to all: Rita asked
    Dr Mo in it, and was declined). Sam coordinates Surgery, where Oscar and Dr Olga Elsewhere are enrolled. Nina
    takes part in nothing."""
    cardiology = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator], open_to_all=False)
    cardiology.trainees.add(trainee)
    cardiology.mentors.add(mentor)
    open_door = ProgramFactory(name="Open Door", coordinators=[coordinator], open_to_all=True)
    rita = TraineeProfileFactory(user__full_name="Rita Requester", user__email="rita@example.org")
    mo = MentorProfileFactory(user__full_name="Dr Mo Match", user__email="mo@example.org")
    MatchFactory(program=open_door, trainee=rita, mentor=mo, status=Match.Status.DECLINED, origin="request")
    sam = CoordinatorFactory(full_name="Sam Surgeon", email="sam@example.org")
    surgery = ProgramFactory(name="Surgery", coordinators=[sam], open_to_all=False)
    TraineeProfile.objects.filter(pk=outsider.pk).update(statement=SECRET)
    surgery.trainees.add(outsider)
    surgery.mentors.add(MentorProfileFactory(user__full_name="Dr Olga Elsewhere", user__email="olga@example.org"))
    nina = TraineeProfileFactory(user__full_name="Nina Nobody", user__email="nina@example.org")
    return {
        "cardiology": cardiology,
        "rita": rita,
        "mo": mo,
        "sam": sam,
        "oscar": outsider,
        "oscars_goal": GoalFactory(trainee=outsider, title="Return to the wards by spring"),
        "taras_goal": GoalFactory(trainee=trainee, title="Present a poster"),
        "nina": nina,
    }


def _listed(client: Any, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {str(row) for row in response.context["cl"].result_list}


def test_a_coordinator_lists_the_people_of_their_programs_and_no_one_else(
    login: Any, coordinator: Any, people: dict[str, Any]
) -> None:
    client = login(coordinator)

    users = client.get("/admin/profiles/user/").context["cl"].result_list
    assert {u.email for u in users} == {"tara@example.org", "maya@example.org", "rita@example.org", "mo@example.org"}
    assert _listed(client, "/admin/profiles/traineeprofile/") == {"Tara Trainee", "Rita Requester"}
    assert _listed(client, "/admin/profiles/mentorprofile/") == {"Dr Maya Patel", "Dr Mo Match"}
    assert _listed(client, "/admin/profiles/goal/") == {str(people["taras_goal"])}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/profiles/user/?q=oscar",
        "/admin/profiles/user/?q=nina",
        "/admin/profiles/user/?role=trainee&q=o",
        "/admin/profiles/user/?email_confirmed=yes&q=oscar",
        "/admin/profiles/traineeprofile/?q=oscar",
        "/admin/profiles/traineeprofile/?q=City+Medical",  # Tara's school, and Oscar's
        "/admin/profiles/mentorprofile/?q=olga",
        "/admin/profiles/goal/?q=wards",
        "/admin/profiles/goal/?q=oscar",
    ],
)
def test_no_search_or_filter_finds_anyone_else(login: Any, coordinator: Any, people: dict[str, Any], url: str) -> None:
    response = login(coordinator).get(url)
    assert response.status_code == 200
    names = " ".join(str(row) for row in response.context["cl"].result_list)
    assert "Oscar" not in names
    assert "oscar@" not in names
    assert "Nina" not in names
    assert "Olga" not in names
    assert "wards" not in names


@pytest.mark.parametrize(
    ("model_name", "field_name"), [("program", "trainees"), ("program", "mentors"), ("mentorprofile", "assesses")]
)
def test_picking_people_by_typing_finds_no_one_else(
    login: Any, coordinator: Any, people: dict[str, Any], model_name: str, field_name: str
) -> None:
    app_label = "matching" if model_name == "program" else "profiles"
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    client = login(coordinator)

    found = [r["text"] for r in client.get("/admin/autocomplete/", {**query, "term": ""}).json()["results"]]

    assert found
    assert not {"Oscar Outsider", "Nina Nobody", "Dr Olga Elsewhere"} & set(found)


def _redirected_away(response: Any) -> bool:
    """The admin's answer to an object it cannot find among yours: back to its index, saying it does not exist."""
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_anyone_elses_pages_are_the_admins_object_that_does_not_exist(
    login: Any, coordinator: Any, people: dict[str, Any]
) -> None:
    oscar = people["oscar"]
    client = login(coordinator)
    for url in (
        f"/admin/profiles/user/{oscar.user.pk}/change/",
        f"/admin/profiles/user/{oscar.user.pk}/history/",
        f"/admin/profiles/user/{people['nina'].user.pk}/change/",
        f"/admin/profiles/traineeprofile/{oscar.pk}/change/",
        f"/admin/profiles/goal/{people['oscars_goal'].pk}/change/",
    ):
        response = client.get(url)
        assert _redirected_away(response), url
        assert SECRET not in response.content.decode()
    assert client.get(f"/admin/profiles/traineeprofile/{people['rita'].pk}/change/").status_code == 200
    assert client.get(f"/admin/profiles/mentorprofile/{people['mo'].pk}/change/").status_code == 200


def test_anyone_elses_account_and_goals_cannot_be_changed(login: Any, coordinator: Any, people: dict[str, Any]) -> None:
    oscar, goal = people["oscar"], people["oscars_goal"]
    client = login(coordinator)

    renamed = client.post(
        f"/admin/profiles/user/{oscar.user.pk}/change/",
        {"email": oscar.user.email, "full_name": "Oscar Renamed", "is_active": ""},
    )
    retitled = client.post(
        f"/admin/profiles/goal/{goal.pk}/change/",
        {"title": "Changed", "status": goal.status, "progress": str(goal.progress)},
    )

    assert _redirected_away(renamed)
    assert _redirected_away(retitled)
    oscar.user.refresh_from_db()
    assert (oscar.user.full_name, oscar.user.is_active) == ("Oscar Outsider", True)
    assert Goal.objects.get(pk=goal.pk).title == "Return to the wards by spring"


def test_an_id_typed_into_the_program_form_enrols_and_names_no_one_else(
    login: Any, coordinator: Any, trainee: Any, people: dict[str, Any]
) -> None:
    program, oscar = people["cardiology"], people["oscar"]
    url = reverse("admin:matching_program_change", args=[program.pk])

    # The page has no people boxes: ids posted as if it had enrol nobody, Oscar or Rita (people are added by e-mail
    # address, Enrol from a list), and the page that comes back names neither.
    for typed in (oscar, people["rita"]):
        response = login(coordinator).post(url, program_admin_form(program, trainees=[trainee.pk, typed.pk]))
        assert response.status_code == 302
        assert set(program.trainees.all()) == {trainee}
    page = login(coordinator).get(url).content.decode()
    assert "Oscar" not in page
    assert "Rita" not in page


def _mentor_form(mentor: MentorProfile, assesses: list[int]) -> dict[str, Any]:
    return {
        "institution": mentor.institution,
        "career_stage": str(mentor.career_stage),
        "languages": [str(english().pk)],
        "time_zone": mentor.time_zone,
        "meeting_formats": str(mentor.meeting_formats),
        "specialty": str(mentor.specialty_id),
        "subspecialties": [],
        "focus_areas": [str(focus_area(0).pk)],
        "capacity": str(mentor.capacity),
        "accepting_mentees": "on",
        "bio": mentor.bio,
        "assesses": [str(pk) for pk in assesses],
    }


def test_a_mentors_page_names_no_one_else_they_assess_and_keeps_them_when_saved(
    login: Any, coordinator: Any, mentor: Any, trainee: Any, people: dict[str, Any]
) -> None:
    oscar = people["oscar"]
    mentor.assesses.add(oscar)  # set by someone who sees him: Dr Patel also teaches in Surgery
    client = login(coordinator)
    url = f"/admin/profiles/mentorprofile/{mentor.pk}/change/"

    assert "Oscar" not in client.get(url).content.decode()
    typed = client.post(url, _mentor_form(mentor, [oscar.pk, trainee.pk]))
    assert typed.status_code == 200
    assert "Oscar" not in typed.content.decode()

    saved = client.post(url, _mentor_form(mentor, [trainee.pk]))

    assert saved.status_code == 302
    assert set(mentor.assesses.all()) == {trainee, oscar}


def test_enrolling_someone_new_by_e_mail_still_works_and_then_shows_them(
    login: Any, coordinator: Any, people: dict[str, Any]
) -> None:
    client = login(coordinator)
    enrol = reverse("admin:matching_program_enrol", args=[people["cardiology"].pk])

    response = client.post(enrol, {"pasted": "nina@example.org, trainee", "default_role": ""}, follow=True)

    assert response.status_code == 200
    assert people["nina"] in people["cardiology"].trainees.all()
    assert "Nina Nobody" in _listed(client, "/admin/profiles/traineeprofile/")


def test_the_other_programs_coordinator_sees_their_people_and_not_coras(login: Any, people: dict[str, Any]) -> None:
    client = login(people["sam"])
    assert _listed(client, "/admin/profiles/traineeprofile/") == {"Oscar Outsider"}
    assert _listed(client, "/admin/profiles/mentorprofile/") == {"Dr Olga Elsewhere"}
    assert client.get(f"/admin/profiles/traineeprofile/{people['oscar'].pk}/change/").status_code == 200
    assert SECRET in client.get(f"/admin/profiles/traineeprofile/{people['oscar'].pk}/change/").content.decode()


def test_a_coordinator_of_no_program_sees_no_one(login: Any, people: dict[str, Any]) -> None:
    client = login(CoordinatorFactory())
    assert _listed(client, "/admin/profiles/user/") == set()
    assert _listed(client, "/admin/profiles/traineeprofile/") == set()
    assert _listed(client, "/admin/profiles/goal/") == set()


def test_a_superuser_sees_everyone(login: Any, people: dict[str, Any]) -> None:
    client = login(UserFactory(is_staff=True, is_superuser=True))
    trainees = _listed(client, "/admin/profiles/traineeprofile/")
    assert {"Tara Trainee", "Rita Requester", "Oscar Outsider", "Nina Nobody"} <= trainees
    assert client.get(f"/admin/profiles/user/{people['nina'].user.pk}/change/").status_code == 200


@pytest.mark.parametrize("persona", ["trainee", "mentor", "outsider"])
def test_people_who_are_not_staff_are_sent_to_the_admins_log_in(
    request: pytest.FixtureRequest, login: Any, persona: str, people: dict[str, Any]
) -> None:
    client = login(request.getfixturevalue(persona).user)
    for url in ("/admin/profiles/user/", f"/admin/profiles/traineeprofile/{people['oscar'].pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
