"""Who may act in which role: a user holds roles over a programme or on behalf of an organisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.registry.models import Organisation


class Role(models.TextChoices):
    OFFICIAL = "official", _("presenting official")
    DECISION_MAKER = "decision_maker", _("decision-maker")
    REVIEWER = "reviewer", _("reviewer")
    APPLICANT = "applicant", _("applicant")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")


class RoleGrant(models.Model):
    """One role of one user: over a programme (officials, auditors) or for an organisation (applicants)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    programme = models.ForeignKey("calls.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="role_grants"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        # Two partial constraints rather than NULLS NOT DISTINCT, which SQLite lacks.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "programme"],
                condition=models.Q(organisation__isnull=True),
                name="unique_programme_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(programme__isnull=True),
                name="unique_organisation_role",
            ),
            models.CheckConstraint(
                condition=models.Q(programme__isnull=True) | models.Q(organisation__isnull=True),
                name="role_scope_is_programme_or_organisation",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or self.programme or _("everything")
        return f"{self.user} {self.get_role_display()} ({scope})"


class ApiToken(models.Model):
    """A personal API token: a long random value shown once, of which only the SHA-256 hash is kept.

    Tokens are random values of 256 bits, not passwords chosen by people, so a plain fast hash is
    enough to make a copy of the table useless without making every API request slow.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    # The token's first characters, shown in lists so that a user can tell their tokens apart.
    hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.hint}…"


class LoginAttemptCounter(models.Model):
    """Password login attempts counted for one username or one client address (``accounts.throttle``).

    One row per hashed key (never the username or address itself). A window starts at the first attempt
    counted after the previous window ended; ``started`` is its start in seconds since the epoch. The
    count is raised by one UPDATE statement (``count = count + 1``) before the password is checked, so
    parallel requests, in one server process or many, each get a distinct count and cannot all slip in
    under the limit.
    """

    key = models.CharField(max_length=80, unique=True)
    started = models.FloatField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("login attempt counter")
        verbose_name_plural = _("login attempt counters")

    def __str__(self) -> str:
        # The key is "user:" or "addr:" and a hash, which says no more in full than shortened.
        return f"{self.key[:17]}…: {self.count} attempts"


class ContactLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class ContactDetails(models.Model):
    """A user's own address for messages, the language they want them in, and their consent to electronic
    delivery of decisions (Administrative Procedure Act 434/2003, section 19: a decision may be notified by
    email only to a party who has consented to it; the consent and when it was given are kept)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("email address"), blank=True)
    # Set when the address is known to reach the user (an official checked it, or a confirmation came back);
    # a changed address is unverified again.
    verified = models.BooleanField(_("verified"), default=False)
    language = models.CharField(_("language of messages"), max_length=2, choices=ContactLanguage.choices,
                                blank=True)
    electronic_consent = models.BooleanField(_("consents to electronic delivery of decisions"), default=False)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")
        constraints = [models.CheckConstraint(
            condition=models.Q(electronic_consent=False) | models.Q(consent_given_at__isnull=False),
            name="consent_has_its_time")]

    def __str__(self) -> str:
        return f"{self.user} <{self.email}>"


class OrganisationAddress(models.Model):
    """An address at which an organisation receives messages about its applications (a registry office's
    shared mailbox, say); an organisation may have several."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="addresses")
    email = models.EmailField(_("email address"))
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "email"]
        verbose_name = _("organisation's address")
        verbose_name_plural = _("organisations' addresses")
        constraints = [models.UniqueConstraint(fields=["organisation", "email"], name="unique_organisation_address")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.email}"
