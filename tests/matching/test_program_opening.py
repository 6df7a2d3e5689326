"""Only a site administrator opens a program to everyone on the site.

Found in a security review: any coordinator could add a program with *Every mentor and trainee may take part* ticked
(the model's default), start a round for it, and the round proposed across every active person of the site. Each
proposal is a match in her program, so its people became hers to list, open and edit in the admin (e-mail addresses
included), and hers to approve into a mentorship: the people of programs she does not run, which a program open to
all must never show her (`program_people_seen`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from matching.models import Match, MatchingRound, Program
from matching.services.programs import OPENING_REFUSED, ProgramInvalid, program_save
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _add_form(name: str, coordinator: Any, **extra: str) -> dict[str, Any]:
    def default(field: str) -> Any:
        return Program._meta.get_field(field).get_default()

    return {
        "name": name,
        "description": "",
        "is_active": "on",
        "coordinators": [coordinator.pk],
        "weights": json.dumps({"specialty": 3, "focus_areas": 3, "career_stage": 2}),
        "institution_rule": default("institution_rule"),
        "stage_gap_best": default("stage_gap_best"),
        "time_zone_cap_hours": "",
        "max_open_requests": default("max_open_requests"),
        "request_reminder_days": default("request_reminder_days"),
        "request_expiry_days": default("request_expiry_days"),
        "reminder_lead_hours": json.dumps(default("reminder_lead_hours")),
        "first_meeting_days": default("first_meeting_days"),
        "inactivity_days": default("inactivity_days"),
        "first_checkin_days": default("first_checkin_days"),
        "checkin_every_days": default("checkin_every_days"),
        **extra,
    }


def test_a_coordinators_new_program_is_closed_and_her_round_cannot_reach_another_programs_people(
    client: Any, monkeypatch: Any
) -> None:
    ann, bob = CoordinatorFactory(full_name="Ann Coord"), CoordinatorFactory(full_name="Bob Coord")
    program_b = ProgramFactory(name="B", coordinators=[bob], open_to_all=False)
    zelda = TraineeProfileFactory(user__full_name="Zelda Hidden", user__email="zelda@hidden.example")
    yusuf = MentorProfileFactory(user__full_name="Yusuf Hidden", user__email="yusuf@hidden.example", capacity=2)
    program_b.trainees.add(zelda)
    program_b.mentors.add(yusuf)
    client.force_login(ann, backend="profiles.backends.EmailBackend")

    form_page = client.get(reverse("admin:matching_program_add")).content.decode()
    assert "Only a site administrator can open a program to everyone on the site." in form_page
    # Ticked by hand in the posted form all the same: the box is disabled, and the program is created closed.
    added = client.post(reverse("admin:matching_program_add"), _add_form("Ann's program", ann, open_to_all="on"))
    assert added.status_code == 302
    mine = Program.objects.get(name="Ann's program")
    assert mine.open_to_all is False

    monkeypatch.setattr("matching.tasks.run_round.delay", lambda pk: None)
    started = client.post(reverse("admin:matching_matchinground_add"), {"program": mine.pk, "algorithm": "optimal"})
    assert started.status_code == 200  # refused: nobody is enrolled in it
    assert "no trainee" in started.content.decode().lower()
    assert not MatchingRound.objects.filter(program=mine).exists()
    assert not Match.objects.filter(program=mine).exists()
    assert "hidden.example" not in client.get(reverse("admin:profiles_user_changelist")).content.decode()


def test_only_a_superuser_opens_a_program_and_a_coordinator_may_keep_one_open_or_close_it() -> None:
    cora = CoordinatorFactory(full_name="Cora Coord")
    root = UserFactory(email="root@uni.edu", is_staff=True, is_superuser=True)
    closed = ProgramFactory(name="Closed", coordinators=[cora], open_to_all=False)

    closed.open_to_all = True
    with pytest.raises(ProgramInvalid) as refused:
        program_save(program=closed, by=cora, coordinators=[cora])
    assert refused.value.fields == {"open_to_all": [OPENING_REFUSED]}
    assert Program.objects.get(pk=closed.pk).open_to_all is False  # nothing saved
    with pytest.raises(ProgramInvalid):
        program_save(program=Program(name="New and open", open_to_all=True), by=cora, coordinators=[cora])
    assert not Program.objects.filter(name="New and open").exists()

    program_save(program=closed, by=root, coordinators=[cora])  # a superuser opens it
    opened = Program.objects.get(pk=closed.pk)
    assert opened.open_to_all is True
    opened.name = "Open, renamed"
    program_save(program=opened, by=cora, coordinators=[cora])  # kept open by its coordinator
    opened.open_to_all = False
    program_save(program=opened, by=cora, coordinators=[cora])  # and closed
    assert Program.objects.get(pk=closed.pk).open_to_all is False


def test_the_admin_lets_a_coordinator_untick_an_open_program_and_a_superuser_tick_one(client: Any) -> None:
    cora = CoordinatorFactory(full_name="Cora Coord")
    open_one = ProgramFactory(name="Open", coordinators=[cora], open_to_all=True)
    client.force_login(cora, backend="profiles.backends.EmailBackend")
    page = client.get(reverse("admin:matching_program_change", args=[open_one.pk])).content.decode()
    assert "Only a site administrator can open a program" not in page  # hers to close

    root = UserFactory(email="root@uni.edu", is_staff=True, is_superuser=True)
    client.force_login(root, backend="profiles.backends.EmailBackend")
    added = client.post(reverse("admin:matching_program_add"), _add_form("Hospital-wide", cora, open_to_all="on"))
    assert added.status_code == 302
    assert Program.objects.get(name="Hospital-wide").open_to_all is True
