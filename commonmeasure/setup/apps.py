from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "commonmeasure.setup"
    label = "setup"
    verbose_name = "Initiative set-up"
