"""Who takes part in a round and what is free: the cohort cut to the trainees still to match, each mentor's places
less those held by matches awaiting a decision, and the pairs a round may not propose (a live match elsewhere, a
resident with themselves). Read from the database; the round service hands them to the engine."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
from numpy.typing import NDArray

from matching.features import Cohort, cohort_features, cohort_members
from matching.models import Match, Program
from matching.services.invitations import invitations_fulfil


def round_participants(program: Program) -> tuple[Cohort, NDArray[np.int64], NDArray[np.int64]]:
    """The cohort cut to trainees without an approved match or a pending request here, each mentor's free places
    less those pending requests hold, and the pairs that already have a live match elsewhere (they cannot get a
    second one)."""
    # Whoever signed up since the last beat takes part in this round. Committed on its own: an enrolment stays
    # even if the round then fails (it is true either way), and no proposal has been written yet.
    invitations_fulfil(program=program, wait=True)
    cohort = cohort_features(program)
    # Left out: trainees with an approved mentor here, and those whose own request here awaits a decision (the
    # round does not overrule their choice; if it is declined, the next round includes them).
    decided_or_asked = Match.objects.filter(
        program=program, status__in=(Match.Status.APPROVED, Match.Status.REQUESTED)
    ).values_list("trainee_id", flat=True)
    left_out = np.fromiter(set(decided_or_asked), dtype=np.int64)
    trainees = cohort.trainees.take(np.flatnonzero(~np.isin(cohort.trainees.ids, left_out)))
    # Places: capacity minus approved matches in any program, recounted here (not from a cache), minus the places
    # that requests and other programs' proposals hold; closed mentors (not accepting) offer none.
    capacity = np.maximum(cohort.mentors.free_places.astype(np.int64) - places_held(program, cohort.mentors.ids), 0)
    capacity[~cohort.mentors.accepting] = 0
    matched_elsewhere = live_pairs(program)
    cut = Cohort(
        program=cohort.program,
        taxonomy=cohort.taxonomy,
        trainees=trainees,
        mentors=cohort.mentors,
        conflicts=cohort.conflicts,
        shortlist=cohort.shortlist,
        weights=cohort.weights,
    )
    return cut, capacity, matched_elsewhere


def places_held(program: Program, mentor_ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """The places held with each of these mentors by matches waiting for a decision: requests in any program and
    other programs' proposals (this program's are about to be replaced), so each can still be approved after the
    round. Only one of a trainee's requests and proposals in a program can be approved, so each of their k there
    holds 1/k of a place, rounded up per mentor: three trainees who each asked three mentors hold one place with a
    mentor all three asked."""
    pending = list(
        Match.objects.filter(status__in=Match.UNDECIDED)
        .exclude(program=program, status=Match.Status.PROPOSED)
        .values_list("trainee_id", "program_id", "mentor_id")
    )
    # Requests are few at any time, other programs' proposals a few thousand at most: no id list to send.
    asked = Counter((trainee, in_program) for trainee, in_program, _ in pending)
    held: dict[int, float] = defaultdict(float)
    for trainee, in_program, mentor in pending:
        held[mentor] += 1.0 / asked[(trainee, in_program)]
    return np.array([math.ceil(held.get(m, 0.0) - 1e-9) for m in mentor_ids.tolist()], dtype=np.int64)


def live_pairs(program: Program) -> NDArray[np.int64]:
    trainees, _ = cohort_members(program)
    pairs = (
        Match.objects.filter(status__in=Match.LIVE, trainee__in=trainees)
        .exclude(program=program, status=Match.Status.PROPOSED)  # those are about to be replaced
        .values_list("trainee_id", "mentor_id")
    )
    return np.array(list(pairs), dtype=np.int64).reshape(-1, 2)


def self_pairs(program: Program) -> NDArray[np.int64]:
    """A resident who is both trainee and mentor is never proposed to themselves."""
    trainees, _ = cohort_members(program)
    pairs = trainees.filter(user__mentor_profile__isnull=False).values_list("pk", "user__mentor_profile__pk")
    return np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
