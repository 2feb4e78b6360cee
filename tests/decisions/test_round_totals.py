"""The round page's figures: every total is the sum of the rows shown beside it, also after a rectification."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from avustus.accounts.models import Role, RoleGrant
from avustus.decisions import rectification
from avustus.decisions.models import Decision
from avustus.decisions.selectors import round_summary

pytestmark = pytest.mark.django_db


def _user(name, programme, role):
    user = get_user_model().objects.create(username=name)
    RoleGrant.objects.create(user=user, role=role, programme=programme)
    return user


@pytest.fixture
def rectified(round_2020):
    """A rejected application of 2020 granted 50 000 € by an amending decision on a rectification request."""
    official = _user("virkailija", round_2020.programme, Role.OFFICIAL)
    decider = _user("paattaja", round_2020.programme, Role.DECISION_MAKER)
    decision = Decision.objects.get(call=round_2020)
    app = decision.outcomes.filter(kind="rejected").select_related("application").first().application
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    request = rectification.prepare(request, resolution="amended", reasoning="Uusi arvio", outcome="granted",
                                    amount="50000", actor=official)
    rectification.decide(request, actor=decider, version=rectification.prepared_version(request),
                         decided_on=datetime.date(2020, 4, 20))
    return round_2020


def _euros(text: str) -> Decimal:
    return Decimal(text.replace("\u00a0", "").replace("€", "").replace(" ", "").replace(",", "."))


def test_the_totals_are_the_sums_of_the_group_rows_after_a_rectification(rectified):
    summary = round_summary(rectified)
    assert summary.granted_count == sum(g.count for g in summary.groups) == 28
    assert summary.granted == sum(g.granted for g in summary.groups)
    assert [g.group for g in summary.groups][-1] is None and summary.groups[-1].granted == Decimal("50000.00")


def test_the_round_page_shows_totals_that_its_rows_add_up_to(client, rectified):
    html = client.get(reverse("round", args=[rectified.slug])).content.decode()
    table = html[html.index("<tbody>", html.index("Myönnetty ryhmittäin")):]
    body, foot = table[:table.index("</tbody>")], table[table.index("<tfoot>"):table.index("</tfoot>")]
    rows = re.findall(r'<td class="num">(\d+)</td><td class="num">([^<]+)</td>', body)
    [(count, granted)] = re.findall(r'<td class="num">(\d+)</td><td class="num">([^<]+)</td>', foot)
    assert rows and int(count) == 28  # the 27 grants of 2020 and the one made on rectification
    assert int(count) == sum(int(n) for n, _ in rows)
    assert _euros(granted) == sum(_euros(g) for _, g in rows)
    assert f"{int(count)} " in html[html.index("<dl class=\"facts\">"):html.index("</dl>")]


def test_drafts_count_nowhere_in_the_round(round_2020, applicant_of):
    from avustus.applications.models import Application

    before = round_summary(round_2020)
    Application.objects.create(call=round_2020, reference="kuntadigi-2020-02-26-x", title="", status="draft",
                               amount_applied=Decimal("1000000.00"))
    after = round_summary(round_2020)
    assert (after.applications, after.applied) == (before.applications, before.applied)
