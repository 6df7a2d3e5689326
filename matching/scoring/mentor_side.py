"""Mentor-side matrices for scoring: built once per MentorFeatures and reused for every trainee block.

Features that take one value per mentor (stage, time zone, format, language set, institution) are stored as
codes and one-hot matrices, so a per-trainee table T[trainee, code] becomes a block of values either by a
lookup (a few rows) or by one matrix product (many rows).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .arrays import MAX_STAGE, MentorFeatures
from .rules import Rule

F32 = np.float32
#: Up to this many trainee rows, table lookups replace matrix products: ranking one trainee stays well under a
#: millisecond instead of waking BLAS threads (which costs milliseconds on a busy machine).
SMALL_ROWS = 4


def _onehot(codes: NDArray[Any], width: int) -> NDArray[np.float32]:
    """width × M matrix with a 1 in row codes[j] of column j (already transposed for `A @ onehot`)."""
    out = np.zeros((width, len(codes)), dtype=F32)
    out[codes, np.arange(len(codes))] = 1.0
    return out


class MentorSide:
    """Mentor matrices that do not depend on the trainees or the weights, built once per MentorFeatures."""

    def __init__(self, mentors: MentorFeatures) -> None:
        self.spec_fam = np.vstack([mentors.specialties.T, mentors.families.T]).astype(F32)  # 2S × M
        self.codes: dict[str, NDArray[np.intp]] = {"stage": mentors.stage.astype(np.intp)}
        self.stage = _onehot(self.codes["stage"], MAX_STAGE + 1)
        self.tz_values, tz_codes = np.unique(mentors.tz_offset_minutes, return_inverse=True)
        self.codes["tz"] = tz_codes.reshape(-1).astype(np.intp)
        self.tz = _onehot(self.codes["tz"], len(self.tz_values))
        self.codes["format"] = mentors.formats.astype(np.intp)
        self.format = _onehot(self.codes["format"], 8)
        # Distinct language sets: "no shared language" then becomes a table over a handful of columns.
        self.language_sets, lang_codes = np.unique(mentors.languages, axis=0, return_inverse=True)
        self.codes["language"] = lang_codes.reshape(-1).astype(np.intp)
        self.language = _onehot(self.codes["language"], len(self.language_sets))
        self.inst_values, inst_codes = np.unique(mentors.institution, return_inverse=True)
        self.codes["institution"] = inst_codes.reshape(-1).astype(np.intp)
        self.institution = _onehot(self.codes["institution"], len(self.inst_values))
        self.focus = np.vstack([mentors.focus.T.astype(F32), np.ones((1, len(mentors)), dtype=F32)])
        self.blocked = (
            np.where(mentors.accepting, 0, int(Rule.NOT_ACCEPTING))
            | np.where(mentors.free_places > 0, 0, int(Rule.NO_FREE_PLACE))
        ).astype(np.uint8)
        # Many distinct language sets make their one-hot block wide; then one small product of the language
        # columns themselves (shared-language counts) is cheaper.
        self.languages = np.ascontiguousarray(mentors.languages.T, dtype=F32)
        self.language_direct = len(self.language_sets) > 2 * mentors.languages.shape[1]
        self._linear: dict[bool, NDArray[np.float32]] = {}

    def expand(self, name: str, table: NDArray[Any]) -> NDArray[np.float32]:
        """B × M values table[b, code of mentor j] for a per-trainee table over one mentor feature's codes."""
        if name == "focus":
            if table.shape[0] <= SMALL_ROWS:
                return np.einsum("bk,km->bm", table.astype(F32), self.focus)
            return table.astype(F32) @ self.focus
        if table.shape[0] <= SMALL_ROWS:
            return table[:, self.codes[name]].astype(F32)
        return table.astype(F32) @ getattr(self, name)

    def linear(self, with_institution: bool) -> NDArray[np.float32]:
        """The mentor side of the fused product (see `_fused_rows` for the trainee side, in the same order)."""
        if with_institution not in self._linear:
            parts = [self.focus, self.stage, self.tz, self.format]
            if not self.language_direct:
                parts.append(self.language)
            if with_institution:
                parts.append(self.institution)
            self._linear[with_institution] = np.ascontiguousarray(np.vstack(parts))
        return self._linear[with_institution]


def mentor_side(mentors: MentorFeatures) -> MentorSide:
    """Cached on the features object: treat MentorFeatures as read-only once scored."""
    side = mentors.__dict__.get("_mentor_side")
    if side is None:
        side = MentorSide(mentors)
        mentors.__dict__["_mentor_side"] = side
    return side
