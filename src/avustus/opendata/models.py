"""What the public pages read instead of working it out per row: each published application's current outcome.

An application's current outcome is the newest outcome of a signed decision on it; finding it takes a sorted
subquery per application, which at 20,000 applications made a search 1.6 s and every filter on the outcome, the
amount or the year a scan. Outcomes of a signed decision never change (``Outcome.save`` refuses), so the answer
changes only when a decision is signed: ``published.refresh`` rewrites this table then (the first reader after a
signing does it, see ``published.ensure_fresh``), and every page reads it through indexes.
"""

from django.db import models

from avustus.applications.models import Application
from avustus.calls.models import Call, GrantGroup, Programme
from avustus.registry.models import Organisation


class PublishedGrant(models.Model):
    """One published application (decided in a signed decision) with its current outcome, derived data only."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, primary_key=True,
                                       related_name="published")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    # The lists' order (newest round first, then the round's own order) as one unique column, so that a page is
    # one range of one index whatever the filter: ``published.position`` of the call and the application.
    position = models.BigIntegerField(unique=True)
    outcome_kind = models.CharField(max_length=20)
    amount_applied = models.DecimalField(max_digits=14, decimal_places=2)
    amount_granted = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    decided_on = models.DateField(null=True)
    year = models.PositiveSmallIntegerField(null=True)
    outcome_number = models.PositiveSmallIntegerField(null=True)
    group = models.ForeignKey(GrantGroup, on_delete=models.CASCADE, null=True, related_name="+")
    group_code = models.CharField(max_length=50, blank=True)
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="+")
    # Distinct bodies of the consortium and each one's equal share of the grant (``selectors.share``).
    bodies = models.PositiveSmallIntegerField(default=1)
    share = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        ordering = ["position"]
        # Each filter of the search with the lists' order behind it: a filtered page is a range of one index.
        indexes = [
            models.Index(fields=["call", "position"], name="published_call"),
            models.Index(fields=["programme", "position"], name="published_programme"),
            models.Index(fields=["outcome_kind", "position"], name="published_outcome"),
            models.Index(fields=["year", "position"], name="published_year"),
            models.Index(fields=["group_code", "position"], name="published_group"),
            models.Index(fields=["amount_granted"], name="published_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome_kind}"


class PublishedState(models.Model):
    """The signed decisions ``PublishedGrant`` was written from (one row): a reader compares it with today's."""

    fingerprint = models.CharField(max_length=100)
    # The signed decisions whose applications the table holds: a rewrite reads only the applications of the others.
    decisions = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"published grants of signed decisions {self.fingerprint}"
