"""The project's outputs page in a real browser: axe-core in Finnish and Swedish at a phone's and a desktop's width,
for the lead (the form and the remove buttons) and for an official (the "checked" buttons)."""

import urllib.request

import pytest

from avustus.reports.outputs import add_output, check_output
from tests.browser.conftest import check_pages
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_outputs_page_of_the_lead_and_an_official(browser, live_server, cast):
    project = cast.project
    add_output(project, actor=cast.lead, kind="software", title="Ajanvarauksen rajapinta",
               address="https://github.com/example/ajanvaraus", licence="EUPL-1.2", description="Avoin lähdekoodi.")
    check_output(add_output(project, actor=cast.lead, kind="document", title="Käyttöohje",
                            address="https://example.org/ohje", licence="LicenseRef-oma"), actor=cast.official)
    page = f"/projects/{project.reference}/outputs/"
    # The live server's first answer loads templates and translations (seconds on a loaded machine): taken before
    # the browser's 10-second navigation timeout starts counting.
    with urllib.request.urlopen(live_server.url + "/open/outputs/", timeout=120) as response:  # noqa: S310
        response.read()
    check_pages(browser, live_server, [page], user=cast.lead)
    check_pages(browser, live_server, [page], user=cast.official)
