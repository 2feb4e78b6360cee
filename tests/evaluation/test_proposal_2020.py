"""The 2020 round: the call's rounding rule reproduces every granted amount from the amounts applied."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from avustus.decisions.models import Outcome
from avustus.evaluation.proposals import compute_proposal

pytestmark = pytest.mark.django_db


def test_every_granted_amount_of_the_seed_follows_from_the_amount_applied(round_2020):
    computed = compute_proposal(round_2020)
    proposed = {line.key: line for line in computed.result.lines}
    decided = Outcome.objects.filter(decision__call=round_2020).select_related("application")
    assert computed.call.rounding_rule.unit == Decimal("100") and computed.call.rounding_rule.mode == "down"
    assert len(proposed) == decided.count() == 51
    for outcome in decided:
        line = proposed[outcome.application.reference]
        assert line.outcome == outcome.kind
        assert line.amount == outcome.amount_granted, outcome.application.reference
    # 82 450,00 applied → 82 400 granted: the rule, not a copy of the decision's figure.
    assert proposed["kuntadigi-2020-02-26-013"].amount == Decimal("82400.00")
    assert computed.result.granted_total == Decimal("8268000.00")


def test_the_command_prints_each_application_and_the_totals(round_2020, capsys):
    call_command("proposal", round_2020.slug, "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["granted"] == "8268000.00"
    assert report["totals"]["applied"] == "24574065.00"
    assert report["totals"]["counts"] == {"granted": 27, "deferred": 6, "rejected": 18}
    first = report["applications"][0]
    assert set(first) >= {"title", "amount_applied", "proposed_outcome", "proposed_amount"}
    row_13 = next(a for a in report["applications"] if a["reference"].endswith("-013"))
    assert (row_13["amount_applied"], row_13["proposed_outcome"], row_13["proposed_amount"]) == (
        "82450.00", "granted", "82400.00")


def test_the_command_names_the_rounds_it_knows_when_given_a_wrong_one(round_2020):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="kuntadigi-2020-02-26"):
        call_command("proposal", "no-such-round")
