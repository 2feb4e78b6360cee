"""Figures as the screens show them: scores in the reader's locale with at most two decimals."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from avustus.evaluation.models import Assignment

pytestmark = pytest.mark.django_db


def test_the_evaluation_page_shows_a_mean_score_with_two_decimals_at_most(client, round_2020, official,
                                                                          django_user_model):
    application = round_2020.applications.get(reference="kuntadigi-2020-02-26-041")
    for name, value in (("arvioija-1", "70.00"), ("arvioija-2", "78.58")):
        Assignment.objects.create(application=application, reviewer=django_user_model.objects.create(username=name),
                                  conflict="none", weighted_score=Decimal(value), submitted_at=timezone.now())
    client.force_login(official)
    html = client.get(reverse("officials-evaluation", args=[round_2020.slug]) + "?sort=score").content.decode()
    row = html[html.index(application.title):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">74,29</td>' in row and '<td class="num">8,58</td>' in row
    assert "74,2900" not in html and "74.29" not in html


def test_the_rounds_menu_leads_to_the_notifications_of_its_signed_decision(client, round_2020, official):
    from avustus.decisions.models import Decision

    decision = Decision.objects.get(call=round_2020)
    client.force_login(official)
    html = client.get(reverse("officials-screening", args=[round_2020.slug])).content.decode()
    menu = html[html.index('class="steps"'):html.index("</nav>", html.index('class="steps"'))]
    assert reverse("officials-notifications", args=[decision.pk]) in menu and "Tiedoksiannot" in menu


def test_an_undecided_rounds_menu_has_no_notifications(client, open_call, django_user_model):
    from avustus.accounts.models import Role, RoleGrant

    official = django_user_model.objects.create(username="virkailija-2")
    RoleGrant.objects.create(user=official, role=Role.OFFICIAL, programme=open_call.programme)
    client.force_login(official)
    html = client.get(reverse("officials-screening", args=[open_call.slug])).content.decode()
    assert "/notifications/" not in html
