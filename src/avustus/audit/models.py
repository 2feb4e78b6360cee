"""The append-only audit log: who changed or read what, and when, chained by hashes.

Each sealed entry carries its place in the chain and the hash of the entry before it, so that removing,
altering or inserting a row afterwards breaks the chain at that row (see ``avustus.audit.chain``). On
PostgreSQL an entry is written unsealed (chain fields empty) in the writer's transaction and sealed just
after it commits; the database triggers let exactly that one update through (``avustus.audit.triggers``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class ActorKind(models.TextChoices):
        SYSTEM = "system", _("the system")
        USER = "user", _("user")

    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept as text too: the log must still say who it was if the account is later renamed.
    actor_label = models.CharField(_("who"), max_length=200)
    # Whether the system (a command, an automatic step) or a user acted: never inferred from the label,
    # which a user could choose. Empty only in entries written before the kind was recorded; for those the
    # system is the entry without a user (``actor`` empty). Hashed with ``actor`` in the entries that have it.
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=ActorKind.choices, blank=True,
                                  default="", db_default="")
    action = models.CharField(_("what"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target"), max_length=64)
    # The application the entry concerns (itself, or its consortium, attachment, outcome, notification...),
    # so that an application's history is one indexed query; empty for entries about no one application.
    application_reference = models.CharField(_("application"), max_length=40, blank=True, default="")
    data = models.JSONField(_("details"), default=dict)
    # The chain fields: empty (NULL) until the entry is sealed, then set once and never again. ``position``
    # is the place in the chain counting from 1, the order ``verify`` walks; it need not follow the ids (an
    # entry with a lower id can commit, and so be sealed, after one with a higher id).
    position = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    # NULL, not "": many entries may wait unsealed at once, and ``hash`` is unique; the triggers tell a sealing
    # from any other update by all three being NULL before.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["application_reference", "id"], name="audit_entry_application_idx"),
            # What the sequencer looks for after every audited commit: small, since entries leave it when sealed.
            models.Index(fields=["id"], condition=models.Q(position__isnull=True), name="audit_entry_unsealed_idx"),
        ]

    def __str__(self) -> str:
        who = "(system)" if self.is_system else self.actor_label
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.target_type}:{self.target_id}"

    @property
    def is_system(self) -> bool:
        return self.system_acted(self.actor_kind, self.actor_id)

    @classmethod
    def system_acted(cls, actor_kind: str, actor_id: int | None) -> bool:
        """Whether the system acted: by the entry's kind; entries older than the kind have no user."""
        if actor_kind:
            return actor_kind == cls.ActorKind.SYSTEM
        return actor_id is None


class AuditHead(models.Model):
    """One row holding the newest sealed hash and the count of sealed entries (the last position).

    Locking it serialises sealing so the chain cannot fork: on SQLite every ``record`` (which seals inline),
    on PostgreSQL only the sequencer's short transactions (``chain.seal``), never a writer's.
    """

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head: {self.count} entries, last {self.last_hash[:12]}…"


class ReplacePermit(models.Model):
    """Present only inside the transaction that replaces an imported round (``decisions.round_import._clear_round``).

    The database triggers that refuse deleting signed decisions let a row through while a permit for its
    call exists (see ``avustus.audit.triggers``). A table rather than a session setting because SQLite
    triggers can read nothing else; it is empty whenever no such transaction is running.
    """

    call_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"replace permit for call {self.call_id}"
