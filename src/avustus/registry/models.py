"""Public bodies that apply for, join and receive grants: municipalities, joint authorities and others.

The rows come from the registry data files shipped with the package (see ``registry/data``); the
database copy exists so that applications can point at them and lists can join on them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        JOINT_AUTHORITY = "joint_authority", _("joint municipal authority")
        REGIONAL_COUNCIL = "regional_council", _("regional council")
        SUB_REGION = "sub_region", _("sub-region")
        OTHER = "other", _("other public body")

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        BILINGUAL_FINNISH_MAJORITY = "fi-sv", _("bilingual, Finnish majority")
        BILINGUAL_SWEDISH_MAJORITY = "sv-fi", _("bilingual, Swedish majority")

    key = models.CharField(_("registry key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    code = models.CharField(_("municipality code"), max_length=3, unique=True, null=True, blank=True)
    business_id = models.CharField(_("business ID"), max_length=9, blank=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=2, blank=True)
    region_name_fi = models.CharField(_("region"), max_length=100, blank=True)
    region_name_sv = models.CharField(_("region in Swedish"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True)
    municipal_form = models.CharField(_("city or municipality"), max_length=10, blank=True)
    genitive_fi = models.CharField(_("Finnish genitive"), max_length=200, blank=True)
    member_codes = models.JSONField(_("member municipalities"), default=list, blank=True)
    # A municipality merged into another stays, so that old decisions and applications keep pointing at
    # the body as it was; it is not offered as an applicant or partner after its last day.
    valid_to = models.DateField(_("last day of existence"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "name_fi"])]

    def __str__(self) -> str:
        return self.name_fi

    def valid_on(self, day) -> bool:
        """Whether the body existed on that day."""
        return self.valid_to is None or day <= self.valid_to

    def name(self, lang: str) -> str:
        """The name in the reader's language, Finnish where no Swedish name is recorded."""
        return self.name_sv if lang == "sv" and self.name_sv else self.name_fi

    @property
    def preferred_language(self) -> str:
        """fi or sv: the language letters go out in (bilingual bodies get their majority language)."""
        return "sv" if self.language in {"sv", "sv-fi"} else "fi"
