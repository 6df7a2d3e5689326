"""Writing a round's proposals: the pairs still allowed when it writes (`proposals_still_allowed`, under row locks)
replace the program's proposals nobody approved, each change with its audit row, in bulk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from matching.models import Match, MatchingRound, MatchTransition
from matching.services.round_participants import Proposal, StillAllowed, proposals_still_allowed
from profiles.models import User

WRITE_BATCH = 2000


def round_proposals_write(matching_round: MatchingRound, proposals: list[Proposal]) -> StillAllowed:
    """In the caller's transaction: keep the proposals still allowed now (under row locks), and if any are left,
    cancel the program's unapproved proposals and bulk-insert these. A round left with nobody to propose replaces
    nothing: the proposals waiting stay as they were."""
    if not proposals:
        return StillAllowed(proposals=[], gone=set(), places={})
    allowed = proposals_still_allowed(matching_round.program, proposals)
    if allowed.proposals:
        _replace_proposals(matching_round, allowed.proposals)
    return allowed


def _replace_proposals(matching_round: MatchingRound, proposals: list[Proposal]) -> None:
    """Cancel the program's unapproved proposals (the caller holds their rows), then bulk-insert the new ones."""
    program, by, now = matching_round.program, matching_round.started_by, timezone.now()
    proposed = Match.objects.filter(program=program, status=Match.Status.PROPOSED)
    _audit_rows(
        where=("program_id = %s AND status = %s", [program.pk, Match.Status.PROPOSED]),
        from_status=Match.Status.PROPOSED,
        to_status=Match.Status.CANCELLED,
        by=by,
        at=now,
        reason=f"Replaced by matching round #{matching_round.pk}",
    )
    proposed.update(status=Match.Status.CANCELLED, updated_at=now)
    Match.objects.bulk_create(
        [
            Match(
                program=program,
                mentor_id=proposal.mentor,
                trainee_id=proposal.trainee,
                status=Match.Status.PROPOSED,
                origin=Match.Origin.ROUND,
                round=matching_round,
                score=round(proposal.score, 2),
                score_breakdown=proposal.breakdown,
                created_at=now,
            )
            for proposal in proposals
        ],
        batch_size=WRITE_BATCH,
    )
    _audit_rows(
        where=("round_id = %s", [matching_round.pk]),
        from_status="",
        to_status=Match.Status.PROPOSED,
        by=by,
        at=now,
        reason=f"Proposed by matching round #{matching_round.pk}",
    )


def _audit_rows(
    *, where: tuple[str, list[Any]], from_status: str, to_status: str, by: User | None, at: datetime, reason: str
) -> None:
    """One audit row per match selected by `where`, in one INSERT … SELECT: tens of thousands of rows without
    building a model instance each (what match_transition does for a single match)."""
    quote, meta = connection.ops.quote_name, MatchTransition._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in ("match", "from_status", "to_status", "by", "at", "reason"))
    condition, params = where
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from model meta, quoted
        f"SELECT {quote('id')}, %s, %s, %s, %s, %s FROM {quote(Match._meta.db_table)} WHERE {condition}"
    )
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [from_status, to_status, by.pk if by else None, stamp, reason, *params])
