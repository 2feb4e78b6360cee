"""Markup in a recovery's reasons (an official's) and the lead's response comes back as text: escaped on the case's
page and in the decision's HTML, printed literally in its PDF."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from avustus.settlement import recovery as service
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.security.test_xss import assert_escaped, assert_literal_in_pdf, payload, pdf_text
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided

pytestmark = pytest.mark.django_db


def test_a_recovery_escapes_its_reasons_and_the_response(client, cast, tmp_path):  # noqa: F811
    _through_two_payments(cast)
    on = date(2022, 9, 5)
    recovery = service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="1 000,00",
                                      reasons=payload("REASONS"), known_on=date(2022, 9, 1),
                                      deadline=on + timedelta(days=25), on=on,
                                      version=service.cases_version(cast.project))
    service.respond_to_hearing(recovery, actor=cast.lead, response=payload("RESPONSE"))
    recovery.refresh_from_db()
    decided = _decided(cast, recovery)
    ref = cast.project.reference
    client.force_login(cast.lead)
    assert_escaped(client.get(reverse("project-recovery", args=[ref, decided.pk])).content.decode(),
                   "REASONS", "RESPONSE")
    html = client.get(reverse("recovery-document", args=[ref, decided.pk, "sv", "html"])).content.decode()
    assert_escaped(html, "REASONS", "RESPONSE")
    pdf = client.get(reverse("recovery-document", args=[ref, decided.pk, "fi", "pdf"])).content
    assert_literal_in_pdf(pdf_text(pdf, tmp_path), "REASONS", "RESPONSE")
