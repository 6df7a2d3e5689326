"""The profiles API as each persona and as an anonymous caller."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from profiles.models import CareerStage, Goal, MeetingFormat, MentorProfile, TraineeProfile
from tests.factories import GoalFactory, approved_match, english, focus_area, language, specialty

pytestmark = pytest.mark.django_db
PERSONAS = ["trainee", "mentor", "coordinator", "outsider"]


def user_of(request: pytest.FixtureRequest, persona: str) -> Any:
    found = request.getfixturevalue(persona)
    return getattr(found, "user", found)


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    "url", ["/api/v1/specialties/", "/api/v1/career-stages/", "/api/v1/focus-areas/", "/api/v1/languages/"]
)
def test_anonymous_callers_get_401_everywhere(url: str) -> None:
    for path in (url, "/api/v1/me/", "/api/v1/goals/"):
        response = api().get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_person_reads_the_reference_data(request: pytest.FixtureRequest, persona: str) -> None:
    client = api(user_of(request, persona))
    specialties = client.get("/api/v1/specialties/").json()
    medicine = next(s for s in specialties if s["name"] == "Internal Medicine")
    assert "Cardiology" in [sub["name"] for sub in medicine["subspecialties"]]
    assert "Cardiology" not in [s["name"] for s in specialties]  # only under its parent
    stages = client.get("/api/v1/career-stages/").json()
    assert stages[0] == {"value": 0, "label": "Pre-clinical student"}
    assert [s["value"] for s in stages] == sorted(s["value"] for s in stages)
    assert len(client.get("/api/v1/focus-areas/").json()) == 12
    assert {"code": "es", "name": "Spanish"}.items() <= next(
        lang for lang in client.get("/api/v1/languages/").json() if lang["code"] == "es"
    ).items()


def test_me_shows_a_trainee_their_account_and_profile(trainee: Any) -> None:
    body = api(trainee.user).get("/api/v1/me/").json()
    assert body["email"] == "tara@example.org"
    assert body["mentor_profile"] is None
    assert body["trainee_profile"]["career_stage"] == CareerStage.CLINICAL_STUDENT
    assert body["trainee_profile"]["meeting_formats"] == ["video"]
    assert body["trainee_profile"]["languages"] == [english().pk]


def test_me_shows_a_coordinator_as_a_coordinator_without_profiles(coordinator: Any) -> None:
    body = api(coordinator).get("/api/v1/me/").json()
    assert body["is_coordinator"] is True
    assert (body["trainee_profile"], body["mentor_profile"]) == (None, None)


def test_a_mentor_patches_their_capacity_and_formats(mentor: Any) -> None:
    response = api(mentor.user).patch(
        "/api/v1/me/", {"mentor_profile": {"capacity": 4, "meeting_formats": ["phone", "video"]}}, format="json"
    )
    assert response.status_code == 200, response.json()
    mentor.refresh_from_db()
    assert mentor.capacity == 4
    assert mentor.meeting_formats == MeetingFormat.PHONE | MeetingFormat.VIDEO
    assert response.json()["mentor_profile"]["meeting_formats"] == ["video", "phone"]


def test_patching_only_a_new_specialty_takes_it_out_of_the_sub_specialties(mentor: Any, login: Any) -> None:
    # Tried: a cardiologist listing Internal Medicine among their sub-specialties PATCHed only the specialty to
    # Internal Medicine; "My profile" then read "Internal Medicine (Internal Medicine, Nephrology)".
    internal_medicine, nephrology = specialty("Internal Medicine"), specialty("Nephrology")
    mentor.subspecialties.set([internal_medicine, nephrology])
    response = api(mentor.user).patch(
        "/api/v1/me/", {"mentor_profile": {"specialty": internal_medicine.pk}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mentor_profile"]["subspecialties"] == [nephrology.pk]
    assert [s.name for s in MentorProfile.objects.get(pk=mentor.pk).subspecialties.all()] == ["Nephrology"]
    assert "Internal Medicine (Nephrology)" in login(mentor.user).get("/me/").content.decode()


def test_patching_only_a_specialty_not_among_the_sub_specialties_keeps_them(mentor: Any) -> None:
    nephrology = specialty("Nephrology")
    mentor.subspecialties.set([nephrology])
    response = api(mentor.user).patch(
        "/api/v1/me/", {"mentor_profile": {"specialty": specialty("Internal Medicine").pk}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mentor_profile"]["subspecialties"] == [nephrology.pk]


def test_a_trainee_creates_a_mentor_profile_through_patch(trainee: Any) -> None:
    payload = {
        "full_name": "Dr Tara Trainee",
        "mentor_profile": {
            "career_stage": CareerStage.RESIDENT,
            "specialty": specialty("Internal Medicine").pk,
            "time_zone": "America/Chicago",
            "meeting_formats": ["video"],
            "languages": [english().pk, language("hi").pk],
            "focus_areas": [focus_area(2).pk],
            "capacity": 2,
        },
    }
    response = api(trainee.user).patch("/api/v1/me/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert MentorProfile.objects.get(user=trainee.user).capacity == 2
    assert response.json()["full_name"] == "Dr Tara Trainee"
    assert TraineeProfile.objects.filter(user=trainee.user).exists()


def test_a_capacity_below_the_current_mentees_is_a_400_naming_the_field(mentor: Any) -> None:
    # Tried: PATCH capacity 1 for a mentor with 2 mentees was saved ("2 of 1 places taken").
    approved_match(mentor=mentor)
    approved_match(mentor=mentor)
    response = api(mentor.user).patch("/api/v1/me/", {"mentor_profile": {"capacity": 1}}, format="json")
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["mentor_profile"]["capacity"]
    assert message.startswith("There are 2 current mentees, so the capacity cannot be lower than 2.")
    mentor.refresh_from_db()
    assert mentor.capacity == 2


@pytest.mark.parametrize(
    ("section", "changes", "field"),
    [
        ("mentor_profile", {"capacity": 0}, "capacity"),
        ("mentor_profile", {"capacity": 50}, "capacity"),
        ("mentor_profile", {"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ("mentor_profile", {"languages": []}, "languages"),
        ("mentor_profile", {"meeting_formats": []}, "meeting_formats"),
        ("mentor_profile", {"meeting_formats": ["carrier-pigeon"]}, "meeting_formats"),
        ("mentor_profile", {"specialty": 999999}, "specialty"),
        ("trainee_profile", {"time_zone": "Nowhere/Land"}, "time_zone"),
    ],
)
def test_bad_patch_input_is_a_400_naming_the_field_and_nothing_is_saved(
    mentor: Any, section: str, changes: dict[str, Any], field: str
) -> None:
    # The name change rides along: it must be rolled back with the refused profile change.
    payload = {"full_name": "Renamed", section: changes}
    if section == "trainee_profile":
        payload[section] = {
            "career_stage": 3,
            "meeting_formats": ["video"],
            "languages": [english().pk],
            "focus_areas": [focus_area(0).pk],
            "specialty_interests": [specialty().pk],
            **changes,
        }
    response = api(mentor.user).patch("/api/v1/me/", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"][section]
    mentor.refresh_from_db()
    mentor.user.refresh_from_db()
    assert (mentor.capacity, mentor.time_zone, mentor.user.full_name) == (2, "America/New_York", "Dr Maya Patel")
    assert mentor.languages.count() == 1
    assert TraineeProfile.objects.count() == 0


def test_a_new_profile_without_its_required_fields_is_refused(coordinator: Any) -> None:
    response = api(coordinator).patch("/api/v1/me/", {"trainee_profile": {"institution": "X"}}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]["trainee_profile"]
    assert {"career_stage", "languages", "focus_areas", "specialty_interests"} <= set(fields)
    assert TraineeProfile.objects.count() == 0


# --- Goals ---------------------------------------------------------------------------------------------------


def test_a_trainee_creates_lists_updates_and_deletes_their_goal(trainee: Any) -> None:
    client = api(trainee.user)
    created = client.post(
        "/api/v1/goals/",
        {"title": "Shadow in the cath lab", "target_date": in_days(30), "focus_area": focus_area(2).pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    goal_id = created.json()["id"]
    assert [g["title"] for g in client.get("/api/v1/goals/").json()["results"]] == ["Shadow in the cath lab"]
    patched = client.patch(f"/api/v1/goals/{goal_id}/", {"progress": 60, "status": "in_progress"}, format="json")
    assert patched.status_code == 200
    assert Goal.objects.get(pk=goal_id).progress == 60
    assert client.delete(f"/api/v1/goals/{goal_id}/").status_code == 204
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "Past", "target_date": "2020-02-02"}, "target_date"),
        ({"title": "Too much", "progress": 101}, "progress"),
        ({"title": "Negative", "progress": -1}, "progress"),
        ({"title": ""}, "title"),
        ({"title": "Odd status", "status": "someday"}, "status"),
    ],
)
def test_a_bad_goal_is_a_400_naming_the_field_and_nothing_is_saved(
    trainee: Any, payload: dict[str, Any], field: str
) -> None:
    response = api(trainee.user).post("/api/v1/goals/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("persona", ["mentor", "coordinator"])
def test_someone_without_a_trainee_profile_cannot_add_a_goal(request: pytest.FixtureRequest, persona: str) -> None:
    response = api(user_of(request, persona)).post("/api/v1/goals/", {"title": "A goal"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_trainee_profile"
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "mentor", "coordinator"])
def test_someone_elses_goal_is_a_404_for_every_method(
    request: pytest.FixtureRequest, trainee: Any, persona: str
) -> None:
    goal = GoalFactory(trainee=trainee, title="Tara's goal", progress=20)
    client = api(user_of(request, persona))
    url = f"/api/v1/goals/{goal.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"progress": 99}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/goals/").json()["results"] == []
    goal.refresh_from_db()
    assert goal.progress == 20


def test_the_goal_list_shows_only_my_goals(trainee: Any, outsider: Any) -> None:
    GoalFactory(trainee=trainee, title="Mine")
    GoalFactory(trainee=outsider, title="Theirs")
    titles = [g["title"] for g in api(outsider.user).get("/api/v1/goals/").json()["results"]]
    assert titles == ["Theirs"]


LAST_WEEK = timezone.now() - timedelta(days=7)


def _last_changed_a_week_ago(model: Any, pk: int) -> None:
    model.objects.filter(pk=pk).update(updated_at=LAST_WEEK)  # update() leaves auto_now alone


@pytest.mark.parametrize("body", [{}, "same"], ids=["empty", "what GET returned"])
def test_a_goal_patch_that_changes_nothing_keeps_updated_at(trainee: Any, body: Any) -> None:
    # Before: PATCH {} answered a fresh updated_at, so a client syncing by updated_at saw a change that never
    # happened (and one comparing it before writing lost its own edit to a phantom).
    goal = GoalFactory(trainee=trainee, title="Publish a case report")
    _last_changed_a_week_ago(Goal, goal.pk)
    client = api(trainee.user)
    url = f"/api/v1/goals/{goal.pk}/"
    sent = client.get(url).json() if body == "same" else body

    response = client.patch(url, sent, format="json")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["updated_at"] == client.get(url).json()["updated_at"]
    goal.refresh_from_db()
    assert goal.updated_at == LAST_WEEK


def test_a_goal_patch_that_changes_something_moves_updated_at(trainee: Any) -> None:
    goal = GoalFactory(trainee=trainee, title="Publish a case report")
    _last_changed_a_week_ago(Goal, goal.pk)

    response = api(trainee.user).patch(f"/api/v1/goals/{goal.pk}/", {"title": "Publish two"}, format="json")

    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.updated_at > LAST_WEEK
    assert response.json()["title"] == "Publish two"


@pytest.mark.parametrize(
    "body",
    [{}, {"trainee_profile": {}}, {"mentor_profile": {}}, "same"],
    ids=["empty", "empty trainee section", "empty mentor section", "what GET returned"],
)
def test_a_me_patch_that_changes_nothing_keeps_both_profiles_updated_at(trainee: Any, body: Any) -> None:
    from tests.factories import MentorProfileFactory

    person = trainee.user
    MentorProfileFactory(user=person)
    _last_changed_a_week_ago(TraineeProfile, person.trainee_profile.pk)
    _last_changed_a_week_ago(MentorProfile, person.mentor_profile.pk)
    client = api(person)
    sent = client.get("/api/v1/me/").json() if body == "same" else body

    response = client.patch("/api/v1/me/", sent, format="json")

    assert response.status_code == 200, response.content[:300]
    assert TraineeProfile.objects.get(user=person).updated_at == LAST_WEEK
    assert MentorProfile.objects.get(user=person).updated_at == LAST_WEEK


def test_a_me_patch_that_changes_one_profile_moves_only_its_updated_at(trainee: Any) -> None:
    from tests.factories import MentorProfileFactory

    person = trainee.user
    MentorProfileFactory(user=person, capacity=2)
    _last_changed_a_week_ago(TraineeProfile, person.trainee_profile.pk)
    _last_changed_a_week_ago(MentorProfile, person.mentor_profile.pk)

    response = api(person).patch("/api/v1/me/", {"mentor_profile": {"capacity": 3}}, format="json")

    assert response.status_code == 200, response.content[:300]
    assert TraineeProfile.objects.get(user=person).updated_at == LAST_WEEK
    assert MentorProfile.objects.get(user=person).updated_at > LAST_WEEK


def test_a_goal_read_carries_an_etag_and_a_patch_with_a_stale_if_match_is_412_changing_nothing(trainee: Any) -> None:
    # Before: two clients that read the same goal and each sent back their copy with one change lost the first
    # change without a word; there was no ETag to detect it with.
    goal = GoalFactory(trainee=trainee, title="Publish a case report", progress=0)
    url = f"/api/v1/goals/{goal.pk}/"
    phone, laptop = api(trainee.user), api(trainee.user)
    read_on_phone = phone.get(url)
    read_on_laptop = laptop.get(url)
    assert read_on_phone["ETag"] == read_on_laptop["ETag"]

    first = laptop.patch(
        url, {"title": "Publish two case reports"}, format="json", HTTP_IF_MATCH=read_on_laptop["ETag"]
    )
    stale = phone.patch(url, {"description": "With Dr Patel"}, format="json", HTTP_IF_MATCH=read_on_phone["ETag"])

    assert first.status_code == 200, first.content[:300]
    assert first["ETag"] != read_on_laptop["ETag"]
    assert stale.status_code == 412, stale.content[:300]
    assert stale.json()["error"]["code"] == "changed_since_read"
    goal.refresh_from_db()
    assert (goal.title, goal.description) == ("Publish two case reports", "")
    again = phone.patch(url, {"description": "With Dr Patel"}, format="json", HTTP_IF_MATCH=phone.get(url)["ETag"])
    assert again.status_code == 200, again.content[:300]
    assert phone.patch(url, {"progress": 0}, format="json").status_code == 200  # no If-Match: no check, as before


def test_a_goal_delete_with_a_stale_if_match_is_412_and_deletes_nothing(trainee: Any) -> None:
    goal = GoalFactory(trainee=trainee)
    url = f"/api/v1/goals/{goal.pk}/"
    client = api(trainee.user)
    etag = client.get(url)["ETag"]
    client.patch(url, {"title": "Changed meanwhile"}, format="json")

    refused = client.delete(url, HTTP_IF_MATCH=etag)

    assert refused.status_code == 412
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert client.delete(url, HTTP_IF_MATCH=client.get(url)["ETag"]).status_code == 204


def test_me_carries_an_etag_and_a_patch_with_a_stale_if_match_is_412_changing_nothing(trainee: Any) -> None:
    client = api(trainee.user)
    etag = client.get("/api/v1/me/")["ETag"]
    changed = client.patch(
        "/api/v1/me/", {"trainee_profile": {"statement": "Cardiology, then research."}}, format="json"
    )
    assert changed["ETag"] != etag

    stale = client.patch("/api/v1/me/", {"full_name": "Tara T."}, format="json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412, stale.content[:300]
    assert stale.json()["error"]["code"] == "changed_since_read"
    trainee.user.refresh_from_db()
    assert trainee.user.full_name != "Tara T."
    renamed = client.patch("/api/v1/me/", {"full_name": "Tara T."}, format="json", HTTP_IF_MATCH=changed["ETag"])
    assert renamed.status_code == 200, renamed.content[:300]
    assert renamed["ETag"] not in (etag, changed["ETag"])
