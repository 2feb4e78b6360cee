from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "avustus.projects"
    label = "projects"
    verbose_name = _("funded projects")

    def ready(self) -> None:
        # A signed or imported decision announces itself (avustus.events.decision_signed); its grants become
        # funded projects here, so that decisions never imports this package.
        from avustus.projects import receivers

        receivers.connect()
