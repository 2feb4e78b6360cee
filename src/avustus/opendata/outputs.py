"""The public reuse catalogue: the checked outputs of funded projects, searchable by kind and municipality, and
its JSON export. Only outputs an official has checked are public; a licence that is not open is flagged.

A fixed number of queries whatever the number of rows: the outputs with their project, call and programme, and
the consortia prefetched once.
"""

import json
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from avustus.applications.models import ConsortiumMember
from avustus.calls.models import Call
from avustus.projects.models import FundedProject
from avustus.registry.models import Organisation
from avustus.reports.models import ProjectOutput
from avustus.rules import licences

MAX_ROWS = 500  # the catalogue is tens of outputs a round; a search narrows a longer one


@dataclass(frozen=True)
class OutputSearch:
    kind: str = ""
    organisation: str = ""  # a body's registry key: the outputs of projects it led or joined
    text: str = ""

    def apply(self, queryset: QuerySet[ProjectOutput]) -> QuerySet[ProjectOutput]:
        if self.kind in ProjectOutput.Kind.values:
            queryset = queryset.filter(kind=self.kind)
        if self.organisation:
            keys = self.organisation_keys()
            members = ConsortiumMember.objects.filter(organisation__key__in=keys)
            queryset = queryset.filter(project__application__in=members.values("application"))
        if self.text:
            queryset = queryset.filter(Q(title__icontains=self.text) | Q(description__icontains=self.text))
        return queryset

    def organisation_keys(self) -> list[str]:
        """The body, and for a municipality the joint authorities it is a member of (their projects are its too).
        Read in Python: JSON containment is not portable to SQLite, and joint authorities are few."""
        code = (Organisation.objects.filter(key=self.organisation, kind=Organisation.Kind.MUNICIPALITY)
                .values_list("code", flat=True).first())
        keys = [self.organisation]
        if code:
            keys += [key for key, codes in Organisation.objects.exclude(member_codes=[])
                     .values_list("key", "member_codes") if code in (codes or [])]
        return keys


def public_outputs() -> QuerySet[ProjectOutput]:
    """Checked outputs of projects of published calls that were not cancelled, consortia prefetched."""
    members = Prefetch("project__application__members",
                       queryset=ConsortiumMember.objects.select_related("organisation").order_by("position"))
    return (ProjectOutput.objects.filter(checked_at__isnull=False)
            .exclude(project__state=FundedProject.State.CANCELLED)
            .exclude(project__call__status=Call.Status.DRAFT)
            .select_related("project__application", "project__call__programme")
            .prefetch_related(members)
            .order_by("kind", "title", "pk"))


@dataclass(frozen=True)
class OutputRow:
    output: ProjectOutput
    open_licence: bool
    municipalities: list[tuple[str, str, str]]  # (key, Finnish name, Swedish name) of the consortium's bodies


def rows(queryset: QuerySet[ProjectOutput]) -> list[OutputRow]:
    found = []
    for output in queryset[:MAX_ROWS]:
        bodies = [(m.organisation.key, m.organisation.name_fi, m.organisation.name_sv or m.organisation.name_fi)
                  for m in output.project.application.members.all() if m.organisation is not None]
        found.append(OutputRow(output, licences.is_open(output.licence), bodies))
    return found


def as_json(found: list[OutputRow]) -> bytes:
    """The catalogue as a JSON document: no personal data (no one who entered or checked an output is named)."""
    items = []
    for row in found:
        o, project = row.output, row.output.project
        items.append({
            "kind": o.kind, "title": o.title, "description": o.description, "address": o.address,
            "licence": o.licence, "openLicence": row.open_licence,
            "checkedOn": timezone.localtime(o.checked_at).date().isoformat() if o.checked_at else None,
            "project": {"reference": project.reference, "title": project.application.title,
                        "programme": project.call.programme.slug, "round": project.call.slug},
            "organisations": [{"key": key, "name": fi, "nameSv": sv} for key, fi, sv in row.municipalities],
        })
    document = {"title": "Reuse catalogue of funded projects", "issued": timezone.localdate().isoformat(),
                "openLicences": sorted(licences.OPEN_LICENCES), "outputs": items}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
