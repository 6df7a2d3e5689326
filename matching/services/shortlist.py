"""A trainee's shortlist: starred mentors, the top three ranked (their preferences in cohort rounds)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from matching.models import ShortlistEntry
from mentorship.errors import ApplicationError
from profiles.models import MentorProfile, TraineeProfile

MAX_RANKED = 3
MAX_STARRED = 50


class ShortlistInvalid(ApplicationError):
    code = "shortlist_invalid"


@transaction.atomic
def shortlist_add(*, trainee: TraineeProfile, mentor: MentorProfile) -> ShortlistEntry:
    """Star a mentor (idempotent)."""
    if trainee.user_id == mentor.user_id:
        raise ShortlistInvalid("You cannot shortlist yourself.")
    if not mentor.user.is_active:
        raise ShortlistInvalid("This mentor no longer takes part.")
    existing = ShortlistEntry.objects.filter(trainee=trainee, mentor=mentor).first()
    if existing is not None:
        return existing
    if ShortlistEntry.objects.filter(trainee=trainee).count() >= MAX_STARRED:
        raise ShortlistInvalid(f"Your shortlist holds at most {MAX_STARRED} mentors. Remove one first.")
    entry, _ = ShortlistEntry.objects.get_or_create(trainee=trainee, mentor=mentor)
    return entry


@transaction.atomic
def shortlist_remove(*, trainee: TraineeProfile, mentor: MentorProfile) -> list[ShortlistEntry]:
    """Unstar a mentor (idempotent). The choices below a removed one move up (choices have no gaps: a #2 with no
    #1 would rank nobody first in a round); returns the entries whose rank changed, best first."""
    # Locked as `shortlist_rank` locks them, so a reorder at the same time queues instead of colliding.
    entries = list(
        ShortlistEntry.objects.select_for_update(of=("self",))
        .filter(trainee=trainee)
        .select_related("mentor__user")
        .order_by("rank", "pk")
    )
    removed = [e for e in entries if e.mentor_id == mentor.pk]
    if not removed:
        return []
    ShortlistEntry.objects.filter(pk=removed[0].pk).delete()
    ranked = [e for e in entries if e.rank is not None and e.mentor_id != mentor.pk]
    moved = [(entry, rank) for rank, entry in enumerate(ranked, start=1) if entry.rank != rank]
    # One row at a time, lowest rank first: each moves into the place just freed above it, so the unique
    # (trainee, rank) constraint never sees two rows with the same rank.
    for entry, rank in moved:
        ShortlistEntry.objects.filter(pk=entry.pk).update(rank=rank)
        entry.rank = rank
    return [entry for entry, _ in moved]


@transaction.atomic
def shortlist_rank(*, trainee: TraineeProfile, mentor_ids: Sequence[int]) -> list[ShortlistEntry]:
    """Set the top three in order (first = rank 1); every other entry loses its rank. An empty list clears."""
    wanted = [int(m) for m in mentor_ids]
    if len(wanted) > MAX_RANKED:
        raise ShortlistInvalid(f"Rank at most {MAX_RANKED} mentors.", fields={"mentor_ids": ["At most three."]})
    if len(set(wanted)) != len(wanted):
        raise ShortlistInvalid("Each mentor can hold only one rank.", fields={"mentor_ids": ["Duplicates."]})
    # Lock the trainee's entries so two reorders queue instead of tripping the unique-rank constraint.
    entries = {e.mentor_id: e for e in ShortlistEntry.objects.select_for_update().filter(trainee=trainee)}
    missing = [m for m in wanted if m not in entries]
    if missing:
        raise ShortlistInvalid(
            "Star a mentor before ranking them.", fields={"mentor_ids": ["Not on your shortlist: " + str(missing)]}
        )
    # Clear every rank first, then set the new ones: (trainee, rank) is unique, so a swap done row by row
    # would collide half-way.
    ShortlistEntry.objects.filter(trainee=trainee, rank__isnull=False).update(rank=None)
    for rank, mentor_id in enumerate(wanted, start=1):
        ShortlistEntry.objects.filter(pk=entries[mentor_id].pk).update(rank=rank)
    return list(ShortlistEntry.objects.filter(trainee=trainee).select_related("mentor__user"))
