"""The coordinators' admin: programs, matches (batch decisions), matching rounds, program health.

Access comes from coordinating a program, not from Django model permissions: see admin_views/access.py.
Nothing here writes a match directly; actions and pages call the services in matching/services/.

One module per page family: `programs` (programs and their pages), `matches` (the match list and its batch
decisions), `rounds` (matching rounds), `people` (what the mentor and trainee lists get from matching: a filter by
program and *Remove from program…*). Importing them registers them with the admin site.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from matching.admin import matches, people, programs, rounds
from matching.admin_views import access
from matching.models import ProgramInvitation
from notifications.admin import register_coordinator_scope
from profiles.admin_scope import PeopleListExtras, people_list_register
from profiles.models import MentorProfile, TraineeProfile

__all__ = ["matches", "people", "programs", "rounds"]


# The outbox cannot tell which program a message belongs to (notifications sits below matching), so each app
# above it names the objects of its own a coordinator may see and retry: here, their programs' matches and
# invitations (meetings registers its meetings).
def _match_ids(user: Any) -> QuerySet[Any]:
    return access.matches_for(user).values("pk")


def _invitation_ids(user: Any) -> QuerySet[Any]:
    return ProgramInvitation.objects.filter(program__in=access.programs_for(user)).values("pk")


register_coordinator_scope("match", _match_ids)
register_coordinator_scope("programinvitation", _invitation_ids)

# Profiles' mentor and trainee lists cannot import matching: it adds the program filter (where a program page's
# counts link to) and the action that removes the selected people from a program.
for _model in (MentorProfile, TraineeProfile):
    people_list_register(
        _model, PeopleListExtras(list_filter=(people.EnrolledInProgramFilter,), actions=(people.remove_from_program,))
    )
