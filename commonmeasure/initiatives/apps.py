from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "commonmeasure.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives and indicators"
