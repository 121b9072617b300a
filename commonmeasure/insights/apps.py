from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commonmeasure.insights"
    label = "insights"
    verbose_name = "Dashboards and benchmarking"
