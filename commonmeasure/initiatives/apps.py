from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "commonmeasure.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives and indicators"

    def ready(self) -> None:
        # The pure layers (domain, interchange, charts) may not import Django: hand them its
        # translation functions, so their messages come out in the viewer's language.
        from django.utils import formats, translation

        from commonmeasure.domain import translation as pure

        pure.install(translation.gettext, translation.ngettext, translation.pgettext)
        # ... and the active language's way of writing numbers (decimal comma in es and fr).
        pure.install_number_format(
            lambda: (
                formats.get_format("DECIMAL_SEPARATOR"),
                formats.get_format("THOUSAND_SEPARATOR"),
            )
        )
