"""A program's people in the admin: its page says how many are enrolled and links to them, whatever their number,
and the mentor and trainee lists filter by program and remove the selected people from one.

Found in review (5,000 mentors × 20,000 trainees in one program): the program page rendered every enrolled person
as a selected option of its mentors and trainees boxes (5.6 s, 1.4 MB) and posted all 25,001 ids back, over
DATA_UPLOAD_MAX_NUMBER_FIELDS, so saving it was a 400: nobody could change that program's settings any more.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Program
from tests.factories import (
    CoordinatorFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    program_admin_form,
)

pytestmark = pytest.mark.django_db

TRAINEES = "/admin/profiles/traineeprofile/"
MENTORS = "/admin/profiles/mentorprofile/"


@pytest.fixture
def program(coordinator: Any) -> Program:
    return ProgramFactory(name="Cardiology Mentoring", coordinators=[coordinator], open_to_all=False)


class _Posted(HTMLParser):
    """The values a browser posts from the page's form: each named field once (a checkbox when ticked, a multiple
    select once per selected option), the submit button aside."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._select: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.names.append(name)
        elif tag == "textarea" and name:
            self.names.append(name)
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            if not self._select[1]:
                self.names.append(name)
        elif tag == "option" and self._select and self._select[1] and "selected" in a:
            self.names.append(self._select[0])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _posted(html: str) -> list[str]:
    parser = _Posted()
    parser.feed(html)
    return parser.names


def _enrol(program: Program, mentors: int, trainees: int) -> None:
    program.mentors.add(*MentorProfileFactory.create_batch(mentors))
    program.trainees.add(*TraineeProfileFactory.create_batch(trainees))


def test_the_page_shows_how_many_are_enrolled_with_links_to_them_and_to_enrolment(
    login: Any, coordinator: Any, program: Program
) -> None:
    _enrol(program, 2, 3)

    html = login(coordinator).get(reverse("admin:matching_program_change", args=[program.pk])).content.decode()

    assert f'<a href="{MENTORS}?program={program.pk}">2 mentors</a>' in html
    assert f'<a href="{TRAINEES}?program={program.pk}">3 trainees</a>' in html
    assert f'<a href="{reverse("admin:matching_program_enrol", args=[program.pk])}">Add people by e-mail' in html
    assert 'name="mentors"' not in html
    assert 'name="trainees"' not in html


def test_a_coordinator_without_the_people_lists_reads_the_numbers_without_links(login: Any, program: Program) -> None:
    # Coordinating a program opens its page; the profile lists need the Coordinators group's permissions.
    outside_the_group = CoordinatorFactory()
    outside_the_group.groups.clear()
    program.coordinators.add(outside_the_group)
    _enrol(program, 1, 2)

    html = login(outside_the_group).get(reverse("admin:matching_program_change", args=[program.pk])).content.decode()

    assert "1 mentor" in html
    assert "2 trainees" in html
    assert f"{TRAINEES}?program=" not in html


def test_the_page_takes_the_same_queries_and_size_with_5_or_300_people(
    login: Any, coordinator: Any, program: Program
) -> None:
    client = login(coordinator)
    url = reverse("admin:matching_program_change", args=[program.pk])
    client.get(url)  # the session and permissions, cached as on any later page

    def measured() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    _enrol(program, 2, 3)
    queries_5, html_5 = measured()
    _enrol(program, 58, 237)
    queries_300, html_300 = measured()

    assert queries_300 == queries_5
    # "2 mentors" → "60 mentors", "3 trainees" → "240 trainees": the digits, nothing per person.
    assert len(html_300.encode()) - len(html_5.encode()) == 3
    assert len(_posted(html_300)) == len(_posted(html_5)) < 40


def test_saving_a_program_of_many_people_posts_a_handful_of_fields_and_keeps_them_all(
    login: Any, coordinator: Any, program: Program, settings: Any
) -> None:
    _enrol(program, 60, 240)
    # Far below the people's number: before, the page posted one field per person and this was a 400.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60
    client = login(coordinator)
    url = reverse("admin:matching_program_change", args=[program.pk])
    posted = _posted(client.get(url).content.decode())
    data = program_admin_form(program, name="Cardiology Mentoring 2027", request_reminder_days=3)
    # The helper posts what the page has (a box left unticked is "", which a browser leaves out).
    assert {name for name, value in data.items() if value != ""} <= set(posted)

    response = client.post(url, data)

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.request_reminder_days) == ("Cardiology Mentoring 2027", 3)
    assert (program.mentors.count(), program.trainees.count()) == (60, 240)


def test_the_counts_link_to_the_people_of_that_program_only_and_offer_only_her_programs(
    login: Any, coordinator: Any, program: Program, trainee: Any, outsider: Any
) -> None:
    program.trainees.add(trainee)
    open_door = ProgramFactory(name="Open Door", coordinators=[coordinator])
    rita = TraineeProfileFactory(user__full_name="Rita Requester")
    open_door.trainees.add(rita)
    surgery = ProgramFactory(name="Surgery", coordinators=[CoordinatorFactory()], open_to_all=False)
    surgery.trainees.add(outsider, trainee)
    client = login(coordinator)

    listed = client.get(TRAINEES, {"program": program.pk})

    assert [str(t) for t in listed.context["cl"].result_list] == ["Tara Trainee"]
    offered = [choice["display"] for choice in _program_choices(listed)]
    assert offered == ["All", "Cardiology Mentoring", "Open Door"]
    # Another coordinator's program lists nobody (not even Tara, whom Cora sees: who else is in it stays unsaid).
    assert list(client.get(TRAINEES, {"program": surgery.pk}).context["cl"].result_list) == []
    for bad in ("abc", "²", "99999999999999999999999"):
        assert client.get(TRAINEES, {"program": bad})["Location"].endswith("?e=1"), bad


def _program_choices(response: Any) -> list[dict[str, Any]]:
    [spec] = [f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "program"]
    return list(spec.choices(response.context["cl"]))


def _remove(client: Any, url: str, selected: list[Any], **extra: Any) -> Any:
    data = {"action": "remove_from_program", ACTION_CHECKBOX_NAME: [p.pk for p in selected], **extra}
    return client.post(url, data, follow=True)


def test_remove_from_program_asks_which_of_her_programs_then_removes_exactly_the_selected_from_it(
    login: Any, coordinator: Any, program: Program, trainee: Any
) -> None:
    tim = TraineeProfileFactory(user__full_name="Tim Stays")
    program.trainees.add(trainee, tim)
    open_door = ProgramFactory(name="Open Door", coordinators=[coordinator], open_to_all=False)
    open_door.trainees.add(trainee)
    ProgramFactory(name="Surgery", coordinators=[CoordinatorFactory()]).trainees.add(trainee)
    client = login(coordinator)
    url = f"{TRAINEES}?program={program.pk}"

    asked = _remove(client, url, [trainee], index=0)

    assert asked.status_code == 200
    form = asked.context["form"]
    assert [p.name for p in form.fields["program"].queryset] == ["Cardiology Mentoring", "Open Door"]
    assert form["program"].value() == program.pk  # the program the list was filtered by
    assert "Tara Trainee (tara@example.org)" in asked.content.decode()
    assert program.trainees.count() == 2  # nothing removed before she chooses

    done = _remove(client, url, [trainee], apply=1, program=program.pk)

    assert [str(m) for m in done.context["messages"]] == ["Removed 1 trainee from Cardiology Mentoring."]
    assert list(program.trainees.all()) == [tim]
    assert trainee in open_door.trainees.all()
    assert set(trainee.programs.values_list("name", flat=True)) == {"Open Door", "Surgery"}
    assert LogEntry.objects.filter(object_id=str(trainee.pk), change_message="Removed from Cardiology Mentoring.")


def test_it_refuses_a_program_she_does_not_coordinate_and_removes_nobody(
    login: Any, coordinator: Any, program: Program, trainee: Any
) -> None:
    program.trainees.add(trainee)
    surgery = ProgramFactory(name="Surgery", coordinators=[CoordinatorFactory()], open_to_all=False)
    surgery.trainees.add(trainee)

    response = _remove(login(coordinator), TRAINEES, [trainee], apply=1, program=surgery.pk)

    assert response.status_code == 200  # the page again, with the choice refused
    assert response.context["form"].errors["program"]
    assert "Surgery" not in response.content.decode()
    assert trainee in surgery.trainees.all()
    assert trainee in program.trainees.all()
    assert not LogEntry.objects.exists()


def test_mentors_are_removed_from_the_mentor_list_and_the_page_says_what_is_left_to_do(
    login: Any, coordinator: Any, program: Program, mentor: Any, trainee: Any
) -> None:
    from matching.models import Match
    from tests.factories import MatchFactory

    program.mentors.add(mentor)
    MatchFactory(program=program, mentor=mentor, trainee=trainee, status=Match.Status.APPROVED)
    other = MentorProfileFactory(user__full_name="Dr Not Enrolled")
    MatchFactory(program=program, mentor=other, status=Match.Status.DECLINED)  # Cora sees him: a match in it
    client = login(coordinator)

    done = _remove(client, MENTORS, [mentor, other], apply=1, program=program.pk)

    assert [str(m) for m in done.context["messages"]] == [
        "Removed 1 mentor from Cardiology Mentoring.",
        "1 of the selected was not enrolled in Cardiology Mentoring: nothing to remove.",
        "1 of their matches in Cardiology Mentoring still wait for a decision or are under way: they are left as "
        "they are (decline or end them on the match list if they should not go on).",
    ]
    assert program.mentors.count() == 0
    assert Match.objects.get(mentor=mentor).status == Match.Status.APPROVED


def test_select_all_removes_everyone_the_filtered_list_holds_posting_only_the_page(
    login: Any, coordinator: Any, program: Program, settings: Any
) -> None:
    _enrol(program, 0, 150)
    elsewhere = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    stays = TraineeProfileFactory()
    elsewhere.trainees.add(stays)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 120  # fewer than the people: only the first page's boxes are posted
    client = login(coordinator)
    url = f"{TRAINEES}?program={program.pk}"
    page = list(program.trainees.all()[:100])

    asked = _remove(client, url, page, index=0, select_across=1)
    assert "Remove 150 trainees from a program" in asked.content.decode()
    posted = _posted(asked.content.decode())
    assert posted.count(ACTION_CHECKBOX_NAME) == 100
    done = _remove(client, url, page, apply=1, program=program.pk, select_across=1)

    assert [str(m) for m in done.context["messages"]] == ["Removed 150 trainees from Cardiology Mentoring."]
    assert program.trainees.count() == 0
    assert list(elsewhere.trainees.all()) == [stays]


@pytest.mark.parametrize("persona", ["trainee", "mentor", "outsider"])
def test_mentors_trainees_and_outsiders_cannot_use_it(
    request: pytest.FixtureRequest, login: Any, program: Program, persona: str, trainee: Any, mentor: Any
) -> None:
    program.trainees.add(trainee)
    program.mentors.add(mentor)
    client = login(request.getfixturevalue(persona).user)

    for url, person in ((TRAINEES, trainee), (MENTORS, mentor)):
        response = client.post(
            url, {"action": "remove_from_program", ACTION_CHECKBOX_NAME: [person.pk], "apply": 1, "program": program.pk}
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    assert (list(program.trainees.all()), list(program.mentors.all())) == ([trainee], [mentor])


def test_another_programs_coordinator_cannot_select_her_people(login: Any, program: Program, trainee: Any) -> None:
    # Sam's list does not hold Tara, so selecting her by id selects nobody; his own program is all he may choose.
    program.trainees.add(trainee)
    sam = CoordinatorFactory()
    his = ProgramFactory(coordinators=[sam], open_to_all=False)

    for chosen in (program.pk, his.pk):
        _remove(login(sam), TRAINEES, [trainee], apply=1, program=chosen)

    assert list(program.trainees.all()) == [trainee]
    assert not LogEntry.objects.exists()
