from django.apps import AppConfig


class BackboneConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonmeasure.backbone"
    verbose_name = "Backbone tools"
