"""A project's outputs: the lead enters and removes them, an official checks them; each step audited; bad input
refused in the user's language with nothing stored."""

import pytest
from django.utils import translation

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.reports.models import ProjectOutput
from avustus.reports.outputs import add_output, check_output, remove_output

REPO = "https://github.com/example/kuntadigi-tool"


def _software(cast, **overrides):
    fields = {"kind": "software", "title": "Ajanvaraus", "address": REPO, "licence": "eupl-1.2",
              "description": "Ajanvarauksen avoin lähdekoodi."}
    return add_output(cast.project, actor=cast.lead, **{**fields, **overrides})


def test_the_lead_adds_an_output_with_its_licence_normalised_and_audited(cast):
    output = _software(cast)
    assert (output.kind, output.licence, output.added_by, output.checked_at) == ("software", "EUPL-1.2", cast.lead,
                                                                                None)
    entry = AuditEntry.objects.filter(action="output.added").latest("pk")
    assert entry.data["project"] == cast.project.reference and entry.data["open"] is True


@pytest.mark.parametrize("who", ["partner", "official", "outsider"])
def test_only_the_lead_adds_or_removes(cast, who):
    with pytest.raises(NotAllowed):
        add_output(cast.project, actor=getattr(cast, who), kind="document", title="Raportti")
    output = _software(cast)
    with pytest.raises(NotAllowed):
        remove_output(output, actor=getattr(cast, who))
    assert ProjectOutput.objects.filter(pk=output.pk).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "software", "title": "X", "address": REPO, "licence": ""}, "licence"),
    ({"kind": "software", "title": "X", "address": "", "licence": "MIT"}, "address"),
    ({"kind": "vocabulary", "title": "X", "address": ""}, "address"),
    ({"kind": "service", "title": "X", "address": "javascript:alert(1)"}, "address"),
    ({"kind": "document", "title": "X", "licence": "MIT OR <b>"}, "licence"),
    ({"kind": "document", "title": "  "}, "title"),
    ({"kind": "poem", "title": "X"}, "kind"),
])
def test_bad_input_is_refused_and_nothing_is_stored(cast, fields, field):
    with pytest.raises(Invalid) as refused:
        add_output(cast.project, actor=cast.lead, **fields)
    assert field in refused.value.message_dict
    assert not ProjectOutput.objects.exists()


def test_refusals_are_in_the_users_language(cast):
    with translation.override("fi"), pytest.raises(Invalid) as refused:
        add_output(cast.project, actor=cast.lead, kind="vocabulary", title="Sanasto")
    assert "yhteentoimivuusalusta" in refused.value.message_dict["address"][0]


def test_a_document_without_a_licence_is_allowed_and_flagged_in_the_audit(cast):
    output = add_output(cast.project, actor=cast.lead, kind="document", title="Loppuraportti")
    assert output.licence == ""
    assert AuditEntry.objects.filter(action="output.added").latest("pk").data["open"] is False


def test_an_official_checks_once_and_a_checked_output_stays(cast):
    output = _software(cast)
    with pytest.raises(NotAllowed):
        check_output(output, actor=cast.lead)
    checked = check_output(output, actor=cast.official)
    assert checked.checked_by == cast.official and checked.checked_at is not None
    assert AuditEntry.objects.filter(action="output.checked").count() == 1
    with pytest.raises(Conflict):
        check_output(output, actor=cast.second_official)
    with pytest.raises(Conflict):
        remove_output(output, actor=cast.lead)
    assert ProjectOutput.objects.filter(pk=output.pk).exists()


def test_the_lead_removes_an_unchecked_output(cast):
    output = _software(cast)
    remove_output(output, actor=cast.lead)
    assert not ProjectOutput.objects.exists()
    assert AuditEntry.objects.filter(action="output.removed").count() == 1
