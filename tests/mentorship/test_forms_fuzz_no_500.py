"""Odd values (empty, spaces, NUL, 1M characters, negative, huge, decimals) posted field by field to every form a
trainee or mentor fills in: never a 500. Written in a review of the forms (2026-12-01); it held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    GoalFactory,
    MeetingFactory,
    SessionLogFactory,
    approved_match,
    focus_area,
    language,
    specialty,
)

NASTY = [
    "",
    "   ",
    "\x00",
    "a\x00b",
    "x" * 1_000_000,
    "-1",
    "1.5",
    "99999999999999999999999",
    "1e3",
    "☃",
    "0",
    "2147483648",
    "-99999999999999999999999",
]

pytestmark = pytest.mark.django_db


def _fuzz(client, url, base, fields=None, label=""):
    out = []
    for field in fields or list(base):
        for value in NASTY:
            data = {**base, field: value}
            try:
                r = client.post(url, data)
                code = r.status_code
            except Exception as e:
                code = f"EXC {type(e).__name__}: {str(e)[:150]}"
            if not isinstance(code, int) or code >= 500:
                out.append((label, field, repr(value)[:30], code))
    return out


def test_no_form_answers_an_odd_value_with_a_server_error(login, trainee, mentor, coordinator):
    results = []
    match = approved_match(mentor=mentor, trainee=trainee)
    goal = GoalFactory(trainee=trainee)
    c = login(trainee.user)
    tbase = {
        "career_stage": "2",
        "institution": "X",
        "time_zone": "America/Chicago",
        "meeting_formats": ["2"],
        "languages": [str(language("en").pk)],
        "focus_areas": [str(focus_area(0).pk)],
        "specialty_interests": [str(specialty("Cardiology").pk)],
        "statement": "s",
    }
    r = c.post(reverse("profiles-trainee-edit"), tbase)
    print("trainee base", r.status_code)
    results += _fuzz(c, reverse("profiles-trainee-edit"), tbase, label="trainee")
    gbase = {
        "title": "T",
        "focus_area": "",
        "description": "",
        "target_date": "",
        "status": "in_progress",
        "progress": "5",
    }
    results += _fuzz(c, reverse("profiles-goal-add"), gbase, fields=[*list(gbase), "submission"], label="goal-add")
    results += _fuzz(c, reverse("profiles-goal-edit", args=[goal.pk]), gbase, label="goal-edit")
    results += _fuzz(c, reverse("matching-shortlist"), {"rank_1": "", "rank_2": "", "rank_3": ""}, label="shortlist")
    m = login(mentor.user)
    mbase = {
        "career_stage": "5",
        "institution": "X",
        "time_zone": "America/New_York",
        "meeting_formats": ["2"],
        "languages": [str(language("en").pk)],
        "focus_areas": [str(focus_area(0).pk)],
        "specialty": str(specialty("Cardiology").pk),
        "subspecialties": [],
        "capacity": "3",
        "accepting_mentees": "on",
        "bio": "b",
    }
    r = m.post(reverse("profiles-mentor-edit"), mbase)
    print("mentor base", r.status_code)
    results += _fuzz(m, reverse("profiles-mentor-edit"), mbase, label="mentor")
    start = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    pbase = {
        "start": start,
        "duration_minutes": "45",
        "format": "video",
        "video_link": "https://v.example.org/r",
        "place": "",
        "phone": "",
        "agenda": "a",
    }
    results += _fuzz(m, reverse("meetings-propose", args=[match.pk]), pbase, label="propose")
    for v in ["9999-12-31T23:30", "0001-01-01T00:30", "2026-03-08T02:30"]:
        try:
            r = m.post(reverse("meetings-propose", args=[match.pk]), {**pbase, "start": v})
            print("propose", v, r.status_code)
        except Exception as e:
            results.append(("propose-start", v, type(e).__name__))
    meeting = MeetingFactory(match=match, start=timezone.now() + timedelta(days=9))
    mv = {"start": start, "duration_minutes": "45", "sequence": str(meeting.sequence), "status": meeting.status}
    results += _fuzz(m, reverse("meetings-reschedule", args=[meeting.pk]), mv, label="reschedule")
    results += _fuzz(
        m,
        reverse("meetings-cancel", args=[meeting.pk]),
        {"reason": "r", "sequence": "99999999999999999999999", "status": "x"},
        label="cancel",
    )
    results += _fuzz(m, reverse("meetings-accept", args=[meeting.pk]), {"sequence": "0", "status": ""}, label="accept")
    past = MeetingFactory(match=match, start=timezone.now() - timedelta(days=2))
    lbase = {
        "date": str(timezone.localdate() - timedelta(days=2)),
        "duration_minutes": "45",
        "topics": [str(focus_area(0).pk)],
        "notes_shared": "n",
        "notes_private": "",
        "next_steps": "",
        f"goal_{goal.pk}": "50",
    }
    results += _fuzz(
        m, reverse("meetings-log-create", args=[match.pk]), lbase, fields=[*list(lbase), "submission"], label="log"
    )
    log = SessionLogFactory(match=match, author=mentor.user)
    results += _fuzz(m, reverse("meetings-log-edit", args=[log.pk]), lbase, label="log-edit")
    fb = {"rating": "4", "useful": "yes", "went_well": "", "to_change": "", "good_fit": "yes"}
    results += _fuzz(m, reverse("meetings-feedback", args=[past.pk]), fb, label="feedback")
    results += _fuzz(
        m, reverse("meetings-checkin", args=[match.pk, 0]), {"going_well": "4", "comment": ""}, label="checkin"
    )
    results += _fuzz(m, reverse("matching-mentor-accepting"), {"accepting": "1"}, label="accepting")
    # request
    t2 = login(trainee.user)
    results += _fuzz(
        t2,
        reverse("matching-request-create", args=[mentor.pk]),
        {"program": str(match.program_id), "message": "hi"},
        label="request",
    )
    c.logout()
    sbase = {
        "full_name": "New Person",
        "email": "new@example.org",
        "password1": "long-enough-pass-123",
        "password2": "long-enough-pass-123",
    }
    results += _fuzz(c, reverse("profiles-signup"), sbase, label="signup")
    for r in results:
        print("FINDING", r)
    assert not results
