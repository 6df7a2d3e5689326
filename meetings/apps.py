from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings, sessions and feedback"

    def ready(self) -> None:
        # notifications cannot import meetings; meetings tells it how to attach a meeting's .ics to its e-mails.
        from meetings.ics import attachment_for_notification
        from notifications.rendering import register_attachment

        register_attachment("meeting", attachment_for_notification)
