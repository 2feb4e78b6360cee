"""A programme and its calls (rounds), with every rule that can differ between rounds held as data.

Later rounds of the same scheme changed themes, budgets, exclusions and the rounding of grants; none
of that should need a code change, so each rule is a field or a row here.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.rules.money import ROUNDING_MODES, RoundingRule


class Programme(models.Model):
    slug = models.SlugField(_("identifier"), max_length=64, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=300)
    name_sv = models.CharField(_("name in Swedish"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    budget_item = models.CharField(_("budget item"), max_length=20, blank=True)
    # How the programme publishes its grants as open data (``opendata``): the 360Giving identifier prefix the
    # publisher registered, the funder's name and organisation identifier, and the licence of the data.
    open_data = models.JSONField(_("open data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name_fi


class Call(models.Model):
    """One round of applications under a programme, from call to the last settlement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("open for applications")
        CLOSED = "closed", _("closed")
        DECIDED = "decided", _("decided")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    slug = models.SlugField(_("identifier"), max_length=64, unique=True)
    title_fi = models.CharField(_("title in Finnish"), max_length=300)
    title_sv = models.CharField(_("title in Swedish"), max_length=300, blank=True)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    appropriation = models.DecimalField(_("appropriation"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_item = models.CharField(_("budget item"), max_length=20, blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("deadline"), null=True, blank=True)

    aid_rate = models.DecimalField(_("maximum aid rate"), max_digits=5, decimal_places=4, default=Decimal("0.85"))
    min_municipalities = models.PositiveSmallIntegerField(_("minimum number of municipalities"), default=2)
    lead_kinds = models.JSONField(_("who may lead an application"), default=list, blank=True)
    partner_kinds = models.JSONField(_("who may be a partner"), default=list, blank=True)

    implementation_end = models.DateField(_("end of implementation"), null=True, blank=True)
    final_report_due = models.DateField(_("final report due"), null=True, blank=True)
    reporting_interval_months = models.PositiveSmallIntegerField(
        _("interim report every (months)"), null=True, blank=True
    )
    # The last day the appropriation the grants come from may be used (a transferable appropriation's period of
    # use: the 2020 round's is the 2019 budget's three-year one, through 31.12.2021): no extension of a project
    # beyond it, no payment after it. Empty: not recorded, nothing refused.
    appropriation_usable_until = models.DateField(_("appropriation usable until"), null=True, blank=True)
    # "Paid as a rule in three instalments" (2020): the last one after the final report.
    instalments = models.PositiveSmallIntegerField(_("number of instalments"), default=3)

    rounding_unit = models.DecimalField(
        _("granted amounts rounded to"), max_digits=10, decimal_places=2, default=Decimal("0.01")
    )
    rounding_mode = models.CharField(
        _("rounding"), max_length=10, default="down", choices=[(m, m) for m in ROUNDING_MODES]
    )
    texts = models.JSONField(_("texts of the call"), default=dict, blank=True)
    # The project plan's fields as data: [{"key", "required", "max_length", "label": {"fi", "sv", "en"}}].
    plan_fields = models.JSONField(_("fields of the project plan"), default=list, blank=True)
    # The last number given to an application started in the e-service (``applications.services.number_draft``):
    # taken in a statement of its own, so that starting a draft does not hold the call's row to its commit.
    numbered = models.PositiveIntegerField(default=0, editable=False, db_default=0)

    class Meta:
        ordering = ["-closes_at", "slug"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return self.title_fi

    @property
    def rounding_rule(self) -> RoundingRule:
        return RoundingRule(unit=self.rounding_unit, mode=self.rounding_mode)

    def title(self, lang: str) -> str:
        return getattr(self, f"title_{lang}", "") or self.title_fi


class _CallPart(models.Model):
    """A numbered, translated item of a call's rules."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE)
    code = models.SlugField(_("identifier"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fi = models.CharField(_("name in Finnish"), max_length=300)
    name_sv = models.CharField(_("name in Swedish"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name_fi}"

    def text(self, lang: str, field: str = "name") -> str:
        return getattr(self, f"{field}_{lang}", "") or getattr(self, f"{field}_fi")


class CostCategory(_CallPart):
    eligible = models.BooleanField(_("eligible"), default=True)

    class Meta(_CallPart.Meta):
        default_related_name = "cost_categories"
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="unique_cost_category_code")]
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")


class Exclusion(_CallPart):
    """A theme the call does not fund, with the words that give it away in an application."""

    keywords_fi = models.JSONField(_("keywords in Finnish"), default=list, blank=True)
    keywords_sv = models.JSONField(_("keywords in Swedish"), default=list, blank=True)

    class Meta(_CallPart.Meta):
        default_related_name = "exclusions"
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="unique_exclusion_code")]
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")


class Criterion(_CallPart):
    name_fi = models.TextField(_("criterion in Finnish"))
    name_sv = models.TextField(_("criterion in Swedish"), blank=True)
    name_en = models.TextField(_("criterion in English"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1"))
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)

    class Meta(_CallPart.Meta):
        default_related_name = "criteria"
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="unique_criterion_code")]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")


class GrantGroup(_CallPart):
    """A heading under which the decision lists grants, with the condition attached to all of them."""

    condition_fi = models.TextField(_("condition in Finnish"), blank=True)
    condition_sv = models.TextField(_("condition in Swedish"), blank=True)
    condition_en = models.TextField(_("condition in English"), blank=True)

    class Meta(_CallPart.Meta):
        default_related_name = "groups"
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="unique_grant_group_code")]
        verbose_name = _("group of grants")
        verbose_name_plural = _("groups of grants")
