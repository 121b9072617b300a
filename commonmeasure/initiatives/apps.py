from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "commonmeasure.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives and indicators"

    def ready(self) -> None:
        # The pure layers (domain, interchange, charts) may not import Django: hand them its
        # translation functions, so their messages come out in the viewer's language.
        from django.utils import translation

        from commonmeasure.domain import translation as pure

        pure.install(translation.gettext, translation.ngettext, translation.pgettext)
