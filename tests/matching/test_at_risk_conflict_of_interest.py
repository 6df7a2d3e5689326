"""A coordinator who is a match's mentor or trainee never reads its at-risk flag, as they never decide it.

Tried (a reviewer's probe): Cora coordinates Cardiology Mentoring and mentors Tom in it; Tom answered "not a good fit".
`Match.at_risk_visible_to` gave the flag to every coordinator of the program, so Cora read "The trainee said it is not
a good fit after the first meeting." on the health page, on the match's admin page, in the API's `at_risk_reason`
and in the matches CSV. Here each place is tried as Cora (as the mentor, then as the trainee of the match), as Carl
(the program's other coordinator, who looks into it), as the match's other person and as an outsider.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Match
from matching.selectors_coordination import program_queues
from matching.services.decisions import match_clear_at_risk
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db

REASON = "The trainee said it is not a good fit after the first meeting."


@pytest.fixture
def carl() -> Any:
    return CoordinatorFactory(full_name="Carl Colleague", email="carl@example.org")


@pytest.fixture(params=["mentor", "trainee"])
def own_flagged(request: pytest.FixtureRequest, coordinator: Any, carl: Any) -> Match:
    """Cora and Carl coordinate Cardiology Mentoring; Cora is the mentor (or the trainee) of a flagged match in it."""
    program = ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator, carl])
    side = {
        request.param: (MentorProfileFactory if request.param == "mentor" else TraineeProfileFactory)(user=coordinator)
    }
    match: Match = MatchFactory(program=program, status=Match.Status.APPROVED, **side)
    Match.objects.filter(pk=match.pk).update(at_risk_since=timezone.now(), at_risk_reason=REASON)
    match.refresh_from_db()
    return match


def _other_person(match: Match, coordinator: Any) -> Any:
    return match.trainee.user if match.mentor.user_id == coordinator.pk else match.mentor.user


def test_the_health_page_lists_the_flag_for_the_other_coordinator_only(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    url = reverse("admin:matching_program_health", args=[own_flagged.program_id])

    cora = login(coordinator).get(url).content.decode()
    carls = login(carl).get(url).content.decode()

    assert REASON not in cora
    assert "At-risk matches (0)" in cora
    assert REASON in carls
    assert "At-risk matches (1)" in carls


def test_the_admin_front_page_and_the_home_page_count_it_for_the_other_coordinator_only(
    coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    assert program_queues(user=coordinator).get().at_risk == 0
    assert program_queues(user=carl).get().at_risk == 1


def test_the_matchs_admin_page_shows_the_flag_to_the_other_coordinator_only(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    url = reverse("admin:matching_match_change", args=[own_flagged.pk])

    cora = login(coordinator).get(url).content.decode()
    carls = login(carl).get(url).content.decode()

    assert REASON not in cora
    assert "At risk since" not in cora
    assert "Follow-up" not in cora
    assert "You are the" in cora  # the page still says why Cora decides nothing here
    assert REASON in carls
    assert "Clear the at-risk flag…" in carls


def test_a_cleared_flags_history_entry_is_not_shown_to_the_coordinator_of_their_own_match(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    match_clear_at_risk(match=own_flagged, by=carl, note="Talked to both")
    url = reverse("admin:matching_match_change", args=[own_flagged.pk])

    assert REASON not in login(coordinator).get(url).content.decode()
    assert "Talked to both" not in login(coordinator).get(url).content.decode()
    assert REASON in login(carl).get(url).content.decode()


def test_clearing_from_the_list_says_the_same_of_ones_own_match_flagged_or_not(
    login: Any, coordinator: Any, own_flagged: Match
) -> None:
    # The page counted the flagged of the selection: for Cora's own match it said "Clear the at-risk flag of this
    # match" when flagged and "… is not flagged at risk" when not, telling her the flag. Now it reads the same.
    client = login(coordinator)
    url = reverse("admin:matching_match_changelist")
    data = {"action": "clear_at_risk_selected", ACTION_CHECKBOX_NAME: [own_flagged.pk], "index": 0}

    flagged = client.post(url, data).content.decode()
    Match.objects.filter(pk=own_flagged.pk).update(at_risk_since=None, at_risk_reason="")
    calm = client.post(url, data).content.decode()

    said = "The selected match is not flagged at risk (any more), or is your own (another coordinator looks into it)"
    assert said in flagged
    assert said in calm
    applied = client.post(url, {**data, "apply": "1", "reason": "Fine"}, follow=True)
    [refused] = [str(m) for m in applied.context["messages"]]
    assert refused.endswith("(conflict of interest).")


def _api_row(user: Any, match: Match) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    [row] = [m for m in client.get("/api/v1/matches/").json()["results"] if m["id"] == match.pk]
    return row  # type: ignore[no-any-return]


def test_the_api_gives_the_flag_to_the_other_coordinator_only(coordinator: Any, carl: Any, own_flagged: Match) -> None:
    other = _other_person(own_flagged, coordinator)

    assert (_api_row(carl, own_flagged)["at_risk_reason"], bool(_api_row(carl, own_flagged)["at_risk_since"])) == (
        REASON,
        True,
    )
    for user in (coordinator, other):
        row = _api_row(user, own_flagged)
        assert (row["at_risk_reason"], row["at_risk_since"]) == ("", None)
    outsider_client = APIClient()
    outsider_client.force_authenticate(TraineeProfileFactory().user)
    assert outsider_client.get("/api/v1/matches/").json()["results"] == []


def _csv_row(client: Any, match: Match) -> dict[str, str]:
    url = reverse("admin:matching_program_export", args=[match.program_id, "matches"])
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] == str(match.pk)]
    return row


def test_the_matches_csv_gives_the_flag_to_the_other_coordinator_only(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    cora = _csv_row(login(coordinator), own_flagged)
    carls = _csv_row(login(carl), own_flagged)

    assert (cora["at_risk_since"], cora["at_risk_reason"]) == ("", "")
    assert carls["at_risk_reason"] == REASON
    assert carls["at_risk_since"]


@pytest.mark.parametrize(
    "lookup",
    [
        {"at_risk_since__isnull": "False"},
        {"at_risk_since__gte": "2000-01-01"},
        {"at_risk_reason__icontains": "good fit"},
        {"at_risk_reason": REASON},
    ],
)
def test_the_match_list_refuses_filters_on_the_flag_from_the_address_bar(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match, lookup: dict[str, str]
) -> None:
    # Found in review: Django lets the list filter on any field of the match from the address bar, so Cora listed her
    # own match with ?at_risk_since__isnull=False and spelled out its reason word by word with
    # ?at_risk_reason__icontains=…, though every page hides the flag from her. Refused for everyone (no page links
    # such a filter): Django answers a disallowed lookup 400, and lists nothing.
    for person in (coordinator, carl):
        response = login(person).get(reverse("admin:matching_match_changelist"), lookup)
        assert response.status_code == 400, lookup
        assert own_flagged.trainee.user.full_name not in response.content.decode()


def test_the_at_risk_filter_lists_the_flagged_matches_but_never_the_readers_own(
    login: Any, coordinator: Any, carl: Any, own_flagged: Match
) -> None:
    # The list had no way to show the matches at risk (the address-bar lookups on the flag are refused), so clearing
    # flags in bulk meant selecting matches one could not see as flagged. The filter lists them as the health page
    # does: approved and flagged, never one the reader is the mentor or trainee of.
    program = own_flagged.program
    other = MatchFactory(program=program, status=Match.Status.APPROVED)
    Match.objects.filter(pk=other.pk).update(at_risk_since=timezone.now(), at_risk_reason="No session in 45 days")
    MatchFactory(program=program, status=Match.Status.APPROVED)  # not flagged
    url = reverse("admin:matching_match_changelist")

    def listed(user: Any) -> set[int]:
        response = login(user).get(url, {"program": program.pk, "at_risk": "yes"})
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert listed(coordinator) == {other.pk}
    assert listed(carl) == {other.pk, own_flagged.pk}
    assert "?e=1" in login(carl).get(url, {"at_risk": "maybe"})["Location"]  # the admin's "bad filter"
    health = login(carl).get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    assert f"?program={program.pk}&amp;at_risk=yes" in health
