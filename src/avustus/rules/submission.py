"""What a call requires of an application at submission, and the flags screening shows officials.

The checks return problems with a field path and a code, never raise: the service layer turns them
into messages in the user's language and refuses the submission if there are any. Screening flags
never block; they point officials at what to look at.

Pure Python, no Django.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from avustus.rules.collation import fold
from avustus.rules.money import CENT, MoneyError, euros, max_aid


@dataclass(frozen=True)
class CallRules:
    opens_at: datetime | None
    closes_at: datetime | None
    aid_rate: Decimal
    min_municipalities: int
    lead_kinds: frozenset[str]
    partner_kinds: frozenset[str]
    eligible_categories: frozenset[str]  # codes of cost categories the call pays
    required_plan_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetLine:
    category: str
    vat_free: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Member:
    key: str | None  # registry key, None when the body is not in the registry
    kind: str | None
    role: str  # "lead" or "partner"


@dataclass(frozen=True)
class ApplicationData:
    title: str
    members: tuple[Member, ...]
    amount_applied: Decimal
    budget: tuple[BudgetLine, ...]
    plan: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    path: str  # where the problem is: "amount_applied", "budget.2.vat_free", "members"
    code: str  # what it is, for the message table: "late", "aid_rate_exceeded", ...
    params: dict[str, Any] = field(default_factory=dict)


def is_open(rules: CallRules, now: datetime) -> bool:
    """Whether applications are accepted at the instant ``now`` (aware; compared as instants, so DST is moot)."""
    if now.tzinfo is None:
        raise ValueError("the time of submission must be an aware datetime")
    if rules.opens_at is not None and now < rules.opens_at:
        return False
    return rules.closes_at is None or now < rules.closes_at


def eligible_costs(budget: tuple[BudgetLine, ...], rules: CallRules) -> Decimal:
    """VAT-free costs in the categories the call pays; VAT is never an eligible cost."""
    return sum((line.vat_free for line in budget if line.category in rules.eligible_categories), Decimal("0.00"))


def max_aid_for(budget: tuple[BudgetLine, ...], rules: CallRules) -> Decimal:
    """The largest amount that can be applied for with this budget."""
    return max_aid(eligible_costs(budget, rules), rules.aid_rate)


def check_submission(application: ApplicationData, rules: CallRules, now: datetime) -> list[Problem]:
    problems: list[Problem] = []
    if not is_open(rules, now):
        problems.append(Problem("", "late" if rules.closes_at and now >= rules.closes_at else "not_open",
                                {"closes_at": rules.closes_at, "opens_at": rules.opens_at}))
    if not application.title.strip():
        problems.append(Problem("title", "required"))
    for key in rules.required_plan_fields:
        if not str(application.plan.get(key, "")).strip():
            problems.append(Problem(f"plan.{key}", "required"))

    leads = [m for m in application.members if m.role == "lead"]
    if len(leads) != 1:
        problems.append(Problem("members", "one_lead"))
    elif leads[0].kind not in rules.lead_kinds:
        problems.append(Problem("members.0", "lead_kind", {"kind": leads[0].kind}))
    for i, member in enumerate(application.members):
        if member.role == "partner" and member.kind not in rules.partner_kinds:
            problems.append(Problem(f"members.{i}", "partner_kind", {"kind": member.kind}))
    keys = [m.key for m in application.members if m.key]
    if len(keys) != len(set(keys)):
        problems.append(Problem("members", "duplicate_member"))
    municipalities = {m.key for m in application.members if m.kind == "municipality"}
    if len(municipalities) < rules.min_municipalities:
        problems.append(Problem("members", "too_few_municipalities",
                                {"minimum": rules.min_municipalities, "count": len(municipalities)}))

    for i, line in enumerate(application.budget):
        if line.category not in rules.eligible_categories:
            problems.append(Problem(f"budget.{i}.category", "category_not_eligible", {"category": line.category}))
        for name in ("vat_free", "vat"):
            problems += _money_problems(getattr(line, name), f"budget.{i}.{name}")
    if not application.budget:
        problems.append(Problem("budget", "required"))

    problems += _money_problems(application.amount_applied, "amount_applied")
    if application.amount_applied <= 0:
        problems.append(Problem("amount_applied", "positive"))
    ceiling = max_aid_for(application.budget, rules)
    if application.amount_applied > ceiling:
        problems.append(Problem("amount_applied", "aid_rate_exceeded",
                                {"maximum": ceiling, "rate": rules.aid_rate}))
    return problems


def _money_problems(amount: Decimal, path: str) -> list[Problem]:
    try:
        euros(amount)
    except MoneyError:
        return [Problem(path, "not_money")]
    if amount < 0:
        return [Problem(path, "negative")]
    if amount != amount.quantize(CENT):
        return [Problem(path, "cents")]
    return []


# --- Screening ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    code: str
    keywords: tuple[str, ...]  # Finnish and Swedish word stems, lower case: "sosiaali- ja terveys", "vård"


@dataclass(frozen=True)
class Flag:
    code: str  # "exclusion", "too_few_municipalities", "category_not_eligible"
    detail: str  # the exclusion's code, or the category, or the count
    evidence: str = ""  # the words that raised it


def screening_flags(
    texts: list[str], exclusions: tuple[Exclusion, ...], application: ApplicationData, rules: CallRules
) -> list[Flag]:
    """Flags for officials: themes the call excludes found in the texts, and rule breaches worth a look."""
    flags: list[Flag] = []
    folded = fold(" \n ".join(texts))
    for exclusion in exclusions:
        for keyword in exclusion.keywords:
            # A keyword is a word start: "terveyden" matches "terveydenhuolto" but not "hyvinvointiterveys".
            match = re.search(rf"(?<!\w){re.escape(fold(keyword))}", folded)
            if match:
                start = max(0, match.start() - 30)
                flags.append(Flag("exclusion", exclusion.code, folded[start:match.end() + 30].strip()))
                break
    municipalities = {m.key for m in application.members if m.kind == "municipality"}
    if len(municipalities) < rules.min_municipalities:
        flags.append(Flag("too_few_municipalities", str(len(municipalities))))
    for line in application.budget:
        if line.category not in rules.eligible_categories:
            flags.append(Flag("category_not_eligible", line.category))
    return flags
