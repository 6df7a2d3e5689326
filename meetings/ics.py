"""A meeting as an iCalendar invitation (RFC 5545/5546). The UID never changes for a meeting; SEQUENCE grows with
every change, so calendars replace the earlier version instead of adding a second event."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting
from notifications.models import Notification
from notifications.rendering import Attachment

CONTENT_TYPE = "text/calendar"


def uid_for(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "mentorship.local"
    return f"meeting-{meeting.pk}@{host}"


def _organizer() -> vCalAddress:
    """The program's own sender, the one who e-mails every version of the invitation. Not the person who proposed
    the time: a counter-proposal would then change the ORGANIZER of the same UID, which calendars take as a
    different event's owner (Google and Outlook ignore or refuse such an update), and the e-mail's From would never
    match the ORGANIZER, which some clients flag as not sent by the organizer."""
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name or "Mentorship")
    return address


def _attendee(user: Any, *, accepted: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.full_name or user.email)
    address.params["role"] = vText("REQ-PARTICIPANT")
    address.params["partstat"] = vText("ACCEPTED" if accepted else "NEEDS-ACTION")
    # Answers are given on the meeting's page, not by a calendar's Yes/No (that reply would go to the sender).
    address.params["rsvp"] = vText("FALSE")
    return address


def calendar_method(meeting: Meeting, now: datetime) -> str:
    """iTIP's METHOD: the file of a cancelled meeting, or of a proposal nobody accepted in time, cancels it."""
    return "CANCEL" if meeting.status == Meeting.Status.CANCELLED or meeting.lapsed(now) else "REQUEST"


def meeting_calendar(meeting: Meeting, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    match = meeting.match
    mentor, trainee = match.mentor.user, match.trainee.user
    # A proposal nobody accepted before its time did not take place: its file cancels the tentative event a
    # calendar may hold, one sequence later than that invitation (the meeting's own sequence no longer moves).
    lapsed = meeting.lapsed(now)
    method = calendar_method(meeting, now)
    cancelled = method == "CANCEL"
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorship//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid_for(meeting))
    event.add("dtstamp", now)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("sequence", meeting.sequence + (1 if lapsed else 0))
    event.add("summary", f"Mentorship meeting: {mentor} and {trainee}")
    event.add(
        "status", "CANCELLED" if cancelled else {"proposed": "TENTATIVE", "accepted": "CONFIRMED"}[meeting.status]
    )
    where = meeting.where()
    if where:
        event.add("location", where)
    detail_url = settings.SITE_URL + reverse("meetings-detail", args=[meeting.pk])
    event.add("url", detail_url)
    answer_there = f"Answer, move or cancel the meeting on its page: {detail_url}"
    event.add("description", "\n\n".join(filter(None, [meeting.agenda, answer_there])))
    event.add("organizer", _organizer())
    accepted = meeting.status == Meeting.Status.ACCEPTED
    for person in (mentor, trainee):
        event.add("attendee", _attendee(person, accepted=accepted or person.pk == meeting.proposed_by_id))
    calendar.add_component(event)
    return calendar.to_ical()


def attachment_for_notification(notification: Notification, meeting: Any) -> Attachment | None:
    """Meeting e-mails carry the current invitation (a cancellation carries the cancelled event)."""
    if not isinstance(meeting, Meeting):
        return None
    # RFC 6047 (iMIP): the part names its method as the file does, so a mail client offers Accept/Decline for an
    # invitation and applies a cancellation, rather than showing a file to open.
    now = timezone.now()
    return Attachment(
        filename="meeting.ics",
        content=meeting_calendar(meeting, now),
        mimetype=CONTENT_TYPE,
        params=(("method", calendar_method(meeting, now)),),
    )
