from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "commonmeasure.web"
    label = "web"
    verbose_name = "Web pages"
