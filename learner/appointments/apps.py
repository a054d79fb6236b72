from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "learner.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # The offline write path learns the booking commands of this app.
        from learner.appointments import commands  # noqa: F401
