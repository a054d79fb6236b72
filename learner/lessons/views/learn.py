"""The learner's lessons: the course list with module downloads, the lesson player, practice
and the interest survey. Progress and practice go through the offline write path."""

from __future__ import annotations

import random
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learner.lessons import forms, rules, selectors
from learner.lessons.models import Lesson, ProgressStep
from learner.lessons.presenters import LessonPage, lesson_page
from learner.lessons.services import study
from learner.profiles.models import LearnerProfile
from portal.accounts.decorators import role_required
from portal.accounts.models import Role, User
from portal.sync.services import command_apply

# A rendered lesson page weighs about this much (measured on the demo course: 12-23 KiB); added to
# the media and scripts for the size a learner sees before downloading a module. The download
# itself then reports what it really took.
PAGE_BYTES_ESTIMATE = 20 * 1024
# The scripts of the lesson pages, as the pages ask for them: their own tags (hashed names in
# production) and the modules those import by relative path (not rewritten by the manifest
# storage). A pack keeps them beside the pages, so an offline lesson still works after the app
# was updated and the worker's own caches were replaced.
PACK_SCRIPTS = ("js/lessons.js", "js/lessons-pack.js")
PACK_MODULES = ("js/outbox.js", "js/unsynced.js")


@lru_cache(maxsize=1)
def _scripts_bytes() -> int:
    total = 0
    for name in (*PACK_SCRIPTS, *PACK_MODULES):
        found = finders.find(name)
        if isinstance(found, str):
            total += Path(found).stat().st_size
    return total


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # role_required let only them in


def _profile(request: HttpRequest) -> LearnerProfile:
    profile = LearnerProfile.objects.filter(user=_user(request)).first()
    if profile is None:
        raise Http404
    return profile


def _language(request: HttpRequest) -> str:
    """The reading language: the one the person uses the app in."""
    return (get_language() or "nl").split("-")[0]


def _pages(profile: LearnerProfile, lessons: list[Lesson], language: str) -> list[LessonPage]:
    pages = []
    for lesson in lessons:
        content = selectors.lesson_content(lesson.pk, reader=profile.user)
        if content is not None:
            pages.append(lesson_page(content, language))
    return pages


@role_required(Role.LEARNER)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    courses = selectors.courses_for_learner(learner=profile)
    lesson_ids = [lesson.pk for c in courses for m in c.modules.all() for lesson in m.lessons.all()]
    progress = selectors.progress_of(user=_user(request), lesson_ids=lesson_ids)
    languages = dict(settings.LANGUAGES)
    for course in courses:
        for module in course.modules.all():
            for each in module.lessons.all():
                each.step = progress.get(each.pk, "")  # type: ignore[attr-defined]
    return render(
        request,
        "lessons/home.html",
        {
            "courses": courses,
            "studied": sum(1 for step in progress.values() if step == ProgressStep.COMPLETED),
            "lesson_count": len(lesson_ids),
            "interests": selectors.interests_of(learner=profile),
            "sessions": [
                (session, [languages.get(code, code) for code in session.interpreter_languages])
                for session in selectors.sessions_for_learner(learner=profile)
            ],
        },
    )


@role_required(Role.LEARNER)
@require_GET
def pack(request: HttpRequest, module_id: int) -> JsonResponse:
    """What downloading a module for offline study fetches, and how much it weighs."""
    profile = _profile(request)
    module = selectors.module_for_learner(learner=profile, module_id=module_id)
    if module is None:
        raise Http404
    language = _language(request)
    lessons = list(module.lessons.order_by("position", "id"))
    pages = _pages(profile, lessons, language)
    urls = [reverse("lessons:home")]
    urls += [static(name) for name in PACK_SCRIPTS]
    urls += [f"{settings.STATIC_URL}{name}" for name in PACK_MODULES]
    for page in pages:
        urls.append(reverse("lessons:lesson", args=[page.lesson.pk]))
        urls += page.media_urls()
    media_bytes = sum(page.media_bytes() for page in pages)
    return JsonResponse(
        {
            "module": module.pk,
            "cache": f"lessons-{module.pk}",
            "language": language,
            "urls": list(dict.fromkeys(urls)),
            "bytes": media_bytes + _scripts_bytes() + PAGE_BYTES_ESTIMATE * (len(pages) + 1),
        },
        headers={"Cache-Control": "private, no-cache"},
    )


@role_required(Role.LEARNER)
@require_GET
def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    found = selectors.lesson_content(lesson_id, reader=_user(request))
    if found is None:
        raise Http404
    page = lesson_page(found, _language(request))
    progress = selectors.progress_of(user=_user(request), lesson_ids=[found.pk]).get(found.pk, "")
    return _player(request, page, progress=progress, preview=False)


def _player(
    request: HttpRequest, page: LessonPage, *, progress: str, preview: bool
) -> HttpResponse:
    bank = [question.id for question in page.questions]
    drawn_ids = set(rules.practice_draw(bank, rng=random.Random()))  # noqa: S311 - practice, not security
    return render(
        request,
        "lessons/lesson.html",
        {
            "page": page,
            "progress": progress,
            "preview": preview,
            "drawn": [question for question in page.questions if question.id in drawn_ids],
            "bank": page.practice_bank(),
            "round": rules.PRACTICE_ROUND,
            "command": uuid.uuid4(),
            "done_command": uuid.uuid4(),
        },
    )


@role_required(Role.LEARNER)
@require_POST
def studied(request: HttpRequest, lesson_id: int) -> HttpResponse:
    answer = command_apply(
        user=_user(request),
        command=request.POST.get("command", ""),
        kind="lessons.progress.record",
        payload={
            "lesson": lesson_id,
            "step": ProgressStep.COMPLETED,
            "language": _language(request),
        },
    )
    if answer.status in {"applied", "duplicate"}:
        messages.success(request, _("Well done. This lesson is marked as studied."))
    else:
        messages.error(request, answer.message)
    return redirect("lessons:lesson", lesson_id=lesson_id)


@role_required(Role.LEARNER)
@require_POST
def practice(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A practice round sent without JavaScript: judged, kept, and shown with its feedback."""
    found = selectors.lesson_content(lesson_id, reader=_user(request))
    if found is None:
        raise Http404
    page = lesson_page(found, _language(request))
    asked = [q for q in page.questions if f"question-{q.id}" in request.POST.getlist("asked")]
    answers = []
    for question in asked:
        choice = request.POST.get(f"question-{question.id}", "")
        if choice.isdigit():
            answers.append([question.id, int(choice)])
    answer = command_apply(
        user=_user(request),
        command=request.POST.get("command", ""),
        kind="lessons.practice.submit",
        payload={"lesson": found.pk, "answers": answers},
    )
    if answer.status not in {"applied", "duplicate"}:
        messages.error(request, answer.message or _("Answer at least one question."))
        return redirect("lessons:lesson", lesson_id=lesson_id)
    chosen = {question: choice for question, choice in answers}
    results = [
        {
            "question": question,
            "choice": next((c for c in question.choices if c.id == chosen.get(question.id)), None),
            "right": next((c for c in question.choices if c.correct), None),
        }
        for question in asked
    ]
    return render(
        request,
        "lessons/practice_result.html",
        {
            "page": page,
            "results": results,
            "correct": sum(
                1 for q in asked for c in q.choices if c.correct and chosen.get(q.id) == c.id
            ),
            "total": len(results),
        },
    )


@role_required(Role.LEARNER)
@never_cache
@require_http_methods(["GET", "POST"])
def interests(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = forms.InterestForm(
        request.POST or None, initial={"environments": selectors.interests_of(learner=profile)}
    )
    if form.is_valid():
        study.interests_save(learner=profile, environments=form.cleaned_data["environments"])
        messages.success(request, _("Thank you. Your teacher sees what the group finds important."))
        return redirect("lessons:home")
    return render(request, "lessons/interests.html", {"form": form})
