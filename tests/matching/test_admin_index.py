from __future__ import annotations

import pytest

from tests.factories import ProgramFactory


@pytest.mark.django_db
def test_a_coordinator_sees_their_programs_with_health_requests_proposals_and_round_links(coordinator, login) -> None:
    mine = ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator])
    ProgramFactory(name="Someone Else's Program")
    html = login(coordinator).get("/admin/").content.decode()
    assert "Surgery Mentoring" in html
    assert f"/admin/matching/program/{mine.pk}/health/" in html
    assert f"?program={mine.pk}&amp;status__exact=proposed" in html
    assert "Someone Else" not in html


@pytest.mark.django_db
def test_the_links_on_the_admin_index_open(coordinator, login) -> None:
    program = ProgramFactory(coordinators=[coordinator])
    client = login(coordinator)
    for url in (
        f"/admin/matching/program/{program.pk}/health/",
        f"/admin/matching/match/?program={program.pk}&status__exact=proposed",
        f"/admin/matching/matchinground/add/?program={program.pk}",
    ):
        # follow=False: a filter the admin rejects answers 302 to "?e=1"; checked before the status so the failure
        # names it (tried with a bad filter in the link: it fails on the Location, as it should).
        response = client.get(url, follow=False)
        assert "?e=1" not in response.get("Location", ""), f"{url}: the admin rejected a filter"
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_the_proposals_link_lists_only_that_programs_proposals(coordinator, login) -> None:
    from tests.factories import MatchFactory

    program, other = ProgramFactory(coordinators=[coordinator]), ProgramFactory(coordinators=[coordinator])
    MatchFactory(program=program, status="proposed", trainee__user__full_name="Priya Proposed")
    MatchFactory(program=other, status="proposed", trainee__user__full_name="Olga Other")
    html = login(coordinator).get(f"/admin/matching/match/?program={program.pk}&status__exact=proposed").content
    assert b"Priya Proposed" in html
    assert b"Olga Other" not in html


@pytest.mark.django_db
def test_the_admin_is_branded_for_coordinators(coordinator, login) -> None:
    html = login(coordinator).get("/admin/").content.decode()
    assert "Mentorship · program coordination" in html
    assert "Django administration" not in html


@pytest.mark.django_db
def test_each_program_on_the_admin_index_says_what_waits_in_it(coordinator, login) -> None:
    from django.utils import timezone

    from tests.factories import MatchFactory

    program = ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator])
    MatchFactory.create_batch(3, program=program, status="requested")
    MatchFactory.create_batch(2, program=program, status="proposed")
    MatchFactory(program=program, status="approved", at_risk_since=timezone.now(), at_risk_reason="No meeting")
    MatchFactory(program=ProgramFactory(), status="proposed")  # another coordinator's
    html = login(coordinator).get("/admin/").content.decode()
    assert "(3 waiting)" in html
    assert "(2 to review)" in html
    assert "(1 at risk)" in html
    assert html.index("Your programs") < html.index("Programs and matching")  # first, above the model list


@pytest.mark.django_db
def test_programs_with_waiting_work_come_first_and_the_rest_are_counted_with_a_link_to_the_program_list(
    coordinator, login
) -> None:
    # Before: the first 20 by name, and nothing said of the others, though "Zoology" had a request waiting.
    from tests.factories import MatchFactory

    for i in range(25):
        ProgramFactory(name=f"Program {i:02d}", coordinators=[coordinator])
    zoology = ProgramFactory(name="Zoology Residents", coordinators=[coordinator])
    MatchFactory(program=zoology, status="requested")

    html = login(coordinator).get("/admin/").content.decode()
    panel = html.split('id="my-programs-module"')[1]

    assert panel.index("Zoology Residents") < panel.index("Program 00")
    assert "… and 6 more programs" in panel
    assert '/admin/matching/program/?is_active__exact=1"' in panel


@pytest.mark.django_db
def test_the_feedback_summary_is_linked_from_the_admin_index_and_a_programs_health_page(coordinator, login) -> None:
    from django.urls import reverse

    from tests.factories import MatchFactory, MeetingFactory

    program = ProgramFactory(coordinators=[coordinator])
    MeetingFactory(match=MatchFactory(program=program, status="approved"))
    client = login(coordinator)
    summary = reverse("meetings-feedback-summary")

    assert summary in client.get("/admin/").content.decode().split('id="my-programs-module"')[1]
    health = client.get(reverse("admin:matching_program_health", args=[program.pk])).content.decode()
    assert summary in health.split('id="h-feedback"')[1]
