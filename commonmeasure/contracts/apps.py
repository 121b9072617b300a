from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "commonmeasure.contracts"
    label = "contracts"
    verbose_name = "Managed outcomes contracts"
    default_auto_field = "django.db.models.BigAutoField"
