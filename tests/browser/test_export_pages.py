"""The background export's screens in a real browser: the large round's form and the status page in each state,
at 375 and 1280 px, in fi and sv."""

import pytest

from avustus.accounts.models import Role, RoleGrant
from avustus.opendata.models import ExportJob
from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_export_form_and_status_pages(browser, live_server, round_2020, django_user_model, settings):
    settings.AVUSTUS_BACKGROUND_EXPORT_FROM = 20  # the 2020 round's 27 grants count as many
    official = django_user_model.objects.create_user(username="virkailija")
    RoleGrant.objects.create(user=official, role=Role.OFFICIAL, programme=round_2020.programme)
    states = [
        {"status": "queued"},
        {"status": "running", "rows_done": 10, "rows_total": 27},
        {"status": "ready", "rows_done": 27, "rows_total": 27, "filename": "kuntadigi-2020-02-26-grants.csv",
         "content_type": "text/csv", "content": b"a,b\n"},
        {"status": "failed", "error": "Levy täynnä."},
    ]
    jobs = [ExportJob.objects.create(call=round_2020, format="csv", lang="fi", requested_by=official, **state)
            for state in states]
    check_pages(browser, live_server, ["/rounds/kuntadigi-2020-02-26/",
                                       *(f"/officials/exports/{job.pk}/" for job in jobs)], user=official)
