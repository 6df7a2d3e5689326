"""Dual prices that certify an assignment of the candidate pairs optimal (see `exact` for the linear programme).

From the assignment alone: the prices are longest paths in the graph of "a trainee moves from mentor a to mentor b",
found by Bellman–Ford in NumPy. A positive cycle in that graph, or prices that break complementary slackness, mean
the assignment was not optimal after all: a RuntimeError, never a wrong certificate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def _least_fixpoint(
    v: NDArray[np.float64], frm: NDArray[np.intp], to: NDArray[np.intp], delta: NDArray[np.float64], eps: float
) -> NDArray[np.float64]:
    """Smallest v ≥ v0 with v[to] ≥ v[frm] + delta on every edge: longest paths by Bellman–Ford, relaxing only
    from nodes whose value changed in the previous pass. More passes than nodes means a positive cycle."""
    m = len(v)
    order = np.argsort(frm, kind="stable")
    frm, to, delta = frm[order], to[order], delta[order]
    starts = np.searchsorted(frm, np.arange(m + 1))
    frontier = np.arange(m)
    for _ in range(m + 2):
        lengths = starts[frontier + 1] - starts[frontier]
        count = int(lengths.sum())
        if not count:
            return v
        edge = np.repeat(starts[frontier] - np.cumsum(lengths) + lengths, lengths) + np.arange(count)
        offer = v[frm[edge]] + delta[edge]
        better = offer > v[to[edge]] + eps
        if not better.any():
            return v
        np.maximum.at(v, to[edge][better], offer[better])
        frontier = np.unique(to[edge][better])
    raise RuntimeError("Price computation did not converge: the candidate assignment is not optimal.")


def dual_prices(
    n: int,
    capacity: NDArray[np.int64],
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    w: NDArray[np.float64],
    assignment: NDArray[np.intp],
    eps: float,
    high: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mentor prices v ≥ 0 and trainee surpluses u ≥ 0 with u_i + v_j ≥ w_ij on every candidate pair, tight on
    assigned pairs, zero for unfilled mentors and unmatched trainees (complementary slackness).

    The constraints on v are differences: v_j ≥ w_ij for an unmatched trainee i; v_j − v_a ≥ w_ij − w_ia for a
    trainee assigned to a; v_a ≤ w_ia (so u_i ≥ 0); v_j = 0 for a mentor with a free place. Among the
    solutions we take the least (`high=False`: the best certificate when mentors have free places) or the
    greatest (`high=True`: best when trainees are left unmatched, their u being 0).
    """
    m = len(capacity)
    mine = assignment[rows]
    on_own = mine == cols
    w_own = np.zeros(n)
    w_own[rows[on_own]] = w[on_own]
    free_trainee = mine < 0
    moving = (mine >= 0) & ~on_own
    delta = w[moving] - w_own[rows[moving]]
    load = np.bincount(assignment[assignment >= 0], minlength=m)
    unfilled = load < capacity
    floor = np.zeros(m)
    np.maximum.at(floor, cols[free_trainee], w[free_trainee])
    if high:
        # Greatest solution = −(least solution of the mirrored system), edges reversed.
        cap = np.full(m, np.inf)
        matched = assignment >= 0
        np.minimum.at(cap, assignment[matched], w_own[matched])
        cap[unfilled] = 0.0
        cap[~np.isfinite(cap)] = 0.0  # capacity-0 mentors: no pairs, any price will do
        v = -_least_fixpoint(-cap, cols[moving], mine[moving], delta, eps)
        if (v < floor - eps * 10).any():
            raise RuntimeError("Dual prices violate optimality conditions: the candidate assignment is not optimal.")
    else:
        v = _least_fixpoint(floor, mine[moving], cols[moving], delta, eps)
    u = np.zeros(n)
    matched = assignment >= 0
    u[matched] = w_own[matched] - v[assignment[matched]]
    if (v[unfilled] > eps * 10).any() or (u < -eps * 10).any():
        raise RuntimeError("Dual prices violate optimality conditions: the candidate assignment is not optimal.")
    return np.maximum(u, 0.0), np.maximum(v, 0.0)
