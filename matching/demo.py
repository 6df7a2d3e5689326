"""Demo requests for `seed_demo`: a handful of trainees have asked their best-ranked mentor, so a coordinator
who logs in finds requests waiting in the admin. Goes through the real selector and service; idempotent."""

from __future__ import annotations

from matching.models import Match, Program
from matching.selectors.context import trainee_context_for
from matching.services.requests import match_request
from mentorship.errors import ApplicationError
from notifications.services import notify
from profiles.demo import FIXED_EMAILS
from profiles.models import MentorProfile, TraineeProfile

DEMO_DOMAIN = "demo.mentorship.test"
OPEN_REQUESTS = 8
MESSAGE = "I would value your advice on choosing a specialty and on getting started in research."


def ensure_demo_requests(*, program: Program) -> int:
    """Open requests from the first few demo trainees (the demo logins excluded, so they start fresh)."""
    if Match.objects.filter(program=program, message=MESSAGE).exists():
        return 0
    trainees = (
        TraineeProfile.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}", matches__isnull=True)
        .exclude(user__email__in=FIXED_EMAILS)
        .order_by("pk")[:OPEN_REQUESTS]
    )
    written = 0
    for trainee in trainees:
        context = trainee_context_for(trainee)
        for position in context.ranking().order[:3]:
            mentor = MentorProfile.objects.get(pk=int(context.browsing.mentors.ids[position]))
            try:
                match_request(trainee=trainee, mentor=mentor, program=program, message=MESSAGE)
            except ApplicationError:
                continue  # full, not accepting, …: try their next-best mentor
            written += 1
            break
    return written


def ensure_demo_inbox(*, program: Program) -> int:
    """The demo mentor and trainee find their approval in the in-app inbox (the outbox dedups a second run)."""
    written = 0
    pairs = Match.objects.filter(
        program=program, status=Match.Status.APPROVED, trainee__user__email=f"trainee@{DEMO_DOMAIN}"
    ).select_related("trainee__user", "mentor__user")
    for match in pairs:
        for person in (match.trainee.user, match.mentor.user):
            notify(recipient=person, kind="match_approved", about=match)
            written += 1
    return written
