from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "avustus.changes"
    label = "changes"
    verbose_name = _("change requests")
