"""Reads of a person's own requests, mentorships, mentees and shortlist (someone else's → nothing / 404)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404

from matching.models import Match, ShortlistEntry
from matching.models.matches import BOTH_TAKE_PART
from matching.selectors_coordination import match_list_for
from profiles.models import Goal, MentorProfile, TraineeProfile, User


def coordinators_to_contact(*, match: Match) -> list[User]:
    """Whom the mentor and the trainee of `match` write to about it (to end it, or about what they would rather not
    settle between the two of them): its program's active coordinators, but never one of the two themselves. Not the
    superusers a request falls back on: they run the site, not the program, and their addresses are not given out."""
    parties = {match.mentor.user_id, match.trainee.user_id}
    return [user for user in match.program.active_coordinators().order_by("full_name", "pk") if user.pk not in parties]


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


#: What the match's mentor reads of its trainee, by the match's status, on *My mentees* and in the API: a trainee who
#: asked for the mentor shares their profile with them, and a mentee their e-mail address too. A round's proposal
#: nobody approved has shared nothing yet; a past mentee's profile and address are their own again.
TRAINEE_PROFILE_READ_BY_MENTOR = (Match.Status.REQUESTED, Match.Status.APPROVED)
TRAINEE_EMAIL_READ_BY_MENTOR = (Match.Status.APPROVED,)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def mentees_for(*, mentor: MentorProfile) -> Mentees:
    """The mentor's matches as *My mentees* lists them, each with `profile_shared` and `email_shared` (what the
    mentor reads of the trainee, `TRAINEE_PROFILE_READ_BY_MENTOR`) and `can_propose`: both people still take part
    (`BOTH_TAKE_PART`). A mentee who left (a deactivated account) stays a current mentee until a coordinator ends the
    match, but no meeting can be proposed with them, as /meetings/ says."""
    matches = list(
        Match.objects.filter(mentor=mentor, status__in=[Match.Status.APPROVED, Match.Status.ENDED, *Match.UNDECIDED])
        .select_related("trainee__user", "program")
        # Who the trainee is and what they seek: a mentor asked to take someone on wants to know.
        .prefetch_related("trainee__focus_areas", "trainee__specialty_interests")
        .annotate(
            profile_shared=_flag(Q(status__in=TRAINEE_PROFILE_READ_BY_MENTOR)),
            email_shared=_flag(Q(status__in=TRAINEE_EMAIL_READ_BY_MENTOR)),
            can_propose=_flag(BOTH_TAKE_PART),
        )
        .order_by("-created_at")
    )
    return Mentees(
        mentor=mentor,
        active=[m for m in matches if m.status == Match.Status.APPROVED],
        pending=[m for m in matches if m.status in Match.UNDECIDED],
        ended=_ended_latest_first(matches),
    )


@dataclass(frozen=True)
class TraineeSummary:
    """The trainee of a match as its mentor reads them (the API's `trainee_summary`)."""

    trainee: TraineeProfile
    email: str | None  # once the match is approved
    left_program: bool  # their account is deactivated: a coordinator will end the match


@dataclass(frozen=True)
class MentorSummary:
    """The mentor of an approved match as its trainee reads them on *My mentorship* (the API's `mentor_summary`)."""

    specialty: str
    email: str
    left_program: bool  # their account is deactivated: a coordinator will end the match


def trainee_summary_for(*, match: Match, reader: User) -> TraineeSummary | None:
    """What `reader` reads of the trainee of `match` as its mentor, as on *My mentees*
    (`TRAINEE_PROFILE_READ_BY_MENTOR`, `TRAINEE_EMAIL_READ_BY_MENTOR`); None for anyone else: the trainee has their
    own profile, and the program's coordinators read it in the admin."""
    is_its_mentor = match.mentor.user_id == reader.pk and match.trainee.user_id != reader.pk
    if not is_its_mentor or match.status not in TRAINEE_PROFILE_READ_BY_MENTOR:
        return None
    user = match.trainee.user
    return TraineeSummary(
        trainee=match.trainee,
        email=user.email if match.status in TRAINEE_EMAIL_READ_BY_MENTOR else None,
        left_program=not user.is_active,
    )


def mentor_summary_for(*, match: Match, reader: User) -> MentorSummary | None:
    """What `reader` reads of the mentor of `match` as its trainee, as on *My mentorship*: the specialty and the
    e-mail address of their mentor once the match is approved. None before (the mentor's profile is in the directory)
    and after, and for anyone else."""
    is_its_trainee = match.trainee.user_id == reader.pk and match.mentor.user_id != reader.pk
    if not is_its_trainee or match.status != Match.Status.APPROVED:
        return None
    mentor = match.mentor
    return MentorSummary(
        specialty=mentor.specialty.name, email=mentor.user.email, left_program=not mentor.user.is_active
    )


def match_list_with_summaries_for(*, user: User) -> QuerySet[Match]:
    """`match_list_for`, with what `trainee_summary_for` and `mentor_summary_for` read loaded for a page of matches
    in a fixed number of queries."""
    return (
        match_list_for(user=user)
        .select_related("mentor__specialty")
        .prefetch_related("trainee__focus_areas", "trainee__specialty_interests")
    )
