"""The open-data pages in a real browser: axe-core (WCAG 2.1 A/AA) in Finnish and Swedish at a phone's and a
desktop's width, the charts included; nothing may scroll sideways."""

import urllib.request

import pytest

from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)

OPEN_DATA_PAGES = [
    "/open/",
    "/open/?outcome=granted&region=05&min=100000",
    ("/open/?min=paljon", 200),  # a wrong amount, said beside its field
    "/open/rounds/kuntadigi-2020-02-26/",
    "/open/organisations/109/",
    "/open/programmes/kuntadigi/",
]


def test_open_data_pages_at_a_phones_and_a_desktops_width_in_finnish_and_swedish(browser, live_server, round_2020):
    # The first answer loads templates and translations and writes the published table (seconds on a loaded
    # machine): taken before the browser's 10-second navigation timeout starts counting.
    with urllib.request.urlopen(live_server.url + "/open/", timeout=120) as response:  # noqa: S310 - localhost
        response.read()
    check_pages(browser, live_server, OPEN_DATA_PAGES)
