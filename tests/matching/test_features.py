"""Profiles → feature arrays: fixed query count, shared index spaces, cache refreshed on change."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from matching.features import (
    ZoneOffsets,
    browsing_features,
    cohort_features,
    institution_id,
    mentor_features_from,
    taxonomy_load,
    taxonomy_names,
    trainee_features,
)
from matching.models import Match
from profiles.models import MentorProfile, Specialty, TraineeProfile
from tests.factories import (
    MatchFactory,
    MentorProfileFactory,
    ProgramFactory,
    ShortlistEntryFactory,
    TraineeProfileFactory,
    focus_area,
    language,
    specialty,
)

pytestmark = pytest.mark.django_db


def _queries_for_mentors(count: int) -> int:
    MentorProfileFactory.create_batch(count - MentorProfile.objects.count())
    taxonomy = taxonomy_load()
    with CaptureQueriesContext(connection) as ctx:
        mentor_features_from(MentorProfile.objects.all(), taxonomy)
    return len(ctx.captured_queries)


def test_reading_mentors_takes_the_same_number_of_queries_for_5_or_30_mentors() -> None:
    assert _queries_for_mentors(5) == _queries_for_mentors(30) == 5


def test_mentor_rows_use_the_taxonomy_columns_and_families() -> None:
    cardiology, medicine = specialty("Cardiology"), specialty("Internal Medicine")
    mentor = MentorProfileFactory(specialty=medicine, languages=[language("es")], focus_areas=[focus_area(2)])
    mentor.subspecialties.set([cardiology])
    taxonomy = taxonomy_load()
    features = mentor_features_from(MentorProfile.objects.filter(pk=mentor.pk), taxonomy)
    names = taxonomy.names()
    assert [names["specialties"][c] for c in np.flatnonzero(features.specialties[0])] == sorted(
        ["Internal Medicine", "Cardiology"], key=lambda n: Specialty.objects.get(name=n).pk
    )
    assert [names["specialties"][c] for c in np.flatnonzero(features.families[0])] == ["Internal Medicine"]
    assert [names["languages"][c] for c in np.flatnonzero(features.languages[0])] == ["Spanish"]
    assert [names["focus_areas"][c] for c in np.flatnonzero(features.focus[0])] == [focus_area(2).name]


def test_free_places_count_only_approved_matches() -> None:
    mentor = MentorProfileFactory(capacity=3)
    MatchFactory(mentor=mentor, status=Match.Status.APPROVED)
    MatchFactory(mentor=mentor, status=Match.Status.REQUESTED, origin=Match.Origin.REQUEST)
    MatchFactory(mentor=mentor, status=Match.Status.ENDED)
    features = mentor_features_from(MentorProfile.objects.filter(pk=mentor.pk), taxonomy_load())
    assert features.free_places.tolist() == [2]


def test_time_zone_offsets_follow_daylight_saving_at_the_moment_of_reading() -> None:
    winter = ZoneOffsets(dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC))
    summer = ZoneOffsets(dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC))
    assert winter("America/New_York") == -300
    assert summer("America/New_York") == -240
    assert summer("Asia/Kolkata") == 330
    assert winter("Not/AZone") == 0


def test_the_next_clock_change_of_the_zones_read_is_found_to_the_minute() -> None:
    # New York goes forward at 07:00 UTC on 14 Mar 2027; Kolkata has no clock changes.
    zones = ZoneOffsets(dt.datetime(2027, 3, 14, 6, 10, tzinfo=dt.UTC))
    zones("Asia/Kolkata")
    assert zones.next_change(dt.timedelta(hours=1)) is None
    zones("America/New_York")
    assert zones.next_change(dt.timedelta(hours=1)) == dt.datetime(2027, 3, 14, 7, 0, tzinfo=dt.UTC)
    assert zones.next_change(dt.timedelta(minutes=30)) is None


def test_cached_mentor_arrays_expire_the_minute_a_mentors_clocks_change(settings, tmp_path) -> None:
    # A shared cache (Redis in production) kept the arrays an hour: for half an hour after New York's clocks went
    # forward, a New York trainee read a New York mentor as "1 h apart" (offsets cached at 01:50 EST against hers,
    # worked out afresh). Tried before the fix: the explanation said 1 h apart at 07:30 UTC.
    import matching.features.cache as features_cache
    from matching.selectors.context import trainee_context_for

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    features_cache._memo = None
    mentor = MentorProfileFactory(time_zone="America/New_York")
    trainee = TraineeProfileFactory(time_zone="America/New_York")
    ProgramFactory()
    try:
        with freeze_time(dt.datetime(2027, 3, 14, 6, 50, tzinfo=dt.UTC)):  # 01:50 EST
            warm = browsing_features()
        assert warm.expires_at == dt.datetime(2027, 3, 14, 7, 0, tzinfo=dt.UTC).timestamp()
        with freeze_time(dt.datetime(2027, 3, 14, 7, 30, tzinfo=dt.UTC)):  # 03:30 EDT
            context = trainee_context_for(trainee)
            (explanation,) = context.explain([list(context.browsing.mentors.ids).index(mentor.pk)])
    finally:
        features_cache._memo = None
    assert context.browsing is not warm
    reason = next(line.reason for line in explanation.lines if line.name == "time_zone")
    assert reason == "Same time zone"


def test_institutions_typed_differently_get_the_same_id() -> None:
    assert institution_id("City Teaching Hospital") == institution_id("  city teaching  hospital. ")
    assert institution_id("City Teaching Hospital") != institution_id("County Hospital")
    assert institution_id("") == -1


def test_trainee_features_read_interests_and_families() -> None:
    trainee = TraineeProfileFactory(specialty_interests=[specialty("Cardiology")], languages=[language("fr")])
    taxonomy = taxonomy_load()
    features = trainee_features(TraineeProfile.objects.filter(pk=trainee.pk), taxonomy)
    names = taxonomy.names()
    assert [names["specialties"][c] for c in np.flatnonzero(features.interest_families[0])] == ["Internal Medicine"]
    assert [names["languages"][c] for c in np.flatnonzero(features.languages[0])] == ["French"]
    assert features.formats.tolist() == [2]


def test_cached_mentor_arrays_are_refreshed_when_a_mentor_changes() -> None:
    mentor = MentorProfileFactory(accepting_mentees=True)
    first = browsing_features()
    assert browsing_features() is first  # warm: same arrays, no rebuild
    mentor.accepting_mentees = False
    mentor.save()
    second = browsing_features()
    assert second is not first
    assert second.mentors.accepting[second.mentors.position_of([mentor.pk])[0]] == False  # noqa: E712


def test_a_mentor_closing_their_list_refreshes_the_cached_arrays_through_the_save_receiver_alone() -> None:
    # mentor_set_accepting no longer queues its own invalidation after commit: the post_save receiver does it
    # (at once and after commit). Tried with the receiver disconnected: the cached arrays still said "accepting".
    from matching.services.requests import mentor_set_accepting

    mentor = MentorProfileFactory(accepting_mentees=True)
    first = browsing_features()
    mentor_set_accepting(mentor=mentor, accepting=False)
    second = browsing_features()
    assert second is not first
    assert second.mentors.accepting[second.mentors.position_of([mentor.pk])[0]] == False  # noqa: E712


def test_cached_arrays_are_refreshed_when_a_match_is_approved_or_a_language_added() -> None:
    mentor = MentorProfileFactory(capacity=1)
    before = browsing_features()
    row = before.mentors.position_of([mentor.pk])[0]
    assert before.mentors.free_places[row] == 1
    MatchFactory(mentor=mentor, status=Match.Status.APPROVED)
    after = browsing_features()
    assert after.mentors.free_places[after.mentors.position_of([mentor.pk])[0]] == 0
    mentor.languages.add(language("de"))
    assert browsing_features() is not after


def test_warm_cache_reads_no_sql() -> None:
    MentorProfileFactory.create_batch(3)
    browsing_features()
    with CaptureQueriesContext(connection) as ctx:
        browsing_features()
        taxonomy_names()
    assert ctx.captured_queries == []


def test_cohort_features_of_a_closed_program_hold_only_its_members() -> None:
    inside_t, outside_t = TraineeProfileFactory(), TraineeProfileFactory()
    inside_m, outside_m = MentorProfileFactory(), MentorProfileFactory()
    inside_m.assesses.add(inside_t)
    program = ProgramFactory(open_to_all=False, weights={"specialty": 5.0}, institution_rule="plus")
    program.trainees.add(inside_t)
    program.mentors.add(inside_m)
    ShortlistEntryFactory(trainee=inside_t, mentor=inside_m, rank=1)
    cohort = cohort_features(program)
    assert cohort.trainees.ids.tolist() == [inside_t.pk]
    assert cohort.mentors.ids.tolist() == [inside_m.pk]
    assert cohort.conflicts.tolist() == [[inside_t.pk, inside_m.pk]]
    assert cohort.shortlist.ranks.tolist() == [1]
    assert cohort.weights.specialty == 5.0
    assert cohort.weights.institution_rule == "plus"
    assert outside_t.pk not in cohort.trainees.ids
    assert outside_m.pk not in cohort.mentors.ids


def test_cohort_features_of_an_open_program_hold_everyone() -> None:
    TraineeProfileFactory.create_batch(2)
    MentorProfileFactory.create_batch(3)
    cohort = cohort_features(ProgramFactory(open_to_all=True))
    assert len(cohort.trainees) == 2
    assert len(cohort.mentors) == 3
