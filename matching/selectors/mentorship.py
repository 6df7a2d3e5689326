"""Reads of a person's own requests, mentorships, mentees and shortlist (someone else's → nothing / 404)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404

from matching.models import Match, ShortlistEntry
from profiles.models import Goal, MentorProfile, TraineeProfile, User


def requests_for(*, trainee: TraineeProfile) -> QuerySet[Match]:
    """Every request the trainee made, newest first, whatever became of it."""
    return (
        Match.objects.filter(trainee=trainee, origin=Match.Origin.REQUEST)
        .select_related("mentor__user", "mentor__specialty", "program")
        .order_by("-created_at", "-pk")
    )


def undecided_for(*, trainee: TraineeProfile) -> list[Match]:
    """The trainee's requests and round proposals still waiting for a coordinator, oldest first."""
    return list(
        Match.objects.filter(trainee=trainee, status__in=Match.UNDECIDED)
        .select_related("mentor__user", "program")
        .order_by("created_at", "pk")
    )


def active_matches_for(*, trainee: TraineeProfile) -> list[Match]:
    """The trainee's approved matches (at most one per program), with the mentor's name, oldest first."""
    approved = Match.objects.active().filter(trainee=trainee).select_related("mentor__user")
    return list(approved.order_by("created_at", "pk"))


def own_request(*, user: User, match_id: int) -> Match:
    """A request of the signed-in trainee; anybody else's is a 404."""
    match = Match.objects.filter(pk=match_id, trainee__user=user, origin=Match.Origin.REQUEST).first()
    if match is None:
        raise Http404("No such request.")
    return match


def last_decline_with(*, trainee: TraineeProfile, mentor: MentorProfile) -> Match | None:
    """The trainee's latest match with this mentor when a coordinator declined it (None when the latest is
    anything else): their page says so, with the reason, before the trainee asks again."""
    latest = Match.objects.filter(trainee=trainee, mentor=mentor).order_by("-created_at", "-pk").first()
    return latest if latest is not None and latest.status == Match.Status.DECLINED else None


def shortlist_mentor(*, trainee: TraineeProfile | None, mentor_id: int, starring: bool) -> MentorProfile:
    """The mentor a star or unstar button names; Http404 for a deactivated account, as the directory and the
    mentor's page answer (the button's message would otherwise name whoever is behind any id). One deactivated
    after being starred can still be unstarred from the shortlist that shows them."""
    shown = Q(user__is_active=True)
    if not starring and trainee is not None:
        shown |= Q(shortlisted_by__trainee=trainee)
    return get_object_or_404(MentorProfile.objects.filter(shown).distinct(), pk=mentor_id)


def shortlist_of(*, trainee: TraineeProfile) -> list[ShortlistEntry]:
    """The starred mentors, ranked first, each with `free_places` and `live_status` (the trainee's live match
    with them, or ""): a mentor who filled up or stopped accepting must not look like one they can still ask."""
    live = Match.objects.live().filter(trainee=trainee, mentor=OuterRef("mentor")).values("status")[:1]
    taken = Count("mentor__matches", filter=Q(mentor__matches__status=Match.Status.APPROVED), distinct=True)
    return list(
        ShortlistEntry.objects.filter(trainee=trainee)
        .select_related("mentor__user", "mentor__specialty")
        .annotate(
            free_places=Greatest(F("mentor__capacity") - taken, Value(0)),
            live_status=Coalesce(Subquery(live), Value("")),
        )
    )


@dataclass
class Mentorship:
    trainee: TraineeProfile | None
    active: list[Match]
    open_requests: list[Match]
    goals: list[Goal]
    ended: list[Match] = field(default_factory=list)  # past mentorships, with when and why they ended


def _ended_latest_first(matches: list[Match]) -> list[Match]:
    return sorted(
        (m for m in matches if m.status == Match.Status.ENDED), key=lambda m: m.ended_at or m.created_at, reverse=True
    )


def my_mentorship(*, user: User) -> Mentorship:
    """The trainee's active matches (with the mentor's contact), open requests, goals and ended mentorships."""
    trainee = TraineeProfile.objects.filter(user=user).first() if user.is_authenticated else None
    if trainee is None:
        return Mentorship(None, [], [], [])
    matches = list(
        Match.objects.filter(trainee=trainee, status__in=[Match.Status.APPROVED, Match.Status.ENDED, *Match.UNDECIDED])
        .select_related("mentor__user", "mentor__specialty", "program")
        .order_by("-created_at")
    )
    return Mentorship(
        trainee=trainee,
        active=[m for m in matches if m.status == Match.Status.APPROVED],
        open_requests=[m for m in matches if m.status in Match.UNDECIDED],
        goals=list(Goal.objects.filter(trainee=trainee).select_related("focus_area")),
        ended=_ended_latest_first(matches),
    )


@dataclass
class Mentees:
    mentor: MentorProfile
    active: list[Match]
    pending: list[Match]  # requested or proposed, awaiting a coordinator
    ended: list[Match] = field(default_factory=list)  # past mentees: their meetings and notes stay reachable

    @property
    def free_places(self) -> int:
        return max(self.mentor.capacity - len(self.active), 0)


def mentees_for(*, mentor: MentorProfile) -> Mentees:
    matches = list(
        Match.objects.filter(mentor=mentor, status__in=[Match.Status.APPROVED, Match.Status.ENDED, *Match.UNDECIDED])
        .select_related("trainee__user", "program")
        # Who the trainee is and what they seek: a mentor asked to take someone on wants to know.
        .prefetch_related("trainee__focus_areas", "trainee__specialty_interests")
        .order_by("-created_at")
    )
    return Mentees(
        mentor=mentor,
        active=[m for m in matches if m.status == Match.Status.APPROVED],
        pending=[m for m in matches if m.status in Match.UNDECIDED],
        ended=_ended_latest_first(matches),
    )
