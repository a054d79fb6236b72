"""Translated fields (django-modeltranslation): the declaration per language, Dutch fallback."""

from modeltranslation.translator import TranslationOptions, register

from learner.trajectory.models import Declaration


@register(Declaration)
class DeclarationTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = ("nl",)
