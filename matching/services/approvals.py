"""Approving matches, one or a whole cohort: the mentor's "Accepting new mentees" switch, the capacity,
one-mentor-per-program and "assesses" rules, checked under row locks, in one transaction and a fixed number of
queries however many matches there are.

A coordinator approving a round's 300 proposals one transaction each waited half a minute (some 20 queries and a
commit per match), longer than a web worker is given; the batch is decided in well under a second.

Locks are taken in one order, each kind sorted by primary key: trainee rows → mentor rows → match rows. Every
approval, of one match or of many, queues on the rows it needs in that order, so two coordinators approving
overlapping selections at once wait for each other instead of deadlocking, and every count is taken while the
rows it depends on are held. The profile locks are PostgreSQL's FOR NO KEY UPDATE: they queue approvals and
requests behind each other but not an INSERT that points at the profile (its foreign-key check takes FOR KEY
SHARE). A round writing proposals holds the program's proposed rows and then inserts; with FOR UPDATE on the
profiles, an approval waiting on those proposed rows and the round's insert waiting on the approval's profiles
deadlocked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from matching.features.signals import invalidate_now_and_after_commit
from matching.models import Match, MatchTransition, Program
from matching.scoring import Rule
from matching.selectors.explaining import RULE_CODES
from matching.services.approval_rules import rules_broken_now
from matching.services.refusals import (
    AccountDeactivated,
    MentorAssessesTrainee,
    MentorAtCapacity,
    NotProgramCoordinator,
    TraineeAlreadyMatched,
    already_decided,
    can_coordinate,
    ensure_not_a_party,
)
from matching.services.requests import MentorNotAccepting, PairExcluded, ProgramNotAvailable
from matching.services.transitions import requests_no_longer_waiting
from mentorship.errors import ApplicationError
from notifications.services import notifications_cancel_many, notify_many
from profiles.models import MentorProfile, TraineeProfile, User


@dataclass
class Approvals:
    """What a batch did: the matches approved, and each refused one with the reason, in the order decided."""

    approved: list[Match] = field(default_factory=list)
    refused: list[tuple[Match, ApplicationError]] = field(default_factory=list)


def match_approve(*, match: Match, by: User) -> Match:
    """Approve one requested or proposed match, or raise the refusal that says why it cannot be."""
    outcome = matches_approve(match_ids=[match.pk], by=by)
    if outcome.refused:
        raise outcome.refused[0][1]
    return outcome.approved[0]


@transaction.atomic
def matches_approve(*, match_ids: Iterable[int], by: User) -> Approvals:
    """Approve the given requested or proposed matches, best score first, as far as the rules allow; each match
    that cannot be approved is refused with the reason and the others still go through. Approving a match closes
    the trainee's other requests and proposals in its program, and e-mails both people (through the outbox)."""
    ids = sorted(set(match_ids))
    people = list(Match.objects.filter(pk__in=ids).values_list("trainee_id", "mentor_id"))
    trainees = TraineeProfile.objects.select_for_update(of=("self",), no_key=True)
    list(trainees.filter(pk__in={t for t, _ in people}).order_by("pk"))
    mentors = {
        mentor.pk: mentor
        for mentor in MentorProfile.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in={m for _, m in people})
        .select_related("user")
        .order_by("pk")
    }
    # Re-read under the lock: the caller's list may be stale (another coordinator just decided some).
    matches = list(
        Match.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("program", "trainee__user", "mentor__user", "decided_by")
        .order_by("-score", "pk")
    )
    load = dict(
        Match.objects.filter(mentor_id__in=mentors, status=Match.Status.APPROVED)
        .order_by()
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    trainee_ids = {match.trainee_id for match in matches}
    matched = set(
        Match.objects.filter(trainee_id__in=trainee_ids, status=Match.Status.APPROVED).values_list(
            "program_id", "trainee_id"
        )
    )
    assesses = set(
        MentorProfile.assesses.through.objects.filter(
            mentorprofile_id__in=mentors, traineeprofile_id__in=trainee_ids
        ).values_list("mentorprofile_id", "traineeprofile_id")
    )
    allowed = {program.pk: can_coordinate(user=by, program=program) for program in {m.program for m in matches}}
    enrolled = _enrolled({m.program for m in matches if not m.program.open_to_all}, trainee_ids, set(mentors))
    history = _last_transitions([m.pk for m in matches if not m.is_undecided() and m.decided_by_id is None])
    broken = rules_broken_now(m for m in matches if m.is_undecided())
    outcome = Approvals()
    now = timezone.now()
    was: dict[int, str] = {}
    for match in matches:
        mentor = mentors[match.mentor_id]
        try:
            _check(
                match,
                mentor,
                by=by,
                allowed=allowed,
                enrolled=enrolled,
                load=load,
                matched=matched,
                assesses=assesses,
                history=history,
                broken=broken,
            )
        except ApplicationError as error:
            outcome.refused.append((match, error))
            continue
        was[match.pk] = match.status
        match.status, match.decided_by, match.decided_at = Match.Status.APPROVED, by, now
        load[mentor.pk] = load.get(mentor.pk, 0) + 1
        matched.add((match.program_id, match.trainee_id))
        outcome.approved.append(match)
    if outcome.approved:
        _write(outcome.approved, was=was, by=by, at=now)
        _close_the_others(outcome.approved, by=by, at=now)
    return outcome


def _check(
    match: Match,
    mentor: MentorProfile,
    *,
    by: User,
    allowed: dict[int, bool],
    enrolled: set[tuple[str, int, int]],
    load: dict[int, int],
    matched: set[tuple[int, int]],
    assesses: set[tuple[int, int]],
    history: dict[int, MatchTransition],
    broken: dict[int, tuple[Rule, str]],
) -> None:
    """The rules of approval, in the order a refusal names them; raises the first that fails."""
    if not allowed[match.program_id]:
        raise NotProgramCoordinator(
            f"Only coordinators of {match.program} can manage its matches, rounds and enrolment."
        )
    ensure_not_a_party(match=match, by=by)
    if not match.is_undecided():
        raise already_decided(match, last=history.get(match.pk))
    if not match.program.is_active:
        raise ProgramNotAvailable(
            f"{match.program} is inactive: decline the match, or approve it once the program is active again."
        )
    for person in (mentor.user, match.trainee.user):
        if not person.is_active:
            raise AccountDeactivated(f"{person}'s account is deactivated: decline the match instead.")
    if not match.program.open_to_all:
        for side, profile_id, name in (
            ("trainee", match.trainee_id, str(match.trainee)),
            ("mentor", mentor.pk, str(mentor)),
        ):
            if (side, match.program_id, profile_id) not in enrolled:
                raise ProgramNotAvailable(
                    f"{name} is no longer enrolled in {match.program}: decline the match instead."
                )
    if not mentor.accepting_mentees:
        # The switch is how a mentor accepts matches in advance (there is no second step after approval): one who
        # turned it off after a trainee's request or a round's proposal has not accepted this mentee. The match
        # waits; it can be approved once they accept new mentees again, or declined.
        raise MentorNotAccepting(
            f"{mentor} is not accepting new mentees (they turned off “Accepting new mentees”): decline the match, "
            "or approve it once they accept new mentees again."
        )
    active = load.get(mentor.pk, 0)
    if active >= mentor.capacity:
        raise MentorAtCapacity(f"{mentor} is at capacity {active}/{mentor.capacity}.")
    if (match.program_id, match.trainee_id) in matched:
        raise TraineeAlreadyMatched(f"{match.trainee} already has an approved mentor in {match.program}.")
    if (mentor.pk, match.trainee_id) in assesses:
        raise MentorAssessesTrainee(f"{mentor} assesses or supervises {match.trainee}, so they cannot be matched.")
    if match.pk in broken:
        # Changed since the request or the round (a profile, or the program's settings): the rule holds as it is now.
        rule, reads = broken[match.pk]
        raise PairExcluded(
            f"{match.trainee} and {mentor} can no longer be matched in {match.program}: {reads}. Decline the match "
            "instead.",
            code=RULE_CODES[rule],
        )


def _enrolled(programs: set[Program], trainee_ids: set[int], mentor_ids: set[int]) -> set[tuple[str, int, int]]:
    """("trainee" | "mentor", program id, profile id) for each of these people enrolled in these closed programs
    (someone removed from a program after a round proposed them, or after their request, takes no part in it)."""
    if not programs:
        return set()
    trainees = Program.trainees.through.objects.filter(program__in=programs, traineeprofile_id__in=trainee_ids)
    mentors = Program.mentors.through.objects.filter(program__in=programs, mentorprofile_id__in=mentor_ids)
    return {("trainee", p, t) for p, t in trainees.values_list("program_id", "traineeprofile_id")} | {
        ("mentor", p, m) for p, m in mentors.values_list("program_id", "mentorprofile_id")
    }


def _last_transitions(match_ids: list[int]) -> dict[int, MatchTransition]:
    """The latest status change of each match (who cancelled or expired it, and why), in one query."""
    last: dict[int, MatchTransition] = {}
    changes = MatchTransition.objects.filter(match_id__in=match_ids).status_changes()
    for entry in changes.select_related("by").order_by("at", "pk"):
        last[entry.match_id] = entry
    return last


def _write(approved: list[Match], *, was: dict[int, str], by: User, at: datetime) -> None:
    Match.objects.filter(pk__in=was).update(status=Match.Status.APPROVED, decided_by=by, decided_at=at, updated_at=at)
    MatchTransition.objects.bulk_create(
        MatchTransition(match=match, from_status=was[match.pk], to_status=Match.Status.APPROVED, by=by, at=at)
        for match in approved
    )
    invalidate_now_and_after_commit()  # a mentor's free places changed (the update sends no post_save)
    requests_no_longer_waiting([match.pk for match in approved if was[match.pk] == Match.Status.REQUESTED])
    notify_many(
        kind="match_approved",
        messages=[(person, match, "") for match in approved for person in (match.trainee.user, match.mentor.user)],
    )


def _close_the_others(approved: list[Match], *, by: User, at: datetime) -> None:
    """Cancel the trainees' other undecided matches in the programs they were approved in (a request to another
    mentor, a round's proposal), each with the reason in its history, and the reminders queued about them."""
    reason_for = {(m.program_id, m.trainee_id): f"{m.mentor} was approved as mentor in {m.program}." for m in approved}
    candidates = (
        Match.objects.select_for_update(of=("self",))
        .filter(
            program_id__in={p for p, _ in reason_for},
            trainee_id__in={t for _, t in reason_for},
            status__in=Match.UNDECIDED,
        )
        .exclude(pk__in=[m.pk for m in approved])
        .order_by("pk")
    )
    others = [other for other in candidates if (other.program_id, other.trainee_id) in reason_for]
    if not others:
        return
    transitions = []
    for other in others:
        reason = reason_for[(other.program_id, other.trainee_id)]
        transitions.append(
            MatchTransition(
                match=other, from_status=other.status, to_status=Match.Status.CANCELLED, by=by, at=at, reason=reason
            )
        )
        other.status, other.decided_by, other.decided_at, other.decision_reason = Match.Status.CANCELLED, by, at, reason
        other.updated_at = at
    Match.objects.bulk_update(others, ["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    MatchTransition.objects.bulk_create(transitions)
    notifications_cancel_many(about=Match, ids=[other.pk for other in others])
