"""Who takes part in a round and what is free: the cohort cut to the trainees still to match, each mentor's places
less those held by matches awaiting a decision, and the pairs a round may not propose (a live match anywhere, a pair
a coordinator declined or ended in the program, a resident with themselves). Read from the database when the round
loads, and read again under row locks when it writes (`proposals_still_allowed`): the round runs for seconds, and
people change meanwhile. The round service hands them to the engine."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet
from numpy.typing import NDArray

from matching.features import Cohort, cohort_features, cohort_members
from matching.models import Match, Program
from matching.services.invitations import invitations_fulfil
from profiles.models import MentorProfile, TraineeProfile

#: A pair whose match a coordinator declined, or whose mentorship ended, in the program is not proposed there again:
#: the trainee was told "<mentor> will not be your mentor", or the two already tried. A request the system closed
#: (withdrawn, expired, cancelled when someone left or another mentor was approved) says nothing against the pair.
DECIDED_AGAINST = (Match.Status.DECLINED, Match.Status.ENDED)


@dataclass(frozen=True)
class Proposal:
    """A pair the engine chose: the trainee's row and the mentor's column in the round's cohort, their ids, the
    score and the breakdown snapshot to store."""

    row: int
    col: int
    trainee: int
    mentor: int
    score: float
    breakdown: dict[str, Any]


@dataclass(frozen=True)
class StillAllowed:
    """What the write may keep: `proposals` within each mentor's places now; `gone`, the trainees no longer to
    match (they left, were unenrolled, or got an approved mentor or asked one here meanwhile); `places`, each
    proposed mentor's free places as the write found them."""

    proposals: list[Proposal]
    gone: set[int]
    places: dict[int, int]


def trainees_to_match(program: Program) -> QuerySet[TraineeProfile]:
    """The program's trainees a round matches: not those with an approved mentor here, nor those whose own request
    here awaits a decision (the round does not overrule their choice; if it is declined, the next round includes
    them)."""
    trainees, _ = cohort_members(program)
    decided_or_asked = Match.objects.filter(
        program=program, status__in=(Match.Status.APPROVED, Match.Status.REQUESTED)
    ).values("trainee_id")
    return trainees.exclude(pk__in=decided_or_asked)


def round_participants(program: Program) -> tuple[Cohort, NDArray[np.int64], NDArray[np.int64]]:
    """The cohort cut to the trainees still to match, each mentor's free places less those pending decisions hold,
    and the (trainee, mentor) pairs not to propose."""
    # Whoever signed up since the last beat takes part in this round. Committed on its own: an enrolment stays
    # even if the round then fails (it is true either way), and no proposal has been written yet.
    invitations_fulfil(program=program, wait=True)
    cohort = cohort_features(program)
    to_match = np.fromiter(trainees_to_match(program).values_list("pk", flat=True), dtype=np.int64)
    trainees = cohort.trainees.take(np.flatnonzero(np.isin(cohort.trainees.ids, to_match)))
    # Places: capacity minus approved matches in any program, recounted here (not from a cache), minus the places
    # that requests and other programs' proposals hold; closed mentors (not accepting) offer none.
    capacity = np.maximum(cohort.mentors.free_places.astype(np.int64) - places_held(program, cohort.mentors.ids), 0)
    capacity[~cohort.mentors.accepting] = 0
    cut = replace(cohort, trainees=trainees)
    not_to_propose = np.vstack([live_pairs(program), decided_pairs(program), self_pairs(program)])
    return cut, capacity, not_to_propose


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


def free_places(program: Program, mentors: QuerySet[MentorProfile]) -> dict[int, int]:
    """Each of these mentors' free places for a round of the program: none for one not accepting mentees, else
    capacity less approved matches in any program and less the places pending decisions hold."""
    accepting = mentors.filter(accepting_mentees=True)
    approved = dict(
        Match.objects.filter(status=Match.Status.APPROVED, mentor__in=accepting.values("pk"))
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    rows = [(pk, capacity - approved.get(pk, 0)) for pk, capacity in accepting.values_list("pk", "capacity")]
    held = places_held(program, np.array([pk for pk, _ in rows], dtype=np.int64))
    return {pk: max(free - int(h), 0) for (pk, free), h in zip(rows, held, strict=True)}


def live_pairs(program: Program) -> NDArray[np.int64]:
    """Pairs of the cohort's trainees with a live match anywhere (they cannot get a second one)."""
    trainees, _ = cohort_members(program)
    pairs = (
        Match.objects.filter(status__in=Match.LIVE, trainee__in=trainees)
        .exclude(program=program, status=Match.Status.PROPOSED)  # those are about to be replaced
        .values_list("trainee_id", "mentor_id")
    )
    return _pair_array(pairs)


def decided_pairs(program: Program) -> NDArray[np.int64]:
    """Pairs a coordinator declined in the program, or whose mentorship there ended (`DECIDED_AGAINST`)."""
    pairs = Match.objects.filter(program=program, status__in=DECIDED_AGAINST).values_list("trainee_id", "mentor_id")
    return _pair_array(pairs)


def self_pairs(program: Program) -> NDArray[np.int64]:
    """A resident who is both trainee and mentor is never proposed to themselves."""
    trainees, _ = cohort_members(program)
    pairs = trainees.filter(user__mentor_profile__isnull=False).values_list("pk", "user__mentor_profile__pk")
    return _pair_array(pairs)


def _pair_array(pairs: Iterable[tuple[int, int]]) -> NDArray[np.int64]:
    return np.array(list(pairs), dtype=np.int64).reshape(-1, 2)


def proposals_still_allowed(program: Program, proposals: list[Proposal]) -> StillAllowed:
    """Re-check the engine's proposals against the database as it is now, in the caller's transaction: the round
    loaded minutes of changes ago at worst (a mentor stopped accepting or lowered their capacity, a trainee left,
    a coordinator approved or declined, another program's round proposed the same mentor).

    Locks, in the order approvals take them (trainee → mentor → match, each by primary key; a round takes no
    trainee row): the rows of the mentors proposed now and of those whose proposals it replaces, FOR NO KEY UPDATE
    as approvals and requests do, so every place they could take is decided before or after this write, never
    during it, and a second round proposing one of these mentors waits and then counts this round's proposals;
    then the program's proposals still waiting, so an approval of one under way finishes first and is seen. An
    approval of those proposals takes one of the same mentors first, so it queues before either side holds a
    match row: the approval locks its matches best score first, the round by key, and holding some each, they
    would deadlock. Each mentor keeps their best-scoring proposals up to their free places now."""
    waiting = Match.objects.filter(program=program, status=Match.Status.PROPOSED).order_by("pk")
    mentor_ids = sorted({proposal.mentor for proposal in proposals})
    replaced = set(waiting.values_list("mentor_id", flat=True))
    locked = MentorProfile.objects.select_for_update(no_key=True).filter(pk__in=replaced.union(mentor_ids))
    list(locked.order_by("pk").values_list("pk", flat=True))
    list(waiting.select_for_update().values_list("pk", flat=True))
    _, mentors = cohort_members(program)  # a mentor who left or was unenrolled has no place here any more
    places = free_places(program, mentors.filter(pk__in=mentor_ids))
    to_match = set(trainees_to_match(program).values_list("pk", flat=True))
    blocked = {(int(t), int(m)) for t, m in np.vstack([live_pairs(program), decided_pairs(program)]).tolist()}
    kept: list[Proposal] = []
    gone: set[int] = set()
    taken: Counter[int] = Counter()
    for proposal in sorted(proposals, key=lambda p: (-p.score, p.trainee)):
        if proposal.trainee not in to_match:
            gone.add(proposal.trainee)
        elif (proposal.trainee, proposal.mentor) not in blocked and taken[proposal.mentor] < places.get(
            proposal.mentor, 0
        ):
            taken[proposal.mentor] += 1
            kept.append(proposal)
    return StillAllowed(proposals=kept, gone=gone, places={mentor: places.get(mentor, 0) for mentor in mentor_ids})
