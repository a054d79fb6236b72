"""Forms of the lesson screens. Dutch is what teachers write here; translation has its own form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from learner.lessons.models import (
    BlockKind,
    Course,
    LearningEnvironment,
    SharedValue,
    TargetGroup,
)
from learner.lessons.models.content import SUMMARY_LENGTH, TEXT_LENGTH, TITLE_LENGTH
from learner.lessons.services.authoring import Answer, Word

# What a recording or picture input accepts; the server checks the content anyway.
AUDIO_ACCEPT = "audio/*"
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
ANSWERS = 3


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModuleForm(CourseForm):
    pass


class LessonCreateForm(forms.Form):
    module = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title of the new lesson"), max_length=TITLE_LENGTH)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_LENGTH)
    summary = forms.CharField(
        label=_("Short text in plain language"),
        max_length=SUMMARY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goals = forms.CharField(
        label=_("Learning goals"),
        max_length=SUMMARY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    values = forms.MultipleChoiceField(
        label=_("Shared values"),
        choices=SharedValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    environments = forms.MultipleChoiceField(
        label=_("Learning environments"),
        choices=LearningEnvironment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cover = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class BlockForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of block"), choices=BlockKind.choices)
    text = forms.CharField(
        label=_("Text, or the caption"),
        max_length=TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    alt = forms.CharField(label=_("Description of the picture"), max_length=300, required=False)
    image = forms.FileField(
        label=_("Picture"), required=False, widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT})
    )
    audio = forms.FileField(
        label=_("Sound file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": AUDIO_ACCEPT}),
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    words = forms.CharField(
        label=_("Words, one per line: Dutch word = meaning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_words(self) -> list[Word]:
        words = []
        for number, line in enumerate(self.cleaned_data["words"].splitlines(), start=1):
            if not line.strip():
                continue
            word, sep, meaning = line.partition("=")
            if not sep or not word.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: write the word, an equals sign, then the meaning."),
                    params={"number": number},
                )
            words.append(Word(word=word.strip()[:100], meaning=meaning.strip()[:300]))
        return words


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=SUMMARY_LENGTH)
    image = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    correct = forms.TypedChoiceField(
        label=_("Correct answer"),
        coerce=int,
        choices=[(n, _("Answer %(n)s") % {"n": n}) for n in range(1, ANSWERS + 1)],
        widget=forms.RadioSelect,
        initial=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ANSWERS + 1):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": n}, max_length=300, required=n <= 2
            )
            self.fields[f"feedback_{n}"] = forms.CharField(
                label=_("Feedback on answer %(n)s") % {"n": n},
                max_length=SUMMARY_LENGTH,
                required=False,
            )

    def answers(self) -> list[Answer]:
        data = self.cleaned_data
        return [
            Answer(
                text=data.get(f"answer_{n}") or "",
                correct=data["correct"] == n,
                feedback=data.get(f"feedback_{n}") or "",
            )
            for n in range(1, ANSWERS + 1)
        ]


class RecordingForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    audio = forms.FileField(
        label=_("Sound file"), widget=forms.FileInput(attrs={"accept": AUDIO_ACCEPT})
    )


def translation_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != "nl"]


class InterestForm(forms.Form):
    environments = forms.MultipleChoiceField(
        label=_("What do you want to learn most about?"),
        choices=LearningEnvironment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=120)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())

    def __init__(self, *args: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    dossier_number = forms.CharField(label=_("Dossier number"), max_length=40)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    interpreter_languages = forms.MultipleChoiceField(
        label=_("Interpreter for"),
        choices=translation_languages,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
