from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from notifications.data_export import register_export_sections

        # profiles cannot import notifications: the messages sent to a person join their data export from here.
        register_export_sections()
