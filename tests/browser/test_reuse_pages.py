"""The reuse catalogue (public) and the officials' dashboard in a real browser: axe-core in Finnish and Swedish
at a phone's and a desktop's width, the charts included; nothing may scroll sideways."""

import urllib.request

import pytest

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)

@pytest.fixture
def outputs(round_2020):
    from avustus.projects.models import FundedProject
    from avustus.reports.outputs import add_output, check_output

    project = FundedProject.objects.filter(call=round_2020).order_by("reference").first()
    check_output(add_output(project, actor=SYSTEM, kind="software", title="Ajanvaraus",
                            address="https://github.com/example/ajanvaraus", licence="EUPL-1.2",
                            description="Ajanvarauksen avoin lähdekoodi."), actor=SYSTEM)
    check_output(add_output(project, actor=SYSTEM, kind="document", title="Suljettu opas"), actor=SYSTEM)
    return project

def _warm(live_server) -> None:
    """The live server's first answer loads templates and translations (seconds on a loaded machine); take it
    before the browser's 10-second navigation timeout starts counting."""
    with urllib.request.urlopen(live_server.url + "/open/", timeout=120) as response:  # noqa: S310 - http://localhost
        response.read()


def test_the_reuse_catalogue_in_finnish_and_swedish(browser, live_server, outputs):
    _warm(live_server)
    check_pages(browser, live_server, ["/open/outputs/", "/open/outputs/?kind=software&q=ajan"])

def test_the_dashboard_in_finnish_and_swedish(browser, live_server, round_2020, django_user_model):
    official = django_user_model.objects.create(username="kojelauta")
    grant_role(official, Role.OFFICIAL, actor=SYSTEM, programme=round_2020.programme)
    check_pages(browser, live_server, [f"/officials/programmes/{round_2020.programme.slug}/dashboard/"], user=official)
