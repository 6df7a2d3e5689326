"""Why the directory lists nobody when the trainee filtered nothing: counted from the engine's exclusion bits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.scoring import Rule

#: The hard rules a trainee's own profile can trip, as "(one mentor) …" and "(several mentors) …".
_RULES: tuple[tuple[Rule, str, str], ...] = (
    (Rule.NO_SHARED_LANGUAGE, "shares no language with you", "share no language with you"),
    (
        Rule.MENTOR_NOT_AHEAD,
        "is not further along in their career than you",
        "are not further along in their career than you",
    ),
    (Rule.ASSESSES_TRAINEE, "assesses or supervises you", "assess or supervise you"),
    (
        Rule.TIME_ZONE_CAP,
        "is further from your time zone than your program allows",
        "are further from your time zone than your program allows",
    ),
)


@dataclass(frozen=True)
class EmptyDirectory:
    reason: str
    profile_may_help: bool  # a rule about the trainee's own profile (languages, stage, zone) left everyone out


def why_nobody_is_listed(*, candidates: NDArray[np.intp], excluded: NDArray[np.uint8] | None) -> EmptyDirectory:
    """`candidates`: positions of the mentors who accept new mentees (in the cached arrays); `excluded`: the
    trainee's rule bits for every cached mentor (None without a trainee profile)."""
    if not len(candidates):
        return EmptyDirectory("No mentor is accepting new mentees right now. Look again later.", False)
    if excluded is None:
        return EmptyDirectory("No mentor is listed right now. Look again later.", False)
    bits = excluded[candidates]
    counts = [
        f"{n} {one if n == 1 else many}"
        for rule, one, many in _RULES
        if (n := int(np.count_nonzero(bits & np.uint8(rule))))
    ]
    if not counts:
        return EmptyDirectory("No mentor is listed for you right now. Look again later.", False)
    mentors = f"{len(candidates)} mentor{'s' if len(candidates) != 1 else ''}"
    listed = counts[0] if len(counts) == 1 else f"{', '.join(counts[:-1])} and {counts[-1]}"
    # One mentor can break several rules: then the counts add up to more than the mentors, and the page says why.
    listed_rules = np.uint8(sum(int(rule) for rule, _, _ in _RULES))
    several = int(np.count_nonzero(np.unpackbits((bits & listed_rules)[:, None], axis=1).sum(axis=1) > 1))
    overlap = f" ({several} for more than one reason)" if several else ""
    return EmptyDirectory(
        f"No mentor can be matched with you: of the {mentors} accepting new mentees, {listed}{overlap}.", True
    )
