"""Inviting people who cannot take part yet: listed with the roster, enrolled once they have an account and the
profile of their role (beat task, and before every round), withdrawn by a coordinator.

Tried: a deactivated account (still refuses the whole list), the wrong profile (stays invited), a second run of
the task (enrols nobody twice), another program's coordinator withdrawing (404), withdrawing someone enrolled.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from matching.coordination.roster import Role, parse_roster
from matching.models import Match, MatchingRound, ProgramInvitation
from matching.services.enrolment import RosterInvalid, program_enrol
from matching.services.rounds import round_run, round_start
from matching.tasks import enrol_invited
from tests.factories import (
    CoordinatorFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator], open_to_all=False)


def _pending(program):
    return sorted(program.invitations.filter(enrolled_at__isnull=True).values_list("email", "role"))


def test_people_without_an_account_or_profile_are_invited_and_the_rest_enrolled(program, coordinator, trainee):
    UserFactory(email="no.profile@uni.edu")
    roster = parse_roster(
        "tara@example.org, trainee\nnew.person@uni.edu, trainee\n"
        "no.profile@uni.edu, trainee\nnew.mentor@uni.edu, mentor"
    )

    enrolment = program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)

    assert (enrolment.trainees_added, enrolment.invited) == (1, 3)
    assert list(program.trainees.all()) == [trainee]
    assert _pending(program) == [
        ("new.mentor@uni.edu", "mentor"),
        ("new.person@uni.edu", "trainee"),
        ("no.profile@uni.edu", "trainee"),
    ]
    again = program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    assert (again.already_enrolled, again.invited) == (1, 3)
    assert program.invitations.count() == 3  # invited once


def test_a_deactivated_account_still_refuses_the_whole_list_and_invites_nobody(program, coordinator):
    UserFactory(email="gone@uni.edu", full_name="Gone Away", is_active=False)
    roster = parse_roster("new.person@uni.edu, trainee\ngone@uni.edu, trainee")
    with pytest.raises(RosterInvalid) as refused:
        program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    assert [str(p) for p in refused.value.problems] == ["line 2: gone@uni.edu: Gone Away's account is deactivated."]
    assert ProgramInvitation.objects.count() == 0


def test_the_task_enrols_each_invited_person_once_they_have_the_profile_of_their_role(program, coordinator):
    roster = parse_roster("new.person@uni.edu, trainee\nnew.mentor@uni.edu, mentor")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    assert enrol_invited.apply().get() == 0  # nobody has signed up yet

    person = TraineeProfileFactory(user__email="New.Person@uni.edu")
    TraineeProfileFactory(user__email="new.mentor@uni.edu")  # signed up, but as a trainee: still waiting

    assert enrol_invited.apply().get() == 1
    assert list(program.trainees.all()) == [person]
    assert _pending(program) == [("new.mentor@uni.edu", "mentor")]
    assert enrol_invited.apply().get() == 0  # nobody twice


def test_a_round_enrols_people_who_signed_up_since_the_last_task_before_it_matches(program, coordinator):
    program.mentors.add(MentorProfileFactory(capacity=2))
    program_enrol(
        program=program, roster=parse_roster("new.person@uni.edu", Role.TRAINEE), by=coordinator, invite_missing=True
    )
    person = TraineeProfileFactory(user__email="new.person@uni.edu")

    matching_round = round_start(program=program, algorithm="optimal", by=coordinator)
    round_run(matching_round=MatchingRound.objects.get(pk=matching_round.pk))

    assert list(Match.objects.filter(round=matching_round).values_list("trainee", flat=True)) == [person.pk]


# --- The admin page ------------------------------------------------------------------------------------------


def _enrol_url(program):
    return reverse("admin:matching_program_enrol", args=[program.pk])


def test_a_coordinator_invites_from_the_page_sees_who_waits_and_withdraws_one(login, coordinator, program):
    client = login(coordinator)
    response = client.post(
        _enrol_url(program),
        {"pasted": "amara@uni.edu\nwei@uni.edu", "default_role": "trainee", "invite_missing": "on"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Enrolled 0 trainee(s) and 0 mentor(s) in Surgery Mentoring. 2 invited: enrolled once they sign up and make "
        "their profile (listed below; those without an account are e-mailed a sign-up link)."
    ]
    html = response.content.decode()
    assert "Invited, not enrolled yet (2)" in html
    assert "amara@uni.edu, wei@uni.edu</textarea>" in html
    assert "http://testserver/signup/" in html

    wei = program.invitations.get(email="wei@uni.edu")
    url = reverse("admin:matching_program_withdraw_invitation", args=[program.pk, wei.pk])
    assert login(CoordinatorFactory()).post(url).status_code == 404
    response = login(coordinator).post(url, follow=True)
    assert "The invitation of wei@uni.edu is withdrawn." in [str(m) for m in response.context["messages"]]
    assert _pending(program) == [("amara@uni.edu", "trainee")]


def test_withdrawing_someone_already_enrolled_is_refused_with_the_reason(login, coordinator, program):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    TraineeProfileFactory(user__email="amara@uni.edu")
    enrol_invited.apply()
    invitation = program.invitations.get()

    response = login(coordinator).post(
        reverse("admin:matching_program_withdraw_invitation", args=[program.pk, invitation.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "amara@uni.edu is enrolled already: remove them on the program's page if they should not be."
    ]
    assert program.invitations.filter(enrolled_at__isnull=False).count() == 1


def test_without_the_box_ticked_an_unknown_address_still_refuses_the_list(login, coordinator, program):
    response = login(coordinator).post(_enrol_url(program), {"pasted": "amara@uni.edu, trainee", "default_role": ""})
    assert "no account has this e-mail address" in response.content.decode()
    assert ProgramInvitation.objects.count() == 0


# --- The API -------------------------------------------------------------------------------------------------


def test_the_api_invites_with_invite_missing(coordinator, program):
    client = APIClient()
    client.force_authenticate(coordinator)
    url = f"/api/v1/programs/{program.pk}/enrolments/"

    refused = client.post(url, {"trainees": ["amara@uni.edu"]}, format="json")
    invited = client.post(url, {"trainees": ["amara@uni.edu"], "invite_missing": True}, format="json")

    assert refused.status_code == 400
    assert invited.status_code == 200
    assert invited.json()["invited"] == 1
    assert _pending(program) == [("amara@uni.edu", "trainee")]


def test_listing_an_invited_person_again_once_they_have_the_profile_enrols_them_and_fulfils_the_invitation(
    program, coordinator
):
    roster = parse_roster("amara@uni.edu, trainee")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    amara = TraineeProfileFactory(user__email="amara@uni.edu")

    enrolment = program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)

    assert (enrolment.trainees_added, enrolment.invited) == (1, 0)
    assert list(program.trainees.all()) == [amara]
    assert _pending(program) == []  # no longer shown as waiting


def test_enrolling_many_invited_people_costs_a_fixed_number_of_queries(
    program, coordinator, django_assert_max_num_queries
):
    emails = [f"p{i}@uni.edu" for i in range(12)]
    program_enrol(
        program=program, roster=parse_roster("\n".join(emails), Role.TRAINEE), by=coordinator, invite_missing=True
    )
    for email in emails:
        TraineeProfileFactory(user__email=email)

    with django_assert_max_num_queries(8):  # lock, people, one add per program and role, mark: not one per person
        assert enrol_invited.apply().get() == 12


def test_invitations_to_a_program_that_has_ended_wait_until_it_is_active_again(program, coordinator):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    TraineeProfileFactory(user__email="amara@uni.edu")
    program.is_active = False
    program.save()

    assert enrol_invited.apply().get() == 0
    assert _pending(program) == [("amara@uni.edu", "trainee")]
    program.is_active = True
    program.save()
    assert enrol_invited.apply().get() == 1


def test_someone_with_an_account_but_not_the_profile_is_told_once_what_to_fill_in(program, coordinator):
    from notifications.models import Notification
    from notifications.rendering import render_email

    user = UserFactory(email="has.account@uni.edu")
    roster = parse_roster("has.account@uni.edu, mentor\nno.account@uni.edu, mentor")

    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # listed again

    message = Notification.objects.get(recipient__isnull=False)
    assert (message.recipient, message.kind) == (user, "program_invitation")
    rendered = render_email(message)
    assert rendered.subject == "Surgery Mentoring: make your mentor profile to take part"
    assert "/me/mentor/" in rendered.text


def test_whoever_signs_up_with_a_listed_address_is_enrolled_only_once_they_confirm_it(program, coordinator):
    """Anyone may sign up with any address: the invitation waits for the owner, who can open the link sent to it."""
    from notifications.models import Notification
    from profiles.email_confirmation import email_confirm

    squatter = TraineeProfileFactory(user__email="amara@uni.edu", user__email_confirmed_at=None)
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)

    assert enrol_invited.apply().get() == 0
    assert _pending(program) == [("amara@uni.edu", "trainee")]
    assert list(program.trainees.all()) == []
    assert not Notification.objects.filter(recipient=squatter.user).exists()  # not told of the program either

    email_confirm(user=squatter.user, address="amara@uni.edu")  # the link reached them: the address is theirs after all
    assert enrol_invited.apply().get() == 1
    assert list(program.trainees.all()) == [squatter]


def test_someone_who_confirms_after_being_listed_is_then_told_once_which_profile_to_make(program, coordinator):
    from notifications.models import Notification
    from profiles.email_confirmation import email_confirm

    user = UserFactory(email="late@uni.edu", email_confirmed_at=None)
    program_enrol(program=program, roster=parse_roster("late@uni.edu, mentor"), by=coordinator, invite_missing=True)
    assert enrol_invited.apply().get() == 0
    assert not Notification.objects.exists()  # not confirmed: not told

    email_confirm(user=user, address="late@uni.edu")
    for _ in range(2):  # every run of the task, but one message
        assert enrol_invited.apply().get() == 0
    message = Notification.objects.get()
    assert (message.recipient, message.kind, message.object_id) == (
        user,
        "program_invitation",
        program.invitations.get().pk,
    )


def test_the_page_says_what_each_invitation_still_waits_for(login, coordinator, program):
    UserFactory(email="no.profile@uni.edu", full_name="Nora Noprofile")
    TraineeProfileFactory(
        user__email="unconfirmed@uni.edu", user__full_name="Una Unconfirmed", user__email_confirmed_at=None
    )
    roster = parse_roster(
        "nobody@uni.edu, trainee\nno.profile@uni.edu, mentor\nunconfirmed@uni.edu, trainee\nready@uni.edu, trainee"
    )
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    TraineeProfileFactory(user__email="ready@uni.edu")  # signed up after the list: the task has not run yet

    html = login(coordinator).get(reverse("admin:matching_program_enrol", args=[program.pk])).content.decode()
    assert "No account has this e-mail address: ask them to sign up at /signup/ first." in html
    assert "Nora Noprofile has no mentor profile yet" in html
    assert "Una Unconfirmed has not confirmed this e-mail address yet" in html
    assert "Nothing: enrolled within a few minutes, or at the next round" in html

    program.is_active = False
    program.save()
    html = login(coordinator).get(reverse("admin:matching_program_enrol", args=[program.pk])).content.decode()
    assert "The program to be active again" in html
    assert "Nothing: enrolled" not in html


# --- Invitation e-mails to people with no account ----------------------------------------------------------


def test_people_with_no_account_are_e_mailed_once_and_signing_up_from_it_confirms_their_address(
    program, coordinator, client
):
    from django.core import mail

    from notifications.dispatch import dispatch_due, send_claimed
    from notifications.models import Notification
    from profiles.models import User

    roster = parse_roster("Amara@Uni.edu, trainee\nwei@uni.edu, mentor")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # listed again: no resend

    rows = Notification.objects.filter(kind="program_invitation_signup").order_by("to_address")
    assert [(n.to_address, n.kind, n.recipient, n.in_app) for n in rows] == [
        ("amara@uni.edu", "program_invitation_signup", None, False),
        ("wei@uni.edu", "program_invitation_signup", None, False),
    ]
    dispatch_due(enqueue=lambda pk, claim: send_claimed(notification_id=pk, claim=claim))  # as the worker does
    assert sorted(m.to[0] for m in mail.outbox) == ["amara@uni.edu", "wei@uni.edu"]
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    invitation_mail = next(m for m in mail.outbox if m.to == ["amara@uni.edu"])
    assert invitation_mail.subject == "You are invited to Surgery Mentoring as a trainee"
    signup = re.search(r"https?://[^/\s]+(/signup/\?invited=\S+)", invitation_mail.body).group(1)

    page = client.get(signup).content.decode()
    assert 'value="amara@uni.edu"' in page  # the address is filled in
    password = "a-long-enough-passphrase-2026"
    response = client.post(
        signup,
        {"full_name": "Amara Okafor", "email": "amara@uni.edu", "password1": password, "password2": password},
        follow=True,
    )
    assert "amara@uni.edu is confirmed: your invitation reached you there." in response.content.decode()
    assert User.objects.get(email="amara@uni.edu").email_confirmed
    assert len(mail.outbox) == 2  # no confirmation e-mail: the invitation already proved the address
    TraineeProfileFactory(user=User.objects.get(email="amara@uni.edu"))
    assert enrol_invited.apply().get() == 1
    assert list(program.trainees.values_list("user__email", flat=True)) == ["amara@uni.edu"]


def test_signing_up_from_an_invitation_with_another_address_confirms_nothing(program, coordinator, client):
    from django.core import mail

    from profiles.email_confirmation import signup_path
    from profiles.models import User

    password = "a-long-enough-passphrase-2026"
    client.post(
        signup_path("amara@uni.edu"),
        {"full_name": "Someone Else", "email": "else@uni.edu", "password1": password, "password2": password},
    )
    assert not User.objects.get(email="else@uni.edu").email_confirmed
    assert [m.subject for m in mail.outbox] == ["Confirm your e-mail address for Mentorship"]


@pytest.mark.parametrize("spoil", ["tamper", "expire"])
def test_a_tampered_or_expired_invitation_link_is_an_ordinary_sign_up(client, monkeypatch, spoil):
    import time

    from django.core import mail

    from profiles.email_confirmation import SIGNUP_LINK_VALID_DAYS, signup_path
    from profiles.models import User

    path = signup_path("amara@uni.edu")
    if spoil == "tamper":
        path = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    else:
        later = time.time() + SIGNUP_LINK_VALID_DAYS * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert 'value="amara@uni.edu"' not in client.get(path).content.decode()
    password = "a-long-enough-passphrase-2026"
    client.post(
        path, {"full_name": "Amara Okafor", "email": "amara@uni.edu", "password1": password, "password2": password}
    )
    assert not User.objects.get(email="amara@uni.edu").email_confirmed
    assert [m.subject for m in mail.outbox] == ["Confirm your e-mail address for Mentorship"]


def test_withdrawing_an_invitation_before_its_e_mail_left_stops_the_e_mail(login, coordinator, program):
    from notifications.models import Notification

    program_enrol(program=program, roster=parse_roster("wei@uni.edu, trainee"), by=coordinator, invite_missing=True)
    invitation = program.invitations.get()
    login(coordinator).post(reverse("admin:matching_program_withdraw_invitation", args=[program.pk, invitation.pk]))
    assert set(Notification.objects.filter(to_address="wei@uni.edu").values_list("kind", "state")) == {
        ("program_invitation_signup", "cancelled"),
        ("program_invitation_reminder", "cancelled"),
    }


def test_an_unconfirmed_account_holder_is_told_nothing_and_no_address_e_mail_goes_to_them(program, coordinator):
    from notifications.models import Notification

    UserFactory(email="claimed@uni.edu", email_confirmed_at=None)
    program_enrol(program=program, roster=parse_roster("claimed@uni.edu, trainee"), by=coordinator, invite_missing=True)
    assert not Notification.objects.exists()


# --- Reminders and expiry --------------------------------------------------------------------------------------


def _dispatch(now=None):
    from notifications.dispatch import dispatch_due, send_claimed

    return dispatch_due(enqueue=lambda pk, claim: send_claimed(notification_id=pk, claim=claim), now=now)


def test_someone_who_has_not_signed_up_a_week_later_is_reminded_once(program, coordinator):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from notifications.models import Notification

    roster = parse_roster("amara@uni.edu, trainee\nwei@uni.edu, trainee")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    _dispatch()
    assert sorted(m.to[0] for m in mail.outbox) == ["amara@uni.edu", "wei@uni.edu"]  # the invitations, not yet more

    UserFactory(email="wei@uni.edu")  # Wei signs up during the week
    enrol_invited.apply()
    week_later = timezone.now() + timedelta(days=7, minutes=1)
    _dispatch(now=week_later)
    _dispatch(now=week_later + timedelta(days=1))  # nothing goes twice
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder:")]
    assert [m.to for m in reminders] == [["amara@uni.edu"]]
    assert reminders[0].subject == "Reminder: you are invited to Surgery Mentoring as a trainee"
    assert "/signup/?invited=" in reminders[0].body
    assert Notification.objects.get(kind="program_invitation_reminder", to_address="wei@uni.edu").state == "cancelled"


def test_an_expired_invitation_enrols_nobody_until_the_person_is_listed_again(login, program, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    invitation = program.invitations.get()
    assert invitation.expires_at > timezone.now() + timedelta(days=89)
    program.invitations.update(expires_at=timezone.now() - timedelta(minutes=1))
    TraineeProfileFactory(user__email="amara@uni.edu")

    assert enrol_invited.apply().get() == 0
    html = login(coordinator).get(reverse("admin:matching_program_enrol", args=[program.pk])).content.decode()
    assert "Nothing any more: it expired on" in html

    again = program_enrol(
        program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True
    )
    assert (again.trainees_added, again.invited) == (1, 0)  # ready now: enrolled directly, invitation fulfilled
    assert _pending(program) == []


def test_listing_someone_again_renews_an_expired_invitation_and_sends_it_again(program, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notification

    roster = parse_roster("amara@uni.edu, trainee")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # not expired: nothing new
    assert Notification.objects.filter(kind="program_invitation_signup").count() == 1
    program.invitations.update(expires_at=timezone.now() - timedelta(minutes=1))

    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)

    assert program.invitations.get().expires_at > timezone.now() + timedelta(days=89)
    assert Notification.objects.filter(kind="program_invitation_signup").count() == 2
    TraineeProfileFactory(user__email="amara@uni.edu")
    assert enrol_invited.apply().get() == 1
