"""The shared MO library: courses → modules → lessons, each lesson made of blocks and a bank of
practice questions. Every text field is translated (see ``learner.lessons.translation``); Dutch is
the source and the fallback. Recorded audio is kept per language, because phones rarely have a
voice for Tigrinya, Dari, Pashto or Somali.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TITLE_LENGTH = 200
SUMMARY_LENGTH = 500
TEXT_LENGTH = 3000


class SharedValue(models.TextChoices):
    """The seven values every MO course covers before it can be published [002 L376-388]."""

    SEPARATION_OF_POWERS = "separation_of_powers", _("Separation of powers")
    GOVERNMENT_NEUTRALITY = "government_neutrality", _("Neutrality of government")
    GENDER_EQUALITY = "gender_equality", _("Equality of women and men")
    CHURCH_STATE_SEPARATION = "church_state_separation", _("Separation of church and state")
    NON_DISCRIMINATION = "non_discrimination", _("Non-discrimination")
    FREEDOM_OF_EXPRESSION = "freedom_of_expression", _("Freedom of expression")
    SEXUAL_DIVERSITY = "sexual_diversity", _("Respect for sexual diversity")


class LearningEnvironment(models.TextChoices):
    """The ten learning environments (leeromgevingen) [004 L2976-2985]."""

    CITY_AND_COUNTRY = "city_and_country", _("City and country")
    RESIDENCE = "residence", _("Residence")
    FAMILY = "family", _("Family")
    WORK = "work", _("Work")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    PUBLIC_SERVICES = "public_services", _("Public services")
    MOBILITY = "mobility", _("Mobility")
    CONSUMPTION_LEISURE = "consumption_leisure", _("Consumption and leisure")


class TargetGroup(models.TextChoices):
    LOW_LITERATE = "low_literate", _("Learners who read little")
    HIGHLY_EDUCATED = "highly_educated", _("Highly educated learners")
    WORKERS = "workers", _("Working learners")
    JOBSEEKERS = "jobseekers", _("Jobseekers")
    PARENTS = "parents", _("Parents")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Course(models.Model):
    """A teacher's MO course. Learners of the agency see it once it is published."""

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    summary = models.TextField(_("summary"), max_length=SUMMARY_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus, default=CourseStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # modeltranslation swaps the manager at run time; the type checker cannot see which
    # (typeddjango/django-stubs#1023, see pyproject.toml), so it is named here.
    objects: models.Manager[Course] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    title_nl: str | None
    summary_nl: str | None

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A part of a course; learners download a module at a time for offline study."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    summary = models.TextField(_("summary"), max_length=SUMMARY_LENGTH, blank=True)

    objects: models.Manager[Module] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    title_nl: str | None
    summary_nl: str | None

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """One lesson. ``revision`` counts changes to the Dutch source, so a translation made
    against an older revision shows as outdated."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    summary = models.TextField(_("short text"), max_length=SUMMARY_LENGTH, blank=True)
    goals = models.TextField(_("learning goals"), max_length=SUMMARY_LENGTH, blank=True)
    values = models.JSONField(_("shared values"), default=list, blank=True)
    environments = models.JSONField(_("learning environments"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    cover = models.ForeignKey(
        "media.Image",
        verbose_name=_("picture"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revision = models.PositiveIntegerField(default=1)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: models.Manager[Lesson] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    title_nl: str | None
    summary_nl: str | None
    goals_nl: str | None

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonTranslation(models.Model):
    """That a language's text was made for a revision of the Dutch source (and by whom)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    revision = models.PositiveIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson translation")
        verbose_name_plural = _("lesson translations")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson} [{self.language}] r{self.revision}"


class BlockKind(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Picture")
    AUDIO = "audio", _("Sound recording")
    VIDEO = "video", _("Video link")
    VOCABULARY = "vocabulary", _("Word list")


class Block(models.Model):
    """A piece of a lesson. ``text`` is the paragraph, or the caption of a picture, recording
    or video; a word list keeps its words in ``VocabularyEntry`` rows."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=BlockKind)
    text = models.TextField(_("text"), max_length=TEXT_LENGTH, blank=True)
    alt = models.CharField(_("description of the picture"), max_length=300, blank=True)
    image = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    video_url = models.URLField(_("video link"), blank=True)

    objects: models.Manager[Block] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    text_nl: str | None
    alt_nl: str | None

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return f"{self.lesson} #{self.position} {self.kind}"


class VocabularyEntry(models.Model):
    """A Dutch word and what it means in the reader's language."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField(default=0)
    word = models.CharField(_("Dutch word"), max_length=100)
    meaning = models.CharField(_("meaning"), max_length=300, blank=True)

    objects: models.Manager[VocabularyEntry] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    meaning_nl: str | None

    class Meta:
        verbose_name = _("word")
        verbose_name_plural = _("words")
        ordering = ["block", "position", "id"]

    def __str__(self) -> str:
        return self.word


class Question(models.Model):
    """A single-choice practice question in the lesson's bank. Practice only: the official MO
    test is taken at a central location."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=SUMMARY_LENGTH)
    image = models.ForeignKey(
        "media.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects: models.Manager[Question] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    text_nl: str | None

    class Meta:
        verbose_name = _("practice question")
        verbose_name_plural = _("practice questions")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=SUMMARY_LENGTH, blank=True)

    objects: models.Manager[Choice] = models.Manager()
    # Dutch columns added by modeltranslation (learner.lessons.translation), named in code.
    text_nl: str | None
    feedback_nl: str | None

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Recording(models.Model):
    """Recorded audio in one language: of the whole lesson, of an audio block, or of a question."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="recordings")
    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, null=True, blank=True, related_name="recordings"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="recordings"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    audio = models.ForeignKey("media.Audio", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "language"],
                condition=models.Q(block__isnull=True, question__isnull=True),
                name="one_lesson_recording_per_language",
            ),
            models.UniqueConstraint(
                fields=["block", "language"],
                condition=models.Q(block__isnull=False),
                name="one_block_recording_per_language",
            ),
            models.UniqueConstraint(
                fields=["question", "language"],
                condition=models.Q(question__isnull=False),
                name="one_question_recording_per_language",
            ),
            models.CheckConstraint(
                condition=models.Q(block__isnull=True) | models.Q(question__isnull=True),
                name="recording_of_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} [{self.language}]"
