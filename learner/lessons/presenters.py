"""What a lesson page shows in one reading language, with the Dutch beside it.

Templates read these objects, never ``title_ar``-style fields: the choice of language (and the
Dutch fallback when a text is not translated yet) is made here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from learner.lessons.models import Block, Lesson, Question, Recording
from portal.media.models import Audio, Image

SOURCE = "nl"


@dataclass(frozen=True)
class Pair:
    """A text in the reader's language and in Dutch. ``own`` falls back to the Dutch."""

    own: str
    dutch: str
    translated: bool

    @property
    def differs(self) -> bool:
        return self.translated and self.own != self.dutch


def pair(obj: Any, name: str, language: str) -> Pair:
    dutch = getattr(obj, f"{name}_{SOURCE}") or ""
    if language == SOURCE:
        return Pair(dutch, dutch, True)
    own = getattr(obj, f"{name}_{language}", "") or ""
    return Pair(own or dutch, dutch, bool(own))


def _recordings(
    recordings: list[Recording],
    language: str,
    *,
    block: int | None = None,
    question: int | None = None,
) -> tuple[Audio | None, Audio | None]:
    """The recording in the reader's language and the Dutch one, of the lesson or one part."""
    by_language = {
        recording.language: recording.audio
        for recording in recordings
        if (recording.block_id, recording.question_id) == (block, question)
    }
    return by_language.get(language), by_language.get(SOURCE) if language != SOURCE else None


@dataclass
class ChoiceView:
    id: int
    text: Pair
    correct: bool
    feedback: Pair


@dataclass
class QuestionView:
    id: int
    text: Pair
    image: Image | None
    audio: Audio | None
    choices: list[ChoiceView]


@dataclass
class BlockView:
    id: int
    kind: str
    text: Pair
    alt: Pair
    image: Image | None
    video_url: str
    words: list[tuple[str, Pair]]
    audio: Audio | None
    audio_dutch: Audio | None


@dataclass
class LessonPage:
    lesson: Lesson
    language: str
    rtl: bool
    title: Pair
    summary: Pair
    goals: Pair
    audio: Audio | None
    audio_dutch: Audio | None
    blocks: list[BlockView] = field(default_factory=list)
    questions: list[QuestionView] = field(default_factory=list)

    @property
    def beside(self) -> bool:
        """Whether there is Dutch to show beside the reader's language."""
        return self.language != SOURCE

    def media_urls(self) -> list[str]:
        """What a downloaded pack keeps for this page: one WebP width per picture (the phone
        asks for it; the worker answers other widths from it) and the recordings shown."""
        urls: list[str] = []
        images = (
            [self.lesson.cover]
            + [block.image for block in self.blocks]
            + [question.image for question in self.questions]
        )
        for image in images:
            if image is not None:
                urls.append(image.pack_url())
        audios = [self.audio, self.audio_dutch]
        for block in self.blocks:
            audios += [block.audio, block.audio_dutch]
        audios += [question.audio for question in self.questions]
        urls += [audio.url for audio in audios if audio is not None]
        return list(dict.fromkeys(urls))

    def media_bytes(self) -> int:
        """What ``media_urls`` weighs (a picture used twice, e.g. as cover, counts once)."""
        images = {self.lesson.cover, *(block.image for block in self.blocks)}
        images |= {question.image for question in self.questions}
        audios = {self.audio, self.audio_dutch}
        for block in self.blocks:
            audios |= {block.audio, block.audio_dutch}
        audios |= {question.audio for question in self.questions}
        return sum(image.pack_bytes() for image in images if image is not None) + sum(
            audio.bytes for audio in audios if audio is not None
        )

    def practice_bank(self) -> list[dict[str, Any]]:
        """The question bank for the phone, which draws each round from it (also offline)."""
        return [
            {
                "id": question.id,
                "text": question.text.own,
                "dutch": question.text.dutch if self.beside else "",
                "image": question.image.pack_url() if question.image else "",
                "audio": question.audio.url if question.audio else "",
                "choices": [
                    {
                        "id": choice.id,
                        "text": choice.text.own,
                        "correct": choice.correct,
                        "feedback": choice.feedback.own,
                    }
                    for choice in question.choices
                ],
            }
            for question in self.questions
        ]


def lesson_page(lesson: Lesson, language: str) -> LessonPage:
    """``lesson`` from ``selectors.lesson_content`` (everything prefetched: no queries here)."""
    if language not in dict(settings.LANGUAGES):
        language = SOURCE
    recordings: list[Recording] = getattr(lesson, "all_recordings", [])
    own_audio, dutch_audio = _recordings(recordings, language)
    page = LessonPage(
        lesson=lesson,
        language=language,
        rtl=language in settings.LANGUAGES_BIDI,
        title=pair(lesson, "title", language),
        summary=pair(lesson, "summary", language),
        goals=pair(lesson, "goals", language),
        audio=own_audio,
        audio_dutch=dutch_audio,
    )
    page.blocks = [_block(block, language, recordings) for block in lesson.blocks.all()]
    page.questions = [
        _question(question, language, recordings) for question in lesson.questions.all()
    ]
    return page


def _block(block: Block, language: str, recordings: list[Recording]) -> BlockView:
    own, dutch = _recordings(recordings, language, block=block.pk)
    return BlockView(
        id=block.pk,
        kind=block.kind,
        text=pair(block, "text", language),
        alt=pair(block, "alt", language),
        image=block.image,
        video_url=block.video_url,
        words=[(entry.word, pair(entry, "meaning", language)) for entry in block.entries.all()],
        audio=own,
        audio_dutch=dutch,
    )


def _question(question: Question, language: str, recordings: list[Recording]) -> QuestionView:
    # The question read in the learner's language; a Dutch recording only if there is no other.
    own, dutch = _recordings(recordings, language, question=question.pk)
    return QuestionView(
        id=question.pk,
        text=pair(question, "text", language),
        image=question.image,
        audio=own or dutch,
        choices=[
            ChoiceView(
                id=choice.pk,
                text=pair(choice, "text", language),
                correct=choice.correct,
                feedback=pair(choice, "feedback", language),
            )
            for choice in question.choices.all()
        ],
    )
