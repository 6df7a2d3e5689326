"""Rounds in the admin: start from a program, watch progress as JSON, read the quality report, approve in bulk."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, MatchingRound
from matching.services.rounds import round_run
from tests.factories import (
    CoordinatorFactory,
    MatchingRoundFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


def test_a_coordinator_starts_a_round_from_the_admin_and_lands_on_its_page(login, coordinator, program, monkeypatch):
    MentorProfileFactory(capacity=2)
    TraineeProfileFactory()
    sent = []
    monkeypatch.setattr("matching.tasks.run_round.delay", sent.append)
    client = login(coordinator)

    form = client.get(reverse("admin:matching_matchinground_add"), {"program": program.pk})
    assert form.status_code == 200
    assert "Demo Program" in form.content.decode()
    with pytest.MonkeyPatch.context():
        response = client.post(
            reverse("admin:matching_matchinground_add"), {"program": program.pk, "algorithm": "stable"}
        )

    matching_round = MatchingRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:matching_matchinground_change", args=[matching_round.pk])
    assert matching_round.algorithm == "stable"
    assert matching_round.started_by == coordinator


def test_the_start_form_offers_only_the_coordinators_programs(login, coordinator, program):
    other = ProgramFactory(name="Someone Else's", coordinators=[CoordinatorFactory()])
    client = login(coordinator)
    html = client.get(reverse("admin:matching_matchinground_add")).content.decode()
    assert "Someone Else&#x27;s" not in html
    response = client.post(reverse("admin:matching_matchinground_add"), {"program": other.pk, "algorithm": "optimal"})
    assert response.status_code == 200  # the form refuses the choice
    assert not MatchingRound.objects.exists()


def test_a_coordinator_of_one_program_finds_it_already_chosen_and_of_two_chooses(login, coordinator, program):
    client = login(coordinator)
    html = client.get(reverse("admin:matching_matchinground_add")).content.decode()
    assert f'<option value="{program.pk}" selected>Demo Program</option>' in html
    ProgramFactory(name="Second Program", coordinators=[coordinator])
    html = client.get(reverse("admin:matching_matchinground_add")).content.decode()
    assert '<option value="" selected>---------</option>' in html  # two: the coordinator says which


def test_the_status_endpoint_reports_stage_and_progress(login, coordinator, program):
    matching_round = MatchingRoundFactory(program=program, status="running", stage="scoring", progress=25)
    data = login(coordinator).get(reverse("admin:matching_matchinground_status", args=[matching_round.pk])).json()
    assert data == {
        "id": matching_round.pk,
        "status": "running",
        "status_label": "Running",
        "stage": "scoring",
        "progress": 25,
        "finished": False,
        "error": "",
    }


def test_another_programs_round_is_not_found(login, coordinator):
    theirs = MatchingRoundFactory(program=ProgramFactory(coordinators=[CoordinatorFactory()]))
    client = login(coordinator)
    assert client.get(reverse("admin:matching_matchinground_status", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:matching_matchinground_change", args=[theirs.pk])).status_code == 404


def test_a_finished_round_page_shows_quality_proposals_and_the_bulk_approval_link(login, coordinator, program):
    MentorProfileFactory(capacity=2)
    TraineeProfileFactory.create_batch(2)
    matching_round = round_run(matching_round=MatchingRoundFactory(program=program, started_by=coordinator))
    assert matching_round.status == "done", matching_round.error

    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[matching_round.pk])).content
    html = html.decode()
    assert "Quality report" in html
    assert "Trainees matched (of those who could be)" in html
    assert "100.0%" in html
    assert f"?round={matching_round.pk}&amp;status__exact=proposed" in html
    assert "js/admin-round.js" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script (CSP)


def test_the_match_list_filtered_by_round_shows_only_its_proposals(login, coordinator, program):
    matching_round = MatchingRoundFactory(program=program)
    Match.objects.create(
        program=program,
        mentor=MentorProfileFactory(),
        trainee=TraineeProfileFactory(),
        status="proposed",
        origin="round",
        round=matching_round,
    )
    Match.objects.create(
        program=program,
        mentor=MentorProfileFactory(),
        trainee=TraineeProfileFactory(),
        status="proposed",
        origin="round",
    )
    response = login(coordinator).get(reverse("admin:matching_match_changelist"), {"round": matching_round.pk})
    assert [m.round_id for m in response.context["cl"].result_list] == [matching_round.pk]


@pytest.mark.parametrize("persona", ["trainee", "mentor"])
def test_trainees_and_mentors_cannot_reach_round_pages(persona, request, client, program):
    client.force_login(request.getfixturevalue(persona).user, backend="profiles.backends.EmailBackend")
    assert client.get(reverse("admin:matching_matchinground_add")).status_code == 302


def test_a_failed_round_page_shows_the_error_and_no_report(login, coordinator, program):
    failed = MatchingRoundFactory(program=program, status="failed", stage="scoring", error="ValueError: bad weights")
    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[failed.pk])).content.decode()
    assert "ValueError: bad weights" in html
    assert "Quality report" not in html


def test_starting_while_a_round_is_running_shows_why_and_starts_nothing(login, coordinator, program, monkeypatch):
    monkeypatch.setattr("matching.tasks.run_round.delay", lambda pk: None)
    MatchingRoundFactory(program=program, status="running", started_at=timezone.now())
    response = login(coordinator).post(
        reverse("admin:matching_matchinground_add"), {"program": program.pk, "algorithm": "optimal"}
    )
    assert response.status_code == 200
    assert "is already running" in response.content.decode()
    assert MatchingRound.objects.count() == 1


def test_approving_from_a_page_a_new_round_replaced_says_which_round_replaced_the_proposals(
    login, coordinator, program
):
    MentorProfileFactory(capacity=3)
    TraineeProfileFactory.create_batch(2)
    first = MatchingRoundFactory(program=program, started_by=coordinator)
    round_run(matching_round=first)
    stale = list(Match.objects.filter(round=first))  # the proposals list as it was opened
    second = MatchingRoundFactory(program=program, started_by=coordinator)
    round_run(matching_round=second)  # run meanwhile (by another coordinator, or in another tab)

    response = login(coordinator).post(
        reverse("admin:matching_match_changelist"),
        {"action": "approve_selected", "index": 0, ACTION_CHECKBOX_NAME: [m.pk for m in stale]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(stale) == 2
    assert len(messages) == 2
    for message in messages:
        assert "was already cancelled by Cora Coordinator on" in message
        assert message.endswith(f"(Replaced by matching round #{second.pk}).")
        assert "someone" not in message
    assert not Match.objects.filter(status=Match.Status.APPROVED).exists()


def _a_round_with_places_left_and_two_kinds_of_unmatched(program, coordinator):
    """Dr Solo (1 place) fits three trainees, one of whom speaks only German; Dr Roomy (3 places) is a surgeon
    mentor whose career stage is not ahead of anyone: only Dr Solo's place is taken, and two trainees stay
    unmatched, one because the place ran out, one because no mentor speaks German."""
    from profiles.models import CareerStage
    from tests.factories import language

    MentorProfileFactory(user__full_name="Dr Solo", capacity=1)
    MentorProfileFactory(user__full_name="Dr Roomy", capacity=3, career_stage=CareerStage.CLINICAL_STUDENT)
    TraineeProfileFactory.create_batch(2)
    TraineeProfileFactory(languages=[language("de")])
    matching_round = round_run(matching_round=MatchingRoundFactory(program=program, started_by=coordinator))
    assert matching_round.status == "done", matching_round.error
    return matching_round


def test_the_round_page_reports_free_places_left_and_why_trainees_stayed_unmatched(login, coordinator, program):
    matching_round = _a_round_with_places_left_and_two_kinds_of_unmatched(program, coordinator)

    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[matching_round.pk]))
    text = " ".join(unescape(html.content.decode()).split())

    assert "Free places left if every proposal is approved</th><td>3 of 4 (with 1 mentor)" in text
    assert "Trainees left unmatched</th><td>2" in text
    assert "no acceptable mentor with a free place</th><td>1" in text
    assert "places ran out (every acceptable mentor's places went to others)</th><td>1" in text


def test_the_round_api_reports_free_places_left_and_why_trainees_stayed_unmatched(coordinator, program):
    from rest_framework.test import APIClient

    matching_round = _a_round_with_places_left_and_two_kinds_of_unmatched(program, coordinator)
    client = APIClient()
    client.force_authenticate(coordinator)

    quality = client.get(f"/api/v1/rounds/{matching_round.pk}/").json()["quality"]

    assert quality["free_places"] == 4
    assert quality["free_places_left"] == 3
    assert quality["mentors_with_free_places_left"] == 1
    assert quality["unmatched"] == 2
    assert quality["unmatched_no_acceptable_mentor"] == 1
    assert quality["unmatched_places_ran_out"] == 1


def test_an_optimal_rounds_page_shows_its_blocking_pairs_and_says_what_each_spread_figure_measures(
    login, coordinator, program
):
    # Found in review: an optimal round's page had no blocking-pairs row, and "Load spread (Gini)" counted raw
    # mentees, so two mentors of capacity 1 and 3, both full, read as uneven.
    MentorProfileFactory(capacity=1)
    MentorProfileFactory(capacity=3)
    TraineeProfileFactory.create_batch(4)
    matching_round = round_run(matching_round=MatchingRoundFactory(program=program, started_by=coordinator))
    assert matching_round.status == "done", matching_round.error

    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[matching_round.pk]))
    text = " ".join(unescape(html.content.decode()).split())

    assert "Load spread (Gini, 0 = even)</th><td>0.0</td>" in text
    assert "each one's new mentees ÷ the places they offered in this round" in text
    blocking = matching_round.quality["blocking_pairs"]
    assert f"Blocking pairs (pairs who would both rather have each other)</th><td>{blocking}</td>" in text
    assert "judged on the lists a stable round uses" in text


def test_an_older_rounds_report_without_the_spread_figures_explains_none(login, coordinator, program):
    older = MatchingRoundFactory(program=program, status="done", quality={"trainees": 2, "matched": 2})
    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[older.pk])).content.decode()
    assert "Load spread" not in html
    assert "Blocking pairs" not in html


def test_an_older_rounds_report_without_free_places_shows_no_empty_rows(login, coordinator, program):
    older = MatchingRoundFactory(
        program=program, status="done", quality={"trainees": 2, "matched": 2, "could_match": 2, "mean_score": 70.0}
    )
    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[older.pk])).content.decode()
    assert "Quality report" in html
    assert "Free places left" not in html
    assert "Trainees left unmatched" not in html


# --- Why each proposal was made: the engine's words, snapshotted when the round ran ------------------------------


def _a_round_of_cardiology_trainees(program, coordinator, n=3):
    from tests.factories import language

    for k in range(0, n, 5):  # a mentor takes at most 10
        name = "Dr Ana Ruiz" if k == 0 else f"Dr Ruiz {k}"
        MentorProfileFactory(user__full_name=name, capacity=min(5, n - k), languages=[language("en"), language("es")])
    trainees = TraineeProfileFactory.create_batch(n, languages=[language("en"), language("es")])
    matching_round = round_run(matching_round=MatchingRoundFactory(program=program, started_by=coordinator))
    assert matching_round.status == "done", matching_round.error
    return matching_round, trainees


def test_each_proposal_in_the_match_list_says_why_in_the_words_trainees_read_in_the_directory(
    login, coordinator, program
):
    from matching.selectors.context import pair_explanation

    matching_round, _ = _a_round_of_cardiology_trainees(program, coordinator)
    response = login(coordinator).get(reverse("admin:matching_match_changelist"), {"round": matching_round.pk})
    html = unescape(response.content.decode())

    proposals = list(response.context["cl"].result_list)
    assert len(proposals) == 3
    assert ">Why<" in html
    for proposal in proposals:
        directory = pair_explanation(trainee=proposal.trainee, mentor_id=proposal.mentor_id, program=program)
        assert directory.summary_line.startswith("Same specialty (Cardiology) · covers your focus area")
        assert "speaks English and Spanish" in directory.summary_line
        assert f'<td class="field-why">{directory.summary_line}</td>' in html


def test_a_proposals_page_shows_each_components_reason_as_the_directory_words_it(login, coordinator, program):
    from matching.selectors.context import pair_explanation

    matching_round, _ = _a_round_of_cardiology_trainees(program, coordinator, n=1)
    proposal = Match.objects.get(round=matching_round)
    directory = pair_explanation(trainee=proposal.trainee, mentor_id=proposal.mentor_id, program=program)

    html = login(coordinator).get(reverse("admin:matching_match_change", args=[proposal.pk])).content.decode()
    html = unescape(html)

    assert "<th scope='col'>Why</th>" in html
    assert directory.lines
    for line in directory.lines:
        assert f"<td>{line.reason}</td>" in html
    assert directory.summary_line in html


def test_a_proposals_why_stays_what_it_was_when_the_round_ran_after_profiles_change(login, coordinator, program):
    from tests.factories import language

    matching_round, _ = _a_round_of_cardiology_trainees(program, coordinator, n=1)
    proposal = Match.objects.get(round=matching_round)
    proposal.mentor.languages.set([language("en")])  # Dr Ruiz stops offering Spanish a day later

    html = login(coordinator).get(reverse("admin:matching_match_change", args=[proposal.pk])).content.decode()

    assert "Speaks English and Spanish" in unescape(html)  # why it was proposed, as the score was computed


def test_the_match_lists_why_column_costs_no_query_per_row(login, coordinator, program, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(coordinator)
    url = reverse("admin:matching_match_changelist") + "?status__exact=proposed"
    _a_round_of_cardiology_trainees(program, coordinator, n=2)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["cl"].result_list) == 2
    _a_round_of_cardiology_trainees(program, coordinator, n=38)  # the next round proposes for all 40

    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 40
    assert unescape(response.content.decode()).count("Same specialty (Cardiology)") == 40


def test_the_round_page_lists_its_best_proposals_with_why(login, coordinator, program):
    matching_round, _ = _a_round_of_cardiology_trainees(program, coordinator, n=2)
    html = login(coordinator).get(reverse("admin:matching_matchinground_change", args=[matching_round.pk]))
    html = unescape(html.content.decode())
    assert '<th scope="col">Why</th>' in html
    assert html.count("Same specialty (Cardiology) · covers your focus area") == 2


def test_the_match_list_opened_from_an_older_rounds_page_shows_that_round_as_the_chosen_filter(
    login, coordinator, program
):
    # The filter offered only the ten latest rounds: from round #1's page the list was cut to #1's proposals while
    # the sidebar marked no round at all, so nothing said what "Select all" would act on.
    oldest, *_newer = [MatchingRoundFactory(program=program) for _ in range(11)]
    theirs = MatchingRoundFactory(program=ProgramFactory(name="Their Program", coordinators=[CoordinatorFactory()]))
    client = login(coordinator)

    response = client.get(reverse("admin:matching_match_changelist"), {"round": oldest.pk})
    choices = next(
        list(spec.choices(response.context["cl"]))
        for spec in response.context["cl"].filter_specs
        if spec.parameter_name == "round"
    )
    chosen = [c["display"] for c in choices if c["selected"]]
    assert chosen == [f"#{oldest.pk} {oldest}"]
    assert len(choices) == 1 + 11  # "All", the ten latest and the chosen one

    other = client.get(reverse("admin:matching_match_changelist"), {"round": theirs.pk}).content.decode()
    assert "Their Program" not in other  # another program's round is never named


def test_run_a_round_for_an_inactive_program_says_why_it_is_not_offered(login, coordinator, program):
    # The program list offers "Run a round" for every program; for an inactive one the start page showed a form
    # without it (or with the other program chosen) and no word why.
    closed = ProgramFactory(name="Closed Cohort", coordinators=[coordinator], is_active=False)
    theirs = ProgramFactory(name="Their Closed Cohort", coordinators=[CoordinatorFactory()], is_active=False)
    client = login(coordinator)

    html = unescape(client.get(reverse("admin:matching_matchinground_add"), {"program": closed.pk}).content.decode())
    assert "Closed Cohort is not active, so no round can run for it" in html
    assert reverse("admin:matching_program_change", args=[closed.pk]) in html

    for asked in (theirs.pk, program.pk, "abc", "²", "99999999999999999999999"):
        html = unescape(client.get(reverse("admin:matching_matchinground_add"), {"program": asked}).content.decode())
        assert "is not active" not in html
        assert "Their Closed Cohort" not in html


def test_a_link_to_a_round_the_coordinator_cannot_see_shows_no_matches_rather_than_all_of_theirs(
    login, coordinator, program
):
    # A coordinator with no round of their own had no round filter, so "?round=N" was dropped without a word and
    # the list showed every proposal of their program: "Select all" then approved those, not the round's.
    Match.objects.create(
        program=program, mentor=MentorProfileFactory(), trainee=TraineeProfileFactory(), status="proposed"
    )
    theirs = MatchingRoundFactory(program=ProgramFactory(coordinators=[CoordinatorFactory()]))

    response = login(coordinator).get(
        reverse("admin:matching_match_changelist"), {"round": theirs.pk, "status__exact": "proposed"}
    )

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("round_id", ["²", "99999999999999999999999"])
def test_an_odd_round_id_in_the_address_is_not_found_rather_than_a_server_error(login, coordinator, round_id):
    response = login(coordinator).get(f"/admin/matching/matchinground/{round_id}/change/")
    assert response.status_code == 404
