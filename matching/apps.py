from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Programs and matching"

    def ready(self) -> None:
        # The cached mentor arrays must be dropped whenever a mentor, a match or the taxonomy changes.
        from matching.features import signals
        from matching.models import Match, ProgramInvitation
        from notifications.rendering import register_object_queryset

        signals.connect()
        # Messages about a match name its people and program: load them with it (one query for a page of them).
        register_object_queryset(
            "match", lambda: Match.objects.select_related("program", "mentor__user", "trainee__user")
        )
        register_object_queryset("programinvitation", lambda: ProgramInvitation.objects.select_related("program"))
