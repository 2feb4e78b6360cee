"""The data of a decision, read once from the database into plain JSON-ready values.

A document is built from this snapshot, never from live rows, so that what was signed can be
rebuilt and checked later: signing stores the snapshot and its hash beside the rendered files.
"""

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from avustus.applications.models import ConsortiumMember
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.selectors import applications_with_outcomes
from avustus.registry.models import Organisation

SNAPSHOT_VERSION = 1
HELSINKI = ZoneInfo("Europe/Helsinki")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _body(org: Organisation | None, written: str) -> dict:
    """A body as documents need it: registry names and forms when resolved, the source's words otherwise."""
    if org is None:
        return {"written": written, "name_fi": None, "name_sv": None, "genitive_fi": None, "municipal_form": None,
                "kind": None, "code": None}
    return {
        "written": written,
        "name_fi": org.name_fi,
        "name_sv": org.name_sv or None,
        "genitive_fi": org.genitive_fi or None,
        "municipal_form": org.municipal_form or None,
        "kind": org.kind,
        "code": org.code,
    }


def decision_snapshot(decision: Decision) -> dict:
    """Everything the collective decision's documents say, in both languages, as plain data."""
    call = decision.call
    groups = list(call.groups.all())
    apps = list(
        applications_with_outcomes(call)
        .filter(outcomes__decision=decision)
        .order_by("source_row", "reference")
    )
    outcomes = {
        o.application_id: o
        for o in Outcome.objects.filter(decision=decision).select_related("recipient", "group")
    }
    # JSON-ready rows of mixed values (text, numbers, nested bodies, lists of conditions).
    grants: list[dict[str, Any]] = []
    deferred: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for app in apps:
        members = list(app.members.all())
        lead = next((m for m in members if m.role == ConsortiumMember.Role.LEAD), None)
        partners = [m for m in members if m.role == ConsortiumMember.Role.PARTNER]
        outcome = outcomes[app.id]
        rows.append(
            {
                "reference": app.reference,
                "lead": _body(lead.organisation, lead.name_as_written) if lead else None,
                "partners": [_body(p.organisation, p.name_as_written) for p in partners],
                "title": app.title,
                "applied": _money(app.amount_applied),
                "outcome": outcome.kind,
            }
        )
        recipient = (
            _body(outcome.recipient, outcome.recipient_as_written)
            if outcome.recipient
            else rows[-1]["lead"] or _body(None, outcome.recipient_as_written)
        )
        if outcome.kind == Outcome.Kind.GRANTED:
            grants.append(
                {
                    "number": outcome.number,
                    "group": outcome.group.code if outcome.group else None,
                    "recipient": recipient,
                    "amount": _money(outcome.amount_granted),
                    "title": app.title,
                    "project_as_written": outcome.project_as_written or None,
                    "conditions": list(outcome.special_conditions),
                    "conditions_sv": list(outcome.special_conditions_sv),
                    "reference": app.reference,
                }
            )
        elif outcome.kind == Outcome.Kind.DEFERRED:
            deferred.append(
                {
                    "number": outcome.number,
                    "applicant": recipient,
                    "title": app.title,
                    "project_as_written": outcome.project_as_written or None,
                    "reference": app.reference,
                }
            )
    grants.sort(key=lambda g: (g["number"] is None, g["number"] or 0, g["reference"]))
    deferred.sort(key=lambda d: (d["number"] is None, d["number"] or 0, d["reference"]))
    applied = sum((app.amount_applied for app in apps), Decimal("0.00"))
    granted = sum((Decimal(g["amount"]) for g in grants), Decimal("0.00"))
    return {
        "version": SNAPSHOT_VERSION,
        "round": call.slug,
        "decision": {
            "id": decision.pk,
            "kind": decision.kind,
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
            "amends": (
                {"id": decision.amends_id,
                 "decided_on": decision.amends.decided_on.isoformat() if decision.amends.decided_on else None}
                if decision.amends is not None else None
            ),
            "decision_maker": {"name": decision.decision_maker_name, "title": decision.decision_maker_title},
            "presenting_official": {
                "name": decision.presenting_official_name,
                "title": decision.presenting_official_title,
            },
        },
        "call": {
            "appropriation": _money(call.appropriation),
            "budget_item": call.budget_item or None,
            "deadline": call.closes_at.astimezone(HELSINKI).date().isoformat() if call.closes_at else None,
            "aid_rate": str(call.aid_rate),
            "implementation_end": call.implementation_end.isoformat() if call.implementation_end else None,
            "reporting_interval_months": call.reporting_interval_months,
            "cost_categories": [{"fi": c.name_fi, "sv": c.name_sv} for c in call.cost_categories.filter(eligible=True)],
            "texts": call.texts,
        },
        "received": decision.stated_received if decision.stated_received is not None else len(apps),
        "withdrawn": decision.stated_withdrawn or 0,
        "groups": [
            {"code": g.code, "heading": {"fi": g.name_fi, "sv": g.name_sv},
             "condition": {"fi": g.condition_fi, "sv": g.condition_sv}}
            for g in groups
        ],
        "grants": grants,
        "deferred": deferred,
        "appendix": rows,
        "totals": {"applied": _money(applied), "granted": _money(granted)},
    }
