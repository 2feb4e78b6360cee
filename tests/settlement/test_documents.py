"""The approved settlement as a document: rendered by its task from the stored snapshot, fi and sv, HTML and PDF,
the figures to the cent; stored once, never changed; downloaded by the lead's people and the officials only."""

import io
from decimal import Decimal

import pypdfium2
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from avustus.actors import display_name
from avustus.audit import triggers
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.errors import NotAllowed, NotFound
from avustus.projects.models import FundedProject
from avustus.rules.money import format_amount
from avustus.settlement import documents
from avustus.settlement.models import Settlement, SettlementDocument
from avustus.settlement.tasks import store_settlement_documents
from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

pytestmark = pytest.mark.django_db


def run_settlement_tasks() -> int:
    """The pending settlement document tasks, run as ``avustus worker`` would (inside the test's transaction)."""
    pending = list(DBTaskResult.objects.filter(status="READY", task_path=store_settlement_documents.module_path))
    for result in pending:
        store_settlement_documents.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return len(pending)


def _pdf_text(content: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(content))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


@pytest.fixture
def settled(cast, storage):
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")  # final grant 17 000,00 of 72 643,81 paid: 55 643,81 to return
    return _settled(cast)


def test_rendered_from_the_snapshot_in_both_languages_to_the_cent(cast, settled):
    assert not settled.documents.exists()  # approved: the documents are the task's, pending until it runs
    # Whatever changes afterwards, the documents say what was approved: the figures are the snapshot's.
    FundedProject.objects.filter(pk=cast.project.pk).update(grant=Decimal("1.00"))
    assert run_settlement_tasks() == 1
    stored = {(d.lang, d.format): d for d in settled.documents.all()}
    assert set(stored) == {("fi", "html"), ("fi", "pdf"), ("sv", "html"), ("sv", "pdf")}
    figures = [format_amount(Decimal(v)) for v in ("131700.00", "20000.00", "17000.00", "72643.81", "55643.81",
                                                   "43643.81", "29000.00")]
    assert figures[4] == "55\u00a0643,81"
    fi_html = bytes(stored["fi", "html"].content).decode()
    sv_html = bytes(stored["sv", "html"].content).decode()
    for figure in figures:
        assert figure in fi_html and figure in sv_html
    assert "LOPULLISESTA MÄÄRÄSTÄ" in fi_html and "Oikaisuvaatimus" in fi_html and "20 §" in fi_html
    assert "SLUTLIGA STATSUNDERSTÖDET" in sv_html and "Begäran om omprövning" in sv_html
    assert "återbetalas" in sv_html and "15.7.2020" in sv_html and "20.11.2020" in sv_html
    assert settled.sha256 in fi_html and display_name(cast.second_official) in fi_html
    for lang in ("fi", "sv"):
        text = _pdf_text(bytes(stored[lang, "pdf"].content)).replace("\r", "")
        assert "55\u00a0643,81" in text or "55 643,81" in text
    entry = AuditEntry.objects.get(action="settlement.documents_stored")
    assert entry.data["documents"]["fi.pdf"] == stored["fi", "pdf"].sha256
    assert documents.verify_settlement_documents(settled) == []
    assert documents.languages_of(settled) == ("fi", "sv")  # Kankaanpää writes Finnish
    assert verify().ok


def test_stored_once_and_never_changed(settled):
    run_settlement_tasks()
    assert documents.store_settlement_documents(settled.pk, settled.sha256) == "stored before"
    assert SettlementDocument.objects.filter(settlement=settled).count() == 4
    document = settled.documents.get(lang="fi", format="html")
    document.content = b"<p>toisin</p>"
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        document.delete()
    # Nor behind the model's back: the database refuses it (audit.triggers).
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementDocument.objects.filter(pk=document.pk).update(content=b"x", sha256="0" * 64)
    forged = Settlement.objects.get(pk=settled.pk)
    forged.document_data = {**forged.document_data, "approved_by": "Joku Muu"}
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save(update_fields=["document_data"])
    assert documents.verify_settlement_documents(Settlement.objects.get(pk=settled.pk)) == []
    # Someone with the rights to drop the triggers first is who the hashes still catch (the test's rollback
    # restores the triggers): a row rewritten, hash and all, against the audit log's hashes.
    triggers.drop(connection)
    SettlementDocument.objects.filter(pk=document.pk).update(content=b"x", sha256="0" * 64)
    assert documents.verify_settlement_documents(Settlement.objects.get(pk=settled.pk)) == ["fi.html"]
    # What the approval fixed is checked against its audit entry too.
    forged.save(update_fields=["document_data"])
    assert documents.verify_settlement_documents(Settlement.objects.get(pk=settled.pk)) == ["document_data",
                                                                                           "fi.html"]


def test_a_task_for_another_snapshot_stores_nothing(settled):
    with pytest.raises(ValueError):
        documents.store_settlement_documents(settled.pk, "0" * 64)
    assert not settled.documents.exists()


def test_who_may_fetch_it(cast, settled):
    ref = cast.project.reference
    with pytest.raises(NotAllowed):
        documents.settlement_document(ref, "fi", "pdf", actor=cast.partner)
    with pytest.raises(NotFound):
        documents.settlement_document(ref, "fi", "pdf", actor=cast.outsider)
    assert documents.settlement_document(ref, "fi", "pdf", actor=cast.lead) is None  # pending
    run_settlement_tasks()
    for actor in (cast.lead, cast.official, cast.decision_maker):
        assert documents.settlement_document(ref, "sv", "html", actor=actor).lang == "sv"
    with pytest.raises(NotFound):
        documents.settlement_document(ref, "en", "html", actor=cast.lead)
    reads = AuditEntry.objects.filter(action="settlement.document_read")
    assert reads.count() == 3 and reads.last().data == {"project": ref, "lang": "sv", "format": "html"}


def test_the_download_route(cast, settled):
    url = reverse("settlement-document", kwargs={"reference": cast.project.reference, "lang": "fi", "format": "pdf"})
    client = Client()
    client.force_login(cast.lead)
    pending = client.get(url)
    assert pending.status_code == 503 and pending["Retry-After"] == "30"
    run_settlement_tasks()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(settled.documents.get(lang="fi", format="pdf").content)
    html = client.get(url.replace("fi.pdf", "sv.html"))
    assert html.status_code == 200 and "slutliga" in html.content.decode()
    partner = Client()
    partner.force_login(cast.partner)
    assert partner.get(url).status_code == 403
    outsider = Client()
    outsider.force_login(cast.outsider)
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_not_settled_is_not_found(cast):
    with pytest.raises(NotFound):
        documents.settlement_document(cast.project.reference, "fi", "pdf", actor=cast.official)
