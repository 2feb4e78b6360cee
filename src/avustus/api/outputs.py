"""A funded project's outputs for reuse in the JSON API (issue 16): the recipients and the programme's officials
read them; the lead enters and removes them (``reports.outputs``). An official's check, which puts an output in
the public catalogue, is taken in person on the project's outputs page, not here."""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from avustus.api.auth import AUTH
from avustus.api.projects import ERRORS
from avustus.errors import NotFound
from avustus.projects.services import project_for
from avustus.reports import outputs as service
from avustus.reports.models import ProjectOutput
from avustus.reports.outputs import MAX_DESCRIPTION
from avustus.rules import licences

router = Router(tags=["projects"])


class OutputIn(Schema):
    kind: str = Field(description="software, document, vocabulary or service", examples=["software"])
    title: str = Field(max_length=300, examples=["Ajanvarauksen rajapinta"])
    address: str = Field("", max_length=500, description="The repository (software), the address on the "
                         "interoperability platform (vocabulary), the service catalogue's entry (service), or where "
                         "the document is published", examples=["https://github.com/example/ajanvaraus"])
    licence: str = Field("", max_length=64, description="An SPDX identifier; required for software",
                         examples=["EUPL-1.2"])
    description: str = Field("", max_length=MAX_DESCRIPTION, examples=["Rajapinta kuntien ajanvarausjärjestelmiin."])


class OutputOut(OutputIn):
    id: int = Field(examples=[17])
    open_licence: bool = Field(description="Whether the licence is an open one (an output without is flagged)",
                               examples=[True])
    added_at: datetime = Field(examples=["2021-11-30T10:15:00+02:00"])
    checked_at: datetime | None = Field(description="When an official checked it; only checked outputs are public",
                                        examples=[None])


def _out(o: ProjectOutput) -> dict:
    return {"id": o.pk, "kind": o.kind, "title": o.title, "address": o.address, "licence": o.licence,
            "description": o.description, "open_licence": licences.is_open(o.licence), "added_at": o.added_at,
            "checked_at": o.checked_at}


@router.get("/projects/{reference}/outputs", response={200: list[OutputOut], **ERRORS}, auth=AUTH,
            operation_id="avustus_api_list_project_outputs")
def list_outputs(request, reference: str):
    """The project's outputs for reuse, checked or not."""
    project = project_for(request.user, reference)
    return [_out(o) for o in project.outputs.all()]


@router.post("/projects/{reference}/outputs", response={201: OutputOut, **ERRORS}, auth=AUTH,
             operation_id="avustus_api_add_project_output")
def add_output(request, reference: str, payload: OutputIn):
    """Enter one output; the lead only. An official checks it before it is in the public catalogue."""
    project = project_for(request.user, reference)
    return Status(201, _out(service.add_output(project, actor=request.user, kind=payload.kind, title=payload.title,
                                               address=payload.address, licence=payload.licence,
                                               description=payload.description)))


@router.delete("/projects/{reference}/outputs/{output_id}", response={204: None, **ERRORS}, auth=AUTH,
               operation_id="avustus_api_remove_project_output")
def remove_output(request, reference: str, output_id: int):
    """Remove an output entered by mistake; the lead only, and not once an official has checked it (409)."""
    project = project_for(request.user, reference)
    output = project.outputs.filter(pk=output_id).first()
    if output is None:
        raise NotFound()
    service.remove_output(output, actor=request.user)
    return Status(204, None)
