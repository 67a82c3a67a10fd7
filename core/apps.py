from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("API access")

    def ready(self) -> None:
        # Django's language table knows every language the product speaks but Easy Japanese.
        from django.conf.locale import LANG_INFO

        from core.languages import EXTRA_LANG_INFO

        for code, info in EXTRA_LANG_INFO.items():
            LANG_INFO.setdefault(code, info)
