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
