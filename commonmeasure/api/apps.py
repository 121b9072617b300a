from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commonmeasure.api"
    label = "api"
    verbose_name = "API"
