"""The mentor directory, ranked for whoever asks. The only place mentors are ranked (a mentor's page, in
`mentor_detail`, explains one of them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.paginator import Page, Paginator
from django.db.models import Count
from numpy.typing import NDArray

from matching.features import BrowsingFeatures, browsing_features
from matching.filters import MentorFilter
from matching.models import Match, Program
from matching.scoring.rules import tz_minutes_apart
from matching.selectors.context import TraineeContext, trainee_context_for, trainee_profile_of
from matching.selectors.empty_directory import EmptyDirectory, why_nobody_is_listed
from matching.selectors.explaining import Explanation, reason_line
from mentorship.paging import nearest_page, page_or_last
from profiles.models import MentorProfile, User

PAGE_SIZE = 20
#: A card's "What lowered it" names this many reasons at most, those that cost the most; the mentor's page
#: lists them all.
CARD_LOWERED = 3

#: "At most N hours apart" counts from the trainee profile's zone: without one there is nothing to count from, and
#: ignoring the filter listed mentors on the other side of the world under "filters in use".
NEEDS_TIME_ZONE = "Fill in your trainee profile (time zone) to use this filter."

#: A trainee whose programs are all closed or ended, or who was never enrolled: browsing works, requesting waits.
NO_PROGRAM = (
    "You are not in a mentoring program yet, so you can browse mentors but not request one: a program coordinator "
    "enrols you, or sends you an invitation by e-mail."
)


@dataclass
class MentorCard:
    mentor: MentorProfile
    score: float | None
    reasons: list[str]
    summary: str  # the engine's one-line summary of the strongest reasons
    free_places: int
    shortlisted: bool
    shortlist_rank: int | None
    live_status: str  # "" or the status of this trainee's live match/request with the mentor
    requestable: bool = True  # False when the trainee already has a mentor in every program they are in
    lowered: list[str] = field(default_factory=list)  # every reason that cost points, worst first
    fit_reasons: list[str] = field(default_factory=list)  # the strongest reasons that cost no points

    @property
    def fits(self) -> str:
        """Only reasons that cost no points: "mentor is 6 stages ahead; 2 is ideal" or "10 h 30 min apart" is a
        partial fit the summary lists, but on a card it read as one more reason to choose the mentor. Built
        from every reason that lowered the score, never from the card's shorter "What lowered it"."""
        return reason_line(self.fit_reasons)

    @property
    def lowered_line(self) -> str:
        return reason_line(self.lowered[:CARD_LOWERED])

    @property
    def is_full(self) -> bool:
        return self.free_places <= 0

    @property
    def can_request(self) -> bool:
        return self.requestable and not self.is_full and not self.live_status


@dataclass
class DirectoryPage:
    filterset: MentorFilter
    page: Page[Any]
    cards: list[MentorCard]
    ranked: bool  # False: no trainee profile, listed alphabetically
    total: int
    program: Program | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    mentored_in: list[Program] = field(default_factory=list)  # set when no program is left to request in
    at_request_limit: str = ""  # likewise, when the trainee's open requests are used up there
    empty: EmptyDirectory | None = None  # why nobody is listed, when no filter is in use
    no_program: str = ""  # NO_PROGRAM when the trainee is in no active program, so no card offers a request


@dataclass
class _Requestable:
    mentored_in: list[Program]  # set when no program is left to request in
    at_request_limit: list[Program]  # likewise: programs whose open requests the trainee has used up
    mentor_ids: set[int] | None  # which mentors of the page they may still request, None meaning all


def _requestable(context: TraineeContext | None, mentor_ids: list[int]) -> _Requestable:
    """A mentor is requestable in a program the trainee has no mentor in yet, with an open request left, and that
    is open to everyone or has the mentor enrolled. Two queries, three when programs are closed."""
    if context is None:
        return _Requestable([], [], None)
    if not context.programs:
        return _Requestable([], [], set())  # in no active program: the page says so
    mentored = mentored_programs(context)
    at_limit = programs_at_request_limit(context, [p for p in context.programs if p.pk not in mentored])
    still_open = [p for p in context.programs if p.pk not in mentored and p not in at_limit]
    if not still_open:
        return _Requestable([p for p in context.programs if p.pk in mentored], at_limit, set())
    if any(p.open_to_all for p in still_open):
        return _Requestable([], [], None)
    enrolled = Program.mentors.through.objects.filter(
        program_id__in=[p.pk for p in still_open], mentorprofile_id__in=mentor_ids
    )
    return _Requestable([], [], set(enrolled.values_list("mentorprofile_id", flat=True)))


def programs_at_request_limit(context: TraineeContext, programs: list[Program]) -> list[Program]:
    """Those of `programs` where the trainee has as many open requests as the program allows."""
    open_requests = dict(
        Match.objects.open_requests()
        .filter(trainee=context.profile, program__in=programs)
        .values("program")
        .annotate(n=Count("pk"))
        .values_list("program", "n")
    )
    return [p for p in programs if open_requests.get(p.pk, 0) >= p.max_open_requests]


def request_limit_reached(programs: list[Program], *, then_request: str = "another mentor") -> str:
    limits = ", ".join(f"{p.max_open_requests} in {p}" for p in programs)
    return (
        f"You have as many open requests as a program allows ({limits}). Cancel one under My requests or wait for "
        f"a decision, then request {then_request}."
    )


def mentored_programs(context: TraineeContext) -> set[int]:
    """Programs where the trainee already has an approved mentor: approval allows one per program."""
    approved = Match.objects.active().filter(trainee=context.profile)
    return set(approved.values_list("program", flat=True))


def _candidate_ids(filterset: MentorFilter, user: User) -> list[int]:
    queryset = filterset.qs.filter(accepting_mentees=True)
    if user.is_authenticated:
        queryset = queryset.exclude(user=user)  # a person never mentors themselves
    return list(queryset.order_by("user__full_name", "pk").values_list("pk", flat=True))


def _array_filters(
    positions: NDArray[np.intp], data: Mapping[str, Any], browsing: BrowsingFeatures, context: TraineeContext | None
) -> NDArray[np.intp]:
    mentors = browsing.mentors
    if data.get("has_free_place"):
        positions = positions[mentors.free_places[positions] > 0]
    hours = data.get("max_hours_apart")
    if hours is not None and context is not None:  # without a context the filter is refused (NEEDS_TIME_ZONE)
        apart = tz_minutes_apart(context.features.tz_offset_minutes[:1], mentors.tz_offset_minutes[positions])
        positions = positions[apart <= float(hours) * 60]
    return positions


def _filters_in_use(data: Mapping[str, Any]) -> bool:
    return any(value is not None and value != "" and value is not False for value in data.values())


def _live_statuses(context: TraineeContext | None, mentor_ids: list[int]) -> dict[int, str]:
    if context is None or not mentor_ids:
        return {}
    live = Match.objects.live().filter(trainee=context.profile, mentor_id__in=mentor_ids)
    return dict(live.values_list("mentor_id", "status"))


def mentor_directory_for(
    *, user: User, filters: Mapping[str, Any], page: Any = 1, strict_page: bool = False
) -> DirectoryPage:
    """Accepting mentors matching `filters`, ranked for the user's trainee profile (best first) and paginated.

    A page number below 1 or not a number shows the first page and one past the end the last (the HTML directory's
    forgiving links), or raises `django.core.paginator.InvalidPage` with `strict_page` (the API's convention: 404;
    the API itself refuses numbers below 1 with a 400 before asking, and takes `last` for the last page).

    Mentors a hard rule excludes for this trainee are left out. Without a trainee profile the list is
    alphabetical and unscored. The number of queries does not depend on the number of mentors.
    """
    # A deactivated account (someone who left) is never offered, whatever the cached arrays still hold.
    filterset = MentorFilter(
        filters if filters is not None else {}, queryset=MentorProfile.objects.filter(user__is_active=True)
    )
    trainee = trainee_profile_of(user)
    context = trainee_context_for(trainee) if trainee is not None else None
    browsing = context.browsing if context is not None else browsing_features()
    if filterset.is_valid() and context is None and filterset.form.cleaned_data.get("max_hours_apart") is not None:
        filterset.form.add_error("max_hours_apart", NEEDS_TIME_ZONE)
    if not filterset.is_valid():
        empty: Page[Any] = Paginator([], PAGE_SIZE).get_page(1)
        errors = {k: [str(e) for e in v] for k, v in filterset.errors.items()}
        return DirectoryPage(filterset, empty, [], context is not None, 0, errors=errors)

    ids = _candidate_ids(filterset, user)
    positions = browsing.mentors.position_of(ids)
    positions = positions[positions >= 0]  # a mentor created since the arrays were built shows after the refresh
    accepting = positions
    positions = _array_filters(positions, filterset.form.cleaned_data, browsing, context)
    ranking = context.ranking() if context is not None else None
    if ranking is not None:
        # The engine's order (best first, excluded mentors dropped), restricted to the filtered candidates.
        positions = ranking.order[np.isin(ranking.order, positions)]
    why_empty = None
    if not len(positions) and not _filters_in_use(filterset.form.cleaned_data):
        why_empty = why_nobody_is_listed(candidates=accepting, excluded=ranking.result.excluded[0] if ranking else None)

    paginator = Paginator(range(len(positions)), PAGE_SIZE)
    current = page_or_last(paginator, page) if strict_page else nearest_page(paginator, page)
    on_page = positions[current.start_index() - 1 : current.end_index()] if len(positions) else positions
    page_ids = [int(i) for i in browsing.mentors.ids[on_page]]
    mentors = MentorProfile.objects.select_related("user", "specialty").in_bulk(page_ids)
    explanations: list[Explanation | None] = list(context.explain(on_page)) if context else [None] * len(page_ids)
    live = _live_statuses(context, page_ids)
    ranks = context.shortlist_ranks if context else {}
    requestable = _requestable(context, page_ids)
    cards = [
        MentorCard(
            mentor=mentors[mentor_id],
            score=explanation.score if explanation else None,
            reasons=explanation.summary() if explanation else [],
            summary=explanation.summary_line if explanation else "",
            fit_reasons=list(explanation.fit_reasons) if explanation else [],
            free_places=int(browsing.mentors.free_places[position]),
            shortlisted=mentor_id in ranks,
            shortlist_rank=ranks.get(mentor_id),
            live_status=live.get(mentor_id, ""),
            requestable=requestable.mentor_ids is None or mentor_id in requestable.mentor_ids,
            lowered=explanation.lowered_by() if explanation else [],
        )
        for mentor_id, position, explanation in zip(page_ids, on_page.tolist(), explanations, strict=True)
        if mentor_id in mentors
    ]
    program = context.program if context else None
    return DirectoryPage(
        filterset,
        current,
        cards,
        context is not None,
        len(positions),
        program=program,
        mentored_in=requestable.mentored_in,
        at_request_limit=request_limit_reached(requestable.at_request_limit) if requestable.at_request_limit else "",
        empty=why_empty,
        no_program=NO_PROGRAM if context is not None and not context.programs else "",
    )
