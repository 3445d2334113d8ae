from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "vidnova.assessments"
    label = "assessments"
    verbose_name = _("Needs assessments")

    def ready(self) -> None:
        from vidnova.assessments import rules

        rules.register()
