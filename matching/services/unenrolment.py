"""Coordinators remove people from a program (*Remove from program…* on the admin's mentor and trainee lists).

Removing someone ends their enrolment in that program and nothing else, exactly as leaving them out of the program
page's boxes did before those boxes were taken off the page: their matches in it stay as they are. An approved
mentorship goes on (end it on the match list if it should stop). A request or a round's proposal still waiting
stays waiting; while the program is closed (not open to everyone) approving it is refused ("… is no longer enrolled
in …: decline the match instead"), so the coordinator declines it with a reason the trainee reads. Once removed,
they make no new request in a closed program and no round proposes them. In a program open to everyone, enrolment
limits nobody until it is closed. Their other programs are not touched.

What was removed is recorded in the admin's history (*History* on the program and on each person's profile), where
coordinators read who changed a program and a profile, in the same transaction as the removal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.template.defaultfilters import pluralize

from matching.models import Match, Program
from matching.services.refusals import ensure_coordinator
from profiles.models import MentorProfile, TraineeProfile, User

#: How many people a program's history entry names before it says "and N more".
NAMED_IN_HISTORY = 20


@dataclass(frozen=True)
class Removed:
    """One person removed: their profile's id and how the history names them."""

    profile_id: int
    name: str
    email: str


@dataclass(frozen=True)
class Unenrolment:
    mentors: list[Removed] = field(default_factory=list)
    trainees: list[Removed] = field(default_factory=list)
    not_enrolled: int = 0  # chosen, but not enrolled in the program: nothing to remove
    matches_left: int = 0  # the chosen people's matches in the program still waiting or under way, left as they are


def _ids(people: Iterable[Model]) -> QuerySet[Any] | list[int]:
    """The people's ids as a subquery when they are a queryset ("select all 20,000" is then no list of 20,000
    parameters, which a database refuses past its limit), else as a list."""
    if isinstance(people, QuerySet):
        return people.order_by().values("pk")
    return [person.pk for person in people]


@transaction.atomic
def program_unenrol(
    *,
    program: Program,
    by: User,
    mentors: Iterable[MentorProfile] = (),
    trainees: Iterable[TraineeProfile] = (),
) -> Unenrolment:
    """Remove these mentors and trainees from `program` (those not enrolled in it are counted, not an error), record
    it, and say who was removed. Refused, nothing changed: NotProgramCoordinator."""
    ensure_coordinator(user=by, program=program)
    # One write to a program's people at a time (`program_enrol` too), so who is removed is who was enrolled.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    mentor_ids, trainee_ids = _ids(mentors), _ids(trainees)
    # Everything is read before anything is deleted: a selection may be "those enrolled in this program" (the
    # list filtered by it), which the delete empties. Each delete's own subquery is read before it deletes.
    chosen = sum(len(ids) if isinstance(ids, list) else ids.count() for ids in (mentor_ids, trainee_ids))
    matches_left = Match.objects.filter(
        Q(mentor_id__in=mentor_ids) | Q(trainee_id__in=trainee_ids),
        program=program,
        status__in=[*Match.UNDECIDED, Match.Status.APPROVED],
    ).count()
    removed: dict[str, list[Removed]] = {}
    rows: dict[str, QuerySet[Any]] = {}
    for role, through, column, ids in (
        ("mentors", Program.mentors.through, "mentorprofile", mentor_ids),
        ("trainees", Program.trainees.through, "traineeprofile", trainee_ids),
    ):
        rows[role] = through.objects.filter(program=program, **{f"{column}_id__in": ids})
        found = rows[role].values_list(f"{column}_id", f"{column}__user__full_name", f"{column}__user__email")
        removed[role] = [Removed(pk, name or email, email) for pk, name, email in found.order_by(f"{column}_id")]
    for role, people in removed.items():
        if people:
            rows[role].delete()
    outcome = Unenrolment(
        mentors=removed["mentors"],
        trainees=removed["trainees"],
        not_enrolled=chosen - len(removed["mentors"]) - len(removed["trainees"]),
        matches_left=matches_left,
    )
    _record(program, by, outcome)
    return outcome


def _record(program: Program, by: User, outcome: Unenrolment) -> None:
    """One entry in the program's history naming who was removed, and one in each person's."""
    if not (outcome.mentors or outcome.trainees):
        return
    said = []
    for noun, people in (("mentor", outcome.mentors), ("trainee", outcome.trainees)):
        if people:
            named = ", ".join(person.email for person in people[:NAMED_IN_HISTORY])
            more = len(people) - NAMED_IN_HISTORY
            named += f" and {more:,} more" if more > 0 else ""
            said.append(f"{len(people):,} {noun}{pluralize(len(people))} ({named})")
    entries = [
        LogEntry(
            user_id=by.pk,
            content_type_id=ContentType.objects.get_for_model(Program).pk,
            object_id=str(program.pk),
            object_repr=str(program)[:200],
            action_flag=CHANGE,
            change_message=f"Removed {' and '.join(said)} from the program.",
        )
    ]
    for model, people in ((MentorProfile, outcome.mentors), (TraineeProfile, outcome.trainees)):
        content_type = ContentType.objects.get_for_model(model).pk
        entries += [
            LogEntry(
                user_id=by.pk,
                content_type_id=content_type,
                object_id=str(person.profile_id),
                object_repr=person.name[:200],
                action_flag=CHANGE,
                change_message=f"Removed from {program}.",
            )
            for person in people
        ]
    LogEntry.objects.bulk_create(entries)
