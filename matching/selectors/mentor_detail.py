"""One mentor's page for the signed-in person: profile, free places, the whole score breakdown, and why a request
is not offered when it is not (in words)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from matching.models import Match, Program
from matching.selectors.context import TraineeContext, trainee_context_for, trainee_profile_of
from matching.selectors.directory import (
    NO_PROGRAM,
    mentored_programs,
    programs_at_request_limit,
    request_limit_reached,
)
from matching.selectors.explaining import Explanation
from profiles.models import MentorProfile, User

#: Why a trainee cannot request a mentor they already have a live match with, by the match's status.
LIVE_MATCH_REFUSALS: dict[str, str] = {
    Match.Status.REQUESTED: "You have already requested this mentor; a coordinator will decide soon.",
    Match.Status.PROPOSED: "A matching round proposed this mentor for you; a coordinator will confirm it.",
    Match.Status.APPROVED: "This is already your mentor.",
}


@dataclass
class MentorDetail:
    mentor: MentorProfile
    taken: int  # approved mentees now
    free_places: int
    explanation: Explanation | None  # None without a trainee profile
    context: TraineeContext | None
    live_match: Match | None
    shortlisted: bool
    shortlist_rank: int | None
    programs: list[Program]  # where this trainee could request this mentor
    mentored_in: list[Program] = field(default_factory=list)  # shared programs where they already have a mentor
    at_request_limit: list[Program] = field(default_factory=list)  # shared programs where their requests are used up

    @property
    def is_self(self) -> bool:
        return self.context is not None and self.context.profile.user_id == self.mentor.user_id

    @property
    def ruled_out(self) -> bool:
        """The request is refused by one of the engine's hard rules (not a live match, not their own profile)."""
        excluded = self.explanation is not None and self.explanation.excluded
        return excluded and not self.is_self and self.live_match is None

    @property
    def refusal(self) -> str:
        """Why the request form is not offered, in words ("" when it is)."""
        if self.context is None:
            return "Fill in your trainee profile to request a mentor."
        if self.is_self:
            return "This is your own mentor profile."
        if self.live_match is not None:
            return LIVE_MATCH_REFUSALS.get(self.live_match.status, "You already have a match with this mentor.")
        if self.explanation is not None and self.explanation.excluded:
            return " ".join(self.explanation.rule_messages)
        if not self.mentor.accepting_mentees:
            return "This mentor is not accepting new mentees."
        if self.free_places <= 0:
            return "This mentor is full: every place is taken."
        if not self.programs and self.mentored_in and not self.at_request_limit:
            names = ", ".join(str(p) for p in self.mentored_in)
            return f"You already have a mentor in {names}. Ask its coordinator if you need a change."
        if not self.programs and self.at_request_limit:
            return request_limit_reached(self.at_request_limit, then_request="this mentor")
        if not self.context.programs:
            return NO_PROGRAM
        if not self.programs:
            return "You and this mentor are not in an active program together."
        return ""


def mentor_detail_for(*, user: User, mentor_id: int) -> MentorDetail:
    """One mentor's page: profile, free places and, for a trainee, the whole score breakdown and any rule."""
    mentor = (
        MentorProfile.objects.select_related("user", "specialty__parent")
        .prefetch_related("subspecialties", "focus_areas", "languages")
        .filter(pk=mentor_id, user__is_active=True)
        .first()
    )
    if mentor is None:
        raise Http404("No such mentor.")
    trainee = trainee_profile_of(user)
    context = trainee_context_for(trainee) if trainee is not None else None
    explanation = None
    live = None
    programs: list[Program] = []
    mentored_in: list[Program] = []
    at_limit: list[Program] = []
    if context is not None:
        position = context.browsing.mentors.position_of([mentor.pk])
        if position[0] >= 0:
            explanation = context.explain(position)[0]
        live = Match.objects.live().filter(trainee=context.profile, mentor=mentor).first()
        mentor_programs = set(mentor.programs.values_list("pk", flat=True))
        shared = [p for p in context.programs if p.open_to_all or p.pk in mentor_programs]
        mentored = mentored_programs(context)
        at_limit = programs_at_request_limit(context, [p for p in shared if p.pk not in mentored])
        programs = [p for p in shared if p.pk not in mentored and p not in at_limit]
        mentored_in = [p for p in shared if p.pk in mentored]
    ranks = context.shortlist_ranks if context else {}
    taken = mentor.active_match_count()
    return MentorDetail(
        mentor=mentor,
        taken=taken,
        free_places=max(mentor.capacity - taken, 0),
        explanation=explanation,
        context=context,
        live_match=live,
        shortlisted=mentor.pk in ranks,
        shortlist_rank=ranks.get(mentor.pk),
        programs=programs,
        mentored_in=mentored_in,
        at_request_limit=at_limit,
    )
