from django.apps import AppConfig


class VoiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonmeasure.voice"
    verbose_name = "User voice"
