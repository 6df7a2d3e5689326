"""The coordination API as each persona: trainee, mentor, coordinator of the program, of another, anonymous."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching.models import Match, MatchingRound
from tests.factories import CoordinatorFactory, MatchFactory, MatchingRoundFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


@pytest.fixture
def proposal(program, mentor, trainee):
    return MatchFactory(program=program, mentor=mentor, trainee=trainee)


@pytest.fixture
def api():
    def _as(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _as


def test_anonymous_callers_get_401(api, proposal):
    client = api()
    assert client.get("/api/v1/matches/").status_code == 401
    assert client.post(f"/api/v1/matches/{proposal.pk}/approve/").status_code == 401
    assert client.post(f"/api/v1/programs/{proposal.program_id}/rounds/").status_code == 401


def test_each_person_lists_their_own_matches(api, proposal, trainee, mentor, coordinator, outsider):
    other = MatchFactory()
    ids = lambda user: [m["id"] for m in api(user).get("/api/v1/matches/").json()["results"]]  # noqa: E731
    assert ids(trainee.user) == [proposal.pk]
    assert ids(mentor.user) == [proposal.pk]
    assert ids(coordinator) == [proposal.pk]
    assert ids(outsider.user) == []
    assert other.pk not in ids(CoordinatorFactory())


def test_the_list_filters_by_status_and_program(api, coordinator, program):
    approved = MatchFactory(program=program, status=Match.Status.APPROVED)
    MatchFactory(program=program)
    body = api(coordinator).get("/api/v1/matches/", {"status": "approved", "program": program.pk}).json()
    assert [m["id"] for m in body["results"]] == [approved.pk]
    assert body["results"][0]["mentor"]["name"]
    bad = api(coordinator).get("/api/v1/matches/", {"status": "maybe"})
    assert bad.status_code == 400


def test_a_coordinator_approves_and_a_second_approval_gets_409_already_decided(api, coordinator, proposal):
    first = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert first.status_code == 200
    assert first.json()["status"] == "approved"
    again = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_decided"


def test_a_full_mentor_gives_409_mentor_at_capacity(api, coordinator, program, mentor):
    for _ in range(mentor.capacity):
        MatchFactory(program=program, mentor=mentor, status=Match.Status.APPROVED)
    proposal = MatchFactory(program=program, mentor=mentor)
    response = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "mentor_at_capacity",
        "message": "Dr Maya Patel is at capacity 2/2.",
        "fields": {},
    }


def test_a_mentor_who_stopped_accepting_gives_409_mentor_not_accepting(api, coordinator, program, mentor):
    from matching.services.requests import mentor_set_accepting

    proposal = MatchFactory(program=program, mentor=mentor)
    mentor_set_accepting(mentor=mentor, accepting=False)
    response = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mentor_not_accepting"
    assert response.json()["error"]["message"].startswith("Dr Maya Patel is not accepting new mentees")
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


@pytest.mark.parametrize("persona", ["trainee", "mentor"])
def test_the_trainee_and_mentor_of_a_match_cannot_decide_it(api, proposal, persona, request):
    user = request.getfixturevalue(persona).user
    response = api(user).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_program_coordinator"
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


def test_a_coordinator_of_another_program_or_an_outsider_gets_404(api, proposal, outsider):
    for user in (CoordinatorFactory(), outsider.user):
        assert api(user).post(f"/api/v1/matches/{proposal.pk}/approve/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED


def test_declining_needs_a_reason(api, coordinator, proposal):
    missing = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/decline/", {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]
    proposal.refresh_from_db()
    assert proposal.status == Match.Status.PROPOSED
    done = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/decline/", {"reason": "Not a fit"}, format="json")
    assert done.status_code == 200
    assert done.json()["decision_reason"] == "Not a fit"


def test_ending_an_approved_match_and_refusing_to_end_a_proposal(api, coordinator, program, proposal):
    active = MatchFactory(program=program, status=Match.Status.APPROVED)
    assert api(coordinator).post(f"/api/v1/matches/{active.pk}/end/", {"reason": "Done"}, format="json").json()[
        "status"
    ] == ("ended")
    refused = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/end/", {"reason": "Done"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "match_not_active"


def test_declining_an_approved_match_is_409_already_approved_saying_to_end_it_instead(api, coordinator, program):
    # Before: 409 `already_decided`, "The match of … was already approved by … on …", the same answer as for a
    # match declined a moment ago: nothing told the coordinator that ending it is what they can do instead.
    active = MatchFactory(program=program, status=Match.Status.APPROVED, decided_by=coordinator)

    refused = api(coordinator).post(f"/api/v1/matches/{active.pk}/decline/", {"reason": "Not a fit"}, format="json")

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "already_approved"
    assert error["message"].startswith(f"The match of {active.trainee} with {active.mentor} was already approved by ")
    assert error["message"].endswith(
        "An approved match cannot be declined: end it instead (with a reason), which frees the mentor's place."
    )
    active.refresh_from_db()
    assert (active.status, active.decision_reason) == (Match.Status.APPROVED, "")


def test_ending_a_match_still_waiting_for_a_decision_says_to_decline_it_instead(api, coordinator, proposal):
    refused = api(coordinator).post(f"/api/v1/matches/{proposal.pk}/end/", {"reason": "Done"}, format="json")

    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "match_not_active",
        "message": "Only an approved match can be ended; this one is proposed: decline it instead.",
        "fields": {},
    }


def test_declining_a_match_approved_after_the_reason_page_was_shown_gives_the_apis_answer(
    api, login, coordinator, program
):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    match = MatchFactory(program=program)
    client = login(coordinator)
    page = client.post("/admin/matching/match/", {"action": "decline_selected", ACTION_CHECKBOX_NAME: [match.pk]})
    Match.objects.filter(pk=match.pk).update(status=Match.Status.APPROVED, decided_by=coordinator)
    said_by_api = (
        api(coordinator)
        .post(f"/api/v1/matches/{match.pk}/decline/", {"reason": "x"}, format="json")
        .json()["error"]["message"]
    )

    response = client.post(
        "/admin/matching/match/",
        {
            "action": "decline_selected",
            ACTION_CHECKBOX_NAME: [match.pk],
            "counted": ",".join(str(pk) for pk in page.context["counted_ids"]),
            "apply": "1",
            "reason": "Not a fit",
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [f"{match.trainee} ↔ {match.mentor}: {said_by_api}"]
    match.refresh_from_db()
    assert match.status == Match.Status.APPROVED


def test_a_coordinator_lists_the_rounds_of_their_programs_newest_first_and_by_program(api, coordinator, program):
    # Before: there was no list of rounds at all; a client that lost a round's id (or wanted last week's) could not
    # find it, and the other lists' `?program=` had nothing to match.
    from datetime import timedelta

    from django.utils import timezone

    second_program = ProgramFactory(name="Second", coordinators=[coordinator])
    old = MatchingRoundFactory(program=program, status="done", created_at=timezone.now() - timedelta(days=7))
    new = MatchingRoundFactory(program=program, status="failed")
    theirs = MatchingRoundFactory(program=second_program, status="done")
    MatchingRoundFactory()  # another program's, coordinated by someone else
    client = api(coordinator)

    everything = client.get("/api/v1/rounds/").json()
    of_program = client.get("/api/v1/rounds/", {"program": program.pk}).json()
    done = client.get("/api/v1/rounds/", {"program": program.pk, "status": "done"}).json()
    oldest_first = client.get("/api/v1/rounds/", {"program": program.pk, "ordering": "created_at"}).json()

    assert [r["id"] for r in everything["results"]] == [theirs.pk, new.pk, old.pk]
    assert [r["id"] for r in of_program["results"]] == [new.pk, old.pk]
    assert [r["id"] for r in done["results"]] == [old.pk]
    assert [r["id"] for r in oldest_first["results"]] == [old.pk, new.pk]
    assert everything["results"][0] == client.get(f"/api/v1/rounds/{theirs.pk}/").json()


def test_a_page_of_rounds_costs_the_same_queries_for_two_rounds_or_twenty(api, coordinator, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(coordinator)
    for _ in range(2):
        MatchFactory(program=program, round=MatchingRoundFactory(program=program, status="done"))
    with CaptureQueriesContext(connection) as two:
        assert client.get("/api/v1/rounds/").json()["results"][0]["proposals"] == 1
    for _ in range(18):
        MatchFactory(program=program, round=MatchingRoundFactory(program=program, status="done"))
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get("/api/v1/rounds/").json()["results"]) == 20

    assert len(twenty) == len(two)


@pytest.mark.parametrize("value", ["abc", "1.5", "0", str(2**64)])
def test_a_malformed_program_filter_on_rounds_is_a_400_naming_it(api, coordinator, program, value):
    response = api(coordinator).get("/api/v1/rounds/", {"program": value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["program"]


def test_rounds_of_a_program_one_does_not_coordinate_are_never_listed(api, program, trainee, mentor, outsider):
    MatchingRoundFactory(program=program)
    for person in (trainee.user, mentor.user, outsider.user, CoordinatorFactory()):
        listed = api(person).get("/api/v1/rounds/", {"program": program.pk})
        assert listed.status_code == 200
        assert listed.json()["count"] == 0
    assert api().get("/api/v1/rounds/").status_code == 401


def test_a_coordinator_starts_a_round_and_reads_its_progress(api, coordinator, program, monkeypatch):
    from tests.factories import MentorProfileFactory, TraineeProfileFactory

    MentorProfileFactory(capacity=2)
    TraineeProfileFactory()
    monkeypatch.setattr("matching.tasks.run_round.delay", lambda pk: None)
    started = api(coordinator).post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "stable"}, format="json")
    assert started.status_code == 202
    body = started.json()
    assert (body["status"], body["algorithm"]) == ("queued", "stable")
    progress = api(coordinator).get(f"/api/v1/rounds/{body['id']}/")
    assert progress.status_code == 200
    assert progress.json()["progress"] == 0


def test_only_coordinators_of_the_program_start_or_read_rounds(api, program, trainee, mentor):
    other = CoordinatorFactory()
    for user in (trainee.user, mentor.user, other):
        response = api(user).post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "optimal"}, format="json")
        # 404 like an unknown program, as reading its rounds: a 403 would name a program they cannot see.
        assert response.status_code == 404
    assert not MatchingRound.objects.exists()
    matching_round = MatchingRoundFactory(program=program)
    for user in (trainee.user, other):
        assert api(user).get(f"/api/v1/rounds/{matching_round.pk}/").status_code == 404


def test_starting_a_round_for_an_unknown_program_or_algorithm_is_refused(api, coordinator, program):
    assert api(coordinator).post("/api/v1/programs/999999/rounds/", {}, format="json").status_code == 404
    bad = api(coordinator).post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "magic"}, format="json")
    assert bad.status_code == 400
    assert not MatchingRound.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1.3209137867059521e+227", "1.5", "9" * 30, "abc"])
def test_a_malformed_program_filter_is_a_400_naming_the_field(coordinator, value) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(coordinator)
    response = client.get("/api/v1/matches/", {"program": value})
    assert response.status_code == 400
    assert "program" in response.json()["error"]["fields"]


@pytest.mark.parametrize("side", ["mentor", "trainee"])
def test_a_coordinator_who_is_a_party_to_the_match_gets_403_conflict_of_interest(api, coordinator, program, side):
    from tests.factories import MentorProfileFactory, TraineeProfileFactory

    party = MentorProfileFactory(user=coordinator) if side == "mentor" else TraineeProfileFactory(user=coordinator)
    proposal = MatchFactory(program=program, **{side: party})
    approved = MatchFactory(program=program, status=Match.Status.APPROVED, **{side: party})
    client = api(coordinator)

    for url, match in (("approve", proposal), ("decline", proposal), ("end", approved)):
        response = client.post(f"/api/v1/matches/{match.pk}/{url}/", {"reason": "Mine"}, format="json")
        assert response.status_code == 403, url
        error = response.json()["error"]
        assert error["code"] == "conflict_of_interest"
        assert error["message"] == (
            f"You are the {side} in this match: another coordinator of Demo Program must decide it "
            "(conflict of interest)."
        )
    assert Match.objects.get(pk=proposal.pk).status == Match.Status.PROPOSED
    assert Match.objects.get(pk=approved.pk).status == Match.Status.APPROVED


def test_no_round_starts_for_an_inactive_program(api, coordinator, program, monkeypatch):
    # Found in review: the admin's start form offered only active programs, but the API queued a round for any.
    monkeypatch.setattr("matching.tasks.run_round.delay", lambda round_id: None)
    program.is_active = False
    program.save()
    response = api(coordinator).post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "optimal"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "program_inactive",
        "message": "Demo Program is not active, so no round can run for it.",
        "fields": {},
    }
    assert not MatchingRound.objects.exists()


def test_a_mentor_reads_a_round_proposals_score_but_not_the_trainees_reasons_until_it_is_approved(
    api, coordinator, program, mentor, trainee
):
    # Found in review: GET /api/v1/matches/ gave the mentor of a round's proposal its whole breakdown, written from
    # the trainee's side (their specialty, what they seek, that they did not star this mentor), while the web page
    # shows such a trainee's name and fit only until a coordinator approves the match.
    reasons = {"components": [{"key": "specialty", "reason": "Same specialty (Cardiology)"}], "summary": "…"}
    proposal = MatchFactory(
        program=program, mentor=mentor, trainee=trainee, origin="round", score=81.5, score_breakdown=reasons
    )
    asked = MatchFactory(program=program, mentor=mentor, origin="request", status="requested", score_breakdown=reasons)

    def breakdowns(user):
        rows = api(user).get("/api/v1/matches/").json()["results"]
        return {row["id"]: (row["score"], row["score_breakdown"]) for row in rows}

    assert breakdowns(mentor.user) == {proposal.pk: (81.5, {}), asked.pk: (asked.score, reasons)}
    assert breakdowns(trainee.user)[proposal.pk] == (81.5, reasons)  # their own reasons
    assert breakdowns(coordinator)[proposal.pk] == (81.5, reasons)

    api(coordinator).post(f"/api/v1/matches/{proposal.pk}/approve/")
    assert breakdowns(mentor.user)[proposal.pk] == (81.5, reasons)  # shared once approved, as on the web


def test_a_coordinator_reads_and_clears_an_at_risk_flag_which_the_pair_never_reads(
    api, program, mentor, trainee, coordinator
):
    # The flag's reason can rest on one side's feedback ("not a good fit"), which the other side does not read:
    # the API gives it to the program's coordinators only. Tried: clearing without a note, as the trainee, with an
    # unknown field, and a second time once cleared; each changes nothing.
    from django.utils import timezone

    match = MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.APPROVED)
    Match.objects.filter(pk=match.pk).update(at_risk_since=timezone.now(), at_risk_reason="Not a good fit (feedback).")
    url = f"/api/v1/matches/{match.pk}/clear-at-risk/"

    def flag(user):
        [row] = [m for m in api(user).get("/api/v1/matches/").json()["results"] if m["id"] == match.pk]
        return row["at_risk_reason"], row["at_risk_since"] is not None

    assert flag(coordinator) == ("Not a good fit (feedback).", True)
    assert flag(trainee.user) == flag(mentor.user) == ("", False)

    assert api(coordinator).post(url, {"note": "  "}, format="json").status_code == 400
    assert api(coordinator).post(url, {"note": "ok", "why": "x"}, format="json").status_code == 400
    assert api(trainee.user).post(url, {"note": "All fine"}, format="json").status_code == 403
    assert flag(coordinator) == ("Not a good fit (feedback).", True)

    cleared = api(coordinator).post(url, {"note": "Talked to both: a good fit after all."}, format="json")
    assert cleared.status_code == 200, cleared.content
    assert (cleared.json()["at_risk_since"], cleared.json()["at_risk_reason"]) == (None, "")
    assert match.transitions.filter(reason__contains="a good fit after all", by=coordinator).exists()
    again = api(coordinator).post(url, {"note": "Again"}, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "not_at_risk")
