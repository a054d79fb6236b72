from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "portfolio.sharing"
    label = "portfolio_sharing"
    verbose_name = _("Portfolio sharing and export")
