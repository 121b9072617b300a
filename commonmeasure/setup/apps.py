from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    name = "commonmeasure.setup"
    label = "setup"
    verbose_name = _("Initiative set-up")
