from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "learner.participation"
    label = "participation"
    verbose_name = _("Participation (pillar 4)")

    def ready(self) -> None:
        # The offline write path learns the commands of this app.
        from learner.participation import commands  # noqa: F401
