"""Teachers write and translate lessons, publish courses and copy from the shared library.

Dutch is the source. Every service that changes Dutch text bumps the lesson's ``revision``, so
translations made before show as outdated; a translation records the revision it was made for.
Services check that the teacher owns the course (fail closed) and lock the lesson they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learner.lessons import rules
from learner.lessons.models import (
    Block,
    BlockKind,
    Choice,
    Course,
    CourseStatus,
    LearningEnvironment,
    Lesson,
    LessonTranslation,
    Module,
    Question,
    Recording,
    SharedValue,
    TargetGroup,
    VocabularyEntry,
)
from portal.accounts.models import Role, User
from portal.events.services import event_record
from portal.media.models import Image
from portal.media.services import audio_store, image_store

SOURCE_LANGUAGE = "nl"
_T = TypeVar("_T", Lesson, Block, VocabularyEntry, Question, Choice, Recording)


def _owned(teacher: User, course: Course) -> None:
    if teacher.role != Role.TEACHER or course.owner_id != teacher.pk:
        raise PermissionDenied


def _locked(lesson: Lesson) -> Lesson:
    return Lesson.objects.select_for_update().select_related("module__course").get(pk=lesson.pk)


def _source_changed(lesson: Lesson, teacher: User) -> None:
    """The Dutch text changed: a new revision, which the Dutch 'translation' is made for."""
    Lesson.objects.filter(pk=lesson.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    lesson.refresh_from_db(fields=["revision", "updated_at"])
    LessonTranslation.objects.update_or_create(
        lesson=lesson,
        language=SOURCE_LANGUAGE,
        defaults={"revision": lesson.revision, "updated_by": teacher},
    )


def _next_position(queryset: QuerySet[Any]) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _choices(
    values: list[str], allowed: type[SharedValue | LearningEnvironment | TargetGroup]
) -> list[str]:
    known = set(allowed.values)
    unknown = [value for value in values if value not in known]
    if unknown:
        raise ValidationError(_("Unknown choice: %(value)s") % {"value": ", ".join(unknown)})
    # Keep the vocabulary's order, so lists compare and read the same everywhere.
    return [value for value in allowed.values if value in set(values)]


@transaction.atomic
def course_create(*, teacher: User, title: str, summary: str = "") -> Course:
    if teacher.role != Role.TEACHER or teacher.agency_id is None:
        raise PermissionDenied
    course = Course(agency_id=teacher.agency_id, owner=teacher, title_nl=title, summary_nl=summary)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_update(*, teacher: User, course: Course, title: str, summary: str) -> Course:
    _owned(teacher, course)
    course.title_nl = title
    course.summary_nl = summary
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def module_create(*, teacher: User, course: Course, title: str, summary: str = "") -> Module:
    _owned(teacher, course)
    module = Module(
        course=course,
        position=_next_position(course.modules.all()),
        title_nl=title,
        summary_nl=summary,
    )
    module.full_clean()
    module.save()
    return module


@transaction.atomic
def lesson_create(*, teacher: User, module: Module, title: str) -> Lesson:
    _owned(teacher, module.course)
    lesson = Lesson(module=module, position=_next_position(module.lessons.all()), title_nl=title)
    lesson.full_clean()
    lesson.save()
    LessonTranslation.objects.create(
        lesson=lesson, language=SOURCE_LANGUAGE, revision=lesson.revision, updated_by=teacher
    )
    return lesson


@transaction.atomic
def lesson_update(
    *,
    teacher: User,
    lesson: Lesson,
    title: str,
    summary: str,
    goals: str,
    values: list[str],
    environments: list[str],
    target_groups: list[str],
    cover: UploadedFile | None = None,
) -> Lesson:
    """The lesson's Dutch text and its labels. A new picture replaces the cover."""
    _owned(teacher, lesson.module.course)
    lesson = _locked(lesson)
    text_before = (lesson.title_nl, lesson.summary_nl, lesson.goals_nl)
    lesson.title_nl, lesson.summary_nl, lesson.goals_nl = title, summary, goals
    lesson.values = _choices(values, SharedValue)
    lesson.environments = _choices(environments, LearningEnvironment)
    lesson.target_groups = _choices(target_groups, TargetGroup)
    if cover is not None:
        lesson.cover = image_store(upload=cover, owner=teacher)
    lesson.full_clean()
    lesson.save()
    if (title, summary, goals) != text_before:
        _source_changed(lesson, teacher)
    return lesson


@transaction.atomic
def lesson_cover_set(*, teacher: User, lesson: Lesson, image: Image) -> Lesson:
    """Use a picture already stored (e.g. one of the lesson's blocks) as the cover."""
    _owned(teacher, lesson.module.course)
    lesson = _locked(lesson)
    lesson.cover = image
    lesson.save(update_fields=["cover", "updated_at"])
    return lesson


@dataclass(frozen=True)
class Word:
    word: str
    meaning: str


@transaction.atomic
def block_add(
    *,
    teacher: User,
    lesson: Lesson,
    kind: str,
    text: str = "",
    alt: str = "",
    video_url: str = "",
    image: UploadedFile | None = None,
    audio: UploadedFile | None = None,
    words: list[Word] | None = None,
) -> Block:
    """Add a block at the end, in Dutch. A picture or recording is checked by content first;
    a refused upload raises ``ImageRefused``/``AudioRefused`` and nothing is added."""
    _owned(teacher, lesson.module.course)
    lesson = _locked(lesson)
    block = Block(
        lesson=lesson,
        position=_next_position(lesson.blocks.all()),
        kind=kind,
        text_nl=text,
        alt_nl=alt,
        video_url=video_url,
    )
    if kind == BlockKind.IMAGE:
        if image is None:
            raise ValidationError({"image": _("Choose a picture.")})
        if not alt.strip():
            raise ValidationError({"alt": _("Describe the picture for people who cannot see it.")})
        block.image = image_store(upload=image, owner=teacher)
    elif kind == BlockKind.AUDIO and audio is None:
        raise ValidationError({"audio": _("Choose or record a sound file.")})
    elif kind == BlockKind.VIDEO and not video_url:
        raise ValidationError({"video_url": _("Give the link to the video.")})
    elif kind == BlockKind.TEXT and not text.strip():
        raise ValidationError({"text": _("Write the text of this block.")})
    elif kind == BlockKind.VOCABULARY and not words:
        raise ValidationError({"words": _("Add at least one word.")})
    block.full_clean()
    block.save()
    if kind == BlockKind.AUDIO and audio is not None:
        recording_attach(
            teacher=teacher, lesson=lesson, language=SOURCE_LANGUAGE, upload=audio, block=block
        )
    for position, word in enumerate(words or []):
        entry = VocabularyEntry(
            block=block, position=position, word=word.word, meaning_nl=word.meaning
        )
        entry.full_clean()
        entry.save()
    _source_changed(lesson, teacher)
    return block


@transaction.atomic
def block_update(
    *, teacher: User, block: Block, text: str, alt: str = "", video_url: str = ""
) -> Block:
    """Change a block's Dutch text (and the description of its picture or its video link)."""
    _owned(teacher, block.lesson.module.course)
    _locked(block.lesson)
    if (block.text_nl, block.alt_nl, block.video_url) == (text, alt, video_url):
        return block
    if block.kind == BlockKind.TEXT and not text.strip():
        raise ValidationError({"text": _("Write the text of this block.")})
    if block.kind == BlockKind.IMAGE and not alt.strip():
        raise ValidationError({"alt": _("Describe the picture for people who cannot see it.")})
    if block.kind == BlockKind.VIDEO and not video_url:
        raise ValidationError({"video_url": _("Give the link to the video.")})
    block.text_nl, block.alt_nl, block.video_url = text, alt, video_url
    block.full_clean()
    block.save()
    _source_changed(block.lesson, teacher)
    return block


@transaction.atomic
def block_move(*, teacher: User, block: Block, offset: int) -> None:
    """Swap the block with its neighbour above (-1) or below (+1)."""
    _owned(teacher, block.lesson.module.course)
    lesson = _locked(block.lesson)
    blocks = list(lesson.blocks.order_by("position", "id"))
    index = next(i for i, candidate in enumerate(blocks) if candidate.pk == block.pk)
    target = index + offset
    if not 0 <= target < len(blocks):
        return
    blocks[index], blocks[target] = blocks[target], blocks[index]
    for position, each in enumerate(blocks):
        if each.position != position:
            Block.objects.filter(pk=each.pk).update(position=position)


@transaction.atomic
def block_delete(*, teacher: User, block: Block) -> None:
    _owned(teacher, block.lesson.module.course)
    lesson = _locked(block.lesson)
    block.delete()
    _source_changed(lesson, teacher)


@dataclass(frozen=True)
class Answer:
    text: str
    correct: bool
    feedback: str = ""


@transaction.atomic
def question_add(
    *,
    teacher: User,
    lesson: Lesson,
    text: str,
    answers: list[Answer],
    image: UploadedFile | None = None,
) -> Question:
    """A single-choice question: two to five answers, exactly one of them correct."""
    _owned(teacher, lesson.module.course)
    lesson = _locked(lesson)
    answers = [answer for answer in answers if answer.text.strip()]
    if not 2 <= len(answers) <= 5:
        raise ValidationError(_("Give between two and five answers."))
    if sum(answer.correct for answer in answers) != 1:
        raise ValidationError(_("Mark exactly one answer as the correct one."))
    question = Question(
        lesson=lesson, position=_next_position(lesson.questions.all()), text_nl=text
    )
    if image is not None:
        question.image = image_store(upload=image, owner=teacher)
    question.full_clean()
    question.save()
    for position, answer in enumerate(answers):
        choice = Choice(
            question=question,
            position=position,
            text_nl=answer.text,
            correct=answer.correct,
            feedback_nl=answer.feedback,
        )
        choice.full_clean()
        choice.save()
    _source_changed(lesson, teacher)
    return question


@transaction.atomic
def question_delete(*, teacher: User, question: Question) -> None:
    _owned(teacher, question.lesson.module.course)
    lesson = _locked(question.lesson)
    if lesson.attempts.exists():
        # Past attempts keep pointing at it; the bank stops offering it instead.
        raise ValidationError(_("Learners have answered this question; it cannot be deleted."))
    question.delete()
    _source_changed(lesson, teacher)


# What a translation form may set, per model: the translated fields of modeltranslation.
TRANSLATABLE = {
    "lesson": (Lesson, ("title", "summary", "goals")),
    "block": (Block, ("text", "alt")),
    "entry": (VocabularyEntry, ("meaning",)),
    "question": (Question, ("text",)),
    "choice": (Choice, ("text", "feedback")),
}


def _text_key(
    key: str, owned: dict[str, set[int]], fields: dict[str, tuple[str, ...]]
) -> tuple[str, int, str]:
    """``"block.12.text"`` → ``("block", 12, "text")``, if that object is one of ``owned`` and
    the field may be translated; anything else is refused, never ignored."""
    kind, _sep, rest = key.partition(".")
    pk_text, _sep, field = rest.partition(".")
    if not pk_text.isdigit() or int(pk_text) not in owned.get(kind, set()):
        raise ValidationError(_("Something in this form is not part of the lesson."))
    if field not in fields.get(kind, ()):
        raise ValidationError(_("Something in this form is not part of the lesson."))
    return kind, int(pk_text), field


@transaction.atomic
def lesson_translate(
    *, teacher: User, lesson: Lesson, language: str, texts: dict[str, str]
) -> Lesson:
    """Set the lesson's text in ``language`` from ``{"block.12.text": "…"}`` keys and mark it
    made for the current Dutch revision. Keys of other lessons are refused, not ignored."""
    _owned(teacher, lesson.module.course)
    if language == SOURCE_LANGUAGE or language not in dict(_languages()):
        raise ValidationError(_("Choose a language to translate into."))
    lesson = _locked(lesson)
    owned_ids = {
        "lesson": {lesson.pk},
        "block": set(lesson.blocks.values_list("pk", flat=True)),
        "entry": set(
            VocabularyEntry.objects.filter(block__lesson=lesson).values_list("pk", flat=True)
        ),
        "question": set(lesson.questions.values_list("pk", flat=True)),
        "choice": set(Choice.objects.filter(question__lesson=lesson).values_list("pk", flat=True)),
    }
    updates: dict[tuple[str, int], dict[str, str]] = {}
    for key, value in texts.items():
        kind, pk, field = _text_key(key, owned_ids, {k: v[1] for k, v in TRANSLATABLE.items()})
        updates.setdefault((kind, pk), {})[f"{field}_{language}"] = value.strip()
    for (kind, pk), fields in updates.items():
        model = TRANSLATABLE[kind][0]
        model.objects.filter(pk=pk).update(**fields)  # type: ignore[attr-defined]
    LessonTranslation.objects.update_or_create(
        lesson=lesson,
        language=language,
        defaults={"revision": lesson.revision, "updated_by": teacher},
    )
    return lesson


@transaction.atomic
def course_translate(
    *, teacher: User, course: Course, language: str, texts: dict[str, str]
) -> Course:
    """The course's and its modules' titles and summaries in ``language``
    (keys ``course.<id>.title``, ``module.<id>.summary``…)."""
    _owned(teacher, course)
    if language == SOURCE_LANGUAGE or language not in dict(_languages()):
        raise ValidationError(_("Choose a language to translate into."))
    owned = {"course": {course.pk}, "module": set(course.modules.values_list("pk", flat=True))}
    for key, value in texts.items():
        kind, pk, field = _text_key(key, owned, dict.fromkeys(owned, ("title", "summary")))
        changes = {f"{field}_{language}": value.strip()}
        if kind == "course":
            Course.objects.filter(pk=pk).update(**changes)
        else:
            Module.objects.filter(pk=pk).update(**changes)
    return course


def _languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


@transaction.atomic
def recording_attach(
    *,
    teacher: User,
    lesson: Lesson,
    language: str,
    upload: UploadedFile,
    block: Block | None = None,
    question: Question | None = None,
) -> Recording:
    """Keep a recording in ``language`` of the lesson (or of one block or question), replacing
    the one before. Checked by content; a refusal raises ``AudioRefused``."""
    _owned(teacher, lesson.module.course)
    if language not in dict(_languages()):
        raise ValidationError(_("Choose a language to translate into."))
    if (block and block.lesson_id != lesson.pk) or (question and question.lesson_id != lesson.pk):
        raise PermissionDenied
    audio = audio_store(upload=upload, owner=teacher)
    Recording.objects.filter(
        lesson=lesson, block=block, question=question, language=language
    ).delete()
    return Recording.objects.create(
        lesson=lesson,
        block=block,
        question=question,
        language=language,
        audio=audio,
        created_by=teacher,
    )


@transaction.atomic
def course_publish(*, teacher: User, course: Course) -> Course:
    """Publish once the lessons cover all seven shared values; the refusal names what is missing."""
    _owned(teacher, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    lessons = list(Lesson.objects.filter(module__course=course).values_list("values", flat=True))
    if not lessons:
        raise ValidationError(_("Add at least one lesson before publishing."))
    missing = rules.values_missing(lessons, SharedValue.values)
    if missing:
        labels = ", ".join(str(SharedValue(value).label) for value in missing)
        raise ValidationError(
            ngettext(
                "No lesson covers this shared value yet: %(values)s.",
                "No lesson covers these shared values yet: %(values)s.",
                len(missing),
            )
            % {"values": labels}
        )
    course.status = CourseStatus.PUBLISHED
    course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    event_record(
        code="lessons.course.published",
        actor=teacher,
        agency=course.agency,
        payload={"course": course.pk, "lessons": len(lessons)},
    )
    return course


@transaction.atomic
def course_unpublish(*, teacher: User, course: Course) -> Course:
    _owned(teacher, course)
    course.status = CourseStatus.DRAFT
    course.published_at = None
    course.save(update_fields=["status", "published_at", "updated_at"])
    return course


@transaction.atomic
def lesson_copy(*, teacher: User, lesson: Lesson, module: Module) -> Lesson:
    """Copy a library lesson (any agency's published course, or the teacher's own) into one of
    the teacher's modules, with every translation and recording. Pictures and recordings are
    shared, not duplicated: an upload never changes after it is stored."""
    _owned(teacher, module.course)
    source_course = Course.objects.get(pk=lesson.module.course_id)  # as it is now, not as cached
    if source_course.status != CourseStatus.PUBLISHED and source_course.owner_id != teacher.pk:
        raise PermissionDenied
    source = Lesson.objects.prefetch_related(
        "blocks__entries",
        "blocks__recordings",
        "questions__choices",
        "questions__recordings",
        "recordings",
        "translations",
    ).get(pk=lesson.pk)
    copy = _clone(
        source, module=module, position=_next_position(module.lessons.all()), copied_from=source
    )
    for translation in source.translations.all():
        LessonTranslation.objects.create(
            lesson=copy,
            language=translation.language,
            revision=translation.revision,
            updated_by=teacher,
        )
    for recording in source.recordings.all():
        if recording.block_id is None and recording.question_id is None:
            _clone(recording, lesson=copy, created_by=teacher)
    for block in source.blocks.all():
        new_block = _clone(block, lesson=copy)
        for entry in block.entries.all():
            _clone(entry, block=new_block)
        for recording in block.recordings.all():
            _clone(recording, lesson=copy, block=new_block, created_by=teacher)
    for question in source.questions.all():
        new_question = _clone(question, lesson=copy)
        for choice in question.choices.all():
            _clone(choice, question=new_question)
        for recording in question.recordings.all():
            _clone(recording, lesson=copy, question=new_question, created_by=teacher)
    return copy


def _clone(original: _T, **changes: object) -> _T:
    fields = {
        field.attname: getattr(original, field.attname)
        for field in original._meta.concrete_fields
        if not field.primary_key and field.attname not in {"created_at", "updated_at"}
    }
    for name, value in changes.items():
        fields.pop(f"{name}_id", None)
        fields[name] = value
    return type(original).objects.create(**fields)
