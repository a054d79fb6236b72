from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "learner.lessons"
    label = "lessons"
    verbose_name = _("Blended MO lessons")

    def ready(self) -> None:
        # The offline write path learns the commands of this app.
        from learner.lessons import commands  # noqa: F401
