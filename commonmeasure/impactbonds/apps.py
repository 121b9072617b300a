from django.apps import AppConfig


class ImpactBondsConfig(AppConfig):
    name = "commonmeasure.impactbonds"
    label = "impactbonds"
    verbose_name = "Impact bonds and outcomes contracts"
    default_auto_field = "django.db.models.BigAutoField"
