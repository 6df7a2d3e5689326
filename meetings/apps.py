from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, sessions and feedback"

    def ready(self) -> None:
        # notifications cannot import meetings; meetings tells it how to attach a meeting's .ics to its e-mails.
        from meetings.ics import attachment_for_notification
        from meetings.models import Meeting
        from notifications.rendering import register_attachment, register_object_queryset

        register_attachment("meeting", attachment_for_notification)
        register_object_queryset(
            "meeting",
            lambda: Meeting.objects.select_related(
                "match__program", "match__mentor__user", "match__trainee__user", "proposed_by"
            ),
        )
