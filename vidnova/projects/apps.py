from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "vidnova.projects"
    label = "projects"
    verbose_name = _("Project ideas")

    def ready(self) -> None:
        from vidnova.projects import rules

        rules.register()
