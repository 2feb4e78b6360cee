"""A random sample of a call's funded projects for a closer audit (pistokoe / stickprov), recorded, never redrawn.

``draw_audit_sample`` draws with ``rules.sampling`` from the call's funded projects (those not cancelled), with
the seed given or a new one, and records the draw (``AuditSample``, one ``AuditSampleEntry`` per project drawn)
and its seed, size and population on the audit chain in one transaction. A second draw is a new, numbered
draw beside the first; nothing is ever redrawn in place. Anyone can check a draw with ``rules.sampling.draw``
on its recorded population and seed.
"""

import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.errors import Invalid
from avustus.projects.models import FundedProject
from avustus.rules import sampling
from avustus.settlement.models import AuditSample, AuditSampleEntry


def _messages() -> dict[str, tuple[str, str]]:
    return {
        "size_or_percent": ("size", _("Give either the number of projects or a percentage, not both.")),
        "size": ("size", _("The sample has at least one project.")),
        "too_many": ("size", _("The call has fewer funded projects than that.")),
        "percent": ("percent", _("The percentage is more than 0 and at most 100.")),
        "seed": ("seed", _("The seed is a whole number from 0 to 9223372036854775807.")),
    }


def _refuse(code: str):
    field, message = _messages()[code]
    return Invalid({field: [message]})


def parse_sample_request(size: str | int | None, percent: str | None, seed: str | int | None):
    """The form's or command's text as numbers, refusing what is not one with the field it belongs to."""
    def number(value, code, kind):
        if value in (None, ""):
            return None
        try:
            return kind(str(value).strip().replace(",", "."))
        except (ValueError, InvalidOperation):
            raise _refuse(code) from None

    share = number(percent, "percent", Decimal)
    if share is not None:
        if not share.is_finite() or not Decimal(0) < share <= Decimal(100):
            raise _refuse("percent")
        share = share.quantize(Decimal("0.01"))
    return number(size, "size", int), share, number(seed, "seed", int)


def population_of(call: Call) -> list[str]:
    """The references of the call's funded projects that a sample is drawn from (cancelled grants are not)."""
    return sorted(FundedProject.objects.filter(call=call).exclude(state=FundedProject.State.CANCELLED)
                  .values_list("reference", flat=True))


def draw_audit_sample(call: Call, *, actor, size: int | None = None, percent: Decimal | None = None,
                      seed: int | None = None) -> AuditSample:
    """An official draws ``size`` projects (or ``percent`` of them) of ``call``, with ``seed`` or a new one."""
    permissions.check_draws_audit_sample(actor, call.programme,
                                         _("Only the programme's officials draw audit samples."))
    seed = sampling.new_seed() if seed is None else seed
    if not 0 <= seed <= sampling.MAX_SEED:
        raise _refuse("seed")
    with transaction.atomic():
        # The call's row numbers its draws: two officials drawing at once get draws 1 and 2, never two 1s.
        Call.objects.select_for_update().filter(pk=call.pk).first()
        population = population_of(call)
        try:
            count = sampling.sample_size(len(population), size=size, percent=percent)
            drawn = sampling.draw(population, count, seed)
        except sampling.SampleError as exc:
            raise _refuse(exc.code) from None
        number = (AuditSample.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        digest = hashlib.sha256(json.dumps(population).encode()).hexdigest()
        sample = AuditSample.objects.create(call=call, number=number, seed=seed, size=count, percent=percent,
                                            population=population, population_sha256=digest,
                                            drawn_by=user_of(actor))
        projects = dict(FundedProject.objects.filter(call=call, reference__in=drawn).values_list("reference", "pk"))
        AuditSampleEntry.objects.bulk_create(
            AuditSampleEntry(sample=sample, project_id=projects[reference], position=position)
            for position, reference in enumerate(drawn, start=1))
        record("audit_sample.drawn", sample, actor=actor,
               data={"call": call.slug, "number": number, "seed": seed, "size": count,
                     "percent": str(percent) if percent is not None else None, "population": len(population),
                     "population_sha256": digest, "projects": drawn})
    return sample


def audit_samples(call: Call, *, actor) -> list[AuditSample]:
    """The call's draws, newest first, each with its projects in the order drawn (for the officials)."""
    permissions.check_reads_programme(actor, call.programme)
    return list(AuditSample.objects.filter(call=call).select_related("drawn_by")
                .prefetch_related("entries__project__application"))


def sample_as_dict(sample: AuditSample) -> dict:
    """A draw as the command's JSON prints it."""
    return {"call": sample.call.slug, "number": sample.number, "seed": sample.seed, "size": sample.size,
            "percent": str(sample.percent) if sample.percent is not None else None,
            "population": len(sample.population), "population_sha256": sample.population_sha256,
            "drawn_at": sample.drawn_at.isoformat(),
            "projects": [e.project.reference for e in sample.entries.select_related("project")]}
