"""Screening checklists, reviewer assignments and scores, decision proposals and rectification requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.applications.models import Application
from avustus.calls.models import Call, Criterion, GrantGroup
from avustus.registry.models import Organisation


class Employment(models.Model):
    """A person works for a public body: a reviewer employed by a consortium member may not score it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_employment")]

    def __str__(self) -> str:
        return f"{self.user}: {self.organisation}"


class Screening(models.Model):
    """The official's eligibility checklist of one application, with a reason for every item that fails."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="screening")
    # item code -> {"passed": bool, "reason": str}
    checks = models.JSONField(_("checklist"), default=dict)
    eligible = models.BooleanField(_("eligible"), null=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    completed_at = models.DateTimeField(_("screened"), null=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return self.application.reference


class Assignment(models.Model):
    """A reviewer asked to evaluate one application, their declaration of interests and their scores."""

    class Conflict(models.TextChoices):
        UNDECLARED = "undeclared", _("not yet declared")
        NONE = "none", _("no conflict of interest")
        DECLARED = "declared", _("conflict of interest declared")
        EMPLOYED = "employed", _("employed by a member of the consortium")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    conflict = models.CharField(_("conflict of interest"), max_length=12, choices=Conflict.choices,
                                default=Conflict.UNDECLARED)
    conflict_reason = models.TextField(_("grounds"), blank=True)
    # The reviewer's weighted score in points out of 100, kept so that rankings sort in the database.
    weighted_score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2, null=True)
    submitted_at = models.DateTimeField(_("scored"), null=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_assignment")]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.reviewer}"

    @property
    def conflicted(self) -> bool:
        return self.conflict in (self.Conflict.DECLARED, self.Conflict.EMPLOYED)


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="unique_score")]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.criterion.code} = {self.value}"


class Proposal(models.Model):
    """The presenting official's proposal for a round's decision; approved and signed by someone else."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        PRESENTED = "presented", _("presented for decision")
        APPROVED = "approved", _("approved and signed")

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="proposal")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    pass_mark = models.DecimalField(_("pass mark (points)"), max_digits=5, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("date of decision"), null=True, blank=True)
    presented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    presented_at = models.DateTimeField(null=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True)
    decision = models.OneToOneField("decisions.Decision", on_delete=models.PROTECT, null=True, related_name="proposal")
    # The lines and totals as presented: what the decision-maker approves, whatever changes later.
    presented = models.JSONField(default=dict, blank=True)
    presenting_official_title = models.CharField(_("title of the presenting official"), max_length=200,
                                                 blank=True)
    # Why the proposal last went back to preparation: the decision-maker's words, or an application
    # withdrawn after it was presented (then ``returned_by`` is the applicant who withdrew it).
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    returned_reason = models.TextField(_("reason for returning"), blank=True)
    returned_for_withdrawal = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                                related_name="+")

    class Meta:
        verbose_name = _("decision proposal")
        verbose_name_plural = _("decision proposals")

    def __str__(self) -> str:
        return f"{self.call}: {self.get_status_display()}"


class ProposalLine(models.Model):
    """What the official set by hand for one application; everything else the allocation rules compute."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    override_outcome = models.CharField(_("outcome set by hand"), max_length=10, blank=True)
    override_amount = models.DecimalField(_("amount set by hand"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    override_reason = models.TextField(_("reason"), blank=True)
    # Another application the grant may later be combined with (written into both grants' conditions).
    combinable_with = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+", verbose_name=_("may be combined with"))
    group = models.ForeignKey(GrantGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    special_conditions = models.JSONField(_("special conditions"), default=list, blank=True)
    # The same conditions in Swedish, for Swedish documents; empty means the Finnish ones are used there.
    special_conditions_sv = models.JSONField(_("special conditions in Swedish"), default=list, blank=True)

    class Meta:
        verbose_name = _("proposal line")
        verbose_name_plural = _("proposal lines")
        constraints = [models.UniqueConstraint(fields=["proposal", "application"], name="unique_proposal_line")]

    def __str__(self) -> str:
        return f"{self.proposal.call}: {self.application.reference}"


class Ranking(models.Model):
    """A round's stored ranking (``evaluation.ranking``): its totals, and whether it must be computed again.

    Derived data beside the officials' ``Proposal``, not part of it: reading the lists creates this row,
    never a proposal.
    """

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="ranking")
    # The allocation's totals and the fingerprint of what they were computed from; empty until first ranked.
    totals = models.JSONField(default=dict, blank=True)
    # Set by every change the ranking rests on (screening, reviews, lines, the pass mark), inside its transaction;
    # the next reader recomputes it once, however many changes came in meanwhile.
    stale = models.BooleanField(default=True)

    def __str__(self) -> str:
        return str(self.call)


class RankedLine(models.Model):
    """One application's row in its round's stored ranking: the reviews' figures and the proposed outcome.

    Derived data, written only by ``evaluation.ranking.refresh`` from ``proposals.compute_proposal`` (the
    same allocation that is presented), so that the proposal and evaluation lists page through an index
    instead of recomputing the round on every view.
    """

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="lines")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="ranked")
    arrival = models.PositiveIntegerField()  # position in arrival order: ties in score keep it
    # The mean score, or -1 when unscored, so that "best first, unscored last" is one descending index.
    sort_score = models.DecimalField(max_digits=5, decimal_places=2)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    spread = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    reviews = models.PositiveIntegerField(default=0)
    eligible = models.BooleanField(null=True)  # None: not screened
    # The reviewers as the evaluation list names them: [username, conflicted, scored], in the order assigned.
    reviewers = models.JSONField(default=list)
    outcome = models.CharField(max_length=10, blank=True)  # empty: undecided
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    basis = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["ranking", "-sort_score", "arrival"], name="ranked_line_order")]

    def __str__(self) -> str:
        return f"{self.ranking_id}: {self.application_id}"


class RectificationRequest(models.Model):
    """A recipient's request for rectification of a decision (Act 688/2001 s. 34), and how it was decided."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PREPARED = "prepared", _("prepared for decision")
        DECIDED = "decided", _("decided")

    class Resolution(models.TextChoices):
        UPHELD = "upheld", _("original decision upheld")
        AMENDED = "amended", _("decision amended")

    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, related_name="rectification_requests")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="rectification_requests")
    received_on = models.DateField(_("received"))
    deadline = models.DateField(_("last day for a request"), null=True)
    late = models.BooleanField(_("after the deadline"), default=False)
    requester = models.CharField(_("requested by"), max_length=300)
    grounds = models.TextField(_("grounds given"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    reasoning = models.TextField(_("reasoning"), blank=True)
    proposed_outcome = models.CharField(max_length=10, blank=True)
    proposed_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    new_decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rectification request")
        verbose_name_plural = _("rectification requests")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.received_on}"
