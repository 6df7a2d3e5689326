"""Assignment: the exact optimum (checked against SciPy's all-pairs solver) and stable matching (checked against
a slow textbook implementation and a blocking-pair checker)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching.assignment import assign_cohort, optimal, prefs_from_scores, stable
from matching.assignment.runtime import engine_settings
from matching.scoring import Shortlist, Weights, score, score_blocks
from tests.matching.engine_data import _clear_cache, _fast_and_isolated, random_features  # noqa: F401

# --- references written independently of the engine ---------------------------------------------------------------


def reference_optimum(scores: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """(matched, total) of the all-pairs optimum: mentor slots copied, one more match always worth more."""
    slots = np.repeat(np.arange(scores.shape[1]), capacity)
    s = scores[:, slots]
    allowed = np.isfinite(s)
    if not allowed.any():
        return 0, 0.0
    lo, hi = s[allowed].min(), s[allowed].max()
    bonus = (hi - lo + 1) * (min(s.shape) + 1)
    rows, cols = linear_sum_assignment(np.where(allowed, -(np.where(allowed, s, 0) - lo + bonus), 0.0))
    real = allowed[rows, cols]
    return int(real.sum()), float(s[rows[real], cols[real]].sum())


def outcome(assignment: np.ndarray, scores: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    matched = np.flatnonzero(assignment >= 0)
    assert np.isfinite(scores[matched, assignment[matched]]).all(), "an excluded pair was assigned"
    load = np.bincount(assignment[matched], minlength=len(capacity))
    assert (load <= capacity).all(), "a mentor got more trainees than their capacity"
    return len(matched), float(scores[matched, assignment[matched]].sum())


def greedy(scores: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Best pair first, as a coordinator with a spreadsheet would."""
    left, result = capacity.copy(), np.full(scores.shape[0], -1)
    for flat in np.argsort(-scores, axis=None, kind="stable"):
        i, j = divmod(int(flat), scores.shape[1])
        if np.isfinite(scores[i, j]) and result[i] < 0 and left[j] > 0:
            result[i], left[j] = j, left[j] - 1
    return result


def slow_deferred_acceptance(t_prefs: list[list[int]], m_prefs: list[list[int]], capacity: list[int]) -> list[int]:
    """One proposal at a time, straight from the textbook."""
    rank = [{t: r for r, t in enumerate(p)} for p in m_prefs]
    held: list[list[int]] = [[] for _ in m_prefs]
    next_choice, match = [0] * len(t_prefs), [-1] * len(t_prefs)
    free = list(range(len(t_prefs)))
    while free:
        i = free.pop()
        while next_choice[i] < len(t_prefs[i]):
            j = t_prefs[i][next_choice[i]]
            next_choice[i] += 1
            if i not in rank[j] or capacity[j] == 0:
                continue
            held[j] = sorted([*held[j], i], key=rank[j].__getitem__)
            if len(held[j]) > capacity[j]:
                out = held[j].pop()
                if out == i:
                    continue  # rejected straight away: propose to the next mentor
                match[out] = -1
                free.append(out)
            match[i] = j
            break
    return match


def blocking(match: list[int], t_prefs: list[list[int]], m_prefs: list[list[int]], capacity: list[int]) -> list:
    pairs = []
    for i, prefs in enumerate(t_prefs):
        for j in prefs[: prefs.index(match[i]) if match[i] in prefs else len(prefs)]:
            if i not in m_prefs[j]:
                continue
            mentees = [t for t, mj in enumerate(match) if mj == j]
            if len(mentees) < capacity[j] or any(m_prefs[j].index(i) < m_prefs[j].index(t) for t in mentees):
                pairs.append((i, j))
    return pairs


# --- optimal -------------------------------------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n, m = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = rng.integers(0, 8, (n, m)).astype(float) if draw(st.booleans()) else rng.random((n, m)) * 100
    scores[rng.random((n, m)) < draw(st.floats(0, 0.8))] = -np.inf
    return scores, rng.integers(0, 4, m)


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from([None, (1, 1), (2, 1)]))
def test_it_equals_the_all_pairs_optimum_and_never_breaks_capacity_or_exclusions(instance, pruning) -> None:
    scores, capacity = instance
    kwargs = {} if pruning is None else {"prune": True, "k_row": pruning[0], "k_col": pruning[1]}
    matched, total = outcome(optimal(scores, capacity, **kwargs), scores, capacity)
    best_matched, best_total = reference_optimum(scores, capacity)
    assert matched == best_matched
    assert total == pytest.approx(best_total, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("shared_limit", [0, 10**9])
def test_rows_left_unmatched_get_private_or_shared_unmatched_columns_with_the_same_optimum(
    shared_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over- and under-subscribed instances where some rows of the solver must stay unmatched (excluded pairs,
    # closed mentors), solved once with one private "unmatched" column per row and once with K shared ones.
    import sys

    monkeypatch.setattr(sys.modules["matching.assignment.exact"], "SHARED_DUMMY_EDGES", shared_limit)
    rng = np.random.default_rng(11)
    for _ in range(60):  # with this many exclusions 32 of the 60 need "unmatched" columns (counted once)
        n, m = int(rng.integers(2, 30)), int(rng.integers(2, 12))
        scores = np.round(rng.random((n, m)) * 20, 1)
        scores[rng.random((n, m)) < 0.85] = -np.inf
        capacity = rng.integers(0, 4, m)
        matched, total = outcome(optimal(scores, capacity, prune=False), scores, capacity)
        best_matched, best_total = reference_optimum(scores, capacity)
        assert matched == best_matched
        assert total == pytest.approx(best_total, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_it_is_never_worse_than_a_greedy_assignment(instance) -> None:
    scores, capacity = instance
    mine = outcome(optimal(scores, capacity), scores, capacity)
    theirs = outcome(greedy(scores, capacity), scores, capacity)
    assert mine[0] >= theirs[0]
    if mine[0] == theirs[0]:
        assert mine[1] >= theirs[1] - 1e-9


def test_it_matches_more_trainees_before_it_raises_the_total() -> None:
    scores = np.array([[100.0, 1.0], [1.0, -np.inf]])  # greedy takes the 100 and strands the second trainee
    assert optimal(scores, np.array([1, 1])).tolist() == [1, 0]


def test_it_is_deterministic_and_the_pruned_proof_finds_pairs_outside_the_candidates() -> None:
    rng = np.random.default_rng(4)
    scores = rng.random((300, 40)) * 100
    scores[rng.random(scores.shape) < 0.3] = -np.inf
    capacity = rng.integers(0, 5, 40)
    pruned = optimal(scores, capacity, prune=True, k_row=1, k_col=1)
    assert np.array_equal(pruned, optimal(scores, capacity, prune=True, k_row=1, k_col=1))
    assert outcome(pruned, scores, capacity)[1] == pytest.approx(reference_optimum(scores, capacity)[1], rel=1e-12)


@pytest.mark.parametrize("magnitude", [0.3, 1.2e6 + 0.3])
def test_a_proof_pass_in_float32_still_returns_a_pair_that_beats_its_prices_by_a_hair(magnitude: float) -> None:
    # 64 pairs whose slacks float32 cannot order (all within ~1e-6 of 0; in the second case the prices are near
    # the cardinality offset, as when a mentor has a free place, and float32 rounds them by up to 0.06), only one
    # truly beats its prices (by 3e-6), and the pass keeps one pair per row: that pair must still come back, or
    # the proof could stop a step early. (Without the 2·err rule the second case loses it: checked.)
    from matching.assignment.exact import Prices
    from matching.assignment.optimal import SlackFinder

    rng = np.random.default_rng(0)
    m = 64
    scores = (64 + rng.random((1, m)) * 60).astype(np.float32)
    slack = -rng.random(m) * 1e-6
    slack[37] = 3e-6
    u = np.array([magnitude])
    v = scores[0].astype(np.float64) - u[0] - slack
    finder = SlackFinder(
        lambda r0, r1: scores[r0:r1],
        1,
        1,
        np.empty(0, dtype=np.intp),
        np.empty((0, m), dtype=np.float32),
        per_row=1,
        per_col=0,
        score_bound=100.0,
    )
    rows, cols, vals = finder(Prices(u, v, tolerance=1e-9, assignment=np.array([-1])))
    assert 37 in cols.tolist()
    true_slack = vals - u[rows] - v[cols]
    assert true_slack.max() == pytest.approx(3e-6, rel=1e-3)


@pytest.mark.parametrize(
    ("scores", "capacity", "message"),
    [
        (np.zeros(3), np.ones(3), "2-D"),
        (np.zeros((2, 3)), np.ones(2), "3 mentor columns"),
        (np.zeros((2, 3)), np.array([1, -1, 1]), "negative"),
        (np.array([[np.nan, 1.0]]), np.ones(2), "NaN"),
        (np.array([[np.inf, 1.0]]), np.ones(2), r"\+inf"),
        (np.zeros((2, 2)), np.array([1.5, 1]), "whole"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(scores, capacity, message) -> None:
    with pytest.raises(ValueError, match=message):
        optimal(scores, capacity)


def test_nobody_to_match_gives_all_unmatched() -> None:
    assert optimal(np.full((3, 2), -np.inf), np.array([1, 1])).tolist() == [-1, -1, -1]
    assert optimal(np.ones((2, 2)), np.array([0, 0])).tolist() == [-1, -1]


# --- stable --------------------------------------------------------------------------------------------------------


@st.composite
def markets(draw: st.DrawFn) -> tuple[list[list[int]], list[list[int]], list[int]]:
    n, m = draw(st.integers(1, 9)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    t_prefs = [list(rng.permutation(m)[: rng.integers(0, m + 1)]) for _ in range(n)]
    m_prefs = [list(rng.permutation(n)[: rng.integers(0, n + 1)]) for _ in range(m)]
    return [[int(x) for x in p] for p in t_prefs], [[int(x) for x in p] for p in m_prefs], list(rng.integers(0, 3, m))


@settings(max_examples=200, deadline=None)
@given(markets())
def test_stable_has_no_blocking_pair_and_equals_the_textbook_trainee_optimal_result(market) -> None:
    t_prefs, m_prefs, capacity = market
    match = stable(t_prefs, m_prefs, capacity).tolist()
    assert match == slow_deferred_acceptance(t_prefs, m_prefs, capacity)
    assert blocking(match, t_prefs, m_prefs, capacity) == []
    for i, j in enumerate(match):
        assert j == -1 or (j in t_prefs[i] and i in m_prefs[j]), "an unacceptable pair was matched"
    assert all(match.count(j) <= c for j, c in enumerate(capacity))


def test_stable_refuses_duplicates_and_unknown_indexes() -> None:
    with pytest.raises(ValueError, match="twice"):
        stable([[0, 0]], [[0]], [1])
    with pytest.raises(ValueError, match="outside"):
        stable([[3]], [[0]], [1])
    with pytest.raises(ValueError, match="negative"):
        stable([[0]], [[0]], [-1])
    # Mentors' lists of different lengths (kept flat, not padded): the same refusals, nothing half-done.
    with pytest.raises(ValueError, match="Mentor preferences list the same person twice"):
        stable([[0], [0]], [[1, 0, 1], []], [1, 1])
    with pytest.raises(ValueError, match=r"Mentor preferences name an index outside 0\.\.1"):
        stable([[0], [0]], [[0, 1, 2], []], [1, 1])
    with pytest.raises(ValueError, match="Mentor preferences hold a negative index"):
        stable([[0], [0]], [[0, -2], [1]], [1, 1])
    with pytest.raises(ValueError, match="Mentor preferences have -1 padding before a real entry"):
        stable([[0], [0]], [[0, -1, 1], [1]], [1, 1])
    assert stable([[0], [0]], [[1, 0, -1], []], [1, 1]).tolist() == [-1, 0]  # trailing -1 is padding


def test_preferences_put_the_ranked_shortlist_first_then_scores_with_ties_by_index() -> None:
    scores = np.array([[5.0, 9.0, 9.0, -np.inf], [1.0, 2.0, 3.0, 4.0]])
    t_prefs, m_prefs = prefs_from_scores(scores, k=3, shortlist_ranks={0: [3, 0]})
    assert t_prefs[0].tolist() == [0, 1, 2]  # mentor 3 is excluded for trainee 0, so only 0 moves up
    assert t_prefs[1].tolist() == [3, 2, 1]
    assert [p.tolist() for p in m_prefs] == [[0], [0, 1], [0, 1], [1]]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_preference_lists_do_not_depend_on_the_order_the_pairs_come_in(seed: int) -> None:
    # Coarse scores make many ties, so the tie-break by mentor and trainee index is exercised; the pairs come
    # shuffled and the lists must be those of the definition: shortlist place, then score, then lower index.
    from matching.assignment import prefs_from_pairs

    rng = np.random.default_rng(seed)
    n, m = 12, 7
    scores = rng.integers(0, 4, (n, m)).astype(np.float64)
    scores[rng.random((n, m)) < 0.2] = -np.inf
    rows, cols = np.nonzero(np.isfinite(scores))
    ranks = {0: [int(x) for x in rng.permutation(m)[:3]], 5: [int(rng.integers(m))]}
    ranks = {i: [j for j in listed if np.isfinite(scores[i, j])] for i, listed in ranks.items()}
    shuffled = rng.permutation(len(rows))
    t_prefs, m_prefs = prefs_from_pairs(n, m, rows[shuffled], cols[shuffled], scores[rows, cols][shuffled], 4, ranks)

    for i in range(n):
        place = {j: p for p, j in enumerate(ranks.get(i, []))}
        mine = sorted(np.flatnonzero(np.isfinite(scores[i])), key=lambda j: (place.get(j, m), -scores[i, j], j))
        listed = mine[: max(4, len(place))]
        assert [j for j in t_prefs[i].tolist() if j >= 0] == listed
    for j in range(m):
        listers = [i for i in range(n) if j in t_prefs[i].tolist()]
        assert m_prefs[j].tolist() == sorted(listers, key=lambda i: (-scores[i, j], i))


@pytest.mark.parametrize("seed", range(6))
def test_an_over_subscribed_pruned_solve_split_into_many_blocks_on_two_threads_equals_the_all_pairs_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many more trainees than places, clustered scores (optimal pairs far down the raw lists), exclusions and a
    # closed mentor; blocks of 23 rows so the threaded proof passes and their reused scratch buffers are exercised.
    import sys

    monkeypatch.setattr(sys.modules["matching.assignment.optimal"], "BLOCK_PAIRS", 23 * 30)
    rng = np.random.default_rng(100 + seed)
    n, m = 400, 30
    scores = (rng.random((n, 1)) * 40 + rng.random((1, m)) * 40 + rng.random((n, m)) * 20).round(2)
    scores[rng.random((n, m)) < 0.25] = -np.inf
    capacity = rng.integers(1, 5, m)
    capacity[seed % m] = 0
    assert capacity.sum() < n
    mine = outcome(optimal(scores, capacity, prune=True, k_row=2, k_col=2, threads=2), scores, capacity)
    best = reference_optimum(scores, capacity)
    assert mine[0] == best[0]
    assert mine[1] == pytest.approx(best[1], rel=1e-12)


# --- a whole cohort ----------------------------------------------------------------------------------------------


def test_a_cohort_round_reaches_the_same_optimum_as_the_dense_solver_on_the_same_scores() -> None:
    t, m = random_features(8, 120, 25)
    capacity = np.random.default_rng(1).integers(0, 4, 25)
    shortlist = Shortlist.from_entries([(int(t.ids[0]), int(m.ids[3]), 1)])
    with engine_settings():  # the engine's BLAS setting: the same scores to the last bit
        totals = score(t, m, Weights(), shortlist=shortlist).total
    best = reference_optimum(totals.astype(float), capacity)
    for keep in (400 << 20, 0):  # scores kept in memory, or scored again for the proof
        result = assign_cohort(t, m, Weights(), capacity, shortlist=shortlist, k_row=2, k_col=2, keep_scores_bytes=keep)
        assert outcome(result.assignment, totals.astype(float), capacity)[0] == best[0]
        assert outcome(result.assignment, totals.astype(float), capacity)[1] == pytest.approx(best[1], rel=1e-12)
        assert result.quality.matched == best[0]


def test_a_stable_cohort_round_leaves_no_blocking_pairs() -> None:
    t, m = random_features(9, 80, 20)
    capacity = np.random.default_rng(2).integers(1, 4, 20)
    result = assign_cohort(t, m, Weights(), capacity, method="stable", pref_length=5)
    assert result.quality.blocking_pairs == 0
    assert result.quality.matched == int((result.assignment >= 0).sum())


@pytest.mark.parametrize("keep", [400 << 20, 0])
def test_an_over_subscribed_cohort_scored_in_many_blocks_on_two_threads_reaches_the_dense_optimum(
    keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 17-row blocks (the last one shorter) exercise the threaded first pass, scoring into the kept matrix or
    # into reused scratch, and the threaded proof; 300 trainees for well under 300 places.
    import sys

    monkeypatch.setattr(sys.modules["matching.assignment.cohort"], "default_block_rows", lambda m: 17)
    t, m = random_features(11, 300, 40)
    capacity = np.random.default_rng(3).integers(0, 4, 40)
    shortlist = Shortlist.from_entries([(int(t.ids[i]), int(m.ids[i % 40]), 1 + i % 3) for i in range(0, 300, 7)])
    with engine_settings():  # scored in the same 17-row blocks: BLAS may round a block's last bit by its shape
        blocks = score_blocks(t, m, Weights(), shortlist=shortlist, block_rows=17)
        totals = np.vstack([part.total for _, part in blocks])
    best = reference_optimum(totals.astype(float), capacity)
    assert capacity.sum() < 300
    result = assign_cohort(
        t, m, Weights(), capacity, shortlist=shortlist, k_row=2, k_col=2, threads=2, keep_scores_bytes=keep
    )
    assert outcome(result.assignment, totals.astype(float), capacity)[0] == best[0]
    assert outcome(result.assignment, totals.astype(float), capacity)[1] == pytest.approx(best[1], rel=1e-12)
    assert result.rounds >= 1


@pytest.mark.parametrize("keep", [400 << 20, 0])
def test_an_optimal_round_picks_the_stable_rounds_lists_in_its_own_scoring_pass_and_counts_what_blocks(
    keep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many 17-row blocks on two threads, as above: the lists picked while the optimal round scores must be the
    # stable round's to the last entry, and equal lists built independently from the same block scores.
    import sys

    from matching.quality import blocking_pairs

    monkeypatch.setattr(sys.modules["matching.assignment.cohort"], "default_block_rows", lambda m: 17)
    t, m = random_features(12, 200, 30)
    capacity = np.random.default_rng(4).integers(0, 4, 30)
    ranked = [(int(t.ids[i]), int(m.ids[(i * 7 + r) % 30]), r) for i in range(0, 200, 5) for r in (1, 2)]
    shortlist = Shortlist.from_entries(ranked)
    with engine_settings():
        blocks = score_blocks(t, m, Weights(), shortlist=shortlist, block_rows=17)
        totals = np.vstack([part.total for _, part in blocks])
    totals[:, capacity == 0] = -np.inf  # a closed mentor is no one's choice
    by_row: dict[int, list[int]] = {}
    for trainee, mentor, _ in ranked:
        if capacity[m.position_of([mentor])[0]]:
            by_row.setdefault(int(t.position_of([trainee])[0]), []).append(int(m.position_of([mentor])[0]))
    expected = prefs_from_scores(totals, k=6, shortlist_ranks=by_row)

    kwargs = {"shortlist": shortlist, "pref_length": 6, "keep_scores_bytes": keep}
    plain = assign_cohort(t, m, Weights(), capacity, k_row=3, k_col=2, **kwargs)
    listed = assign_cohort(t, m, Weights(), capacity, k_row=3, k_col=2, stable_lists=True, **kwargs)
    steady = assign_cohort(t, m, Weights(), capacity, method="stable", **kwargs)

    assert plain.stable_prefs is None
    assert plain.quality.blocking_pairs is None
    assert listed.assignment.tolist() == plain.assignment.tolist()  # the lists change nothing of the answer
    for prefs in (listed.stable_prefs, steady.stable_prefs):
        assert prefs is not None
        assert prefs[0].tolist() == expected[0].tolist()
        assert [p.tolist() for p in prefs[1]] == [p.tolist() for p in expected[1]]
    assert listed.quality.blocking_pairs == blocking_pairs(listed.assignment, *expected, capacity) > 0
    assert steady.quality.blocking_pairs == 0
    # Where each assigned mentor stands for the trainee: by score for the optimal round (exact up to k_row), by
    # place on the list for the stable one; 0 unmatched.
    for result in (listed, steady):
        a = result.assignment
        assert (result.assigned_rank[a < 0] == 0).all()
        assert (result.assigned_rank[a >= 0] >= 1).all()
    for i in np.flatnonzero(listed.assignment >= 0):
        by_score = 1 + int((totals[i] > totals[i, listed.assignment[i]]).sum())
        assert listed.assigned_rank[i] == by_score or min(listed.assigned_rank[i], by_score) > 3
    for i in np.flatnonzero(steady.assignment >= 0):
        assert steady.assigned_rank[i] == 1 + expected[0][i].tolist().index(steady.assignment[i])


def test_an_engine_call_turns_blas_threads_and_the_huge_page_hint_off_and_restores_both_afterwards() -> None:
    from numpy._core.multiarray import _get_madvise_hugepage
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"]

    before, hint = blas_threads(), _get_madvise_hugepage()
    with engine_settings():
        assert set(blas_threads()) == {1}
        assert _get_madvise_hugepage() is False
    optimal(np.array([[1.0, 2.0], [3.0, -np.inf]]), np.array([1, 1]))
    assert blas_threads() == before
    assert _get_madvise_hugepage() == hint


@pytest.mark.parametrize("rows", [(0, 1), (0, 4), (3, 9), (0, 37), (5, 120)])
def test_scoring_into_a_given_block_gives_the_same_bits_as_scoring_into_a_fresh_one(rows: tuple[int, int]) -> None:
    # The cohort path writes scores straight into the kept matrix and reuses scratch; it must not change a bit.
    from matching.scoring.compute import Context

    t, m = random_features(12, 120, 30)
    shortlist = Shortlist.from_entries([(int(t.ids[i]), int(m.ids[i % 30]), 1 + i % 3) for i in range(0, 120, 5)])
    ctx = Context(t, m, Weights(), shortlist=shortlist, conflicts=[(int(t.ids[6]), int(m.ids[2]))])
    r0, r1 = rows
    with engine_settings():
        fresh = ctx.total(r0, r1)
        given = np.full((r1 - r0, 30), 7.0, dtype=np.float32)  # garbage that must be overwritten
        again = ctx.total(r0, r1, out=given)
        twice = ctx.total(r0, r1, out=np.empty_like(given))  # scratch reused from the call before
    assert again is given
    assert np.array_equal(fresh, given)
    assert np.array_equal(fresh, twice)


@pytest.mark.parametrize("shape", [(0, 0), (0, 5), (5, 0), (1, 1), (7, 13), (262, 400)])
def test_the_fast_2d_nonzero_gives_numpys_pairs_in_numpys_order(shape: tuple[int, int]) -> None:
    from matching.assignment.fast import nonzero2d

    rng = np.random.default_rng(sum(shape))
    mask = rng.random(shape) < 0.3
    for m in (mask, mask[:, ::2], mask.T):  # contiguous, strided and transposed views
        got, want = nonzero2d(m), np.nonzero(m)
        assert [x.tolist() for x in got] == [x.tolist() for x in want]


@pytest.mark.parametrize("n_keys", [0, 1, 50])
def test_find_sorted_finds_exactly_the_queries_that_are_keys(n_keys: int) -> None:
    from matching.assignment.fast import find_sorted

    rng = np.random.default_rng(n_keys)
    keys = np.sort(rng.choice(200, size=n_keys, replace=False)).astype(np.int64)
    # Every key, values between and beyond them (below the first, past the last), in random order.
    queries = rng.permutation(np.arange(-5, 210, dtype=np.int64))
    at, found = find_sorted(keys, queries)
    assert found.tolist() == np.isin(queries, keys).tolist()
    assert np.array_equal(keys[at[found]], queries[found])
