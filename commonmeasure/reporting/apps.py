from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "commonmeasure.reporting"
    label = "reporting"
    verbose_name = "Reporting"
