"""What invited people are sent: the invitation e-mail to an address with no account (its sign-up link fills in
and confirms the address), one reminder a week later unless they have signed up, and expiry after 90 days with
renewal when they are listed again.

Tried: listing people again (nothing twice), a tampered or expired sign-up link, another address on the sign-up
form, withdrawing before the e-mail left, an unconfirmed account holder, signing up during the week (also in an
inactive program, and when a coordinator's list enrols them directly), an expired invitation of someone now ready.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from matching.coordination.roster import Role, parse_roster
from matching.services.enrolment import program_enrol
from matching.tasks import enrol_invited
from notifications.dispatch import notification_send, notifications_dispatch_due
from notifications.models import Notification
from profiles.models import User
from profiles.services.email_confirmation import SIGNUP_LINK_VALID_DAYS, signup_path
from tests.factories import CoordinatorFactory, ProgramFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-2026"


@pytest.fixture
def program(coordinator):
    return ProgramFactory(name="Surgery Mentoring", coordinators=[coordinator], open_to_all=False)


def _pending(program):
    return sorted(program.invitations.filter(enrolled_at__isnull=True).values_list("email", "role"))


def _dispatch(now=None):
    return notifications_dispatch_due(
        enqueue=lambda pk, claim: notification_send(notification_id=pk, claim=claim), now=now
    )


# --- Invitation e-mails to people with no account ----------------------------------------------------------


def _sign_up(client, path, email="amara@uni.edu"):
    data = {"full_name": "Amara Okafor", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(path, data, follow=True)


def test_people_with_no_account_are_e_mailed_once_and_signing_up_from_it_confirms_their_address(
    program, coordinator, client
):
    roster = parse_roster("Amara@Uni.edu, trainee\nwei@uni.edu, mentor")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # listed again: no resend

    rows = Notification.objects.filter(kind="program_invitation_signup").order_by("to_address")
    assert [(n.to_address, n.recipient, n.in_app) for n in rows] == [
        ("amara@uni.edu", None, False),
        ("wei@uni.edu", None, False),
    ]
    _dispatch()  # as the worker does
    assert sorted(m.to[0] for m in mail.outbox) == ["amara@uni.edu", "wei@uni.edu"]
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    invitation_mail = next(m for m in mail.outbox if m.to == ["amara@uni.edu"])
    assert invitation_mail.subject == "You are invited to Surgery Mentoring as a trainee"
    signup = re.search(r"https?://[^/\s]+(/signup/\?invited=\S+)", invitation_mail.body).group(1)

    assert 'value="amara@uni.edu"' in client.get(signup).content.decode()  # the address is filled in
    response = _sign_up(client, signup)
    assert "amara@uni.edu is confirmed: your invitation reached you there." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("profiles-trainee-edit")  # the profile of their role next
    assert User.objects.get(email="amara@uni.edu").email_confirmed
    assert len(mail.outbox) == 2  # no confirmation e-mail: the invitation already proved the address
    TraineeProfileFactory(user=User.objects.get(email="amara@uni.edu"))
    assert enrol_invited.apply().get() == 1
    assert list(program.trainees.values_list("user__email", flat=True)) == ["amara@uni.edu"]


def test_someone_invited_as_a_mentor_is_taken_to_the_mentor_profile_after_signing_up(program, coordinator, client):
    # The review signed up from a mentor invitation and was offered "Create my trainee profile" as step 1.
    program_enrol(program=program, roster=parse_roster("wei@uni.edu, mentor"), by=coordinator, invite_missing=True)
    _dispatch()
    signup = re.search(r"https?://[^/\s]+(/signup/\?invited=\S+)", mail.outbox[0].body).group(1)
    assert "as=mentor" in signup
    response = _sign_up(client, signup, email="wei@uni.edu")
    assert response.redirect_chain[-1][0] == reverse("profiles-mentor-edit")
    assert client.post(reverse("profiles-signup") + "?as=mentor").status_code == 302  # signed in now: no second account


def test_inviting_many_people_costs_a_fixed_number_of_queries(program, coordinator, django_assert_max_num_queries):
    def invite(count: int) -> None:
        emails = "\n".join(f"p{i}@uni.edu" for i in range(count))
        program_enrol(program=program, roster=parse_roster(emails, Role.TRAINEE), by=coordinator, invite_missing=True)

    with django_assert_max_num_queries(20) as few:
        invite(3)
    with django_assert_max_num_queries(len(few.captured_queries)):  # 40 people: no more queries than 3
        invite(40)
    assert Notification.objects.filter(kind="program_invitation_signup").count() == 40


def test_signing_up_from_an_invitation_with_another_address_confirms_nothing(client):
    _sign_up(client, signup_path("amara@uni.edu"), email="else@uni.edu")
    assert not User.objects.get(email="else@uni.edu").email_confirmed
    assert [m.subject for m in mail.outbox] == ["Confirm your e-mail address for Mentorship"]


@pytest.mark.parametrize("spoil", ["tamper", "expire"])
def test_a_tampered_or_expired_invitation_link_is_an_ordinary_sign_up(client, monkeypatch, spoil):
    path = signup_path("amara@uni.edu")
    if spoil == "tamper":
        path = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    else:
        later = time.time() + SIGNUP_LINK_VALID_DAYS * 24 * 3600 + 60
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert 'value="amara@uni.edu"' not in client.get(path).content.decode()
    _sign_up(client, path)
    assert not User.objects.get(email="amara@uni.edu").email_confirmed
    assert [m.subject for m in mail.outbox] == ["Confirm your e-mail address for Mentorship"]


def test_withdrawing_an_invitation_before_its_e_mail_left_stops_the_e_mail(login, coordinator, program):
    program_enrol(program=program, roster=parse_roster("wei@uni.edu, trainee"), by=coordinator, invite_missing=True)
    invitation = program.invitations.get()
    login(coordinator).post(reverse("admin:matching_program_withdraw_invitation", args=[program.pk, invitation.pk]))
    assert set(Notification.objects.filter(to_address="wei@uni.edu").values_list("kind", "state")) == {
        ("program_invitation_signup", "cancelled"),
        ("program_invitation_reminder", "cancelled"),
    }


def test_an_unconfirmed_account_holder_is_told_nothing_and_no_address_e_mail_goes_to_them(program, coordinator):
    UserFactory(email="claimed@uni.edu", email_confirmed_at=None)
    program_enrol(program=program, roster=parse_roster("claimed@uni.edu, trainee"), by=coordinator, invite_missing=True)
    assert not Notification.objects.exists()


def test_someone_told_by_the_task_is_not_told_again_when_listed_again(program, coordinator):
    from profiles.services.email_confirmation import email_confirm

    user = UserFactory(email="late@uni.edu", email_confirmed_at=None)
    roster = parse_roster("late@uni.edu, mentor")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    email_confirm(user=user, address="late@uni.edu")
    enrol_invited.apply()  # told now: make your mentor profile
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # the same sheet again
    enrol_invited.apply()
    assert Notification.objects.filter(kind="program_invitation", recipient=user).count() == 1


# --- Reminders and expiry --------------------------------------------------------------------------------------


def test_someone_who_has_not_signed_up_a_week_later_is_reminded_once(program, coordinator):
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


@pytest.mark.parametrize("how", ["program inactive", "enrolled from a list"])
def test_no_reminder_goes_to_someone_who_signed_up_however_their_invitation_stands(program, coordinator, how):
    roster = parse_roster("amara@uni.edu, trainee")
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    TraineeProfileFactory(user__email="amara@uni.edu")
    if how == "program inactive":
        program.is_active = False
        program.save()
    else:  # the coordinator's next list enrols them directly; the task never sees the invitation again
        program_enrol(program=program, roster=roster, by=coordinator)
    enrol_invited.apply()
    _dispatch(now=timezone.now() + timedelta(days=8))
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder:")]


@pytest.mark.parametrize("state", ["pending", "sending", "failed"])
def test_signing_up_cancels_the_reminder_whether_it_waits_is_claimed_or_failed(program, coordinator, state):
    # Only a pending reminder was cancelled: one claimed by a worker (`sending`, waiting between retries through a
    # mail outage) or `failed` (retried later in the admin) still e-mailed "you have not signed up yet" to someone
    # who had. Tried with the reminder in each state when the address signs up.
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    Notification.objects.filter(kind="program_invitation_reminder").update(state=state)
    UserFactory(email="amara@uni.edu")

    enrol_invited.apply()

    assert Notification.objects.get(kind="program_invitation_reminder").state == "cancelled"


def test_an_expired_invitation_enrols_nobody_until_the_person_is_listed_again(login, program, coordinator):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    assert program.invitations.get().expires_at > timezone.now() + timedelta(days=89)
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


def test_the_last_day_an_invitation_names_lasts_that_whole_day_wherever_the_invitee_is(program, coordinator):
    # The invited have no account, so no zone: "open until 1 Mar 2027" ended at 23:59:59 UTC, 13:59 that afternoon
    # in Honolulu. It now ends when that day ends everywhere (UTC-12), and every page and e-mail names that day.
    with freeze_time("2026-12-01 12:00:00"):
        program_enrol(
            program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True
        )
        _dispatch()
    invitation = program.invitations.get()
    assert "open until 1 Mar 2027" in " ".join(mail.outbox[0].body.split())
    assert invitation.last_day == date(2027, 3, 1)
    honolulu = ZoneInfo("Pacific/Honolulu")
    assert not invitation.is_expired(now=datetime(2027, 3, 1, 23, 59, tzinfo=honolulu))
    assert not invitation.is_expired(now=datetime(2027, 3, 1, 23, 59, tzinfo=ZoneInfo("Pacific/Pago_Pago")))
    assert invitation.is_expired(now=datetime(2027, 3, 2, 12, 0, tzinfo=UTC))  # 2 March has begun everywhere


def test_listing_someone_again_after_expiry_renews_the_invitation_and_sends_it_again_once(
    program, coordinator, monkeypatch
):
    roster = parse_roster("amara@uni.edu, trainee")
    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *a: today - timedelta(days=91))  # listed 91 days ago
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    monkeypatch.undo()
    assert program.invitations.get().is_expired()
    _dispatch(now=timezone.now() + timedelta(days=8))  # the first term's invitation and reminder (long gone out)

    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)
    program_enrol(program=program, roster=roster, by=coordinator, invite_missing=True)  # and again: nothing new

    assert not program.invitations.get().is_expired()
    _dispatch(now=timezone.now() + timedelta(days=16))
    invitations = [m for m in mail.outbox if m.subject.startswith("You are invited")]
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder:")]
    assert (len(invitations), len(reminders)) == (2, 2)  # one invitation and one reminder per term
    TraineeProfileFactory(user__email="amara@uni.edu")
    assert enrol_invited.apply().get() == 1


# --- Sending an invitation again ------------------------------------------------------------------------------


def _resend(client, program, invitation):
    url = reverse("admin:matching_program_resend_invitation", args=[program.pk, invitation.pk])
    return [str(m) for m in client.post(url, follow=True).context["messages"]]


def test_a_coordinator_sends_an_invitation_again_once_the_last_went_out_over_an_hour_ago(login, coordinator, program):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    invitation = program.invitations.get()
    client = login(coordinator)
    enrol_page = reverse("admin:matching_program_enrol", args=[program.pk])
    # Not offered while the first message is still queued (it would only be refused, as a direct post is).
    assert 'value="Send again"' not in client.get(enrol_page).content.decode()

    queued = "A message to amara@uni.edu is still waiting to go out: it leaves within minutes."
    assert _resend(client, program, invitation) == [queued]  # the worker has not sent the first one yet
    _dispatch()
    assert 'value="Send again"' in client.get(enrol_page).content.decode()
    assert _resend(client, program, invitation) == ["A message went to amara@uni.edu less than an hour ago."]
    Notification.objects.filter(kind="program_invitation_signup").update(sent_at=timezone.now() - timedelta(hours=2))
    assert _resend(client, program, invitation) == ["The invitation went to amara@uni.edu again."]
    assert _resend(client, program, invitation) == [queued]  # a double click sends one
    _dispatch()
    invitations = [m for m in mail.outbox if m.subject.startswith("You are invited")]
    assert [m.to for m in invitations] == [["amara@uni.edu"], ["amara@uni.edu"]]


def test_a_failed_e_mail_does_not_hold_back_sending_again(login, coordinator, program):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    Notification.objects.filter(kind="program_invitation_signup").update(state="failed")  # the mail server refused
    assert _resend(login(coordinator), program, program.invitations.get()) == [
        "The invitation went to amara@uni.edu again."
    ]


def test_someone_who_confirmed_since_being_listed_is_told_once_even_if_the_task_runs_after_a_click(
    login, coordinator, program
):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    _dispatch()
    user = UserFactory(email="amara@uni.edu")  # signed up from the invitation: confirmed, no profile yet
    assert _resend(login(coordinator), program, program.invitations.get()) == [
        "The invitation went to amara@uni.edu again."
    ]
    enrol_invited.apply()  # the task would tell them now: it is the same message
    assert Notification.objects.filter(kind="program_invitation", recipient=user).count() == 1


def test_a_confirmed_account_holder_is_sent_the_profile_message_again_an_hour_later(login, coordinator, program):
    user = UserFactory(email="has.account@uni.edu")
    program_enrol(
        program=program, roster=parse_roster("has.account@uni.edu, mentor"), by=coordinator, invite_missing=True
    )
    _dispatch()
    Notification.objects.filter(kind="program_invitation").update(sent_at=timezone.now() - timedelta(hours=2))
    assert _resend(login(coordinator), program, program.invitations.get()) == [
        "The invitation went to has.account@uni.edu again."
    ]
    assert Notification.objects.filter(kind="program_invitation", recipient=user).count() == 2


@pytest.mark.parametrize(
    ("situation", "refusal"),
    [
        ("unconfirmed", "Nothing is sent: the account with this e-mail address has not confirmed it yet"),
        ("deactivated", "Nothing is sent: the account with this e-mail address is deactivated."),
        ("ready", "amara@uni.edu is ready: they are enrolled within a few minutes."),
        ("expired", "has expired: list them again to renew and send it."),
        ("inactive", "Surgery Mentoring is not active: its invitations wait until it is again."),
        ("enrolled", "amara@uni.edu is enrolled already."),
    ],
)
def test_sending_again_is_refused_with_the_reason_and_sends_nothing(login, coordinator, program, situation, refusal):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    invitation = program.invitations.get()
    if situation in ("unconfirmed", "deactivated"):
        confirmed = None if situation == "unconfirmed" else timezone.now()
        UserFactory(
            email="amara@uni.edu",
            full_name="Ada Amara",
            email_confirmed_at=confirmed,
            is_active=situation != "deactivated",
        )
    elif situation in ("ready", "enrolled"):
        TraineeProfileFactory(user__email="amara@uni.edu", user__full_name="Ada Amara")
        if situation == "enrolled":
            enrol_invited.apply()
    elif situation == "expired":
        program.invitations.update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        program.is_active = False
        program.save()
    before = Notification.objects.count()
    client = login(coordinator)
    messages = _resend(client, program, invitation)
    assert len(messages) == 1
    assert refusal in messages[0]
    assert Notification.objects.count() == before
    page = client.get(reverse("admin:matching_program_enrol", args=[program.pk])).content.decode()
    assert 'value="Send again"' not in page  # the button is offered only where it would be sent
    assert ('value="Withdraw"' in page) == (situation != "enrolled")


def test_only_the_programs_coordinators_may_send_an_invitation_again(login, program, coordinator, trainee, mentor):
    program_enrol(program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinator, invite_missing=True)
    url = reverse("admin:matching_program_resend_invitation", args=[program.pk, program.invitations.get().pk])
    assert login(CoordinatorFactory()).post(url).status_code == 404
    assert login(trainee.user).post(url).status_code == 302  # to the admin's log-in page
    assert login(mentor.user).post(url).status_code == 302
    assert Notification.objects.filter(kind="program_invitation_signup").count() == 1
