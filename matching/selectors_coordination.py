"""Reads of matches and rounds that depend on who asks: a person's own matches, a coordinator's programs."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from matching.models import Match, MatchingRound, Program
from profiles.models import MentorProfile, TraineeProfile, User


def coordinated_programs(*, user: User) -> QuerySet[Program]:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Program.objects.none()
    if user.is_superuser:
        return Program.objects.all()
    return Program.objects.filter(coordinators=user)


def people_coordinated_by(user: User) -> tuple[QuerySet[TraineeProfile], QuerySet[MentorProfile]]:
    """The trainees and mentors who take part in a program `user` coordinates: enrolled in it, or with a match in it
    (a request, a round's proposal, a mentorship; whatever became of it). The admin's people pages show a coordinator
    these and no one else (`profiles.admin_scope`).

    A program open to all does not make everyone take part: anyone may request in it, and a round may propose anyone,
    and each of those is a match in it, so the people its coordinator works with are seen; the others are not, though
    any of them could be some day. Enrolling someone new goes by their e-mail address (*Enrol from a list*), which
    names nobody the coordinator did not already know of."""
    programs = coordinated_programs(user=user).values("pk")
    in_a_match = Match.objects.filter(program__in=programs)
    trainees = TraineeProfile.objects.filter(
        Q(pk__in=Program.trainees.through.objects.filter(program__in=programs).values("traineeprofile_id"))
        | Q(pk__in=in_a_match.values("trainee_id"))
    )
    mentors = MentorProfile.objects.filter(
        Q(pk__in=Program.mentors.through.objects.filter(program__in=programs).values("mentorprofile_id"))
        | Q(pk__in=in_a_match.values("mentor_id"))
    )
    return trainees, mentors


def program_people_seen(program: Program) -> tuple[QuerySet[TraineeProfile], QuerySet[MentorProfile]]:
    """The trainees and mentors of `program` its coordinator reads about on its health page, in its CSV reports and
    on its enrol page: those enrolled in it, and, when it is open to all, those with a match in it too (a request, a
    round's proposal, a mentorship; whatever became of it); never a deactivated account.

    Not `matching.features.cohort_members`, which is who a round may consider: every active person of the site when
    the program is open to all. Listing those would show any coordinator (anyone staff may add an open program)
    every other program's people with their e-mail addresses; this keeps to `people_coordinated_by`'s rule. A
    closed program keeps to its enrolled, as rounds do: someone unenrolled no longer takes part, though their past
    matches stay on the program's match list."""
    enrolled_trainees = Q(pk__in=Program.trainees.through.objects.filter(program=program).values("traineeprofile_id"))
    enrolled_mentors = Q(pk__in=Program.mentors.through.objects.filter(program=program).values("mentorprofile_id"))
    if program.open_to_all:
        in_a_match = Match.objects.filter(program=program)
        enrolled_trainees |= Q(pk__in=in_a_match.values("trainee_id"))
        enrolled_mentors |= Q(pk__in=in_a_match.values("mentor_id"))
    return (
        TraineeProfile.objects.filter(enrolled_trainees, user__is_active=True),
        MentorProfile.objects.filter(enrolled_mentors, user__is_active=True),
    )


#: How many programs the home page and the admin index list (coordinators rarely run more than a handful; the
#: admin's program list has them all).
SHOWN_PROGRAMS = 20


def program_queues(*, user: User) -> QuerySet[Program]:
    """The coordinator's active programs, each with what waits for them (one query): `requests_waiting`
    (trainees' requests to decide), `proposals_waiting` (a round's proposals to review) and `at_risk` (approved
    matches flagged by the check-ins or inactivity; not those `user` is the mentor or trainee of, whose flag is for
    another coordinator, as `Match.at_risk_visible_to` says); and `has_active_coordinator` (False: its requests
    reach the superusers alone, `Program.active_coordinators`)."""
    staffed = Program.coordinators.through.objects.filter(
        program=OuterRef("pk"), user__is_active=True, user__is_staff=True
    )
    flagged = Q(matches__status=Match.Status.APPROVED, matches__at_risk_since__isnull=False)
    waiting = {
        "requests_waiting": Q(matches__status=Match.Status.REQUESTED),
        "proposals_waiting": Q(matches__status=Match.Status.PROPOSED),
        "at_risk": flagged & ~Q(matches__mentor__user_id=user.pk) & ~Q(matches__trainee__user_id=user.pk),
    }
    return (
        coordinated_programs(user=user)
        .filter(is_active=True)
        .annotate(**{name: Count("matches", filter=rule) for name, rule in waiting.items()})
        .annotate(has_active_coordinator=Exists(staffed))
        .order_by("name")
    )


#: A mentor's matches as their My mentees page lists them (`matching.selectors.mentees_for`): requests and proposals
#: awaiting a coordinator, mentees and past mentees. A request declined, cancelled (another mentor was approved) or
#: expired is between the trainee and the coordinator.
MENTOR_SEES = (*Match.UNDECIDED, Match.Status.APPROVED, Match.Status.ENDED)


def match_list_for(*, user: User) -> QuerySet[Match]:
    """Matches where the user is the trainee, or the mentor as their My mentees page shows them, plus every match of
    the programs they coordinate. What each may read of a match is the match's to say (`Match.message_visible_to`,
    …)."""
    mine = Q(trainee__user=user) | Q(mentor__user=user, status__in=MENTOR_SEES)
    programs = coordinated_programs(user=user)
    if programs.exists():
        mine |= Q(program__in=programs.values("pk"))
    return (
        Match.objects.filter(mine)
        .select_related("program", "trainee__user", "mentor__user", "decided_by")
        .order_by("-created_at", "-pk")
    )


def round_list_for(*, user: User) -> QuerySet[MatchingRound]:
    """The rounds of the programs `user` coordinates, each with `proposal_count` (the matches it proposed), so a
    page of rounds is one query."""
    return (
        MatchingRound.objects.filter(program__in=coordinated_programs(user=user).values("pk"))
        .select_related("program")
        .annotate(proposal_count=Count("proposals"))
        .order_by("-created_at", "-pk")  # a query that counts ignores the model's ordering
    )
