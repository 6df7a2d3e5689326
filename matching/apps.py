from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Programs and matching"

    def ready(self) -> None:
        # The cached mentor arrays must be dropped whenever a mentor, a match or the taxonomy changes.
        from matching.features import signals

        signals.connect()
