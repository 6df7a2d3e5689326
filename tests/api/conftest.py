"""API personas with tokens, and a small world with secrets planted where no other persona may read them.

The world (two programs):
- program A, run by `coordinator`: `trainee` ↔ `mentor`, an approved match with a meeting, a session log whose
  private notes only the mentor may read, and feedback the mentor wrote (the trainee may not read it).
- program B, run by `other_coordinator`: `victim` ↔ `victim_mentor`. Everything private of the victim (goal,
  statement, request message, session notes, feedback, check-in, notifications) holds a unique secret.

`world.forbidden[persona]` lists the secrets that persona must never receive in any response.
Models that another engineer has not migrated yet are skipped, so the harness works while the API grows.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.models import Model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    CoordinatorFactory,
    GoalFactory,
    MatchFactory,
    MatchingRoundFactory,
    MentorProfileFactory,
    ProgramFactory,
    TraineeProfileFactory,
)

PERSONAS = ("trainee", "mentor", "coordinator", "other_coordinator", "victim", "victim_mentor", "requester")


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Model] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    forbidden: dict[str, set[str]] = field(default_factory=dict)

    def headers(self, persona: str) -> dict[str, str]:
        return {"Authorization": f"Token {self.tokens[persona]}"} if persona != "anonymous" else {}

    def client(self, persona: str) -> APIClient:
        api = APIClient()
        if persona != "anonymous":
            api.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[persona]}")
        return api

    def path_ids(self, path: str) -> dict[str, Any]:
        """Ids for a schema path's parameters, pointing at the world's object of the kind the path names
        (`/goals/{id}/` → the trainee's goal, `/matches/{match_id}/approve/` → her match), else 1."""
        ids: dict[str, Any] = {}
        segments = [s for s in path.strip("/").split("/") if not s.startswith("{")]
        for param in re.findall(r"{([^}]+)}", path):
            hint = param.removesuffix("_id") if param != "id" else ""
            for candidate in [hint, *reversed(segments)]:
                key = candidate.replace("-", "_").removesuffix("es" if candidate.endswith("ches") else "s")
                obj = self.objects.get(key) or self.objects.get(f"{key}_profile")
                if candidate and obj is not None:
                    ids[param] = obj.pk
                    break
        return ids

    def leaks(self, persona: str, body: str) -> list[str]:
        """Names of the secrets this persona must not see that appear in `body`."""
        return sorted(name for name in self.forbidden.get(persona, set()) if self.secrets[name] in body)


def _migrated(model: type[Model]) -> bool:
    return model._meta.db_table in connection.introspection.table_names()


def _secret(world: World, name: str) -> str:
    value = f"PLANTED-{name}-{secrets.token_hex(6)}"
    world.secrets[name] = value
    return value


def _plant_meetings(world: World, *, match: Any, victim_match: Any) -> None:
    """Meetings, session logs and feedback, if the meetings app's tables exist yet."""
    try:
        from meetings.models import CheckIn, Feedback, Meeting, SessionLog
    except ImportError:
        return
    if not all(_migrated(m) for m in (Meeting, SessionLog, Feedback, CheckIn)):
        return
    start = timezone.now() - timedelta(days=3)
    users = world.users
    for key, m, mentor_user, trainee_user in (
        ("", match, users["mentor"], users["trainee"]),
        ("victim_", victim_match, users["victim_mentor"], users["victim"]),
    ):
        meeting = Meeting.objects.create(
            match=m, proposed_by=mentor_user, start=start, status=Meeting.Status.ACCEPTED, agenda="Catch up"
        )
        world.objects[f"{key}meeting"] = meeting
        log = SessionLog.objects.create(
            match=m,
            meeting=meeting,
            author=mentor_user,
            date=start.date(),
            duration_minutes=45,
            notes_shared=_secret(world, f"{key}notes_shared") if key else "We talked about research.",
            notes_private=_secret(world, f"{key}notes_private"),
        )
        world.objects[f"{key}session_log"] = log
        world.objects[f"{key}mentor_feedback"] = Feedback.objects.create(
            meeting=meeting,
            author=mentor_user,
            role=Feedback.Role.MENTOR,
            rating=4,
            useful=True,
            went_well=_secret(world, f"{key}mentor_feedback"),
        )
        if key:
            world.objects["victim_feedback"] = Feedback.objects.create(
                meeting=meeting,
                author=trainee_user,
                role=Feedback.Role.TRAINEE,
                rating=2,
                useful=False,
                to_change=_secret(world, "victim_feedback"),
            )
            world.objects["victim_checkin"] = CheckIn.objects.create(
                match=m, respondent=trainee_user, period=0, going_well=2, comment=_secret(world, "victim_checkin")
            )


def _plant_notifications(world: World) -> None:
    from notifications.models import Notification

    if not _migrated(Notification):
        return
    # A kind the code writes: the schema gives `kind` as an enum of them, and schemathesis holds responses to it.
    world.objects["notification"] = Notification.objects.create(
        recipient=world.users["trainee"],
        kind="match_approved",
        object_type="match",
        object_id=world.objects["match"].pk,
        dedup_key=f"planted:{secrets.token_hex(8)}",
        email=False,
    )
    world.objects["victim_notification"] = Notification.objects.create(
        recipient=world.users["victim"],
        kind="match_approved",
        object_type="match",
        object_id=world.objects["victim_match"].pk,
        context={"message": _secret(world, "victim_notification")},
        dedup_key=f"planted:{secrets.token_hex(8)}",
        email=False,
    )


def build_world() -> World:
    world = World()
    coordinator = CoordinatorFactory(full_name="Cora Coordinator", email="cora@example.org")
    other_coordinator = CoordinatorFactory(full_name="Olga Othercoord", email="olga@example.org")
    trainee = TraineeProfileFactory(user__full_name="Tara Trainee", user__email="tara@example.org")
    mentor = MentorProfileFactory(user__full_name="Dr Maya Patel", user__email="maya@example.org")
    victim = TraineeProfileFactory(
        user__full_name="Vera Victim",
        user__email="vera@example.org",
        statement=_secret(world, "victim_statement"),
    )
    victim_mentor = MentorProfileFactory(user__full_name="Dr Victor Vance", user__email="victor@example.org")
    requester = TraineeProfileFactory(user__full_name="Rita Requester", user__email="rita@example.org")
    world.users = {
        "trainee": trainee.user,
        "mentor": mentor.user,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "victim": victim.user,
        "victim_mentor": victim_mentor.user,
        "requester": requester.user,
    }
    program: Any = ProgramFactory(name="Program A", coordinators=[coordinator], open_to_all=False)
    other_program: Any = ProgramFactory(name="Program B", coordinators=[other_coordinator], open_to_all=False)
    program.mentors.add(mentor)
    program.trainees.add(trainee, requester)
    other_program.mentors.add(victim_mentor)
    other_program.trainees.add(victim)
    match = MatchFactory(program=program, mentor=mentor, trainee=trainee, status="approved", origin="request")
    victim_match = MatchFactory(
        program=other_program,
        mentor=victim_mentor,
        trainee=victim,
        status="approved",
        origin="request",
        message=_secret(world, "victim_request_message"),
    )
    world.objects.update(  # type: ignore[call-overload]
        program=program,
        other_program=other_program,
        match=match,
        victim_match=victim_match,
        trainee_profile=trainee,
        mentor_profile=mentor,
        victim_profile=victim,
        victim_mentor_profile=victim_mentor,
        # Rita's request to Dr Patel waits for program A's coordinator.
        pending_match=MatchFactory(
            program=program, mentor=mentor, trainee=requester, status="requested", origin="request"
        ),
        round=MatchingRoundFactory(program=program, status="done", progress=100),
        goal=GoalFactory(trainee=trainee, title="Publish a case report"),
        victim_goal=GoalFactory(
            trainee=victim, title="A goal of Vera's", description=_secret(world, "victim_goal_description")
        ),
    )
    _plant_meetings(world, match=match, victim_match=victim_match)
    _plant_notifications(world)
    # A trainee for a round of program A to match (Tara has her mentor, Rita's request waits) and a mentor with a free
    # place (Dr Patel's are taken or held): without them starting a round is refused as proposing nobody, and the
    # matrix would not reach the start itself. Made last, so every other row keeps its id.
    program.trainees.add(TraineeProfileFactory(user__full_name="Uma Unmatched", user__email="uma@example.org"))
    program.mentors.add(MentorProfileFactory(user__full_name="Dr Nia Free", user__email="nia@example.org"))
    world.tokens = {name: Token.objects.create(user=user).key for name, user in world.users.items()}

    victim_side = {name for name in world.secrets if name.startswith("victim_")}
    own_private = {"notes_private", "mentor_feedback"} & set(world.secrets)
    world.forbidden = {
        "anonymous": set(world.secrets),
        "trainee": victim_side | own_private,  # not even the private notes and feedback about her own sessions
        "mentor": victim_side,
        "coordinator": victim_side | ({"notes_private"} & set(world.secrets)),
        "other_coordinator": {"notes_private", "victim_notes_private"} & set(world.secrets),
        # Not her mentor's feedback: both answered, so her meeting's page shows it her, and so does her data export
        # (GET /api/v1/me/data/). The trainee's case (her mentor's answer alone, within the week) stays forbidden.
        "victim": ({"victim_notes_private"} | own_private) & set(world.secrets),
    }
    return world


def _restart_empty_sequences() -> None:
    """Number the world's rows from 1 on PostgreSQL too (a rolled-back test does not rewind a sequence there), so
    the small ids schemathesis generates hit real objects — someone else's included — as they do on SQLite."""
    if connection.vendor != "postgresql":
        return
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if model._meta.db_table not in existing or pk is None or pk.get_internal_type() not in AUTO_FIELDS:
                continue
            if not model._base_manager.exists():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)", [model._meta.db_table, pk.column]
                )


AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


@pytest.fixture
def world(db: None) -> World:
    _restart_empty_sequences()
    return build_world()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def wsgi_requests_keep_the_test_connection() -> Iterator[None]:
    """Let a WSGI call (schemathesis) run inside the test's transaction, as Django's test client does.

    Django closes "old" connections at the start and end of each request; inside a test transaction that closes
    the test's own connection ("connection is closed"). Django's test client disconnects the same receiver.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()
