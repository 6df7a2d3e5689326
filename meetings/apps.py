from typing import Any

from django.apps import AppConfig


def _close_ended_match(sender: Any, *, match: Any, by: Any, **kwargs: Any) -> None:
    from meetings.services.answers import meetings_cancel_for_ended_match
    from meetings.services.followups import match_followups_cancel

    meetings_cancel_for_ended_match(match=match, by=by)
    match_followups_cancel(match=match)


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, sessions and feedback"

    def ready(self) -> None:
        # notifications cannot import meetings; meetings tells it how to attach a meeting's .ics to its e-mails.
        from matching.signals import match_ended
        from meetings.ics import attachment_for_notification
        from meetings.models import Meeting
        from meetings.services.reminders import meeting_as_sent
        from notifications.rendering import register_as_sent, register_attachment, register_object_queryset

        # matching cannot import meetings: an ended match's upcoming meetings and check-ins are cancelled from here.
        match_ended.connect(_close_ended_match, dispatch_uid="meetings.close_ended_match")
        register_attachment("meeting", attachment_for_notification)
        register_as_sent("meeting", meeting_as_sent)
        register_object_queryset(
            "meeting",
            lambda: Meeting.objects.select_related(
                "match__program", "match__mentor__user", "match__trainee__user", "proposed_by"
            ),
        )
