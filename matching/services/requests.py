"""Trainees request a mentor and cancel; open requests are reminded about and expire. Mentors open or close.

A request is a `Match` in status REQUESTED; it becomes a mentorship only when a coordinator approves it
(`decisions.match_approve`), which re-checks capacity under the same mentor-row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.template.defaultfilters import pluralize

from matching.models import Match, Program
from matching.selectors.context import pair_explanation
from matching.services.refusals import TraineeAlreadyMatched
from matching.services.transitions import match_created, match_transition
from mentorship.errors import ApplicationError, Conflict, NotAllowed
from notifications.services import notify, notify_new
from profiles.models import MentorProfile, TraineeProfile, User

MESSAGE_MAX_LENGTH = 2000


class MentorAtCapacity(Conflict):
    code = "mentor_at_capacity"


class MentorNotAccepting(Conflict):
    code = "mentor_not_accepting"


class DuplicateRequest(Conflict):
    code = "duplicate_request"


class TooManyRequests(Conflict):
    code = "too_many_requests"


class PairExcluded(Conflict):
    """A hard rule of the engine excludes the pair; `code` names the rule (no_shared_language, …)."""

    code = "pair_excluded"


class ProgramNotAvailable(Conflict):
    code = "program_not_available"


class CannotRequestSelf(ApplicationError):
    code = "cannot_request_self"


class RequestNotOpen(Conflict):
    code = "request_not_open"


class NotYourRequest(NotAllowed):
    code = "not_your_request"


def program_includes(*, program: Program, trainee: TraineeProfile, mentor: MentorProfile) -> bool:
    if program.open_to_all:
        return True
    return program.trainees.filter(pk=trainee.pk).exists() and program.mentors.filter(pk=mentor.pk).exists()


def program_coordinators(program: Program, *, match: Match | None = None) -> list[User]:
    """Who is told of the program's requests: its active coordinators; if it has none, the active superusers, the
    only others who can open its matches (a coordinator of another program cannot, and must not read the trainee's
    message and score). With neither, nobody: the request is still saved, and the program's pages and the admin's
    front page say the program has no active coordinator.

    Given `match`, its mentor and trainee are left out: they never decide it (`refusals.ensure_not_a_party`). When
    that leaves no coordinator (the program's only one is the mentor), the active superusers are told instead, so
    someone who can decide it is; the program still has an active coordinator, so no page warns of it."""
    parties = {match.mentor.user_id, match.trainee.user_id} if match is not None else set()
    coordinators = [user for user in program.active_coordinators() if user.pk not in parties]
    if not coordinators:
        superusers = User.objects.filter(is_active=True, is_staff=True, is_superuser=True).exclude(pk__in=parties)
        coordinators = list(superusers.order_by("pk"))
    return coordinators


@transaction.atomic
def match_request(*, trainee: TraineeProfile, mentor: MentorProfile, program: Program, message: str) -> Match:
    """Ask for `mentor` within `program`. Refuses (and writes nothing) when any rule is broken."""
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            f"Keep the message under {MESSAGE_MAX_LENGTH} characters.",
            fields={"message": [f"At most {MESSAGE_MAX_LENGTH} characters."]},
        )
    if trainee.user_id == mentor.user_id:
        raise CannotRequestSelf("You cannot request yourself as a mentor.")
    if not program.is_active or not program_includes(program=program, trainee=trainee, mentor=mentor):
        raise ProgramNotAvailable(f"{program} is not open to both you and this mentor.")
    # Lock order trainee → mentor: the trainee row serialises their open-request count, the mentor row is the
    # one approvals lock, so a request never sees half of a concurrent approval.
    TraineeProfile.objects.select_for_update(no_key=True).get(pk=trainee.pk)
    current = Match.objects.active().filter(trainee=trainee, program=program).select_related("mentor__user").first()
    if current is not None:
        # Approval allows one mentor per trainee and program: a request it must refuse only makes everyone wait.
        raise TraineeAlreadyMatched(
            f"You already have a mentor in {program}: {current.mentor}. Ask its coordinator if you need a change."
        )
    locked = MentorProfile.objects.select_for_update(no_key=True).get(pk=mentor.pk)
    if not locked.accepting_mentees or not locked.user.is_active:
        raise MentorNotAccepting(f"{locked} is not accepting new mentees.")
    if locked.active_match_count() >= locked.capacity:
        raise MentorAtCapacity(f"{locked} is full: every place is taken. Choose another mentor.")
    live = Match.objects.live().filter(trainee=trainee, mentor=locked).first()
    if live is not None:
        what = "is already your mentor" if live.status == Match.Status.APPROVED else "already has your request"
        raise DuplicateRequest(f"{locked} {what}. You can have one open request per mentor.")
    open_count = Match.objects.open_requests().filter(trainee=trainee, program=program).count()
    if open_count >= program.max_open_requests:
        raise TooManyRequests(
            f"You already have {open_count} open request{pluralize(open_count)} in {program} "
            f"(the limit is {program.max_open_requests}). Cancel one or wait for a decision."
        )
    explanation = pair_explanation(trainee=trainee, mentor_id=locked.pk, program=program)
    if explanation.excluded:
        raise PairExcluded(" ".join(explanation.rule_messages), code=explanation.rules[0])
    match = Match.objects.create(
        program=program,
        mentor=locked,
        trainee=trainee,
        status=Match.Status.REQUESTED,
        origin=Match.Origin.REQUEST,
        score=explanation.score,
        score_breakdown=explanation.snapshot(),
        message=message,
    )
    match_created(match=match, by=trainee.user, reason="Requested by the trainee")
    for coordinator in program_coordinators(program, match=match):
        notify(recipient=coordinator, kind="match_requested", about=match)
    return match


@transaction.atomic
def match_cancel(*, match: Match, by: User) -> Match:
    """The trainee withdraws their own open request."""
    locked = Match.objects.select_for_update().select_related("trainee").get(pk=match.pk)
    if locked.trainee.user_id != by.pk:
        raise NotYourRequest("Only the trainee who made a request can cancel it.")
    if locked.status != Match.Status.REQUESTED:
        raise RequestNotOpen(f"This request is {locked.get_status_display().lower()} and can no longer be cancelled.")
    return match_transition(match=locked, to=Match.Status.CANCELLED, by=by, reason="Cancelled by the trainee")


def match_requests_remind(*, now: datetime) -> int:
    """Remind coordinators once about each request open for `request_reminder_days`. Returns how many new."""
    sent = 0
    for program in Program.objects.filter(matches__status=Match.Status.REQUESTED).distinct():
        due = now - timedelta(days=program.request_reminder_days)
        expires = now - timedelta(days=program.request_expiry_days)
        stale = Match.objects.open_requests().filter(program=program, created_at__lte=due, created_at__gt=expires)
        for match_id in list(stale.values_list("pk", flat=True)):
            with transaction.atomic():
                # Re-read it under its row lock, still open: one a coordinator decided (or the trainee cancelled)
                # since the read above must not be reminded as waiting. One being decided right now is skipped; if it
                # is still open, the next sweep reminds about it. A decision waiting for our lock cancels what we
                # write here when it goes through (`match_transition`).
                match = (
                    Match.objects.select_for_update(skip_locked=True)
                    .filter(pk=match_id, status=Match.Status.REQUESTED)
                    .first()
                )
                if match is None:
                    continue
                # Once each (this sweep runs every few minutes); not its mentor or trainee, who cannot decide it.
                for coordinator in program_coordinators(program, match=match):
                    sent += notify_new(
                        recipient=coordinator, kind="match_request_reminder", about=match, occurrence="reminder"
                    )
    return sent


def match_requests_expire(*, now: datetime) -> int:
    """Expire requests open for `request_expiry_days` and tell the trainee. Safe to run twice at once."""
    expired = 0
    for program in Program.objects.filter(matches__status=Match.Status.REQUESTED).distinct():
        cutoff = now - timedelta(days=program.request_expiry_days)
        ids = list(
            Match.objects.open_requests().filter(program=program, created_at__lte=cutoff).values_list("pk", flat=True)
        )
        for match_id in ids:
            with transaction.atomic():
                # Claim the row: a concurrent sweep (or a coordinator deciding it right now) holds it or changed it.
                match = (
                    Match.objects.select_for_update(skip_locked=True)
                    .select_related("trainee__user")
                    .filter(pk=match_id, status=Match.Status.REQUESTED)
                    .first()
                )
                if match is None:
                    continue
                days = program.request_expiry_days
                match_transition(
                    match=match, to=Match.Status.EXPIRED, by=None, reason=f"No decision within {days} days"
                )
                notify(recipient=match.trainee.user, kind="match_request_expired", about=match)
                expired += 1
    return expired


@transaction.atomic
def mentor_set_accepting(*, mentor: MentorProfile, accepting: bool) -> MentorProfile:
    """A mentor opens or closes their list for new mentees (current mentees and open requests are kept)."""
    locked = MentorProfile.objects.select_for_update(no_key=True).get(pk=mentor.pk)
    locked.accepting_mentees = accepting
    locked.save(update_fields=["accepting_mentees", "updated_at"])  # the save's receiver drops the cached arrays
    return locked
