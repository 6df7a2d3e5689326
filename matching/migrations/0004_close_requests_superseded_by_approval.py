"""Data: before approving a match closed the trainee's other requests and proposals in its program, they stayed
"requested"/"proposed" forever (never approvable, yet counted as waiting and, now, holding round places). Close
them as approval does today, with the reason in their history. Reversing leaves them closed (nothing to undo)."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def close_superseded(apps, schema_editor):
    Match = apps.get_model("matching", "Match")
    MatchTransition = apps.get_model("matching", "MatchTransition")
    Notification = apps.get_model("notifications", "Notification")
    approved = Match.objects.filter(
        program_id=OuterRef("program_id"), trainee_id=OuterRef("trainee_id"), status="approved"
    )
    stale = Match.objects.filter(status__in=("requested", "proposed")).filter(Exists(approved))
    now = timezone.now()
    closed = []
    for match in stale.select_related("program").iterator():
        mentor = (
            Match.objects.filter(program_id=match.program_id, trainee_id=match.trainee_id, status="approved")
            .values_list("mentor__user__full_name", "mentor__user__email")
            .first()
        )
        name = (mentor[0] or mentor[1]) if mentor else "Another mentor"  # as the live code names a mentor
        reason = f"{name} was approved as mentor in {match.program.name}."
        MatchTransition.objects.create(match=match, from_status=match.status, to_status="cancelled", at=now, reason=reason)
        match.status, match.decided_at, match.decision_reason = "cancelled", now, reason
        match.save(update_fields=["status", "decided_at", "decision_reason"])
        closed.append(match.pk)
    # As approval does now: nobody is reminded to decide a closed request, nor can a failed reminder be retried.
    Notification.objects.filter(object_type="match", object_id__in=closed, state__in=("pending", "failed")).update(
        state="cancelled"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_invitation_expires_at"),
        ("notifications", "0003_notification_to_address"),
    ]

    operations = [migrations.RunPython(close_superseded, migrations.RunPython.noop)]
