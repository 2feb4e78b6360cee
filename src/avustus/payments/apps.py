from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PaymentsConfig(AppConfig):
    name = "avustus.payments"
    label = "payments"
    verbose_name = pgettext_lazy("grant follow-up", "payments")
