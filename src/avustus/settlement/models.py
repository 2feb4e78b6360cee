"""The reference rates of the Interest Act (633/1982, section 12), one row per half-year."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceRate(models.Model):
    """The reference rate in force for the half-year starting on ``half_year_start`` (1.1 or 1.7), in percent.

    Published by the Bank of Finland before each half-year; the shipped ones are loaded by a migration
    (``data/reference-rates.csv``), later ones added with ``avustus reference-rate add``.
    """

    half_year_start = models.DateField(_("half-year from"), unique=True)
    rate = models.DecimalField(_("reference rate (%)"), max_digits=5, decimal_places=2)
    added_at = models.DateTimeField(_("added to the table"), auto_now_add=True)

    class Meta:
        ordering = ["half_year_start"]
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(half_year_start__day=1, half_year_start__month__in=[1, 7]),
                name="reference_rate_starts_a_half_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.half_year_start.isoformat()} {self.rate} %"
