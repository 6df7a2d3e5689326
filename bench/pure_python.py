"""The same scoring, ranking and deferred acceptance in plain Python: the baseline the benchmark compares with."""

from __future__ import annotations

from collections import defaultdict

from matching.scoring import Weights

SHORTLIST = {1: 1.0, 2: 0.85, 3: 0.7}


def python_features(cohort, weights: Weights) -> tuple[list[dict], list[dict]]:
    """Rows as dicts of Python sets and numbers (conversion is not part of the timed work)."""
    t, m = cohort.trainees, cohort.mentors
    lists: dict[int, dict[int, float]] = defaultdict(dict)  # trainee id → mentor id → shortlist value
    for ti, mi, r in zip(
        cohort.shortlist.trainee_ids.tolist(),
        cohort.shortlist.mentor_ids.tolist(),
        cohort.shortlist.ranks.tolist(),
        strict=True,
    ):
        lists[ti][mi] = max(lists[ti].get(mi, 0.0), SHORTLIST.get(r, 0.5))
    conflicts: dict[int, set[int]] = defaultdict(set)
    for ti, mi in cohort.conflicts.tolist():
        conflicts[ti].add(mi)
    trainees = [
        {
            "id": int(t.ids[i]),
            "spec": set(t.interests[i].nonzero()[0].tolist()),
            "fam": set(t.interest_families[i].nonzero()[0].tolist()),
            "stage": int(t.stage[i]),
            "focus": set(t.focus[i].nonzero()[0].tolist()),
            "lang": set(t.languages[i].nonzero()[0].tolist()),
            "tz": int(t.tz_offset_minutes[i]),
            "fmt": int(t.formats[i]),
            "inst": int(t.institution[i]),
            "shortlist": lists.get(int(t.ids[i]), {}),
            "conflicts": conflicts.get(int(t.ids[i]), set()),
        }
        for i in range(len(t))
    ]
    mentors = [
        {
            "id": int(m.ids[j]),
            "spec": set(m.specialties[j].nonzero()[0].tolist()),
            "fam": set(m.families[j].nonzero()[0].tolist()),
            "stage": int(m.stage[j]),
            "focus": set(m.focus[j].nonzero()[0].tolist()),
            "lang": set(m.languages[j].nonzero()[0].tolist()),
            "tz": int(m.tz_offset_minutes[j]),
            "fmt": int(m.formats[j]),
            "inst": int(m.institution[j]),
        }
        for j in range(len(m))
    ]
    return trainees, mentors


def python_score(t: dict, m: dict, w: Weights) -> float:
    """Total 0–100, or -1.0 for an excluded pair (the engine says -inf)."""
    gap = m["stage"] - t["stage"]
    d = abs(t["tz"] - m["tz"]) % 1440
    minutes = min(d, 1440 - d)
    cap = w.time_zone_cap_hours
    if gap <= 0 or not (t["lang"] & m["lang"]) or m["id"] in t["conflicts"] or (cap is not None and minutes > cap * 60):
        return -1.0
    spec = 1.0 if t["spec"] & m["spec"] else (0.5 if t["fam"] & m["fam"] else 0.0)
    stage = max(0.0, 1.0 - 0.25 * abs(gap - w.stage_gap_best))
    focus = len(t["focus"] & m["focus"]) / len(t["focus"]) if t["focus"] else 1.0
    wanted = t["fmt"]
    fmt = (bin(wanted & m["fmt"]).count("1") / bin(wanted).count("1")) if wanted else 1.0
    total = (
        w.specialty * spec
        + w.career_stage * stage
        + w.focus_areas * focus
        + w.language
        + w.time_zone * (1 - minutes / 720)
        + w.meeting_format * fmt
    )
    weight = w.specialty + w.career_stage + w.focus_areas + w.language + w.time_zone + w.meeting_format
    if w.institution_rule != "neutral":
        if t["inst"] < 0 or m["inst"] < 0:
            inst = 0.5
        else:
            inst = float((t["inst"] == m["inst"]) == (w.institution_rule == "plus"))
        total += w.institution * inst
        weight += w.institution
    if t["shortlist"]:
        total += w.shortlist * t["shortlist"].get(m["id"], 0.0)
        weight += w.shortlist
    return 100.0 * total / weight


def python_rank(t: dict, mentors: list[dict], w: Weights) -> list[int]:
    scored = [(python_score(t, m, w), m["id"], j) for j, m in enumerate(mentors)]
    return [j for s, _, j in sorted((x for x in scored if x[0] >= 0), key=lambda x: (-x[0], x[1]))]


def deferred_acceptance(t_prefs: list[list[int]], m_prefs: list[list[int]], capacity: list[int]) -> list[int]:
    """Trainee-proposing deferred acceptance with capacities, one proposal at a time."""
    rank = [{t: r for r, t in enumerate(p)} for p in m_prefs]
    held: list[list[tuple[int, int]]] = [[] for _ in m_prefs]  # (rank, trainee), worst last
    match = [-1] * len(t_prefs)
    nxt = [0] * len(t_prefs)
    free = list(range(len(t_prefs)))
    while free:
        i = free.pop()
        prefs = t_prefs[i]
        while nxt[i] < len(prefs):
            j = prefs[nxt[i]]
            nxt[i] += 1
            r = rank[j].get(i)
            if r is None or capacity[j] == 0:
                continue
            if len(held[j]) < capacity[j]:
                held[j].append((r, i))
                held[j].sort()
                match[i] = j
                break
            if r < held[j][-1][0]:
                _, out = held[j].pop()
                match[out] = -1
                free.append(out)
                held[j].append((r, i))
                held[j].sort()
                match[i] = j
                break
    return match
