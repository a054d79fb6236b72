from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    label = "portfolio"
    verbose_name = _("Portfolio")

    def ready(self) -> None:
        # Photos and voice notes of a portfolio are served by the media view, to the owner and
        # the staff who may see their portfolio only (lesson media stay shared).
        from portal.media.selectors import media_scope_register
        from portfolio.selectors import may_see_media

        media_scope_register(may_see_media)
