from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "learner.plan"
    label = "plan"
    verbose_name = _("Action plan")

    def ready(self) -> None:
        # The offline write path learns the plan's commands (ticks, edits, proposals).
        from learner.plan import commands  # noqa: F401
