"""The applicant's own screens in a real browser, at 375 and 1280 px, in Finnish and Swedish."""

import pytest

from avustus.accounts.models import Role, RoleGrant
from avustus.applications import services
from avustus.registry.models import Organisation
from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)


def test_applicant_pages_at_a_phones_and_a_desktops_width_in_finnish_and_swedish(browser, live_server, round_2020,
                                                                                  open_call, applicant_of):
    user = applicant_of("109")
    # The same person acts for Sastamala too, whose 2020 application was granted.
    RoleGrant.objects.create(user=user, role=Role.APPLICANT, organisation=Organisation.objects.get(code="837"))
    lead = Organisation.objects.get(code="109")
    draft = services.create_draft(open_call, actor=user, organisation=lead)
    draft = services.update_draft(draft, services.DraftChanges(
        title="Yhteinen asiointipalvelu kahdelle kunnalle", plan={"objectives": "Asiointi sujuvaksi."},
        partners=[Organisation.objects.get(code="853").key],
        budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0"},
                {"category": "services", "amount_vat_free": "20000.00", "vat": "4800.00"}],
        amount_applied="85000.00"), actor=user, version=draft.version)
    submitted = services.submit(draft, actor=user)
    other = services.create_draft(open_call, actor=user, organisation=lead, title="Toinen hanke")
    check_pages(browser, live_server, [
        "/my/applications/",
        f"/my/applications/{other.reference}/",
        f"/my/applications/{submitted.reference}/",
        f"/my/applications/{submitted.reference}/receipt/",
        "/my/applications/kuntadigi-2020-02-26-041/",
    ], user=user)
