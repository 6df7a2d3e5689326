"""E-mail templates: every kind the code base writes has its own three templates, and each renders."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting
from notifications import dispatch
from notifications.models import Notification
from notifications.rendering import has_own_templates, render_email
from tests.factories import MeetingFactory, NotificationFactory, approved_match

ROOT = Path(settings.BASE_DIR)
APPS = ("profiles", "matching", "meetings", "notifications")
KIND_ARG = re.compile(r"""\bkind\s*=\s*["']([a-z_]+)["'](?:\s+if\s+.+?\s+else\s+["']([a-z_]+)["'])?""")
KIND_BY_NAME = re.compile(r"""\bkind\s*=\s*([A-Z][A-Z_]*)\b""")


def kinds_in_code() -> set[str]:
    """Every `kind="…"` argument and kind constant in the apps' code (not tests)."""
    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if not re.search(r"\bnotify(_many|_address|_new)?\(", text):
                continue  # numpy's argsort(kind="stable") is not a message
            for match in KIND_ARG.finditer(text):
                found.update(k for k in match.groups() if k)
            for name in set(KIND_BY_NAME.findall(text)):
                # `kind=REMINDER`: read the constant from this module or from the module it was imported from.
                module_texts = [text] + [p.read_text() for p in (ROOT / app).rglob("*.py") if name in p.read_text()]
                for module_text in module_texts:
                    found.update(re.findall(rf"""^{name}\s*=\s*["']([a-z_]+)["']""", module_text, re.MULTILINE))
    return found


def test_the_scan_finds_the_meeting_kinds() -> None:
    kinds = kinds_in_code()
    assert {"meeting_reminder", "meeting_proposed", "meeting_time_suggested", "checkin_survey"} <= kinds


def test_the_list_of_kinds_is_every_kind_the_code_base_writes_and_no_other() -> None:
    # The API's `?kind=` filter takes these and only these: a kind nobody writes would be a filter that can never
    # match, a kind missing from the list one the filter refuses.
    from notifications.kinds import Kind

    assert set(Kind.values) == kinds_in_code()


@pytest.mark.django_db
def test_a_message_of_a_kind_not_in_the_list_is_refused_before_it_is_written() -> None:
    from notifications.kinds import Kind
    from notifications.services import notify, notify_many
    from tests.factories import UserFactory

    person = UserFactory()

    with pytest.raises(ValueError, match="match_aproved"):
        notify(recipient=person, kind="match_aproved")
    with pytest.raises(ValueError, match="match_aproved"):
        notify_many(kind="match_aproved", messages=[(person, None, "")])
    notify(recipient=person, kind=Kind.MATCH_APPROVED)

    assert list(Notification.objects.values_list("kind", flat=True)) == ["match_approved"]


@pytest.mark.parametrize("kind", sorted(kinds_in_code()))
def test_every_kind_used_in_the_code_base_has_its_own_templates(kind: str) -> None:
    assert has_own_templates(kind), f"templates/notifications/{kind}.subject.txt, .txt and .html are needed"


#: Every kind of message, the object it is about, and the page its link must open.
LINKS = {
    "match_requested": ("match", "/admin/matching/match/{match}/change/"),
    "match_request_reminder": ("match", "/admin/matching/match/{match}/change/"),
    "match_request_expired": ("match", "/mentors/"),
    "match_approved": ("match", "/meetings/match/{match}/"),
    "match_declined": ("match", "/mentors/"),
    "match_cancelled": ("match", "/mentors/"),  # a request or proposal whose mentor left
    "match_ended": ("match", "/mentorship/"),  # for the trainee; the mentor's is /mentorship/mentees/
    "checkin_survey": ("match", "/meetings/match/{match}/checkin/0/"),
    "inactivity_nudge": ("match", "/meetings/new/{match}/"),
    "meeting_proposed": ("meeting", "/meetings/{meeting}/"),
    "meeting_accepted": ("meeting", "/meetings/{meeting}/"),
    "meeting_time_suggested": ("meeting", "/meetings/{meeting}/"),
    "meeting_rescheduled": ("meeting", "/meetings/{meeting}/"),
    "meeting_cancelled": ("meeting", "/meetings/{meeting}/"),
    "meeting_reminder": ("meeting", "/meetings/{meeting}/"),
    "meeting_feedback_prompt": ("meeting", "/meetings/{meeting}/feedback"),
    "session_log_prompt": ("meeting", "/meetings/match/{match}/log/?meeting={meeting}"),
    "program_invitation": ("programinvitation", "/me/trainee/"),
}


def _to_address(address: str, kind: str, about: Any) -> Any:
    from notifications.models import Notification
    from notifications.services import notify_many

    notify_many(kind=kind, messages=[(address, about, "")])
    return Notification.objects.get(kind=kind, to_address=address.lower())


#: Messages to an address with no account (no inbox): their links are checked by their own tests below.
ADDRESS_ONLY = {"program_invitation_signup", "program_invitation_reminder"}


def test_every_kind_in_the_code_base_has_a_link_to_check() -> None:
    assert kinds_in_code() == set(LINKS) | ADDRESS_ONLY


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(ADDRESS_ONLY))
def test_an_invitation_to_sign_up_links_to_a_sign_up_page_that_knows_the_address(coordinator: Any, kind: str) -> None:
    from urllib.parse import parse_qs, urlsplit

    from matching.models import ProgramInvitation
    from profiles.services.email_confirmation import invited_address
    from tests.factories import ProgramFactory

    program = ProgramFactory(name="Surgery Mentoring", description="Monthly meetings with a surgeon.")
    invitation = ProgramInvitation.objects.create(
        program=program, email="amara@uni.edu", role="trainee", invited_by=coordinator
    )
    rendered = render_email(_to_address("Amara@Uni.edu", kind, invitation))

    reminder = "Reminder: y" if kind == "program_invitation_reminder" else "Y"
    assert rendered.subject == f"{reminder}ou are invited to Surgery Mentoring as a trainee"
    assert f"open until {invitation.last_day:%-d %b %Y}" in " ".join(rendered.text.split())
    assert f"{coordinator}, a coordinator of Surgery Mentoring," in rendered.text
    if kind == "program_invitation_signup":  # the first e-mail says what the program is; the reminder is short
        assert "Monthly meetings with a surgeon." in rendered.text
    found = re.search(re.escape(settings.SITE_URL) + r"(/signup/\?invited=\S+)", rendered.text)
    assert found, rendered.text
    token = parse_qs(urlsplit(found.group(1)).query)["invited"][0]
    assert invited_address(token) == "amara@uni.edu"
    assert f'href="{settings.SITE_URL}/signup/?invited=' in rendered.html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(LINKS))
def test_the_email_and_the_inbox_link_to_the_same_page_the_message_is_about(
    kind: str, mentor: Any, trainee: Any
) -> None:
    from matching.models import ProgramInvitation
    from notifications.rendering import inbox_entry

    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = MeetingFactory(match=match)
    invitation = ProgramInvitation.objects.create(program=match.program, email=trainee.user.email, role="trainee")
    about = {"match": match, "meeting": meeting, "programinvitation": invitation}
    object_type, path = LINKS[kind]
    row = NotificationFactory(
        kind=kind,
        recipient=trainee.user,
        object_type=object_type,
        object_id=about[object_type].pk,
        context={"period": 0, "idle_days": 30, "lead_hours": 24},
    )
    link = path.format(match=match.pk, meeting=meeting.pk)
    assert inbox_entry(row).link == link
    rendered = render_email(row)
    assert settings.SITE_URL + link in rendered.text
    assert f'href="{settings.SITE_URL}{link}"' in rendered.html.replace("&amp;", "&")


@pytest.mark.django_db
def test_a_message_written_without_its_object_still_renders_and_points_at_the_site() -> None:
    from notifications.rendering import inbox_entry

    row = NotificationFactory(kind="match_approved")  # no match: e.g. written by hand by an operator
    assert inbox_entry(row).link == ""
    assert f"{settings.SITE_URL}\n" in render_email(row).text


@pytest.mark.django_db
def test_a_broken_link_template_is_an_error_to_see_when_the_object_exists(
    mentor: Any, trainee: Any, settings: Any, tmp_path: Path
) -> None:
    from django.urls import NoReverseMatch

    (tmp_path / "notifications").mkdir()
    (tmp_path / "notifications" / "match_approved.link.txt").write_text("{% url 'no-such-page' obj.pk %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    match = approved_match(mentor=mentor, trainee=trainee)
    row = NotificationFactory(kind="match_approved", object_type="match", object_id=match.pk)
    with pytest.raises(NoReverseMatch):
        render_email(row)


@pytest.mark.django_db
def test_a_mentor_whose_match_ended_is_sent_to_their_mentees_page(mentor: Any, trainee: Any) -> None:
    from notifications.rendering import inbox_entry

    match = approved_match(mentor=mentor, trainee=trainee)
    row = NotificationFactory(kind="match_ended", recipient=mentor.user, object_type="match", object_id=match.pk)
    assert inbox_entry(row).link == "/mentorship/mentees/"


@pytest.mark.django_db
def test_a_kind_without_templates_falls_back_to_the_generic_message() -> None:
    row = NotificationFactory(kind="some_future_kind")
    rendered = render_email(row)
    assert rendered.subject == "A message from Mentorship"
    assert "/inbox/" in rendered.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    [
        "meeting_proposed",
        "meeting_accepted",
        "meeting_time_suggested",
        "meeting_rescheduled",
        "meeting_cancelled",
        "meeting_reminder",
        "meeting_feedback_prompt",
        "session_log_prompt",
    ],
)
def test_each_meeting_email_renders_in_the_recipients_zone_with_the_ics(kind: str, mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = MeetingFactory(
        match=match, start=timezone.now() + timedelta(days=2), cancel_reason="Sick", cancelled_by=mentor.user
    )
    # The session-log prompt goes to the mentor (New York); every other kind is tried on the trainee (Chicago).
    recipient, zone, other = (
        (mentor.user, "America/New_York", "Tara Trainee")
        if kind == "session_log_prompt"
        else (trainee.user, "America/Chicago", "Dr Maya Patel")
    )
    row = NotificationFactory(
        kind=kind, recipient=recipient, object_type="meeting", object_id=meeting.pk, context={"lead_hours": 24}
    )
    rendered = render_email(row)
    assert f"({zone})" in rendered.subject + rendered.text
    assert "\n" not in rendered.subject
    assert other in rendered.subject + rendered.text
    assert rendered.html.count("<p>") >= 2
    assert [a.filename for a in rendered.attachments] == ["meeting.ics"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["checkin_survey", "inactivity_nudge"])
def test_match_emails_render(kind: str, mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    row = NotificationFactory(
        kind=kind,
        recipient=mentor.user,
        object_type="match",
        object_id=match.pk,
        context={"period": 0, "idle_days": 30},
    )
    rendered = render_email(row)
    assert "Tara Trainee" in rendered.subject
    assert f"/meetings/{'match' if kind == 'checkin_survey' else 'new'}/{match.pk}/" in rendered.text


@pytest.mark.django_db
def test_a_reminder_email_carries_an_ics_that_calendars_read(mentor: Any, trainee: Any) -> None:
    match = approved_match(mentor=mentor, trainee=trainee)
    meeting = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=(timezone.now() + timedelta(days=2)).replace(microsecond=0),
        duration_minutes=30,
        format="in_person",
        place="Room 4B",
    )
    services.meeting_accept(meeting=meeting, by=trainee.user)
    Notification.objects.filter(kind="meeting_reminder").update(due_at=timezone.now())
    sent: list[tuple[int, str]] = []
    dispatch.notifications_dispatch_due(enqueue=lambda pk, claim: sent.append((pk, claim)))
    for pk, claim in sent:
        dispatch.notification_send(notification_id=pk, claim=claim)
    reminders = [m for m in mail.outbox if "Reminder" in m.subject]
    assert len(reminders) == 4
    (part,) = reminders[0].attachments
    assert (part.get_filename(), part.get_content_type()) == ("meeting.ics", "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["location"]) == "Room 4B"
    assert event.decoded("dtstart") == meeting.start
    assert str(event["status"]) == "CONFIRMED"
    assert Meeting.objects.get(pk=meeting.pk).status == "accepted"


@pytest.mark.django_db
def test_plain_text_parts_are_not_html_escaped_and_the_html_part_is(coordinator: Any) -> None:
    from matching.models import ProgramInvitation
    from tests.factories import ProgramFactory

    program = ProgramFactory(name="Surgery & Trauma", description="O'Brien's <b>group</b>")
    invitation = ProgramInvitation.objects.create(program=program, email="amara@uni.edu", role="trainee")
    rendered = render_email(_to_address("amara@uni.edu", "program_invitation_signup", invitation))
    assert rendered.subject == "You are invited to Surgery & Trauma as a trainee"
    assert "Surgery & Trauma" in rendered.text
    assert "O'Brien's <b>group</b>" in rendered.text
    assert "Surgery &amp; Trauma" in rendered.html
    assert "&lt;b&gt;group&lt;/b&gt;" in rendered.html


@pytest.mark.django_db
def test_the_feedback_prompt_promises_what_the_feedback_form_and_the_reveal_rule_do(
    mentor: Any, trainee: Any, login: Any
) -> None:
    # Tried: the e-mail said "the other person sees your answer only once they have answered too", but a lone answer
    # is shown to the other person a week after the meeting (meetings.selectors.feedback_visible), as the form says.
    # And "your coordinator sees only totals" was untrue: a "not a good fit" answer flags the match with it.
    from meetings.selectors import FEEDBACK_REVEAL_AFTER

    assert timedelta(days=7) == FEEDBACK_REVEAL_AFTER
    promise = (
        "The other person sees your answer once they have answered too, or a week after the meeting. Your "
        "coordinator sees the program's totals, and is alerted, with your answer, if you say it is not a good fit."
    )
    meeting = MeetingFactory(
        match=approved_match(mentor=mentor, trainee=trainee), start=timezone.now() - timedelta(hours=2)
    )
    row = NotificationFactory(
        kind="meeting_feedback_prompt", recipient=trainee.user, object_type="meeting", object_id=meeting.pk
    )

    rendered = render_email(row)

    assert promise in rendered.text
    assert promise in rendered.html
    assert "only once" not in rendered.text + rendered.html
    form = login(trainee.user).get(reverse("meetings-feedback", args=[meeting.pk])).content.decode()
    assert promise in form
