"""A deactivation and a proposal in the same match at the same moment, on PostgreSQL with real threads: the meeting is
either refused (`other_person_left`) or cancelled with the departed person's others, never left live.

Tried without reading the people again under their locks: the deactivation committed while the proposal, which had
read the match (both accounts active) and locked only it, was still being checked; the deactivation found no meeting
of the proposal's to cancel, and the proposal then saved a live meeting with someone who had left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.errors import OtherPersonLeft
from meetings.models import Meeting
from meetings.services import proposals
from profiles.services import user_deactivate
from tests.factories import CoordinatorFactory, MentorProfileFactory, TraineeProfileFactory, approved_match

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in_another_connection(work: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _propose(match: Any) -> Meeting:
    return services.meeting_propose(
        match=match,
        by=match.mentor.user,
        start=timezone.now() + timedelta(days=5),
        duration_minutes=30,
        format="phone",
        phone="+1 555 0100",
    )


def _people() -> tuple[Any, Any, Any]:
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel")
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee")
    return approved_match(mentor=mentor, trainee=trainee), trainee, CoordinatorFactory()


def test_a_deactivation_committed_while_a_proposal_is_checked_refuses_the_proposal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    match, trainee, coordinator = _people()
    checked = proposals._require_few_waiting

    def deactivate_meanwhile(match: Any, by: Any) -> None:
        # The proposal holds the match's lock and has read both people as active; the deactivation does not wait
        # for that lock and commits now.
        _in_another_connection(lambda: user_deactivate(user=trainee.user, by=coordinator)).join(timeout=30)
        checked(match, by)

    monkeypatch.setattr(proposals, "_require_few_waiting", deactivate_meanwhile)

    with pytest.raises(OtherPersonLeft):
        _propose(match)

    assert not Meeting.objects.live().exists()


def test_a_deactivation_that_waits_for_a_proposal_cancels_the_meeting_it_wrote(monkeypatch: pytest.MonkeyPatch) -> None:
    match, trainee, coordinator = _people()
    announce = proposals.announce_proposal
    started: list[threading.Thread] = []

    def deactivate_meanwhile(meeting: Meeting, *, to: Any) -> None:
        # The meeting is written and both people's rows are locked: the deactivation waits for them.
        started.append(_in_another_connection(lambda: user_deactivate(user=trainee.user, by=coordinator)))
        _wait_until_someone_waits_for_a_lock()
        announce(meeting, to=to)

    monkeypatch.setattr(proposals, "announce_proposal", deactivate_meanwhile)

    meeting = _propose(match)
    started[0].join(timeout=30)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.cancel_reason == "Tara Trainee is no longer taking part in the mentorship program."


def _wait_until_someone_waits_for_a_lock() -> None:
    """Until another connection to this database waits for a row lock (the deactivation, blocked)."""
    with connection.cursor() as cursor:
        for _ in range(200):
            # Inside a transaction PostgreSQL answers from the statistics it read first, unless told to read anew.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the deactivation never waited for the proposal's locks")
