"""`seed_demo`: the believable demo program, its fixed logins, idempotence, and the numbered benchmark sets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from matching.models import Program
from profiles.demo import DEMO_PASSWORD, add_assessment_conflicts
from profiles.demo.people import mentor, trainee
from profiles.models import CareerStage, Goal, MentorProfile, TraineeProfile, User

pytestmark = pytest.mark.django_db
DEMO = "@demo.mentorship.test"


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def table_state() -> dict[str, object]:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password", "is_staff")),
        "mentors": list(MentorProfile.objects.order_by("pk").values_list("pk", "updated_at", "capacity")),
        "trainees": list(TraineeProfile.objects.order_by("pk").values_list("pk", "updated_at")),
        "goals": list(Goal.objects.order_by("pk").values_list("pk", "updated_at", "target_date")),
        "languages": MentorProfile.languages.through.objects.count() + TraineeProfile.languages.through.objects.count(),
        "assesses": sorted(MentorProfile.assesses.through.objects.values_list("mentorprofile_id", "traineeprofile_id")),
        "programs": list(Program.objects.values_list("pk", "name")),
        "program_coordinators": Program.coordinators.through.objects.count(),
    }


def test_seed_demo_loads_the_program_with_about_60_mentors_and_200_trainees(seeded: str) -> None:
    assert "260 new people" in seeded
    assert MentorProfile.objects.filter(user__email__endswith=DEMO).count() == 61  # 60 + the fixed mentor
    assert TraineeProfile.objects.filter(user__email__endswith=DEMO).count() >= 201
    assert User.objects.filter(mentor_profile__isnull=False, trainee_profile__isnull=False).exists()
    assert Goal.objects.count() > 100
    program = Program.objects.get(name="Academic Medicine Mentoring 2026")
    assert program.open_to_all
    assert [u.email for u in program.coordinators.all()] == ["coordinator@demo.mentorship.test"]


@pytest.mark.parametrize("role", ["coordinator", "mentor", "trainee", "new.trainee"])
def test_the_fixed_logins_work_with_the_published_password(seeded: str, role: str) -> None:
    request = RequestFactory().post("/login/")
    user = authenticate(request, username=f"{role}{DEMO}", password=DEMO_PASSWORD)
    assert user is not None
    assert user.is_coordinator() == (role == "coordinator")
    assert hasattr(user, "mentor_profile") == (role == "mentor")
    assert hasattr(user, "trainee_profile") == role.endswith("trainee")


def test_the_demo_coordinator_can_open_the_admin(seeded: str, client) -> None:
    client.force_login(User.objects.get(email=f"coordinator{DEMO}"), backend="profiles.backends.EmailBackend")
    assert client.get("/admin/profiles/mentorprofile/").status_code == 200


def test_running_seed_demo_twice_changes_nothing(seeded: str) -> None:
    before = table_state()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "0 new people" in out.getvalue()
    assert table_state() == before


def test_the_demo_trainee_has_several_good_mentors(seeded: str) -> None:
    me = TraineeProfile.objects.get(user__email=f"trainee{DEMO}")
    assert {s.name for s in me.specialty_interests.all()} >= {"Cardiology"}
    assert {lang.code for lang in me.languages.all()} == {"en", "es"}
    good = MentorProfile.objects.filter(
        accepting_mentees=True,
        specialty__name__in=["Cardiology", "Interventional Cardiology"],
        languages__code="es",
        career_stage__gte=CareerStage.EARLY_CAREER,
        time_zone__startswith="America/",
    ).distinct()
    assert good.count() >= 5


def test_the_demo_population_is_varied_and_valid(seeded: str) -> None:
    mentors = MentorProfile.objects.filter(user__email__endswith=DEMO)
    trainees = TraineeProfile.objects.filter(user__email__endswith=DEMO)
    families = {m.specialty.family().name for m in mentors.select_related("specialty__parent")}
    assert len(families) >= 8
    assert "Internal Medicine" in families
    zones = set(mentors.values_list("time_zone", flat=True)) | set(trainees.values_list("time_zone", flat=True))
    assert {"America/New_York", "America/Toronto", "Europe/London", "Asia/Kolkata"} <= zones
    assert set(mentors.values_list("capacity", flat=True)) <= {1, 2, 3, 4, 5}
    assert mentors.filter(accepting_mentees=False).exists()
    assert MentorProfile.assesses.through.objects.count() >= 3
    spoken = set(MentorProfile.languages.through.objects.values_list("language__code", flat=True))
    assert {"en", "es", "hi"} <= spoken
    assert len(spoken) >= 6
    assert set(trainees.values_list("career_stage", flat=True)) >= {CareerStage.PRECLINICAL_STUDENT, CareerStage.FELLOW}
    assert min(mentors.values_list("career_stage", flat=True)) >= CareerStage.RESIDENT
    for profile in [*mentors.prefetch_related("languages"), *trainees.prefetch_related("languages")]:
        profile.full_clean()  # bulk inserts skip validation: check what they wrote
        assert 1 <= profile.languages.count() <= 3


def test_assessment_conflicts_are_not_added_twice(seeded: str) -> None:
    before = MentorProfile.assesses.through.objects.count()
    add_assessment_conflicts(domain="demo.mentorship.test")
    assert MentorProfile.assesses.through.objects.count() == before


def test_benchmark_sets_are_numbered_idempotent_and_grow(seeded: str) -> None:
    call_command("seed_demo", mentors=30, trainees=50, stdout=StringIO())
    bench = User.objects.filter(email__endswith="@bench.mentorship.test")
    assert bench.count() == 80
    assert bench.filter(email="mentor-00030@bench.mentorship.test", mentor_profile__isnull=False).exists()
    assert bench.filter(email="trainee-00050@bench.mentorship.test", trainee_profile__isnull=False).exists()
    assert not bench.first().has_usable_password()
    call_command("seed_demo", mentors=30, trainees=50, stdout=StringIO())
    assert bench.count() == 80
    call_command("seed_demo", mentors=40, trainees=50, stdout=StringIO())
    assert bench.count() == 90


def test_print_logins_lists_the_four_accounts_and_writes_nothing() -> None:
    out = StringIO()
    call_command("seed_demo", print_logins=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert all(DEMO_PASSWORD in line for line in lines)
    assert not User.objects.exists()


def test_a_demo_person_is_always_the_same_person() -> None:
    assert mentor("demo", 7) == mentor("demo", 7)
    assert trainee("bench", 123) == trainee("bench", 123)
    assert trainee("bench", 123) != trainee("bench", 124)


def test_seed_demo_gives_coordinators_requests_and_the_demo_pair_a_history(seeded: str) -> None:
    from matching.models import Match
    from meetings.models import Feedback, Meeting, SessionLog

    program = Program.objects.get(name="Academic Medicine Mentoring 2026")
    requests = Match.objects.filter(program=program, status=Match.Status.REQUESTED)
    assert requests.count() == 8
    assert all(m.score is not None and m.score_breakdown for m in requests)
    demo_pair = Match.objects.get(
        trainee__user__email="trainee@demo.mentorship.test", mentor__user__email="mentor@demo.mentorship.test"
    )
    assert demo_pair.status == Match.Status.APPROVED
    assert Meeting.objects.filter(match=demo_pair).exists()
    assert SessionLog.objects.exists()
    assert Feedback.objects.exists()
    from notifications.models import Notification

    inbox = Notification.objects.filter(kind="match_approved", object_id=demo_pair.pk)
    assert {n.recipient.email for n in inbox} == {"trainee@demo.mentorship.test", "mentor@demo.mentorship.test"}


def test_seed_demo_twice_writes_no_second_request_or_meeting(seeded: str) -> None:
    from matching.models import Match
    from meetings.models import Meeting
    from notifications.models import Notification

    before = (Match.objects.count(), Meeting.objects.count(), Notification.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Match.objects.count(), Meeting.objects.count(), Notification.objects.count()) == before


def test_seed_demo_refuses_negative_sizes_before_writing_anything() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("seed_demo", "--mentors", "-1", stdout=StringIO())
    assert not User.objects.exists()


def test_the_new_demo_trainee_can_request_a_mentor_and_the_matched_one_is_told_he_has_one(seeded: str) -> None:
    from django.test import Client

    from matching.models import Match

    elena = User.objects.get(email=f"mentor{DEMO}").mentor_profile
    sam = User.objects.get(email=f"trainee{DEMO}")
    assert Match.objects.filter(trainee__user=sam, status=Match.Status.APPROVED).exists()
    assert not Match.objects.filter(trainee__user__email=f"new.trainee{DEMO}").exists()
    client = Client()
    client.force_login(User.objects.get(email=f"new.trainee{DEMO}"), backend="profiles.backends.EmailBackend")
    assert "Send request" in client.get(f"/mentors/{elena.pk}/").content.decode()
    client.force_login(sam, backend="profiles.backends.EmailBackend")
    other = MentorProfile.objects.filter(user__email__endswith=DEMO).exclude(pk=elena.pk).first()
    assert other is not None
    page = client.get(f"/mentors/{other.pk}/").content.decode()
    assert "You already have a mentor in Academic Medicine Mentoring 2026." in page
