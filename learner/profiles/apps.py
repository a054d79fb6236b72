from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "learner.profiles"
    label = "profiles"
    verbose_name = _("Learner profiles and caseloads")
