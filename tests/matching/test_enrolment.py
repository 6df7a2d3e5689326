"""Enrolling a cohort from a list: the service, the admin's "Enrol from a list" page and the API, as each persona.

Tried: unknown addresses, deactivated accounts, people without the profile their role needs, a file that is not
UTF-8, both or neither of paste and upload, another program's coordinator, a trainee, an anonymous caller.
Every refusal leaves the program's enrolment exactly as it was.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from matching.coordination.roster import parse_roster
from matching.features import cohort_members
from matching.services.decisions import NotProgramCoordinator
from matching.services.enrolment import RosterInvalid, program_enrol
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator], open_to_all=False)


def _enrolled(program):
    return (
        sorted(program.trainees.values_list("user__email", flat=True)),
        sorted(program.mentors.values_list("user__email", flat=True)),
    )


def test_everyone_listed_is_enrolled_in_their_role_and_takes_part_in_the_programs_rounds(program, coordinator):
    trainees = [TraineeProfileFactory() for _ in range(3)]
    mentor = MentorProfileFactory(user__email="dr.li@uni.edu")
    TraineeProfileFactory()  # not listed
    rows = [f"{t.user.full_name},{t.user.email.upper()},trainee" for t in trainees] + ["Dr Li,dr.li@uni.edu,mentor"]

    enrolment = program_enrol(program=program, roster=parse_roster("\n".join(rows)), by=coordinator)

    assert (enrolment.trainees_added, enrolment.mentors_added, enrolment.already_enrolled) == (3, 1, 0)
    in_round_trainees, in_round_mentors = cohort_members(program)
    assert set(in_round_trainees) == set(trainees)
    assert list(in_round_mentors) == [mentor]


def test_enrolling_again_adds_only_the_new_people_and_counts_the_rest(program, coordinator, trainee, mentor):
    program_enrol(program=program, roster=parse_roster("tara@example.org, trainee"), by=coordinator)
    again = program_enrol(
        program=program, roster=parse_roster("tara@example.org, trainee\nmaya@example.org, mentor"), by=coordinator
    )
    assert (again.trainees_added, again.mentors_added, again.already_enrolled) == (0, 1, 1)
    assert _enrolled(program) == (["tara@example.org"], ["maya@example.org"])


def test_one_bad_line_enrols_nobody_and_every_problem_is_named_by_line(program, coordinator, trainee, mentor):
    UserFactory(email="gone@uni.edu", full_name="Gone Away", is_active=False)
    TraineeProfileFactory(user__email="student@uni.edu", user__full_name="Sam Student")
    text = (
        "tara@example.org, trainee\n"
        "nobody@uni.edu, trainee\n"
        "gone@uni.edu, trainee\n"
        "student@uni.edu, mentor\n"  # has no mentor profile
        "maya@example.org, trainee\n"  # has no trainee profile
        "no address here, mentor\n"
    )
    with pytest.raises(RosterInvalid) as refused:
        program_enrol(program=program, roster=parse_roster(text), by=coordinator)

    assert [str(p) for p in refused.value.problems] == [
        "line 2: nobody@uni.edu: no account has this e-mail address: ask them to sign up at /signup/ first.",
        "line 3: gone@uni.edu: the account with this e-mail address is deactivated.",
        "line 4: student@uni.edu: the account with this e-mail address has no mentor profile yet (ask them to create "
        "it under My profile).",
        "line 5: maya@example.org: the account with this e-mail address has no trainee profile yet (ask them to "
        "create it under My profile).",
        "line 6: no e-mail address on this line.",
    ]
    assert refused.value.code == "roster_invalid"
    assert refused.value.message == "5 entries of the list have problems, so nobody was enrolled."
    assert _enrolled(program) == ([], [])


def test_an_account_whose_address_is_not_confirmed_is_not_enrolled_by_that_address(program, coordinator, trainee):
    TraineeProfileFactory(user__email="claimed@uni.edu", user__full_name="Cal Claimed", user__email_confirmed_at=None)
    roster = parse_roster("tara@example.org, trainee\nclaimed@uni.edu, trainee")
    with pytest.raises(RosterInvalid) as refused:
        program_enrol(program=program, roster=roster, by=coordinator)
    assert [str(p) for p in refused.value.problems] == [
        "line 2: claimed@uni.edu: the account with this e-mail address has not confirmed it yet "
        "(every page offers them the link)."
    ]
    assert _enrolled(program) == ([], [])


def test_an_empty_list_is_refused(program, coordinator):
    with pytest.raises(RosterInvalid) as refused:
        program_enrol(program=program, roster=parse_roster("Name,E-mail,Role\n"), by=coordinator)
    assert [str(p) for p in refused.value.problems] == ["the list: it has no e-mail addresses."]
    assert refused.value.message == "The list has no e-mail addresses."


def test_only_the_programs_coordinators_may_enrol(program, trainee):
    other = CoordinatorFactory()
    with pytest.raises(NotProgramCoordinator):
        program_enrol(program=program, roster=parse_roster("tara@example.org, trainee"), by=other)
    assert _enrolled(program) == ([], [])


# --- The admin page ------------------------------------------------------------------------------------------


def _enrol_url(program):
    return reverse("admin:matching_program_enrol", args=[program.pk])


def test_the_program_page_and_list_link_to_enrol_from_a_list(login, coordinator, program):
    client = login(coordinator)
    page = client.get(reverse("admin:matching_program_change", args=[program.pk])).content.decode()
    listing = client.get(reverse("admin:matching_program_changelist")).content.decode()
    assert _enrol_url(program) in page
    assert _enrol_url(program) in listing


def test_a_coordinator_pastes_a_cohort_and_sees_what_was_enrolled(
    login, coordinator, program, django_assert_max_num_queries
):
    trainees = [TraineeProfileFactory() for _ in range(40)]
    mentors = [MentorProfileFactory() for _ in range(10)]
    rows = ["Name\tE-mail\tRole"] + [f"{t.user.full_name}\t{t.user.email}\ttrainee" for t in trainees]
    rows += [f"{m.user.full_name}\t{m.user.email}\tmentor" for m in mentors]
    client = login(coordinator)

    with django_assert_max_num_queries(14):  # the same for 50 people as for 5: no query per row
        response = client.post(_enrol_url(program), {"pasted": "\n".join(rows), "default_role": ""})

    assert response["Location"] == reverse("admin:matching_program_change", args=[program.pk])
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert shown == ["Enrolled 40 trainees and 10 mentors in Surgery Mentoring."]
    assert program.trainees.count() == 40
    assert program.mentors.count() == 10


def test_the_page_offers_the_current_roster_as_a_csv_in_the_columns_it_reads(login, coordinator, program):
    html = login(coordinator).get(_enrol_url(program)).content.decode()
    assert reverse("admin:matching_program_export", args=[program.pk, "roster"]) in html


def test_a_csv_upload_from_excel_with_a_bom_and_semicolons_is_read(login, coordinator, program, trainee):
    upload = SimpleUploadedFile("cohort.csv", "\ufeffE-mail;Role\ntara@example.org;Trainee\n".encode())
    response = login(coordinator).post(_enrol_url(program), {"upload": upload, "default_role": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Enrolled 1 trainee and 0 mentors in Surgery Mentoring."]
    assert _enrolled(program) == (["tara@example.org"], [])


def test_a_bare_list_of_addresses_is_enrolled_in_the_chosen_role(login, coordinator, program, mentor):
    login(coordinator).post(_enrol_url(program), {"pasted": "maya@example.org", "default_role": "mentor"})
    assert _enrolled(program) == ([], ["maya@example.org"])


def test_problems_are_listed_by_line_the_text_is_kept_and_nobody_is_enrolled(login, coordinator, program, trainee):
    pasted = "tara@example.org, trainee\nnobody@uni.edu, trainee"
    response = login(coordinator).post(_enrol_url(program), {"pasted": pasted, "default_role": ""})

    assert response.status_code == 400  # refused: the page again, with why
    html = response.content.decode()
    assert "1 entry of the list has a problem, so nobody was enrolled." in html
    assert "line 2: nobody@uni.edu: no account has this e-mail address" in html
    assert response.context["form"]["pasted"].value() == pasted
    assert _enrolled(program) == ([], [])


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"pasted": ""}, "Paste the rows or upload a file (one of the two)."),
        (
            {"pasted": "tara@example.org, trainee", "upload": SimpleUploadedFile("a.csv", b"x@y.org,trainee")},
            "Paste the rows or upload a file (one of the two).",
        ),
        ({"upload": SimpleUploadedFile("a.csv", "tara@example.org;trainee".encode("utf-16"))}, "not UTF-8 text"),
        ({"upload": SimpleUploadedFile("big.csv", b"a" * ((1 << 20) + 1))}, "larger than 1 MB"),
    ],
)
def test_a_form_that_is_not_a_list_is_refused_with_the_reason(login, coordinator, program, trainee, data, error):
    response = login(coordinator).post(_enrol_url(program), {**data, "default_role": ""})
    assert response.status_code == 400  # refused: the page again, with why
    assert error in " ".join(response.context["form"].non_field_errors())
    assert _enrolled(program) == ([], [])


def test_an_open_program_is_enrolled_with_a_warning_that_the_list_does_not_limit_it_yet(login, coordinator, trainee):
    program = ProgramFactory(name="Open Program", coordinators=[coordinator], open_to_all=True)
    response = login(coordinator).post(
        _enrol_url(program), {"pasted": "tara@example.org, trainee", "default_role": ""}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "Open Program is open to everyone" in shown[1]
    assert _enrolled(program) == (["tara@example.org"], [])


def test_another_programs_coordinator_gets_404_and_trainees_are_sent_to_log_in(login, program, trainee):
    response = login(CoordinatorFactory()).post(_enrol_url(program), {"pasted": "tara@example.org, trainee"})
    assert response.status_code == 404
    response = login(trainee.user).get(_enrol_url(program))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert _enrolled(program) == ([], [])


# --- The API -------------------------------------------------------------------------------------------------


def _api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _api_url(program):
    return f"/api/v1/programs/{program.pk}/enrolments/"


def test_the_api_enrols_lists_of_addresses(coordinator, program, trainee, mentor):
    response = _api(coordinator).post(
        _api_url(program), {"trainees": ["TARA@example.org"], "mentors": ["maya@example.org"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "trainees_added": 1,
        "mentors_added": 1,
        "already_enrolled": 0,
        "open_to_all": False,
        "invited": 0,
    }
    assert _enrolled(program) == (["tara@example.org"], ["maya@example.org"])


def test_the_api_names_each_bad_entry_and_enrols_nobody(coordinator, program, trainee):
    response = _api(coordinator).post(
        _api_url(program), {"trainees": ["tara@example.org", "nobody@uni.edu", "not an address"]}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "roster_invalid"
    assert error["fields"] == {
        "trainees[1]": ["nobody@uni.edu: no account has this e-mail address: ask them to sign up at /signup/ first."],
        "trainees[2]": ["“not an address” is not an e-mail address."],
    }
    assert _enrolled(program) == ([], [])


def test_the_api_refuses_everyone_but_the_programs_coordinators(program, trainee):
    body = {"trainees": ["tara@example.org"]}
    assert _api().post(_api_url(program), body, format="json").status_code == 401
    # Anyone but its coordinators gets the 404 of an unknown program (a 403 named the program).
    assert _api(trainee.user).post(_api_url(program), body, format="json").status_code == 404
    refused = _api(CoordinatorFactory()).post(_api_url(program), body, format="json")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert _api(trainee.user).post("/api/v1/programs/999999/enrolments/", body, format="json").status_code == 404
    assert _enrolled(program) == ([], [])


def test_a_sheet_with_only_its_header_row_says_once_that_it_lists_nobody(login, coordinator, program):
    # The page said it twice: "The list has no e-mail addresses." and, as if it were a row to fix, "the list: it
    # has no e-mail addresses."
    upload = SimpleUploadedFile("cohort.csv", "\ufeffName;E-mail;Role\n".encode())
    response = login(coordinator).post(_enrol_url(program), {"upload": upload, "default_role": ""})

    assert response.status_code == 400  # refused: the page again, with why
    html = response.content.decode()
    assert html.count("no e-mail addresses") == 1
    assert "The list has no e-mail addresses." in html
    assert _enrolled(program) == ([], [])


def test_a_paste_with_a_quotation_mark_never_closed_names_the_line_and_enrols_nobody(
    login, coordinator, program, trainee
):
    text = f'{trainee.user.email}\ttrainee\n"Dr Lee\tlee@example.org\tmentor\n' + "x" * 140_000
    response = login(coordinator).post(_enrol_url(program), {"pasted": text, "default_role": ""})
    assert response.status_code == 400  # refused: the page again, with why
    assert "a quotation mark (&quot;) that is never closed" in response.content.decode()
    assert _enrolled(program) == ([], [])


def test_a_typed_address_of_someone_outside_the_coordinators_programs_never_gives_away_their_name(
    login, coordinator, program
):
    UserFactory(email="secret@b.org", full_name="Sally Secret", email_confirmed_at=None)
    UserFactory(email="gone@b.org", full_name="Gary Gone", is_active=False)
    UserFactory(email="plain@b.org", full_name="Pat Plain")  # no mentor profile
    pasted = "secret@b.org, trainee\ngone@b.org, trainee\nplain@b.org, mentor"

    response = login(coordinator).post(_enrol_url(program), {"pasted": pasted, "default_role": ""})

    html = response.content.decode()
    assert "line 1: secret@b.org: the account with this e-mail address has not confirmed it yet" in html
    assert "line 2: gone@b.org: the account with this e-mail address is deactivated." in html
    assert "line 3: plain@b.org: the account with this e-mail address has no mentor profile yet" in html
    for name in ("Sally", "Gary", "Pat Plain"):
        assert name not in html
    assert _enrolled(program) == ([], [])


def test_the_roster_csv_of_an_address_that_starts_like_a_formula_enrols_that_person_again(login, coordinator, program):
    jo = TraineeProfileFactory(user__email="-jo@uni.edu", user__full_name="=Jo Dash")
    program.trainees.add(jo)
    client = login(coordinator)
    exported = b"".join(
        client.get(reverse("admin:matching_program_export", args=[program.pk, "roster"])).streaming_content
    )
    assert b"'-jo@uni.edu" in exported  # quoted against CSV injection
    following = ProgramFactory(name="Next year", coordinators=[coordinator], open_to_all=False)

    client.post(_enrol_url(following), {"upload": SimpleUploadedFile("roster.csv", exported), "default_role": ""})

    assert _enrolled(following) == (["-jo@uni.edu"], [])
