from typing import Any

from django.apps import AppConfig


def _close_for_departure(user: Any, by: Any) -> str:
    from meetings.services.answers import meetings_cancel_for_departure

    cancelled = meetings_cancel_for_departure(user=user, by=by)
    return (
        f"{cancelled} upcoming meeting{'s' if cancelled != 1 else ''} cancelled (the other person was told)"
        if cancelled
        else ""
    )


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
        from meetings.data_export import register_export_sections
        from meetings.ics import attachment_for_notification
        from meetings.models import Meeting
        from meetings.selectors.program_activity import register_program_activity
        from meetings.services.reminders import meeting_as_sent
        from notifications.rendering import register_as_sent, register_attachment, register_object_queryset
        from profiles.services import deactivation_effect_register

        # matching cannot import meetings: an ended match's upcoming meetings and check-ins are cancelled from here.
        match_ended.connect(_close_ended_match, dispatch_uid="meetings.close_ended_match")
        # profiles cannot import meetings either: a deactivated person's upcoming meetings are cancelled from here.
        deactivation_effect_register("meetings.upcoming_meetings", _close_for_departure)
        # …and a person's meetings, session logs, feedback and check-ins join their data export from here.
        register_export_sections()
        # …and the health page and the program's reports read its meetings, sessions and feedback from here.
        register_program_activity()
        register_attachment("meeting", attachment_for_notification)
        register_as_sent("meeting", meeting_as_sent)
        register_object_queryset(
            "meeting",
            lambda: Meeting.objects.select_related(
                "match__program", "match__mentor__user", "match__trainee__user", "proposed_by"
            ),
        )
