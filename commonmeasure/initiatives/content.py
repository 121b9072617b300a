"""An initiative's own content in several languages: the one home of "which text does this
viewer read".

An initiative's names and definitions are written in its own language (``Initiative.language``,
"en" unless the initiative file says otherwise) in their plain fields, and may be given in other
languages in a ``translations`` mapping on the same row: ``{"fr": {"name": "...", "definition":
"..."}, "es": {...}}`` (docs/reference/initiative-file.md, "Content in several languages").

The translatable fields (``TranslatableCharField``, ``TranslatableTextField``) keep the stored,
default-language text in the database column and in ``stored(obj, "name")``, but reading the
attribute (``indicator.name``) gives ``local_text``: the text in the active language (the
viewer's, set by the language middleware) if the row has one, else the stored text. So every
page, chart, export and API answer that shows ``indicator.name`` shows it in the viewer's
language without knowing about translations, while queries (``filter(name=...)``,
``order_by("name")``, ``values("name")``), saves, forms' initial values and the definition file
dump work on the stored text.

Assigning the attribute (``indicator.name = "..."``) sets the stored text. A row loaded without
its ``translations`` (``.only(...)``) shows the stored text rather than make a query per row.
Django copies an attribute's value in a few places (``refresh_from_db``, ``clean_fields``, the
bulk writes): ``TranslatedContent``, the base of every model with such fields, does those with
no language active, so that a translation is never written back as the stored text.
"""

from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation

TRANSLATIONS = "translations"


def stored(obj, field: str):
    """The stored (default-language) text of ``obj``'s ``field``, whatever language is active."""
    if field not in obj.__dict__:
        obj.refresh_from_db(fields=[field])
    return obj.__dict__[field]


def language_keys(code: str | None) -> list[str]:
    """The keys a translation may be filed under for a language: "fr-ca" -> ["fr-ca", "fr"]."""
    if not code:
        return []
    code = code.lower()
    base = code.split("-")[0]
    return [code] if base == code else [code, base]


def local_text(obj, field: str, language: str | None = None) -> str:
    """``obj``'s ``field`` in ``language`` (default: the active language), falling back to the
    stored text, which is in the initiative's own language."""
    default = stored(obj, field)
    translations = obj.__dict__.get(TRANSLATIONS)
    if not translations:
        return default
    for key in language_keys(language or translation.get_language()):
        text = (translations.get(key) or {}).get(field)
        if text:
            return text
    return default


def every_text(obj, field: str) -> list[str]:
    """``obj``'s ``field`` in every language it has, the stored text first: what a file may
    name it by (a category by its name in any of the initiative's languages)."""
    texts = [stored(obj, field)]
    for texts_of_language in (obj.__dict__.get(TRANSLATIONS) or {}).values():
        text = (texts_of_language or {}).get(field)
        if text and text not in texts:
            texts.append(text)
    return texts


def _stored_texts():
    """No language active: attributes read as their stored text."""
    return translation.override(None)


class ContentQuerySet(models.QuerySet):
    def bulk_create(self, *args, **kwargs):
        with _stored_texts():
            return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        with _stored_texts():
            return super().bulk_update(*args, **kwargs)


class TranslatedContent(models.Model):
    """The base of a model with translatable fields and a ``translations`` JSON field."""

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def refresh_from_db(self, *args, **kwargs):
        with _stored_texts():
            return super().refresh_from_db(*args, **kwargs)

    def clean_fields(self, *args, **kwargs):
        with _stored_texts():
            return super().clean_fields(*args, **kwargs)


class _LocalText(DeferredAttribute):
    """Reads give the text in the active language; writes go to the stored text. A data
    descriptor (it has ``__set__``), so that the stored text in the instance's ``__dict__``
    does not hide it as it hides Django's plain ``DeferredAttribute``."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        super().__get__(instance, cls)  # loads a deferred column
        return local_text(instance, self.field.attname)

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class _Translatable:
    descriptor_class = _LocalText

    def pre_save(self, model_instance, add):
        return stored(model_instance, self.attname)

    def value_from_object(self, obj):
        return stored(obj, self.attname)


class TranslatableCharField(_Translatable, models.CharField):
    """A CharField whose attribute reads in the viewer's language (see the module's docstring)."""


class TranslatableTextField(_Translatable, models.TextField):
    """A TextField whose attribute reads in the viewer's language (see the module's docstring)."""
