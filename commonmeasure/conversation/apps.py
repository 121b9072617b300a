from django.apps import AppConfig


class ConversationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonmeasure.conversation"
    verbose_name = "Comments and notifications"

    def ready(self) -> None:
        # Imported in ready(): what is connected here needs every app's models loaded first.
        from django.db.models.signals import post_save

        from commonmeasure.initiatives.models import Membership
        from commonmeasure.reporting.signals import status_changed

        from . import receivers

        status_changed.connect(receivers.on_status_changed, dispatch_uid="conversation-status")
        post_save.connect(
            receivers.on_membership_saved, sender=Membership, dispatch_uid="conversation-member"
        )
