"""What a funded project made for others to reuse: the lead enters its outputs, an official checks them.

The decision makes reuse a condition of the grant: outputs freely usable, modifiable, distributable and further
developable after the project; vocabularies and data models on the national interoperability platform; new
services in the national service catalogue; open source preferred. An output without an open licence is
allowed (the official sees it flagged) but never hidden as if it were open.
"""

from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.errors import Conflict, Invalid, NotFound
from avustus.projects.models import FundedProject
from avustus.projects.services import lock_project
from avustus.reports.models import ProjectOutput
from avustus.rules import licences
from avustus.texts import too_long

# The kinds whose address is required: where the code, the model or the service's entry can be found.
ADDRESS_REQUIRED = {ProjectOutput.Kind.SOFTWARE, ProjectOutput.Kind.VOCABULARY, ProjectOutput.Kind.SERVICE}


# The API's schema says the same (``api.outputs``): a catalogue entry's few sentences, not a report.
MAX_DESCRIPTION = 2000


def validate_output(kind: str, title: str, address: str, licence: str, description: str = "") -> dict[str, list[str]]:
    """What is wrong with an output as entered, by field (empty when nothing): for the lead's own entries and
    for the outputs given with the final report alike."""
    errors: dict[str, list[str]] = {}
    if kind not in ProjectOutput.Kind.values:
        errors["kind"] = [_("Choose the kind of output.")]
    if not title.strip():
        errors["title"] = [_("Give the output's name.")]
    elif len(title.strip()) > 300:
        errors["title"] = [_("The name is at most 300 characters.")]
    parts = urlsplit(address.strip()) if address.strip() else None
    if parts is not None and (parts.scheme not in {"https", "http"} or not parts.netloc or len(address) > 500):
        errors["address"] = [_("Give the address as a web address starting with https://.")]
    elif parts is None and kind in ADDRESS_REQUIRED:
        messages = {
            ProjectOutput.Kind.SOFTWARE: _("Give the address of the software's repository."),
            ProjectOutput.Kind.VOCABULARY: _("Give the address of the vocabulary or data model on the "
                                             "interoperability platform."),
            ProjectOutput.Kind.SERVICE: _("Give the address of the service's entry in the service catalogue."),
        }
        errors["address"] = [messages[ProjectOutput.Kind(kind)]]
    if licence.strip() and not licences.is_identifier(licence):
        errors["licence"] = [_("Give the licence as an SPDX identifier, such as EUPL-1.2 or CC-BY-4.0.")]
    elif not licence.strip() and kind == ProjectOutput.Kind.SOFTWARE:
        errors["licence"] = [_("Give the software's licence, such as EUPL-1.2 or MIT.")]
    errors.update(too_long(MAX_DESCRIPTION, description=description))
    return errors


def add_output(project: FundedProject, *, actor, kind: str, title: str, address: str = "", licence: str = "",
               description: str = "") -> ProjectOutput:
    """The lead enters one output of the project."""
    permissions.check_recipient_lead(actor, project, _("Only the lead enters the project's outputs."))
    errors = validate_output(kind, title, address, licence, description)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        locked = lock_project(project)
        if locked.state == FundedProject.State.CANCELLED:
            raise Conflict(_("The grant was cancelled."))
        return _create(locked, actor, kind=kind, title=title, address=address, licence=licence,
                       description=description)


def _create(locked: FundedProject, actor, *, kind: str, title: str, address: str, licence: str,
            description: str) -> ProjectOutput:
    output = ProjectOutput.objects.create(
        project=locked, kind=kind, title=title.strip(), description=description.strip(),
        address=address.strip(), licence=licences.normalise(licence), added_by=user_of(actor),
        added_at=timezone.now())
    record("output.added", output, actor=actor, application=locked.application, data={
        "project": locked.reference, "kind": kind, "title": output.title, "address": output.address,
        "licence": output.licence, "open": licences.is_open(output.licence)})
    return output


def add_reported_outputs(locked: FundedProject, entries: list[dict], *, actor) -> list[ProjectOutput]:
    """Outputs the lead gives with a report (``reports.final``), already validated by ``validate_output``, inside
    the report's transaction with the project locked: each becomes one of the project's outputs, audited as the
    lead's own entry is. One already there (the same kind, name and address, e.g. given again when a returned
    report is filed anew) is not entered twice."""
    existing = {(o.kind, o.title, o.address) for o in locked.outputs.all()}
    added = []
    for entry in entries:
        key = (entry["kind"], entry["title"].strip(), entry["address"].strip())
        if key in existing:
            continue
        existing.add(key)
        added.append(_create(locked, actor, kind=entry["kind"], title=entry["title"], address=entry["address"],
                             licence=entry["licence"], description=entry.get("description", "")))
    return added


def _locked_output(output: ProjectOutput) -> ProjectOutput:
    lock_project(output.project)
    current = ProjectOutput.objects.select_for_update().filter(pk=output.pk).first()
    if current is None:
        raise NotFound(_("The output has been removed."))
    return current


def remove_output(output: ProjectOutput, *, actor) -> None:
    """The lead removes an output entered by mistake; a checked one stays (the official vouched for it)."""
    project = output.project
    permissions.check_recipient_lead(actor, project, _("Only the lead enters the project's outputs."))
    with transaction.atomic():
        current = _locked_output(output)
        if current.checked_at is not None:
            raise Conflict(_("An output already checked cannot be removed."))
        record("output.removed", current, actor=actor, application=project.application, data={
            "project": project.reference, "kind": current.kind, "title": current.title})
        current.delete()


def check_output(output: ProjectOutput, *, actor) -> ProjectOutput:
    """An official of the programme confirms the output is there as described: it goes into the public catalogue."""
    project = output.project
    permissions.check_manages_projects(actor, project.call.programme,
                                       _("Only the programme's officials check outputs."), project=project)
    with transaction.atomic():
        current = _locked_output(output)
        if current.checked_at is not None:
            raise Conflict(_("The output has already been checked."))
        current.checked_by, current.checked_at = user_of(actor), timezone.now()
        current.save(update_fields=["checked_by", "checked_at"])
        record("output.checked", current, actor=actor, application=project.application, data={
            "project": project.reference, "title": current.title, "licence": current.licence,
            "open": licences.is_open(current.licence)})
    return current
