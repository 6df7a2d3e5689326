"""HTML forms against "bad input gets a clear error and changes nothing" and "no data is lost when a request dies
midway", from a review of the forms (2026-12-01). Each docstring says what went wrong before its fix; the
all-or-nothing tests held already and are kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, MatchTransition
from notifications.models import Notification
from profiles.models import Goal, User
from tests.factories import MatchFactory, ProgramFactory, focus_area, language, specialty

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:matching_match_changelist"
API_REASON_LIMIT = 2000  # matching/api/coordination_serializers.py: decline/end reason and clear note


def _act(client: Any, action: str, match: Match, reason: str) -> Any:
    data = {"action": action, ACTION_CHECKBOX_NAME: [match.pk], "index": 0, "apply": "1", "reason": reason}
    return client.post(reverse(CHANGELIST), data)


def _history(match: Match) -> list[tuple[str, str]]:
    return list(MatchTransition.objects.filter(match=match).values_list("to_status", "reason"))


# --- 1. Coordinator's reason / note forms take text of any length --------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "extra"),
    [
        ("decline_selected", Match.Status.REQUESTED, {}),
        ("end_selected", Match.Status.APPROVED, {}),
        (
            "clear_at_risk_selected",
            Match.Status.APPROVED,
            {"at_risk_reason": "Not a good fit", "at_risk_since": timezone.now},
        ),
    ],
)
def test_admin_reason_of_200k_characters_is_refused_and_nothing_changes(
    login: Any, coordinator: Any, action: str, status: str, extra: dict[str, Any]
) -> None:
    """A coordinator pastes a whole document (200,000 characters) into the reason box of Decline… / End… / Clear the
    at-risk flag…. The API refuses anything over 2,000 characters, but the admin form has no limit: the match is
    declined/ended/cleared, the text goes into its history and into the e-mails to the trainee (and mentor). Expected:
    a refusal next to the Reason field, the match unchanged, no e-mail queued."""
    program = ProgramFactory(coordinators=[coordinator])
    match = MatchFactory(program=program, status=status, **{k: v() if callable(v) else v for k, v in extra.items()})
    before = (Match.objects.filter(pk=match.pk).values().get(), _history(match), Notification.objects.count())

    response = _act(login(coordinator), action, match, "x" * 200_000)

    after = (Match.objects.filter(pk=match.pk).values().get(), _history(match), Notification.objects.count())
    assert after == before, "the over-long reason was accepted and the match changed"
    assert response.status_code in (200, 400)
    assert "2000" in response.content.decode() or "2,000" in response.content.decode()


# --- 2. "Accepting new mentees" switch: a bad value is silently ignored -------------------------------------------


def test_accepting_switch_with_a_bad_value_says_what_is_wrong(login: Any, mentor: Any) -> None:
    """A mentor's *My mentees* switch is posted with a value the form does not know (a stale page, a mangled
    request: accepting=maybe or nothing). The view ignores the invalid form and redirects with no message at all
    (matching/views/mentorship.py: `elif form.is_valid()` has no else), so the mentor believes it was saved."""
    response = login(mentor.user).post(reverse("matching-mentor-accepting"), {"accepting": "maybe"})
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert response.status_code >= 400 or said, "nothing said: the switch silently did nothing"


# --- 3. A pasted roster over Django's request size limit: bare 400 ------------------------------------------------


def test_pasting_a_100k_row_roster_gets_a_clear_message(login: Any, coordinator: Any) -> None:
    """A coordinator pastes a 100,000-row sheet into *Enrol from a list*. The upload box says "at most 1 MB" and a
    5,000-row limit exists, but the paste is over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), so Django answers a bare
    "Bad Request (400)" page: no message, no form, the paste lost. Expected: the enrol page with a message saying
    the list is too long (split it)."""
    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    rows = "\r\n".join(f"person{i:06d}@example.org,trainee" for i in range(100_000))
    client = login(coordinator)
    client.raise_request_exception = False  # refused before any view, as a browser sees it
    response = client.post(reverse("admin:matching_program_enrol", args=[program.pk]), {"pasted": rows})
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than the site takes at once (2.5 MB)" in page
    assert "send it in parts of at most 5,000 rows" in page
    assert not program.trainees.exists()


# --- 4. Refused forms answer 200, not 4xx -------------------------------------------------------------------------


def test_refused_goal_form_answers_4xx(login: Any, trainee: Any) -> None:
    """A trainee submits a goal with no title and progress -5. The page shows the errors but with status 200
    (profiles/views/goals.py renders without a status), unlike the meeting, session-log and request forms (400):
    clients, tests and monitoring cannot tell a refusal from a success page."""
    response = login(trainee.user).post(
        reverse("profiles-goal-add"), {"title": "", "status": "in_progress", "progress": "-5"}
    )
    assert Goal.objects.count() == 0
    assert 400 <= response.status_code < 500, response.status_code


def test_refused_profile_form_answers_4xx(login: Any, mentor: Any) -> None:
    """A mentor saves their profile with capacity 50. Errors shown, nothing saved, but status 200
    (profiles/views/me.py mentor_edit/trainee_edit render without a status)."""
    data = {
        "career_stage": str(mentor.career_stage),
        "institution": "X",
        "time_zone": "America/New_York",
        "meeting_formats": ["2"],
        "languages": [str(language("en").pk)],
        "focus_areas": [str(focus_area(0).pk)],
        "specialty": str(specialty("Cardiology").pk),
        "capacity": "50",
        "accepting_mentees": "on",
        "bio": "b",
    }
    response = login(mentor.user).post(reverse("profiles-mentor-edit"), data)
    mentor.refresh_from_db()
    assert mentor.capacity == 2
    assert 400 <= response.status_code < 500, response.status_code


def test_refused_signup_form_answers_4xx(client: Any) -> None:
    """Someone signs up with an empty name and "x" as e-mail: errors shown, status 200 (profiles/views/accounts.py
    signup's last render has no status)."""
    response = client.post(
        reverse("profiles-signup"), {"full_name": "", "email": "x", "password1": "", "password2": ""}
    )
    assert User.objects.count() == 0
    assert 400 <= response.status_code < 500, response.status_code


def test_refused_roster_answers_4xx(login: Any, coordinator: Any, trainee: Any) -> None:
    """A coordinator uploads a roster saved by Excel as UTF-16 ("Unicode Text"): the page says it is not UTF-8, but
    with status 200 (matching/admin_views/enrolment.py enrol_page returns TemplateResponse without a status)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    upload = SimpleUploadedFile("roster.csv", "tara@example.org\ttrainee\r\n".encode("utf-16"))
    response = login(coordinator).post(
        reverse("admin:matching_program_enrol", args=[program.pk]), {"upload": upload, "default_role": ""}
    )
    assert "not UTF-8" in response.content.decode()
    assert not program.trainees.exists()
    assert 400 <= response.status_code < 500, response.status_code


# --- 5. A request that dies midway ----------------------------------------------------------------------------------


def test_a_signup_whose_confirmation_step_fails_is_signed_in_and_told_to_ask_for_the_link_again(
    client: Any, monkeypatch: Any
) -> None:
    """Someone signs up; the account is committed by `user_sign_up` (its own transaction), then the confirmation
    step dies (simulated: `email_confirmation_send` raises, as when the cache that counts the links is down).
    Before: a 500, with the account kept and the session not saved, so signing up again said "An account with this
    e-mail already exists". Now the sign-up stands, they are signed in, and told to ask for the link again."""
    import profiles.views.accounts as accounts

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("mail step died")

    monkeypatch.setattr(accounts, "email_confirmation_send", boom)
    data = {
        "full_name": "Nia New",
        "email": "nia@example.org",
        "password1": "a-long-passphrase-77",
        "password2": "a-long-passphrase-77",
    }
    response = client.post(reverse("profiles-signup"), data, follow=True)
    assert response.status_code == 200
    assert response.context["user"].email == "nia@example.org"  # signed in
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "we could not send the confirmation link just now: press Send the link again" in said


def test_session_log_with_goal_updates_is_all_or_nothing_when_a_later_step_dies(
    login: Any, mentor: Any, trainee: Any, monkeypatch: Any
) -> None:
    """(Held up.) A mentor logs a session with progress on a goal; the last step (clearing the log prompt) dies.
    Nothing of the log, its topics or the goal's progress may remain."""
    from meetings.services import sessions
    from tests.factories import GoalFactory, approved_match

    match = approved_match(mentor=mentor, trainee=trainee)
    goal = GoalFactory(trainee=trainee, progress=10)

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("died")

    monkeypatch.setattr(sessions, "goal_progress_record", lambda **kw: (_ for _ in ()).throw(RuntimeError()))
    monkeypatch.setattr(sessions, "notifications_cancel", boom)
    client = login(mentor.user)
    client.raise_request_exception = False
    data = {
        "date": str(timezone.localdate() - timedelta(days=2)),
        "duration_minutes": "45",
        "topics": [str(focus_area(0).pk)],
        "notes_shared": "n",
        f"goal_{goal.pk}": "60",
    }
    client.post(reverse("meetings-log-create", args=[match.pk]), data)
    goal.refresh_from_db()
    assert (match.session_logs.count(), goal.progress) == (0, 10)


def test_enrol_with_invitations_is_all_or_nothing_when_telling_them_dies(
    login: Any, coordinator: Any, trainee: Any, monkeypatch: Any
) -> None:
    """(Held up.) A coordinator enrols Tara and invites a newcomer; queueing the invitation e-mails dies. Neither the
    enrolment nor the invitation may remain."""
    from matching.models import ProgramInvitation
    from matching.services import enrolment

    monkeypatch.setattr(enrolment, "invitations_tell", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    client = login(coordinator)
    client.raise_request_exception = False
    client.post(
        reverse("admin:matching_program_enrol", args=[program.pk]),
        {"pasted": "tara@example.org,trainee\nnew@example.org,trainee", "default_role": "", "invite_missing": "on"},
    )
    assert (program.trainees.count(), ProgramInvitation.objects.count()) == (0, 0)


def test_mentor_request_is_all_or_nothing_when_telling_coordinators_dies(
    login: Any, coordinator: Any, trainee: Any, mentor: Any, monkeypatch: Any
) -> None:
    """(Held up.) A trainee requests a mentor; queueing the coordinator's e-mail dies. No request may remain."""
    from matching.services import requests

    program = ProgramFactory(coordinators=[coordinator])
    monkeypatch.setattr(requests, "notify", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    client = login(trainee.user)
    client.raise_request_exception = False
    response = client.post(
        reverse("matching-request-create", args=[mentor.pk]), {"program": program.pk, "message": "Please"}
    )
    assert response.status_code == 500  # the simulated failure was reached
    assert Match.objects.count() == 0
