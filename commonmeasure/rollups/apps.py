from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "commonmeasure.rollups"
    label = "rollups"
    verbose_name = "Rollups"

    def ready(self) -> None:
        from commonmeasure.reporting import signals

        from . import receivers

        signals.values_changed.connect(receivers.on_values_changed, dispatch_uid="rollups")
        from django.db.models.signals import post_save

        from commonmeasure.initiatives.models import Indicator, Initiative

        post_save.connect(receivers.on_rules_saved, sender=Indicator, dispatch_uid="rollups-ind")
        post_save.connect(receivers.on_rules_saved, sender=Initiative, dispatch_uid="rollups-ini")
        self._connect_figure_cache()

    def _connect_figure_cache(self) -> None:
        """Everything that changes the figures pages show gives the initiative a new version
        token, in its own transaction (figure_cache.py, docs/reference/figure-cache.md)."""
        # Imported here: called from ready(), once every app's models are loaded.
        from django.db.models.signals import post_delete, post_save

        from commonmeasure.initiatives import models
        from commonmeasure.initiatives import signals as initiative_signals
        from commonmeasure.reporting import signals

        from . import figure_cache

        signals.values_changed.connect(figure_cache.on_values_changed, dispatch_uid="figures")
        initiative_signals.definition_loaded.connect(
            figure_cache.on_definition_loaded, dispatch_uid="figures"
        )
        for model in (
            models.Initiative,
            models.Organisation,
            models.Participation,
            models.Area,
            models.Dimension,
            models.Category,
            models.Indicator,
            models.Target,
            models.OverlapAdjustment,
        ):
            uid = f"figures-{model._meta.model_name}"
            post_save.connect(figure_cache.on_setup_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(figure_cache.on_setup_deleted, sender=model, dispatch_uid=uid)
