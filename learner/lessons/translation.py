"""Translated fields (django-modeltranslation): every text a learner reads, Dutch as fallback.

Templates read ``lesson.title`` in the active language; the Dutch beside it comes from
``learner.lessons.presenters``.
"""

from modeltranslation.translator import TranslationOptions, register

from learner.lessons.models import Block, Choice, Course, Lesson, Module, Question, VocabularyEntry


@register(Course)
class CourseTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("nl",)


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("nl",)


@register(Lesson)
class LessonTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "goals")
    required_languages = ("nl",)


@register(Block)
class BlockTranslation(TranslationOptions):
    fields = ("text", "alt")


@register(VocabularyEntry)
class VocabularyTranslation(TranslationOptions):
    fields = ("meaning",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("nl",)


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("text", "feedback")
    required_languages = ("nl",)
