"""The scoring context: scores for blocks of (trainee, mentor) pairs — components, hard rules and the 0–100 total.

All work is matrix products and whole-array operations on a block of trainee rows against all mentors; there
is no Python loop over pairs, so the same code ranks 5,000 mentors for one trainee and scores a cohort.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import _sparsetools

from .arrays import MentorFeatures, Shortlist, TraineeFeatures, check_compatible
from .listed_pairs import conflict_positions, shortlist_positions
from .mentor_side import F32, SMALL_ROWS, mentor_side
from .rules import FORMAT_TABLE, Rule, institution_table, stage_tables, tz_tables
from .weights import COMPONENTS, Weights

#: An excluded pair's penalty inside the fused product: far below any real total, exact in float32.
BIG = F32(1e6)
#: Pairs per block: big enough for fast matrix products, small enough to stay in cache and memory.
BLOCK_PAIRS = 1 << 20


@dataclass
class ScoreResult:
    """`total`: N × M float32 score 0–100, -inf for an excluded pair. `excluded`: N × M OR of `Rule` bits.
    `components`: name → N × M float32 value in [0, 1], only when asked for."""

    total: NDArray[np.float32]
    excluded: NDArray[np.uint8]
    components: dict[str, NDArray[np.float32]] | None = None


class Context:
    """Everything needed to score any block of trainee rows against the mentors."""

    def __init__(
        self,
        trainees: TraineeFeatures,
        mentors: MentorFeatures,
        weights: Weights,
        *,
        shortlist: Shortlist | None = None,
        conflicts: Iterable[tuple[int, int]] | NDArray[Any] | None = None,
        browsing: bool = False,
    ) -> None:
        if not isinstance(weights, Weights):
            raise ValueError("weights must be a Weights instance.")
        check_compatible(trainees, mentors)
        self.trainees, self.mentors, self.weights, self.browsing = trainees, mentors, weights, browsing
        self.side = mentor_side(mentors)
        self.w = weights.active()
        n, m = len(trainees), len(mentors)

        listed = shortlist_positions(trainees, mentors, shortlist)
        self.has_shortlist = listed.has_shortlist
        self.sl_rows, self.sl_cols, self.sl_values, self.sl_ranks = (
            listed.rows,
            listed.cols,
            listed.values,
            listed.ranks,
        )
        self.cf_rows, self.cf_cols = conflict_positions(trainees, mentors, conflicts)

        # Points are shared out of 100 over the fit components. The shortlist is a bonus on top, for the mentors
        # a trainee starred or ranked only, up to 100: starring someone never lowers anyone's score. A #1 choice
        # adds the shortlist's share of all the weights counted (by default 2 of 13, the institution weight counting
        # 0 under the neutral rule: 15.4 points; tests/matching/test_shortlist.py holds the README to it), lower
        # ranks less.
        base = sum(v for k, v in self.w.items() if k != "shortlist")
        # `Weights` bounds each weight (0, or MIN_WEIGHT to MAX_WEIGHT, a fit weight above 0): this factor stays at
        # most 100 / MIN_WEIGHT in float32. A weight of 1e-40 made it inf, and inf × 0 turned every score into NaN.
        self.norm = np.full(n, 100.0 / base if base > 0 else 0.0, dtype=F32)
        everything = base + self.w["shortlist"]
        self.sl_points = F32(100.0 * self.w["shortlist"] / everything if everything > 0 else 0.0)

        # Specialty fit from one sparse product: exact matches count `spec_scale`, shared families count 1.
        s = trainees.interests.shape[1]
        self.spec_scale = F32(s + 1)
        both = np.hstack([trainees.interests * self.spec_scale, trainees.interest_families]).astype(F32)
        self.spec_rows = sparse.csr_array(both)
        self.stage_fit, self.stage_not_ahead = stage_tables(weights)
        self.with_institution = self.w["institution"] > 0
        self.shape = (n, m)
        # Per-thread scratch blocks: a fresh multi-megabyte array costs more in page faults than the arithmetic
        # that fills it, so the cohort path reuses its temporaries (see `total(out=...)`).
        self._scratch = threading.local()

    def _buffers(self, rows: int) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        size = rows * self.shape[1]
        held = getattr(self._scratch, "buffers", None)
        if held is None or held[0].size < size:
            held = (np.empty(size, dtype=F32), np.empty(size, dtype=bool))
            self._scratch.buffers = held
        shape = (rows, self.shape[1])
        return held[0][:size].reshape(shape), held[1][:size].reshape(shape)

    def _sparse_in(self, rows: NDArray[np.intp], r0: int, r1: int) -> slice:
        lo, hi = np.searchsorted(rows, [r0, r1])
        return slice(int(lo), int(hi))

    def trainee_tables(self, r0: int, r1: int) -> dict[str, Any]:
        t, side = self.trainees, self.side
        sl = slice(r0, r1)
        focus = t.focus[sl]
        count = focus.sum(axis=1)
        closeness, over_cap = tz_tables(t.tz_offset_minutes[sl], side.tz_values, self.weights)
        shared = t.languages[sl].astype(F32) @ side.language_sets.T.astype(F32)
        return {
            "focus": np.hstack([focus / np.maximum(count, 1)[:, None], (count == 0)[:, None]]).astype(F32),
            "stage": self.stage_fit[t.stage[sl]],
            "not_ahead": self.stage_not_ahead[t.stage[sl]],
            "tz": closeness,
            "over_cap": over_cap,
            "format": FORMAT_TABLE[t.formats[sl]],
            "no_language": (shared == 0),
            "institution": institution_table(t.institution[sl], side.inst_values, self.weights.institution_rule),
        }

    def specialty(
        self, r0: int, r1: int, out: NDArray[np.float32] | None = None, flag: NDArray[np.bool_] | None = None
    ) -> NDArray[np.float32]:
        """Specialty fit in [0, 1]: 1 for a shared specialty, 0.5 for a shared family only.

        `out`/`flag`: (r1 − r0) × M scratch blocks to fill instead of allocating (same values either way)."""
        if out is not None and flag is not None and r1 - r0 > SMALL_ROWS:
            # The sparse × dense product SciPy would do, accumulated into our zeroed block.
            csr = self.spec_rows
            a, b = int(csr.indptr[r0]), int(csr.indptr[r1])
            out.fill(0)
            _sparsetools.csr_matvecs(
                r1 - r0,
                csr.shape[1],
                self.shape[1],
                csr.indptr[r0 : r1 + 1] - csr.indptr[r0],
                csr.indices[a:b],
                csr.data[a:b],
                self.side.spec_fam.ravel(),
                out.ravel(),
            )
            np.greater_equal(out, self.spec_scale, out=flag)
            np.minimum(out, 1.0, out=out)
            np.add(out, flag, out=out)
            np.multiply(out, F32(0.5), out=out)
            return out
        if r1 - r0 <= SMALL_ROWS:
            csr = self.spec_rows
            x = np.zeros((r1 - r0, self.shape[1]), dtype=F32)
            for b, r in enumerate(range(r0, r1)):
                cols = csr.indices[csr.indptr[r] : csr.indptr[r + 1]]
                # No interest: the row stays 0. (np.einsum over an empty summed axis can hand back
                # uninitialised memory: NaN scores, seen in NumPy 2.4.6.)
                if len(cols):
                    x[b] = np.einsum("k,km->m", csr.data[csr.indptr[r] : csr.indptr[r + 1]], self.side.spec_fam[cols])
        else:
            x = np.asarray(self.spec_rows[r0:r1] @ self.side.spec_fam, dtype=F32)
        exact = x >= self.spec_scale
        np.minimum(x, 1.0, out=x)
        np.add(x, exact, out=x)
        np.multiply(x, F32(0.5), out=x)
        return x

    def _linear_parts(self, tables: dict[str, Any], norm: NDArray[np.float32]) -> list[tuple[str, NDArray[Any]]]:
        """Trainee side of every table-based component, weighted, plus -BIG for the table-based exclusions,
        in the order of `MentorSide.linear`."""
        w, n = self.w, norm[:, None]
        focus = tables["focus"] * (n * w["focus_areas"])
        focus[:, -1:] += n * w["language"]  # language is 1 for every allowed pair; rides on the constant column
        parts = [
            ("focus", focus),
            ("stage", tables["stage"] * (n * w["career_stage"]) - BIG * tables["not_ahead"]),
            ("tz", tables["tz"] * (n * w["time_zone"]) - BIG * tables["over_cap"]),
            ("format", tables["format"] * (n * w["meeting_format"])),
            ("language", -BIG * tables["no_language"]),
        ]
        if self.with_institution:
            parts.append(("institution", tables["institution"] * (n * w["institution"])))
        return parts

    def _linear(
        self,
        tables: dict[str, Any],
        norm: NDArray[np.float32],
        r0: int,
        r1: int,
        out: NDArray[np.float32] | None = None,
        scratch: tuple[NDArray[np.float32], NDArray[np.bool_]] | None = None,
    ) -> NDArray[np.float32]:
        parts = self._linear_parts(tables, norm)
        side = self.side
        if len(norm) <= SMALL_ROWS:
            total = side.expand("focus", parts[0][1])
            for name, table in parts[1:]:
                total += side.expand(name, table.astype(F32))
            return total
        if side.language_direct:
            parts = [p for p in parts if p[0] != "language"]
        # One matrix product for all of them: the one-hot mentor side picks each trainee's table entry.
        total = np.matmul(np.hstack([p for _, p in parts]).astype(F32), side.linear(self.with_institution), out=out)
        if side.language_direct:
            if scratch is None:
                shared = self.trainees.languages[r0:r1].astype(F32) @ side.languages
                np.copyto(total, -BIG, where=shared < 0.5)
            else:
                shared = np.matmul(self.trainees.languages[r0:r1].astype(F32), side.languages, out=scratch[0])
                np.copyto(total, -BIG, where=np.less(shared, 0.5, out=scratch[1]))
        return total

    def with_shortlist(self, fit: NDArray[np.float32], values: NDArray[np.float32]) -> NDArray[np.float32]:
        """Fit scores of shortlisted pairs with their shortlist bonus (value × `sl_points`), at most 100."""
        return np.minimum(fit + values * self.sl_points, F32(100.0)).astype(F32)

    def _shortlist_block(self, r0: int, r1: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]:
        s = self._sparse_in(self.sl_rows, r0, r1)
        return self.sl_rows[s] - r0, self.sl_cols[s], self.sl_values[s]

    def total(
        self, r0: int, r1: int, tables: dict[str, Any] | None = None, out: NDArray[np.float32] | None = None
    ) -> NDArray[np.float32]:
        """Totals only (-inf excluded): the fast path used for cohorts. `out`: a C-contiguous (r1 − r0) × M
        float32 block to write into (e.g. rows of a kept matrix); temporaries then come from per-thread scratch."""
        norm = self.norm[r0:r1]
        tables = tables if tables is not None else self.trainee_tables(r0, r1)
        big = out is not None and r1 - r0 > SMALL_ROWS
        scratch = self._buffers(r1 - r0) if big else None
        total = self._linear(tables, norm, r0, r1, out=out if big else None, scratch=scratch)
        if out is not None and not big:
            out[...] = total
            total = out
        spec = self.specialty(r0, r1, *(scratch or (None, None)))
        np.multiply(spec, (norm * F32(self.w["specialty"]))[:, None], out=spec)
        np.add(total, spec, out=total)
        rows, cols, values = self._shortlist_block(r0, r1)
        fit = total[rows, cols]
        allowed = fit > -BIG / 2  # an excluded pair stays excluded, starred or not
        total[rows[allowed], cols[allowed]] = self.with_shortlist(fit[allowed], values[allowed])
        s = self._sparse_in(self.cf_rows, r0, r1)
        total[self.cf_rows[s] - r0, self.cf_cols[s]] = -np.inf
        if self.browsing and self.side.blocked.any():
            np.copyto(total, F32(-np.inf), where=(self.side.blocked > 0)[None, :])
        np.copyto(total, F32(-np.inf), where=np.less(total, -BIG / 2, out=scratch[1] if scratch else None))
        return total

    def full(self, r0: int, r1: int, with_components: bool) -> ScoreResult:
        """Totals, the exclusion bitmask and (optionally) every component for rows r0:r1."""
        side = self.side
        tables = self.trainee_tables(r0, r1)
        excluded = np.zeros((r1 - r0, self.shape[1]), dtype=np.uint8)
        for rule, table, code in (
            (Rule.NO_SHARED_LANGUAGE, tables["no_language"], "language"),
            (Rule.MENTOR_NOT_AHEAD, tables["not_ahead"], "stage"),
            (Rule.TIME_ZONE_CAP, tables["over_cap"], "tz"),
        ):
            if table.any():
                excluded |= np.where(side.expand(code, table) > 0.5, np.uint8(rule), np.uint8(0))
        s = self._sparse_in(self.cf_rows, r0, r1)
        excluded[self.cf_rows[s] - r0, self.cf_cols[s]] |= np.uint8(Rule.ASSESSES_TRAINEE)
        if self.browsing:
            excluded |= side.blocked[None, :]
        components: dict[str, NDArray[np.float32]] | None = None
        if with_components:
            components = self.components(r0, r1, tables, excluded)
            norm = self.norm[r0:r1, None]
            total = np.zeros(excluded.shape, dtype=F32)
            for name in COMPONENTS:
                if self.w[name] > 0 and name != "shortlist":
                    total += components[name] * (norm * F32(self.w[name]))
            starred = components["shortlist"] > 0
            total[starred] = self.with_shortlist(total[starred], components["shortlist"][starred])
            total[excluded > 0] = -np.inf
        else:
            total = self.total(r0, r1, tables)
        return ScoreResult(total=total, excluded=excluded, components=components)

    def components(
        self, r0: int, r1: int, tables: dict[str, Any], excluded: NDArray[np.uint8]
    ) -> dict[str, NDArray[np.float32]]:
        side = self.side
        shortlist = np.zeros(excluded.shape, dtype=F32)
        rows, cols, values = self._shortlist_block(r0, r1)
        shortlist[rows, cols] = values
        return {
            "specialty": self.specialty(r0, r1),
            "career_stage": side.expand("stage", tables["stage"]),
            "focus_areas": side.expand("focus", tables["focus"]),
            "language": 1.0 - side.expand("language", tables["no_language"]),
            "time_zone": side.expand("tz", tables["tz"]),
            "meeting_format": side.expand("format", tables["format"]),
            "institution": side.expand("institution", tables["institution"]),
            "shortlist": shortlist,
        }


def default_block_rows(m: int, block_pairs: int = BLOCK_PAIRS) -> int:
    return max(1, block_pairs // max(m, 1))
