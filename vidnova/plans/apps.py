from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "vidnova.plans"
    label = "plans"
    verbose_name = _("Recovery plans")

    def ready(self) -> None:
        from vidnova.plans import rules

        rules.register()
