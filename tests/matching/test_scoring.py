"""The pure scoring engine: every component and hard rule on hand-made arrays, plus properties on random ones."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.scoring import Names, Rule, Shortlist, Weights, explain, rank, ranked, score, score_blocks
from tests.matching.engine_data import _clear_cache, _fast_and_isolated, mentors, random_features, trainee  # noqa: F401

ONLY = {name: 0.0 for name in Weights().active()}


def only(component: str, **rules: object) -> Weights:
    """Weights where a single component counts, so the total is 100 × that component."""
    return Weights(**{**ONLY, component: 1.0}, **rules)  # type: ignore[arg-type]


def component(t, m, name: str, **kw: object) -> np.ndarray:
    result = score(t, m, Weights(), with_components=True, **kw)  # type: ignore[arg-type]
    assert result.components is not None
    return result.components[name][0]


# --- components ---------------------------------------------------------------------------------------------


def test_a_shared_specialty_scores_one_a_shared_family_half_and_anything_else_zero() -> None:
    m = mentors({"specialties": [2]}, {"specialties": [3]}, {"specialties": [4]})
    assert component(trainee(interests=[2]), m, "specialty").tolist() == [1.0, 0.5, 0.0]


def test_a_trainee_with_no_specialty_interest_scores_zero_not_whatever_was_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """np.einsum over an empty summed axis can return uninitialised memory (seen as NaN rows about once in 30
    runs of this module under NumPy 2.4.6). The few-rows path must not ask it to: here an einsum that returns
    NaN whenever an operand is empty stands in for that memory, every time."""
    real = np.einsum

    def einsum_with_stale_memory(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[call-overload]
        if any(isinstance(a, np.ndarray) and a.size == 0 for a in args):
            result[...] = np.nan
        return result

    monkeypatch.setattr(np, "einsum", einsum_with_stale_memory)
    m = mentors({"specialties": [2]}, {"specialties": [3]})
    fit = score(trainee(interests=[]), m, Weights(), with_components=True)
    assert fit.components is not None
    assert fit.components["specialty"][0].tolist() == [0.0, 0.0]
    ranked_fast = score(trainee(interests=[]), m, Weights()).total  # the directory's path: totals only
    assert not np.isnan(fit.total).any()
    assert not np.isnan(ranked_fast).any()
    np.testing.assert_allclose(ranked_fast, fit.total, atol=1e-3)


def test_career_stage_fit_is_best_at_the_ideal_gap_and_falls_a_quarter_per_stage() -> None:
    m = mentors(*({"stage": s} for s in (3, 4, 5, 6, 7, 8)))
    values = component(trainee(stage=2), m, "career_stage")
    assert values.tolist() == [0.75, 1.0, 0.75, 0.5, 0.25, 0.0]


def test_a_mentor_who_is_not_ahead_is_excluded_whatever_else_fits() -> None:
    result = score(trainee(stage=4), mentors({"stage": 4}, {"stage": 3}, {"stage": 5}), Weights())
    assert result.excluded[0].tolist() == [Rule.MENTOR_NOT_AHEAD, Rule.MENTOR_NOT_AHEAD, 0]
    assert np.isneginf(result.total[0, :2]).all()
    assert np.isfinite(result.total[0, 2])


def test_focus_coverage_is_the_share_of_sought_areas_the_mentor_offers() -> None:
    m = mentors({"focus": [0, 1, 2]}, {"focus": [1, 3]}, {"focus": [3]})
    assert component(trainee(focus=[0, 1]), m, "focus_areas").tolist() == [1.0, 0.5, 0.0]


def test_a_trainee_seeking_no_focus_area_is_fully_covered_and_told_why() -> None:
    t, m = trainee(focus=[]), mentors({"focus": [3]})
    assert component(t, m, "focus_areas").tolist() == [1.0]
    reasons = {p.component: p.reason for p in explain(t, 0, m, 0, Weights()).parts}
    assert reasons["focus_areas"] == "You did not pick focus areas, so any mentor fits"


def test_no_shared_language_excludes_the_pair_and_a_shared_one_counts_fully() -> None:
    result = score(trainee(languages=[0, 1]), mentors({"languages": [2]}, {"languages": [1, 2]}), Weights())
    assert result.excluded[0].tolist() == [Rule.NO_SHARED_LANGUAGE, 0]
    assert component(trainee(languages=[0, 1]), mentors({"languages": [1, 2]}), "language").tolist() == [1.0]


def test_time_zone_closeness_is_one_minus_hours_over_twelve_on_a_24_hour_clock() -> None:
    m = mentors({"tz": 0}, {"tz": 360}, {"tz": 720}, {"tz": -660})
    values = component(trainee(tz=660), m, "time_zone")  # UTC+11: 11 h, 5 h, 1 h and 2 h (across the date line)
    np.testing.assert_allclose(values, [1 / 12, 7 / 12, 11 / 12, 10 / 12], rtol=1e-6)


def test_a_time_zone_cap_excludes_pairs_further_apart_than_the_program_allows() -> None:
    weights = Weights(time_zone_cap_hours=6)
    result = score(trainee(tz=0), mentors({"tz": 360}, {"tz": 420}, {"tz": -480}), weights)
    assert result.excluded[0].tolist() == [0, Rule.TIME_ZONE_CAP, Rule.TIME_ZONE_CAP]


def test_meeting_format_overlap_is_the_share_of_preferred_formats_offered() -> None:
    m = mentors({"formats": 2}, {"formats": 4}, {"formats": 7})
    assert component(trainee(formats=3), m, "meeting_format").tolist() == [0.5, 0.0, 1.0]
    assert component(trainee(formats=0), m, "meeting_format").tolist() == [1.0, 1.0, 1.0]


def test_institution_counts_as_a_plus_a_minus_or_not_at_all() -> None:
    t, m = trainee(institution=7), mentors({"institution": 7}, {"institution": 8}, {"institution": -1})
    plus = score(t, m, only("institution", institution_rule="plus")).total[0]
    minus = score(t, m, only("institution", institution_rule="minus")).total[0]
    np.testing.assert_allclose(plus, [100, 0, 50], atol=1e-4)
    np.testing.assert_allclose(minus, [0, 100, 50], atol=1e-4)
    neutral = Weights(institution_rule="neutral", institution=5.0)
    assert np.allclose(score(t, m, neutral).total[0, 0], score(t, m, neutral).total[0, 1])


def test_shortlist_rank_one_two_three_and_starred_score_less_and_less() -> None:
    m = mentors({}, {}, {}, {}, {})
    shortlist = Shortlist.from_entries([(1, 100, 1), (1, 101, 2), (1, 102, 3), (1, 103, 0)])
    values = component(trainee(id=1), m, "shortlist", shortlist=shortlist)
    np.testing.assert_allclose(values, [1.0, 0.85, 0.7, 0.5, 0.0])


def test_the_shortlist_raises_the_mentors_on_it_and_lowers_nobody() -> None:
    # Four mentors of middling fit (a related specialty, half the focus areas); the trainee ranks or stars three.
    m = mentors(*({"specialties": [3], "focus": [0]} for _ in range(4)))
    t = trainee(id=1)
    without = score(t, m, Weights()).total[0]
    shortlist = Shortlist.from_entries([(1, 100, 1), (1, 101, 3), (1, 102, 0)])  # #1, #3, starred
    with_list = score(t, m, Weights(), shortlist=shortlist, with_components=True)
    fast = score(t, m, Weights(), shortlist=shortlist).total[0]
    np.testing.assert_allclose(fast, with_list.total[0], rtol=1e-6)  # both paths agree
    bonus = fast - without
    assert bonus[3] == pytest.approx(0.0, abs=1e-4)  # not on the list: exactly as before
    share = 100 * 2.0 / (sum(Weights().active().values()))  # the shortlist's share of all the weights
    np.testing.assert_allclose(bonus[:3], [share, 0.7 * share, 0.5 * share], rtol=1e-4)
    assert (fast[:3] > without[:3]).all()


def test_the_shortlist_bonus_never_takes_a_score_past_100_nor_brings_back_an_excluded_mentor() -> None:
    m = mentors({}, {"stage": 0})  # a perfect fit; a mentor not ahead of the trainee (excluded)
    shortlist = Shortlist.from_entries([(1, 100, 1), (1, 101, 1)])
    total = score(trainee(id=1), m, Weights(), shortlist=shortlist).total[0]
    assert total[0] == pytest.approx(100.0, abs=1e-3)
    assert np.isneginf(total[1])


def test_a_mentor_who_assesses_the_trainee_is_excluded() -> None:
    result = score(trainee(id=5), mentors({"id": 9}, {"id": 10}), Weights(), conflicts=[(5, 10), (6, 9)])
    assert result.excluded[0].tolist() == [0, Rule.ASSESSES_TRAINEE]


def test_browsing_hides_mentors_not_accepting_or_full_but_a_cohort_round_does_not() -> None:
    m = mentors({"accepting": False}, {"free_places": 0}, {})
    browsing = score(trainee(), m, Weights(), browsing=True)
    assert browsing.excluded[0].tolist() == [Rule.NOT_ACCEPTING, Rule.NO_FREE_PLACE, 0]
    assert np.isfinite(score(trainee(), m, Weights()).total).all()


def test_the_total_is_100_times_the_weighted_mean_of_the_components() -> None:
    t, m = random_features(3, 7, 9)
    weights = Weights(institution_rule="plus")
    result = score(t, m, weights, with_components=True)
    assert result.components is not None
    active = weights.active()
    del active["shortlist"]  # nobody shortlisted: the shortlist does not count
    expected = 100 * sum(w * result.components[c] for c, w in active.items()) / sum(active.values())
    allowed = result.excluded == 0
    np.testing.assert_allclose(result.total[allowed], expected[allowed], rtol=1e-5)
    assert np.isneginf(result.total[~allowed]).all()


# --- properties on random features ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 9), m=st.integers(1, 9), rule=st.sampled_from(["plus", "minus"]))
def test_scores_are_0_to_100_or_minus_inf_exactly_when_a_rule_excludes(seed: int, n: int, m: int, rule: str) -> None:
    t, mt = random_features(seed, n, m)
    conflicts = [(int(t.ids[0]), int(mt.ids[-1]))]
    shortlist = Shortlist.from_entries([(int(t.ids[-1]), int(mt.ids[0]), 1)])
    weights = Weights(institution_rule=rule, time_zone_cap_hours=9)
    fast = score(t, mt, weights, shortlist=shortlist, conflicts=conflicts, browsing=True)
    full = score(t, mt, weights, shortlist=shortlist, conflicts=conflicts, browsing=True, with_components=True)
    assert ((fast.excluded > 0) == np.isneginf(fast.total)).all()
    finite = np.isfinite(fast.total)
    assert (fast.total[finite] >= 0).all()
    assert (fast.total[finite] <= 100 + 1e-3).all()
    np.testing.assert_allclose(fast.total[finite], full.total[finite], atol=1e-3)
    assert np.array_equal(fast.excluded, full.excluded)
    again = score(t, mt, weights, shortlist=shortlist, conflicts=conflicts, browsing=True)
    assert np.array_equal(fast.total, again.total)


def test_one_trainee_scores_the_same_alone_as_inside_a_cohort() -> None:
    t, m = random_features(11, 40, 30)
    cohort = score(t, m, Weights()).total
    for i in (0, 17, 39):
        np.testing.assert_allclose(score(t.row(i), m, Weights()).total[0], cohort[i], atol=1e-3)


def test_blocks_add_up_to_the_whole_matrix() -> None:
    t, m = random_features(5, 23, 11)
    whole = score(t, m, Weights(), with_components=True)
    for rows, part in score_blocks(t, m, Weights(), with_components=True, block_rows=4):
        np.testing.assert_allclose(part.total, whole.total[rows], atol=1e-3)
        assert part.components is not None
        assert whole.components is not None
        np.testing.assert_allclose(part.components["focus_areas"], whole.components["focus_areas"][rows])


# --- explanations and ranking -----------------------------------------------------------------------------------


NAMES = Names(
    specialties={2: "Cardiology", 0: "Internal Medicine"},
    languages=["English", "Spanish"],
    focus_areas=["Research", "Wellness", "Careers", "Teaching"],
)


def test_an_explanation_names_things_and_its_points_add_up_to_the_score() -> None:
    t = trainee(interests=[2], focus=[0, 1, 2, 3], languages=[1], tz=0)
    m = mentors({"specialties": [2], "focus": [0, 1, 2], "languages": [0, 1], "tz": 60})
    e = explain(t, 0, m, 0, Weights(), names=NAMES)
    assert e.score == pytest.approx(sum(p.points for p in e.parts), abs=0.05)
    assert e.score == pytest.approx(float(score(t, m, Weights()).total[0, 0]), abs=0.01)
    assert e.summary() == (
        "Same specialty (Cardiology) · covers 3 of your 4 focus areas (Research, Wellness and Careers), not Teaching"
        " · speaks Spanish · 1 h apart"
    )


def test_a_low_score_says_what_lowered_it_in_plain_words() -> None:
    t = trainee(interests=[2], stage=1, focus=[0, 1], tz=0)
    m = mentors({"specialties": [5], "stage": 5, "focus": [3], "tz": 420})
    e = explain(t, 0, m, 0, Weights(), names=NAMES)
    reasons = {p.component: p.reason for p in e.parts}
    assert reasons["focus_areas"] == "No shared focus areas"
    assert reasons["career_stage"] == "Mentor is 4 stages ahead of you; your program prefers mentors 2 stages ahead"
    assert reasons["time_zone"] == "7 h apart"
    assert reasons["specialty"] == "Different specialty from your interests"
    assert e.lowered_by[:2] == ["specialty", "focus_areas"]


@pytest.mark.parametrize(
    ("trainee_stage", "mentor_stage", "said"),
    [
        (1, 3, "Resident, 2 stages ahead of you, as your program prefers"),
        (1, 8, "Senior attending, 7 stages ahead of you; your program prefers mentors 2 stages ahead"),
        (3, 4, "Chief resident, 1 stage ahead of you; your program prefers mentors 2 stages ahead"),
        (3, 3, "Mentor is not ahead of you in training"),
    ],
)
def test_the_career_stage_reason_names_where_the_mentor_is_and_what_the_program_prefers(
    trainee_stage: int, mentor_stage: int, said: str
) -> None:
    # Before: "Mentor is 7 stages ahead; 2 is ideal", which a student new to the program's ladder could not read.
    stages = ["Student", "Clinical student", "Intern", "Resident", "Chief resident", "Fellow"]
    stages += ["Early-career attending", "Mid-career attending", "Senior attending"]
    t = trainee(stage=trainee_stage)
    m = mentors({"stage": mentor_stage})
    e = explain(t, 0, m, 0, Weights(), names=Names(stages=stages))
    assert {p.component: p.reason for p in e.parts}["career_stage"] == said


def test_an_excluded_pair_is_explained_by_its_rules() -> None:
    t = trainee(id=3, stage=4, languages=[0], tz=0)
    m = mentors({"id": 8, "stage": 4, "languages": [1], "tz": 540})
    e = explain(t, 0, m, 0, Weights(time_zone_cap_hours=6), conflicts=[(3, 8)], names=NAMES)
    assert e.score is None
    assert [x.rule for x in e.exclusions] == [
        "NO_SHARED_LANGUAGE",
        "MENTOR_NOT_AHEAD",
        "ASSESSES_TRAINEE",
        "TIME_ZONE_CAP",
    ]
    assert "9 h apart; this program allows at most 6 h" in e.summary()


def test_ranking_puts_the_best_first_breaks_ties_by_id_and_leaves_out_excluded_mentors() -> None:
    t = trainee(interests=[2], stage=2)
    m = mentors(
        {"id": 30, "specialties": [4]},
        {"id": 20, "specialties": [2]},
        {"id": 10, "specialties": [2]},
        {"id": 5, "stage": 1},
        {"id": 6, "accepting": False},
    )
    assert rank(t, m, Weights()).tolist() == [2, 1, 0]
    full = ranked(t, m, Weights(), include_excluded=True)
    assert full.order.tolist() == [2, 1, 0, 3, 4]
    assert math.isinf(full.result.total[0, 3])


# --- bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"specialty": math.nan},
        {"focus_areas": -1.0},
        {"language": math.inf},
        {"institution_rule": "sometimes"},
        {**ONLY, "institution": 1.0},
        ONLY,
        {"stage_gap_best": 0},
        {"time_zone_cap_hours": -2},
    ],
)
def test_weights_refuse_nan_negative_infinite_all_zero_and_unknown_rules(bad: dict) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        Weights(**bad)


def test_weights_refuse_a_shortlist_bonus_with_no_fit_component_to_add_it_to() -> None:
    # Found in review: only the shortlist above 0 scored every pair 0, and a round proposed arbitrary pairs.
    for rules in ({}, {"institution": 2.0}):  # the institution weight does not count under the neutral rule
        with pytest.raises(ValueError, match="the shortlist is only a bonus on top of the fit"):
            Weights(**{**ONLY, "shortlist": 5.0, **rules})  # type: ignore[arg-type]
    assert Weights(**{**ONLY, "shortlist": 5.0, "institution": 2.0}, institution_rule="plus").shortlist == 5.0


@pytest.mark.parametrize("weight", [1e-300, 1e-40, 0.009, 100.5, 1e308])
def test_weights_refuse_a_positive_weight_outside_what_the_float32_sums_can_hold(weight: float) -> None:
    # Found in review: a specialty weight of 1e-40 or 1e-300 made every score NaN.
    with pytest.raises(ValueError, match=r"must be 0 \(left out\) or from 0.01 to 100"):
        Weights(**{**ONLY, "specialty": weight})  # type: ignore[arg-type]


def test_the_smallest_and_largest_weights_score_like_any_other() -> None:
    t, m = random_features(4, 6, 9)
    smallest = score(t, m, Weights(**{**ONLY, "specialty": 0.01})).total  # type: ignore[arg-type]
    largest = score(t, m, Weights(**{**ONLY, "specialty": 100})).total  # type: ignore[arg-type]
    allowed = np.isfinite(smallest)
    assert allowed.any()
    assert ((smallest[allowed] >= 0) & (smallest[allowed] <= 100)).all()
    np.testing.assert_allclose(smallest, largest, atol=1e-3)  # weights are relative: only their ratio counts
    mixed = score(t, m, Weights(**{**ONLY, "specialty": 0.01, "focus_areas": 100})).total  # type: ignore[arg-type]
    assert not np.isnan(mixed).any()


def test_weights_round_trip_through_a_programs_json_field() -> None:
    weights = Weights(specialty=4, institution_rule="minus", time_zone_cap_hours=8)
    assert Weights.from_dict(weights.to_dict()) == weights
    assert Weights.from_dict({}) == Weights()
    with pytest.raises(ValueError, match="Unknown weight"):
        Weights.from_dict({"speciality": 2})


def test_features_refuse_mismatched_shapes_duplicate_ids_and_impossible_values() -> None:
    t = trainee()
    with pytest.raises(ValueError, match="rows"):
        type(t)(**{**vars_of(t), "stage": [1, 2]})
    with pytest.raises(ValueError, match="columns"):
        type(t)(**{**vars_of(t), "interest_families": np.zeros((1, 2), dtype=bool)})
    with pytest.raises(ValueError, match="stage"):
        type(t)(**{**vars_of(t), "stage": [9]})
    m = mentors({}, {})
    with pytest.raises(ValueError, match="unique"):
        type(m)(**{**vars_of(m), "ids": [4, 4]})
    other_taxonomy = type(m)(**{**vars_of(mentors({})), "focus": np.zeros((1, 9), dtype=bool)})
    with pytest.raises(ValueError, match="index spaces"):
        score(t, other_taxonomy, Weights())


def vars_of(features: object) -> dict:
    return {k: v for k, v in vars(features).items() if not k.startswith("_")}


def test_many_distinct_language_sets_give_the_same_scores_by_the_direct_route() -> None:
    rng = np.random.default_rng(12)
    t, m = random_features(21, 30, 40)
    many = rng.random((40, 12)) < 0.3  # 12 languages: more distinct mentor sets than columns
    many[:, 0] = rng.random(40) < 0.5
    t_many = rng.random((30, 12)) < 0.3
    m2 = type(m)(**{**vars_of(m), "languages": many})
    t2 = type(t)(**{**vars_of(t), "languages": t_many})
    fast = score(t2, m2, Weights())
    full = score(t2, m2, Weights(), with_components=True)
    assert np.array_equal(np.isneginf(fast.total), np.isneginf(full.total))
    assert ((fast.excluded & Rule.NO_SHARED_LANGUAGE) > 0).any()
    finite = np.isfinite(fast.total)
    np.testing.assert_allclose(fast.total[finite], full.total[finite], atol=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_explain_scored_words_already_scored_pairs_exactly_as_explain_does(seed: int) -> None:
    # A round scores its proposals in blocks and words them with explain_scored; a trainee's directory uses
    # explain. Both must give the same reasons, points, lowered components and summary for the same pair.
    from matching.scoring import COMPONENTS, explain_scored

    t, m = random_features(seed, 40, 12)
    weights = Weights(shortlist=2.0)
    rng = np.random.default_rng(seed)
    ranks = rng.integers(0, 4, 40)  # 0 = starred, 1–3 = ranked
    listed = Shortlist(t.ids, m.ids[rng.integers(0, 12, 40)], ranks)
    names = Names(specialties=[f"S{k}" for k in range(6)], focus_areas=list("ABCD"), languages=["en", "es", "de"])
    pairs = []
    for i in range(40):
        j = int(np.flatnonzero(m.ids == listed.mentor_ids[i])[0]) if i % 2 else int(rng.integers(0, 12))
        if explain(t, i, m, j, weights, shortlist=listed).exclusions:
            continue
        pairs.append((i, j))
    assert len(pairs) >= 5
    rows, cols = [i for i, _ in pairs], [j for _, j in pairs]
    scored = score(t.take(rows), m, weights, shortlist=listed, with_components=True)
    assert scored.components is not None
    values = {name: np.array([scored.components[name][k, j] for k, j in enumerate(cols)]) for name in COMPONENTS}
    totals = np.array([scored.total[k, j] for k, j in enumerate(cols)], dtype=np.float64)
    rank_of = {
        (int(a), int(b)): int(r) for a, b, r in zip(listed.trainee_ids, listed.mentor_ids, listed.ranks, strict=True)
    }
    worded = explain_scored(
        t,
        rows,
        m,
        cols,
        weights,
        values=values,
        totals=totals,
        shortlist_ranks=[rank_of.get((int(t.ids[i]), int(m.ids[j]))) for i, j in pairs],
        names=names,
    )
    for (i, j), mine in zip(pairs, worded, strict=True):
        theirs = explain(t, i, m, j, weights, shortlist=listed, names=names)
        assert mine.summary() == theirs.summary()
        assert mine.lowered_by == theirs.lowered_by
        assert [(p.component, p.reason) for p in mine.parts] == [(p.component, p.reason) for p in theirs.parts]
        assert [p.points for p in mine.parts] == pytest.approx([p.points for p in theirs.parts], abs=0.02)
