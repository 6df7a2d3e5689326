"""Real row locks on PostgreSQL: racing approvals never push a mentor past capacity; two coordinators deciding
the same match end with one decision and a clear message for the other."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from matching.models import Match
from matching.services.decisions import match_approve, match_decline
from mentorship.errors import ApplicationError
from tests.factories import (
    CoordinatorFactory,
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


#: PostgreSQL allows 100 connections and other test runs share it: 20 threads (one connection each) make the
#: 100 attempts, 5 apiece, all released at once by the barrier.
THREADS = 20


def _race(actions, threads=THREADS):
    """Run the actions at once from `threads` threads, each with its own connection; return each action's
    result ("ok" or "code: message")."""
    threads = min(threads, len(actions))
    barrier = threading.Barrier(threads)
    results: list[str] = [""] * len(actions)

    def run(worker):
        try:
            barrier.wait(timeout=30)
            for index in range(worker, len(actions), threads):
                try:
                    actions[index]()
                    results[index] = "ok"
                except ApplicationError as error:
                    results[index] = f"{error.code}: {error.message}"
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return results


def test_100_racing_approvals_for_one_mentor_never_exceed_capacity():
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    mentor = MentorProfileFactory(capacity=3, user__full_name="Dr Patel")
    proposals = [
        MatchFactory(program=program, mentor=mentor, trainee=TraineeProfileFactory(user__email=f"t{i}@example.org"))
        for i in range(100)
    ]

    results = _race([lambda m=m: match_approve(match=m, by=coordinator) for m in proposals])

    assert Match.objects.filter(mentor=mentor, status=Match.Status.APPROVED).count() == 3
    outcomes = Counter(r.split(":")[0] for r in results)
    assert outcomes == {"ok": 3, "mentor_at_capacity": 97}
    assert "mentor_at_capacity: Dr Patel is at capacity 3/3." in results


def test_two_coordinators_deciding_the_same_match_end_with_one_decision():
    first, second = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    program = ProgramFactory(coordinators=[first, second])
    proposal = MatchFactory(program=program)

    results = _race(
        [
            lambda: match_approve(match=Match.objects.get(pk=proposal.pk), by=first),
            lambda: match_decline(match=Match.objects.get(pk=proposal.pk), by=second, reason="Not a fit"),
        ]
    )

    proposal.refresh_from_db()
    # Either may win. A decline that loses to an approval is told to end the match instead (`already_approved`);
    # an approval that loses to a decline is `already_decided`.
    lost_with = "already_approved" if proposal.status == Match.Status.APPROVED else "already_decided"
    assert sorted(r.split(":")[0] for r in results) == [lost_with, "ok"]
    assert proposal.transitions.count() == 1
    loser = next(r for r in results if r != "ok")
    winner = proposal.decided_by.full_name
    assert f"already {proposal.get_status_display().lower()} by {winner}" in loser


def test_two_coordinators_approving_one_trainee_with_different_mentors_end_with_one_mentor():
    first, second = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    program = ProgramFactory(coordinators=[first, second])
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee")
    one, other = (MatchFactory(program=program, trainee=trainee) for _ in range(2))

    results = _race(
        [
            lambda: match_approve(match=Match.objects.get(pk=one.pk), by=first),
            lambda: match_approve(match=Match.objects.get(pk=other.pk), by=second),
        ]
    )

    # Approvals for one trainee queue on the trainee row: the first closes the other match, so the second finds it
    # cancelled (and says by whom); no deadlock, no server error.
    assert sorted(r.split(":")[0] for r in results) == ["already_decided", "ok"]
    assert "was already cancelled by" in next(r for r in results if r != "ok")
    assert Match.objects.filter(trainee=trainee, status=Match.Status.APPROVED).count() == 1
    assert Match.objects.filter(trainee=trainee, status=Match.Status.CANCELLED).count() == 1


def test_coordinators_enrolling_overlapping_lists_at_once_enrol_each_person_once_and_count_them_right():
    from matching.coordination.roster import parse_roster
    from matching.services.enrolment import program_enrol

    coordinators = [CoordinatorFactory() for _ in range(2)]
    program = ProgramFactory(coordinators=coordinators, open_to_all=False)
    trainees = [TraineeProfileFactory(user__email=f"e{i}@example.org") for i in range(30)]
    roster = "\n".join(f"e{i}@example.org, trainee" for i in range(30))
    outcomes = []

    def enrol(by):
        outcomes.append(program_enrol(program=program, roster=parse_roster(roster), by=by))

    results = _race([lambda c=c: enrol(c) for c in coordinators * 4], threads=8)

    assert results == ["ok"] * 8
    assert set(program.trainees.all()) == set(trainees)
    # Enrolments queue on the program's row: exactly one added the 30, the other seven found them there.
    assert sorted(o.trainees_added for o in outcomes) == [0] * 7 + [30]
    assert all(o.trainees_added + o.already_enrolled == 30 for o in outcomes)


def test_the_invitation_task_and_rounds_enrolling_at_once_enrol_each_invited_person_once():
    from matching.coordination.roster import Role, parse_roster
    from matching.services.enrolment import program_enrol
    from matching.services.invitations import invitations_fulfil

    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator], open_to_all=False)
    emails = [f"i{i}@example.org" for i in range(20)]
    program_enrol(
        program=program, roster=parse_roster("\n".join(emails), Role.TRAINEE), by=coordinator, invite_missing=True
    )
    people = [TraineeProfileFactory(user__email=email) for email in emails]
    counts = []

    results = _race([lambda: counts.append(invitations_fulfil(program=program)) for _ in range(8)], threads=8)

    assert results == ["ok"] * 8
    assert sum(counts) == 20  # each invitation counted by exactly one of them
    assert set(program.trainees.all()) == set(people)
    assert program.invitations.filter(enrolled_at__isnull=True).count() == 0


def test_coordinators_sending_an_invitation_again_at_once_send_it_once():
    from datetime import timedelta

    from django.utils import timezone

    from matching.coordination.roster import parse_roster
    from matching.services.enrolment import program_enrol
    from matching.services.invitations import invitation_resend
    from notifications.models import Notification

    coordinators = [CoordinatorFactory() for _ in range(2)]
    program = ProgramFactory(coordinators=coordinators, open_to_all=False)
    program_enrol(
        program=program, roster=parse_roster("amara@uni.edu, trainee"), by=coordinators[0], invite_missing=True
    )
    invitation = program.invitations.get()
    # The first invitation went out two hours ago, so one more may go now.
    Notification.objects.filter(kind="program_invitation_signup").update(
        state="sent", sent_at=timezone.now() - timedelta(hours=2)
    )

    results = _race([lambda c=c: invitation_resend(invitation=invitation, by=c) for c in coordinators * 4], threads=8)

    assert results.count("ok") == 1
    assert all(
        r.startswith("invitation_cannot_be_sent: A message to amara@uni.edu is still waiting")
        for r in results
        if r != "ok"
    )
    assert Notification.objects.filter(kind="program_invitation_signup").count() == 2


def test_approving_a_rounds_proposals_while_the_next_round_writes_its_own_waits_instead_of_deadlocking(monkeypatch):
    # Found in review: the round holds the program's proposed rows, then inserts proposals (each insert's
    # foreign-key check locks the trainee and mentor rows FOR KEY SHARE); the approval held those profiles FOR
    # UPDATE and then waited on the proposed rows: "deadlock detected", the round failed (or the approval 500ed).
    import time

    from matching.models import MatchingRound
    from matching.services import round_proposals as rounds_module
    from matching.services.decisions import matches_approve
    from matching.services.rounds import round_run, round_start

    monkeypatch.setattr("matching.tasks.run_round.delay", lambda round_id: None)
    coordinator = CoordinatorFactory()
    program = ProgramFactory(coordinators=[coordinator])
    for _ in range(3):
        MentorProfileFactory(capacity=2)
    TraineeProfileFactory.create_batch(5)
    first = round_start(program=program, algorithm="optimal", by=coordinator)
    first = round_run(matching_round=MatchingRound.objects.get(pk=first.pk))
    proposals = list(Match.objects.filter(round=first).values_list("pk", flat=True))
    assert len(proposals) == 5

    holding = threading.Event()
    audit = rounds_module._audit_rows

    def audit_then_pause(**kwargs):  # the second round has just locked the proposed rows
        audit(**kwargs)
        if not holding.is_set():
            holding.set()
            time.sleep(1.5)  # the approval queues on those rows now, holding the profiles

    monkeypatch.setattr(rounds_module, "_audit_rows", audit_then_pause)
    second = round_start(program=program, algorithm="optimal", by=coordinator)
    approvals = []

    def run_second():
        try:
            round_run(matching_round=MatchingRound.objects.get(pk=second.pk))
        finally:
            connection.close()

    def approve():
        try:
            assert holding.wait(timeout=30)
            approvals.append(matches_approve(match_ids=proposals, by=coordinator))
        except Exception as error:  # a deadlock is an OperationalError, not an ApplicationError
            approvals.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_second), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    second.refresh_from_db()
    assert second.status == MatchingRound.Status.DONE, second.error
    # The approval waited for the round, which had replaced the proposals it was given: each is refused, by name.
    [outcome] = approvals
    assert not isinstance(outcome, Exception), outcome
    assert outcome.approved == []
    assert {error.code for _, error in outcome.refused} == {"already_decided"}
    assert Match.objects.filter(program=program, status=Match.Status.PROPOSED, round=second).count() == 5
