from django.apps import AppConfig


class VoiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonmeasure.voice"
    verbose_name = "User voice"

    def ready(self) -> None:
        # Imported in ready(): what is connected here needs every app's models loaded first.
        from commonmeasure.reporting import ownership

        from .coverage import covers

        ownership.register(covers)
