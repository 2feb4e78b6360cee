from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.submission import (
    ApplicationData,
    BudgetLine,
    CallRules,
    Exclusion,
    Member,
    check_submission,
    is_open,
    screening_flags,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = ZoneInfo("UTC")
# Summer time began in Finland on Sunday 29.3.2026 at 03:00; a deadline at 16:15 that day is 13:15 UTC.
DEADLINE = datetime(2026, 3, 29, 16, 15, tzinfo=HELSINKI)
RULES = CallRules(
    opens_at=datetime(2026, 2, 1, 9, 0, tzinfo=HELSINKI),
    closes_at=DEADLINE,
    aid_rate=Decimal("0.85"),
    min_municipalities=2,
    lead_kinds=frozenset({"municipality", "joint_authority"}),
    partner_kinds=frozenset({"municipality", "joint_authority"}),
    eligible_categories=frozenset({"staff", "travel", "services"}),
    required_plan_fields=("objectives",),
)
GOOD = ApplicationData(
    title="Yhteinen asiointi",
    members=(Member("109", "municipality", "lead"), Member("853", "municipality", "partner")),
    amount_applied=Decimal("85000.00"),
    budget=(BudgetLine("staff", Decimal("80000.00"), Decimal("0.00")),
            BudgetLine("services", Decimal("20000.00"), Decimal("4800.00"))),
    plan={"objectives": "Asiointi sujuvaksi."},
)
IN_TIME = datetime(2026, 3, 10, 12, 0, tzinfo=HELSINKI)


def codes(problems):
    return {(p.path, p.code) for p in problems}


def test_a_complete_application_in_time_has_no_problems():
    assert check_submission(GOOD, RULES, IN_TIME) == []


def test_the_deadline_is_an_instant_across_the_change_to_summer_time():
    assert is_open(RULES, datetime(2026, 3, 29, 13, 14, 59, tzinfo=UTC))  # 16.14.59 summer time
    assert not is_open(RULES, datetime(2026, 3, 29, 13, 15, tzinfo=UTC))  # 16.15 summer time
    # 14.15 UTC would be 16.15 in winter time: already late after the clocks moved.
    assert not is_open(RULES, datetime(2026, 3, 29, 14, 10, tzinfo=UTC))
    assert ("", "late") in codes(check_submission(GOOD, RULES, DEADLINE))
    assert ("", "not_open") in codes(check_submission(GOOD, RULES, datetime(2026, 1, 31, tzinfo=HELSINKI)))


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        is_open(RULES, datetime(2026, 3, 10, 12, 0))  # noqa: DTZ001 -- naive on purpose: it must be refused


def test_aid_rate_is_85_percent_of_vat_free_eligible_costs():
    # Eligible VAT-free costs 100 000,00: at most 85 000,00; VAT (4 800) does not count.
    over = ApplicationData(**{**GOOD.__dict__, "amount_applied": Decimal("85000.01")})
    problems = check_submission(over, RULES, IN_TIME)
    assert codes(problems) == {("amount_applied", "aid_rate_exceeded")}
    assert problems[0].params["maximum"] == Decimal("85000.00")


def test_one_municipality_is_not_a_joint_project():
    alone = ApplicationData(**{**GOOD.__dict__, "members": (Member("109", "municipality", "lead"),)})
    assert ("members", "too_few_municipalities") in codes(check_submission(alone, RULES, IN_TIME))
    twice = ApplicationData(**{**GOOD.__dict__, "members": (Member("109", "municipality", "lead"),
                                                           Member("109", "municipality", "partner"))})
    assert {("members", "too_few_municipalities"), ("members", "duplicate_member")} <= codes(
        check_submission(twice, RULES, IN_TIME))


def test_kinds_categories_and_required_fields():
    data = ApplicationData(
        title=" ",
        members=(Member("x", "company", "lead"), Member("109", "municipality", "partner"),
                 Member("y", "association", "partner")),
        amount_applied=Decimal("0.00"),
        budget=(BudgetLine("hardware", Decimal("100.00"), Decimal("-1.00")),),
        plan={},
    )
    assert codes(check_submission(data, RULES, IN_TIME)) >= {
        ("title", "required"), ("plan.objectives", "required"), ("members.0", "lead_kind"),
        ("members.2", "partner_kind"), ("budget.0.category", "category_not_eligible"), ("budget.0.vat", "negative"),
        ("amount_applied", "positive"),
    }


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.decimals(min_value=0, max_value=10**9, places=2))
def test_the_amount_applied_passes_exactly_when_within_the_rate(costs, applied):
    data = ApplicationData(**{**GOOD.__dict__, "budget": (BudgetLine("staff", costs, Decimal("0")),),
                              "amount_applied": applied})
    exceeded = ("amount_applied", "aid_rate_exceeded") in codes(check_submission(data, RULES, IN_TIME))
    assert exceeded == (applied > (costs * Decimal("0.85")).quantize(Decimal("0.01"), rounding="ROUND_DOWN"))


def test_screening_flags_excluded_themes_in_finnish_and_swedish_never_blocking():
    exclusions = (Exclusion("social_health", ("sosiaali- ja terveys", "sote", "social- och hälsovård")),
                  Exclusion("archiving", ("arkistoin", "arkivering")))
    flags = screening_flags(["Sote-palvelujen ajanvaraus", "Förbättrad arkivering av handlingar"], exclusions, GOOD,
                            RULES)
    assert {(f.code, f.detail) for f in flags} == {("exclusion", "social_health"), ("exclusion", "archiving")}
    assert screening_flags(["Kaupunki taskussa"], exclusions, GOOD, RULES) == []
    # A word that merely contains a keyword is not flagged.
    assert screening_flags(["Ympäristötarkastus"], (Exclusion("x", ("tarkastus",)),), GOOD, RULES) == []


def test_screening_reads_keywords_however_the_text_breaks_and_hyphenates_them():
    # The applicant's line break and en dash fold like the keyword's space and hyphen (rules.collation.fold).
    exclusions = (Exclusion("social_health", ("sosiaali- ja terveys",)),)
    flags = screening_flags(["Sosiaali\u2013 ja\nterveyspalvelujen ajanvaraus"], exclusions, GOOD, RULES)
    assert [(f.code, f.detail) for f in flags] == [("exclusion", "social_health")]
    assert flags[0].evidence == "sosiaali- ja terveyspalvelujen ajanvaraus"


def test_deadline_later_in_the_year_is_also_an_instant():
    autumn = CallRules(**{**RULES.__dict__, "closes_at": datetime(2026, 10, 25, 16, 15, tzinfo=HELSINKI)})
    assert is_open(autumn, datetime(2026, 10, 25, 14, 14, tzinfo=UTC))  # winter time again: UTC+2
    assert not is_open(autumn, datetime(2026, 10, 25, 14, 15, tzinfo=UTC))
