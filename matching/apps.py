from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Programs and matching"

    def ready(self) -> None:
        # The cached mentor arrays must be dropped whenever a mentor, a match or the taxonomy changes.
        from matching.data_export import register_export_sections
        from matching.features import signals
        from matching.models import Match, ProgramInvitation
        from matching.selectors_coordination import people_coordinated_by
        from matching.services.departures import departure_close_matches
        from notifications.rendering import register_object_queryset
        from profiles.admin_scope import people_scope_register
        from profiles.services import deactivation_effect_register

        signals.connect()
        # The admin's people pages show a coordinator the people of their programs only.
        people_scope_register(people_coordinated_by)
        # Messages about a match name its people and program: load them with it (one query for a page of them).
        register_object_queryset(
            "match", lambda: Match.objects.select_related("program", "mentor__user", "trainee__user")
        )
        register_object_queryset("programinvitation", lambda: ProgramInvitation.objects.select_related("program"))
        # profiles cannot import matching: a deactivated person's requests and proposals are cancelled from here.
        deactivation_effect_register("matching.undecided_matches", departure_close_matches)
        # …and a person's programs, requests and matches join their data export from here.
        register_export_sections()
