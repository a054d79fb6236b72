"""Teachers write lessons in Dutch, translate them, preview them as a learner, publish courses,
and copy lessons from the library every agency shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learner.lessons import forms, rules, selectors
from learner.lessons.models import (
    Block,
    BlockKind,
    Choice,
    Course,
    Lesson,
    Module,
    Question,
    VocabularyEntry,
)
from learner.lessons.presenters import lesson_page, pair
from learner.lessons.services import authoring
from learner.lessons.views.learn import _player
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.media.audio import AudioRefused
from portal.media.images import ImageRefused


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


_T = TypeVar("_T")


def _attempt(form: Form, write: Callable[[], _T]) -> _T | None:
    """Run a service and return what it made; a refusal becomes the form's error instead (and
    None), so the page shows it with everything the teacher typed."""
    try:
        return write()
    except (ImageRefused, AudioRefused) as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


def _statuses(lesson: Lesson) -> list[dict[str, Any]]:
    made = {t.language: t.revision for t in lesson.translations.all()}
    return [
        {
            "code": code,
            "name": name,
            "state": rules.translation_state(
                source_revision=lesson.revision, translated_revision=made.get(code)
            ).value,
        }
        for code, name in forms.translation_languages()
    ]


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def teach(request: HttpRequest) -> HttpResponse:
    teacher = _user(request)
    form = forms.CourseForm(request.POST or None)
    if form.is_valid():
        course = _attempt(
            form, lambda: authoring.course_create(teacher=teacher, **form.cleaned_data)
        )
        if course is not None:
            return redirect("lessons:course", course_id=course.pk)
    return render(
        request,
        "lessons/teach/home.html",
        {
            "courses": selectors.courses_of_teacher(teacher=teacher),
            "groups": selectors.groups_of_teacher(teacher=teacher),
            "form": form,
        },
    )


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    teacher = _user(request)
    found = selectors.course_of_teacher(teacher=teacher, course_id=course_id)
    if found is None:
        raise Http404
    action = request.POST.get("action", "")
    course_form = forms.CourseForm(
        request.POST if action == "course" else None,
        initial={"title": found.title_nl, "summary": found.summary_nl},
    )
    module_form = forms.ModuleForm(request.POST if action == "module" else None, prefix="module")
    lesson_form = forms.LessonCreateForm(
        request.POST if action == "lesson" else None, prefix="lesson"
    )
    publish_errors: list[str] = []
    if action == "course" and course_form.is_valid():
        if _attempt(
            course_form,
            lambda: authoring.course_update(
                teacher=teacher, course=found, **course_form.cleaned_data
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("lessons:course", course_id=found.pk)
    elif action == "module" and module_form.is_valid():
        if _attempt(
            module_form,
            lambda: authoring.module_create(
                teacher=teacher, course=found, **module_form.cleaned_data
            ),
        ):
            return redirect("lessons:course", course_id=found.pk)
    elif action == "lesson" and lesson_form.is_valid():
        module = selectors.module_of_teacher(
            teacher=teacher, module_id=lesson_form.cleaned_data["module"]
        )
        if module is None or module.course_id != found.pk:
            raise Http404
        new_lesson = _attempt(
            lesson_form,
            lambda: authoring.lesson_create(
                teacher=teacher, module=module, title=lesson_form.cleaned_data["title"]
            ),
        )
        if new_lesson is not None:
            return redirect("lessons:edit", lesson_id=new_lesson.pk)
    elif action in {"publish", "unpublish"}:
        try:
            if action == "publish":
                authoring.course_publish(teacher=teacher, course=found)
                messages.success(
                    request, _("The course is published. Learners of your agency see it now.")
                )
            else:
                authoring.course_unpublish(teacher=teacher, course=found)
                messages.success(
                    request, _("The course is a draft again. Learners no longer see it.")
                )
            return redirect("lessons:course", course_id=found.pk)
        except ValidationError as exc:
            publish_errors = exc.messages
    lessons = [lesson for module in found.modules.all() for lesson in module.lessons.all()]
    for lesson in lessons:
        lesson.statuses = _statuses(lesson)  # type: ignore[attr-defined]
    covered = {value for lesson in lessons for value in lesson.values}
    return render(
        request,
        "lessons/teach/course.html",
        {
            "course": found,
            "course_form": course_form,
            "module_form": module_form,
            "lesson_form": lesson_form,
            "publish_errors": publish_errors,
            "languages": forms.translation_languages(),
            "values": [(label, value in covered) for value, label in authoring.SharedValue.choices],
        },
    )


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def course_translate(request: HttpRequest, course_id: int, language: str) -> HttpResponse:
    """The course's and modules' titles in one language (learners see them in the list)."""
    teacher = _user(request)
    found = selectors.course_of_teacher(teacher=teacher, course_id=course_id)
    if found is None or language not in dict(forms.translation_languages()):
        raise Http404
    rows: list[dict[str, Any]] = []
    parts: list[tuple[str, Course | Module]] = [("course", found)]
    parts += [("module", module) for module in found.modules.all()]
    for kind, obj in parts:
        prefix = f"{obj.title_nl} · " if kind == "module" else ""
        for name, label in (("title", _("Title")), ("summary", _("Summary"))):
            _add_row(rows, kind, obj, name, f"{prefix}{label}", language, long=name == "summary")
    errors: list[str] = []
    if request.method == "POST":
        texts = {row["key"]: request.POST.get(row["key"], "")[: row["max"]] for row in rows}
        try:
            authoring.course_translate(
                teacher=teacher, course=found, language=language, texts=texts
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("lessons:course", course_id=found.pk)
    return render(
        request,
        "lessons/teach/course_translate.html",
        {
            "course": found,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "rtl": language in settings.LANGUAGES_BIDI,
            "rows": rows,
            "errors": errors,
        },
    )


def _number(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _content(lesson: Lesson) -> Lesson:
    content = selectors.lesson_content(lesson.pk)
    if content is None:
        raise Http404
    return content


def _lesson_or_404(request: HttpRequest, lesson_id: int) -> Lesson:
    found = selectors.lesson_of_teacher(teacher=_user(request), lesson_id=lesson_id)
    if found is None:
        raise Http404
    return found


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    teacher = _user(request)
    lesson = _lesson_or_404(request, lesson_id)
    action = request.POST.get("action", "")
    files = request.FILES or None
    lesson_form = forms.LessonForm(
        request.POST if action == "lesson" else None,
        files if action == "lesson" else None,
        initial={
            "title": lesson.title_nl,
            "summary": lesson.summary_nl,
            "goals": lesson.goals_nl,
            "values": lesson.values,
            "environments": lesson.environments,
            "target_groups": lesson.target_groups,
        },
    )
    block_form = forms.BlockForm(
        request.POST if action == "block" else None,
        files if action == "block" else None,
        prefix="block",
    )
    question_form = forms.QuestionForm(
        request.POST if action == "question" else None,
        files if action == "question" else None,
        prefix="question",
    )
    if action == "lesson" and lesson_form.is_valid():
        if _attempt(
            lesson_form,
            lambda: authoring.lesson_update(
                teacher=teacher, lesson=lesson, **lesson_form.cleaned_data
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("lessons:edit", lesson_id=lesson.pk)
    elif action == "block" and block_form.is_valid():
        if _attempt(
            block_form,
            lambda: authoring.block_add(teacher=teacher, lesson=lesson, **block_form.cleaned_data),
        ):
            messages.success(request, _("The block is added."))
            return redirect(f"{request.path}#blocks-h")
    elif action == "question" and question_form.is_valid():
        data = question_form.cleaned_data
        if _attempt(
            question_form,
            lambda: authoring.question_add(
                teacher=teacher,
                lesson=lesson,
                text=data["text"],
                answers=question_form.answers(),
                image=data["image"],
            ),
        ):
            messages.success(request, _("The question is added."))
            return redirect(f"{request.path}#questions-h")
    elif action in {"up", "down", "delete-block"}:
        block = Block.objects.filter(lesson=lesson, pk=_number(request, "block")).first()
        if block is None:
            raise Http404
        if action == "delete-block":
            authoring.block_delete(teacher=teacher, block=block)
        else:
            authoring.block_move(teacher=teacher, block=block, offset=-1 if action == "up" else 1)
        return redirect(f"{request.path}#blocks-h")
    elif action == "edit-block":
        block = Block.objects.filter(lesson=lesson, pk=_number(request, "block")).first()
        if block is None:
            raise Http404
        try:
            authoring.block_update(
                teacher=teacher,
                block=block,
                text=request.POST.get("text", "")[:3000],
                alt=request.POST.get("alt", block.alt_nl or "")[:300],
                video_url=request.POST.get("video_url", block.video_url),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect(f"{request.path}#blocks-h")
    elif action == "delete-question":
        question = Question.objects.filter(lesson=lesson, pk=_number(request, "question")).first()
        if question is None:
            raise Http404
        try:
            authoring.question_delete(teacher=teacher, question=question)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{request.path}#questions-h")
    content = _content(lesson)
    return render(
        request,
        "lessons/teach/edit.html",
        {
            "lesson": lesson,
            "page": lesson_page(content, "nl"),
            "lesson_form": lesson_form,
            "block_form": block_form,
            "question_form": question_form,
            "statuses": _statuses(content),
            "kinds": BlockKind,
            "round": rules.PRACTICE_ROUND,
            "preview_languages": [(code, str(name)) for code, name in settings.LANGUAGES],
        },
    )


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def translate(request: HttpRequest, lesson_id: int, language: str) -> HttpResponse:
    """Every text of the lesson in one form, the Dutch source beside each field, and the
    recordings in that language."""
    teacher = _user(request)
    if language not in dict(forms.translation_languages()):
        raise Http404
    lesson = _lesson_or_404(request, lesson_id)
    content = _content(lesson)
    rows = _translation_rows(content, language)
    recording_form = forms.RecordingForm(
        request.POST if request.POST.get("action") == "recording" else None,
        request.FILES or None,
        prefix="recording",
    )
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "texts":
        texts = {row["key"]: request.POST.get(row["key"], "")[: row["max"]] for row in rows}
        try:
            authoring.lesson_translate(
                teacher=teacher, lesson=lesson, language=language, texts=texts
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("lessons:translate", lesson_id=lesson.pk, language=language)
    elif recording_form.is_valid():
        kind, _sep, pk = recording_form.cleaned_data["target"].partition(".")
        block = content.blocks.filter(pk=pk).first() if kind == "block" else None
        question = content.questions.filter(pk=pk).first() if kind == "question" else None
        if kind not in {"lesson", "block", "question"} or (
            kind != "lesson" and not (block or question)
        ):
            raise Http404
        if _attempt(
            recording_form,
            lambda: authoring.recording_attach(
                teacher=teacher,
                lesson=lesson,
                language=language,
                upload=recording_form.cleaned_data["audio"],
                block=block,
                question=question,
            ),
        ):
            messages.success(request, _("The recording is saved."))
            return redirect("lessons:translate", lesson_id=lesson.pk, language=language)
    page = lesson_page(content, language)
    return render(
        request,
        "lessons/teach/translate.html",
        {
            "lesson": lesson,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "rtl": page.rtl,
            "rows": rows,
            "errors": errors,
            "recording_form": recording_form,
            "recording_targets": _recording_targets(page),
            "statuses": _statuses(content),
        },
    )


def _add_row(
    rows: list[dict[str, Any]],
    kind: str,
    obj: Any,
    field: str,
    label: str,
    language: str,
    *,
    long: bool = False,
) -> None:
    """One text to translate: its key for the translate services, the Dutch, the current text."""
    source = getattr(obj, f"{field}_nl") or ""
    if not source:
        return
    rows.append(
        {
            "key": f"{kind}.{obj.pk}.{field}",
            "label": label,
            "dutch": source,
            "value": getattr(obj, f"{field}_{language}") or "",
            "long": long or len(source) > 120,
            "max": getattr(obj._meta.get_field(field), "max_length", None) or 3000,
        }
    )


def _translation_rows(lesson: Lesson, language: str) -> list[dict[str, Any]]:
    """One row per translatable text: its key for ``lesson_translate``, Dutch and current text."""
    rows: list[dict[str, Any]] = []

    def add(kind: str, obj: Any, field: str, label: str, long: bool = False) -> None:
        _add_row(rows, kind, obj, field, label, language, long=long)

    add("lesson", lesson, "title", _("Title"))
    add("lesson", lesson, "summary", _("Short text"), long=True)
    add("lesson", lesson, "goals", _("Learning goals"), long=True)
    for number, block in enumerate(lesson.blocks.all(), start=1):
        label = _("Block %(n)s") % {"n": number}
        add("block", block, "text", label, long=block.kind == BlockKind.TEXT)
        add("block", block, "alt", _("%(block)s: description of the picture") % {"block": label})
        entry: VocabularyEntry
        for entry in block.entries.all():
            add("entry", entry, "meaning", f"{label}: {entry.word}")
    for number, question in enumerate(lesson.questions.all(), start=1):
        label = _("Question %(n)s") % {"n": number}
        add("question", question, "text", label)
        choice: Choice
        for letter, choice in zip("abcde", question.choices.all(), strict=False):
            add("choice", choice, "text", f"{label} {letter}")
            add(
                "choice",
                choice,
                "feedback",
                _("%(answer)s: feedback") % {"answer": f"{label} {letter}"},
            )
    return rows


def _recording_targets(page: Any) -> list[dict[str, Any]]:
    targets = [{"key": "lesson", "label": _("The whole lesson, read aloud"), "audio": page.audio}]
    for number, block in enumerate(page.blocks, start=1):
        if block.kind == BlockKind.AUDIO:
            targets.append(
                {
                    "key": f"block.{block.id}",
                    "label": _("Block %(n)s") % {"n": number},
                    "audio": block.audio,
                }
            )
    for number, question in enumerate(page.questions, start=1):
        targets.append(
            {
                "key": f"question.{question.id}",
                "label": _("Question %(n)s") % {"n": number},
                "audio": question.audio,
            }
        )
    return targets


@role_required(Role.TEACHER)
@require_http_methods(["GET"])
def preview(request: HttpRequest, lesson_id: int, language: str) -> HttpResponse:
    """The lesson as a learner reading ``language`` sees it; nothing is recorded."""
    lesson = _lesson_or_404(request, lesson_id)
    if language not in dict(settings.LANGUAGES):
        raise Http404
    return _player(request, lesson_page(_content(lesson), language), progress="", preview=True)


@role_required(Role.TEACHER)
@require_http_methods(["GET", "POST"])
def library(request: HttpRequest) -> HttpResponse:
    teacher = _user(request)
    if request.method == "POST":
        source = next(
            (
                lesson
                for lesson in selectors.library(teacher=teacher)
                if str(lesson.pk) == request.POST.get("lesson")
            ),
            None,
        )
        module = selectors.module_of_teacher(
            teacher=teacher, module_id=int(request.POST.get("module") or 0)
        )
        if source is None or module is None:
            messages.error(request, _("Choose a lesson and one of your modules."))
            return redirect("lessons:library")
        copy = authoring.lesson_copy(teacher=teacher, lesson=source, module=module)
        messages.success(
            request, _("The lesson is copied into your course. You can change it there.")
        )
        return redirect("lessons:edit", lesson_id=copy.pk)
    value = request.GET.get("value", "")
    environment = request.GET.get("environment", "")
    query = request.GET.get("q", "").strip()[:100]
    lessons = selectors.library(teacher=teacher, value=value, environment=environment, query=query)
    page = Paginator(lessons, 20).get_page(request.GET.get("page"))
    modules = [
        (module.pk, f"{course.title_nl} · {module.title_nl}")
        for course in selectors.courses_of_teacher(teacher=teacher).prefetch_related("modules")
        for module in course.modules.all()
    ]
    return render(
        request,
        "lessons/teach/library.html",
        {
            "page_obj": page,
            "lessons": [(lesson, pair(lesson, "title", "nl")) for lesson in page],
            "modules": modules,
            "value": value,
            "environment": environment,
            "query": query,
            "pager_query": "".join(
                f"{name}={quote(v)}&"
                for name, v in (("q", query), ("value", value), ("environment", environment))
                if v
            ),
            "values": authoring.SharedValue.choices,
            "environments": authoring.LearningEnvironment.choices,
        },
    )
