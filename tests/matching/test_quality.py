"""Round quality: the numbers a coordinator reads after a matching round."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.assignment import stable
from matching.quality import blocking_pairs, gini, round_quality
from tests.matching.engine_data import _clear_cache, _fast_and_isolated  # noqa: F401

INF = -np.inf


def test_it_counts_matches_against_trainees_who_could_be_matched_at_all() -> None:
    scores = np.array([[90.0, 10.0], [INF, INF], [20.0, 80.0], [50.0, INF]])
    quality = round_quality(np.array([0, -1, 1, -1]), scores, np.array([1, 1]))
    assert (quality.matched, quality.could_match) == (2, 3)
    assert quality.matched_pct_of_possible == pytest.approx(200 / 3)
    assert quality.mean_score == pytest.approx(85.0)
    assert quality.max_load_ratio == 1.0


def test_top3_share_counts_trainees_matched_to_one_of_their_three_best_mentors() -> None:
    scores = np.array([[90.0, 80.0, 70.0, 60.0], [10.0, 20.0, 30.0, 40.0]])
    quality = round_quality(np.array([2, 0]), scores, np.array([1, 1, 1, 1]))
    assert quality.top3_pct == pytest.approx(50.0)  # trainee 0 got their 3rd best, trainee 1 their 4th


def test_load_inequality_is_zero_when_even_and_grows_when_one_mentor_takes_everyone() -> None:
    assert gini(np.array([2, 2, 2])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 6])) == pytest.approx(2 / 3)
    assert gini(np.array([0, 0])) == 0.0


def test_the_load_spread_is_zero_when_every_mentor_is_exactly_full_whatever_their_capacity() -> None:
    # Found in review: mentors of capacity 1 and 3, both full, read 0.25 ("uneven") from raw mentee counts.
    scores = np.full((4, 3), 70.0)
    full = round_quality(np.array([0, 1, 1, 1]), scores, np.array([1, 3, 0]))  # a mentor with no place: left out
    assert full.load_gini == pytest.approx(0.0)
    # One mentor full and the other, of the same capacity, empty: as uneven as two mentors can be.
    lopsided = round_quality(np.array([0, 0, -1, -1]), scores[:, :2], np.array([2, 2]))
    assert lopsided.load_gini == pytest.approx(0.5)
    # The same two mentees shared one each: even again, though one mentor has twice the places.
    halves = round_quality(np.array([0, 1, 1, -1]), scores[:, :2], np.array([2, 4]))
    assert halves.load_gini == pytest.approx(0.0)


def test_blocking_pairs_are_counted_when_preferences_are_given() -> None:
    t_prefs, m_prefs, capacity = [[0, 1], [0]], [[1, 0], [0]], [1, 1]
    assert blocking_pairs(np.array([0, -1]), t_prefs, m_prefs, capacity) == 1  # mentor 0 prefers trainee 1
    assert blocking_pairs(np.array([1, 0]), t_prefs, m_prefs, capacity) == 0
    quality = round_quality(
        np.array([1, 0]),
        np.array([80.0, 70.0]),
        capacity,
        eligible=np.array([True, True]),
        trainee_prefs=t_prefs,
        mentor_prefs=m_prefs,
    )
    assert quality.blocking_pairs == 0
    assert quality.top3_pct == 100.0


def test_an_assignment_made_without_the_preferences_is_counted_against_them() -> None:
    # What an optimal round does: both trainees want mentor 0, who prefers trainee 0; mentor 1 is acceptable to
    # trainee 0 only. Matching both (trainee 1 to mentor 0) leaves trainee 0 and mentor 0 wanting each other.
    t_prefs, m_prefs, capacity = [[0, 1], [0]], [[0, 1], [0]], [1, 1]
    assert blocking_pairs(np.array([1, 0]), t_prefs, m_prefs, capacity) == 1
    assert blocking_pairs(np.array([0, -1]), t_prefs, m_prefs, capacity) == 0  # the stable one
    # Trainee 0 got mentor 1, whom they never listed: they would rather have mentor 0, who is full with trainee 1
    # but never listed them, so ranks trainee 0 above. (Trainee 1 would rather have mentor 1, who lists nobody.)
    assert blocking_pairs(np.array([1, 0]), [[0], [1]], [[0], []], [1, 1]) == 1


def _blocking_by_hand(match: list[int], t_prefs: list[list[int]], m_prefs: list[list[int]], capacity: list[int]) -> int:
    """The definition, pair by pair: i prefers j to what they have, j lists i and has room or ranks i above one
    of their mentees (a mentee j never listed ranks last)."""
    count = 0
    for i, prefs in enumerate(t_prefs):
        for j in prefs[: prefs.index(match[i]) if match[i] in prefs else len(prefs)]:
            if i not in m_prefs[j]:
                continue
            mentees = [t for t, mj in enumerate(match) if mj == j]
            rank = {t: k for k, t in enumerate(m_prefs[j])}
            last = len(m_prefs[j])
            if len(mentees) < capacity[j] or any(rank[i] < rank.get(t, last) for t in mentees):
                count += 1
    return count


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_blocking_pairs_of_any_assignment_within_capacity_match_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 12)), int(rng.integers(1, 6))
    t_prefs = [[int(j) for j in rng.permutation(m)[: rng.integers(0, m + 1)]] for _ in range(n)]
    m_prefs = [[int(i) for i in rng.permutation(n)[: rng.integers(0, n + 1)]] for _ in range(m)]
    capacity = [int(c) for c in rng.integers(0, 3, m)]
    match, left = [-1] * n, list(capacity)
    for i in range(n):  # any mentor with a place, acceptable or not: an optimal round's lists are not these
        j = int(rng.integers(-1, m))
        if j >= 0 and left[j]:
            match[i], left[j] = j, left[j] - 1
    assert blocking_pairs(np.array(match), t_prefs, m_prefs, capacity) == _blocking_by_hand(
        match, t_prefs, m_prefs, capacity
    )


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_deferred_acceptance_results_always_report_zero_blocking_pairs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 12)), int(rng.integers(1, 6))
    t_prefs = [list(rng.permutation(m)[: rng.integers(0, m + 1)]) for _ in range(n)]
    m_prefs = [list(rng.permutation(n)[: rng.integers(0, n + 1)]) for _ in range(m)]
    capacity = rng.integers(0, 3, m)
    assert blocking_pairs(stable(t_prefs, m_prefs, capacity), t_prefs, m_prefs, capacity) == 0


def test_it_serialises_to_json_for_the_rounds_record() -> None:
    quality = round_quality(np.array([0, -1]), np.array([[55.5, INF], [INF, INF]]), np.array([2, 0]))
    data = json.loads(json.dumps(quality.to_dict()))
    assert data["matched"] == 1
    assert data["blocking_pairs"] is None
    assert data["mean_score"] == 55.5


def test_assigned_scores_alone_need_to_say_who_could_be_matched() -> None:
    with pytest.raises(ValueError, match="eligible"):
        round_quality(np.array([0]), np.array([50.0]), np.array([1]))


def test_it_reports_free_places_left_and_why_each_unmatched_trainee_stayed_unmatched() -> None:
    # Mentor 0 has 2 places, mentor 1 has 3. Trainees 0–2 all want only mentor 0: two get it, trainee 2 does not
    # (places ran out). Trainee 3 finds no mentor acceptable (no acceptable mentor). Trainee 4 gets mentor 1.
    scores = np.array([[90.0, INF], [80.0, INF], [70.0, INF], [INF, INF], [INF, 60.0]])
    quality = round_quality(np.array([0, 0, -1, -1, 1]), scores, np.array([2, 3]))

    assert (quality.free_places, quality.free_places_left, quality.mentors_with_free_places_left) == (5, 2, 1)
    assert quality.unmatched == 2
    assert quality.unmatched_no_acceptable_mentor == 1
    assert quality.unmatched_places_ran_out == 1
    data = json.loads(json.dumps(quality.to_dict()))
    assert data["free_places_left"] == 2
    assert data["unmatched_places_ran_out"] == 1
