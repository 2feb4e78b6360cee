"""The data of a decision, read once from the database into plain JSON-ready values.

A document is built from this snapshot, never from live rows, so that what was signed can be
rebuilt and checked later: signing stores the snapshot and its hash beside the rendered files.
"""

import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import TextField
from django.db.models.functions import Cast

from avustus.applications.models import Application, ConsortiumMember
from avustus.decisions.models import Decision, Outcome
from avustus.registry.models import Organisation

SNAPSHOT_VERSION = 1
HELSINKI = ZoneInfo("Europe/Helsinki")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _json_list(text: str | None) -> list:
    return [] if text in (None, "", "[]") else list(json.loads(text))


_BODY_FIELDS = ("name_fi", "name_sv", "genitive_fi", "municipal_form", "kind", "code")


def _body(org: dict | None, written: str) -> dict:
    """A body as documents need it: registry names and forms when resolved, the source's words otherwise."""
    if org is None:
        return {"written": written, "name_fi": None, "name_sv": None, "genitive_fi": None, "municipal_form": None,
                "kind": None, "code": None}
    return {
        "written": written,
        "name_fi": org["name_fi"],
        "name_sv": org["name_sv"] or None,
        "genitive_fi": org["genitive_fi"] or None,
        "municipal_form": org["municipal_form"] or None,
        "kind": org["kind"],
        "code": org["code"],
    }


def decision_snapshot(decision: Decision) -> dict:
    """Everything the collective decision's documents say, in both languages, as plain data.

    Read as plain values in a fixed number of queries, not as model instances: signing reads the snapshot
    inside its transaction, and a round of 5,000 applications must sign within a second.
    """
    call = decision.call
    groups = list(call.groups.all())
    apps = list(
        Application.objects.filter(call=call, outcomes__decision=decision)
        .order_by("source_row", "reference").values("id", "reference", "title", "amount_applied")
    )
    outcomes = {
        o["application_id"]: o
        for o in Outcome.objects.filter(decision=decision).annotate(
            # As text, decoded only when not empty: decoding thousands of empty lists was most of the time.
            conditions_fi=Cast("special_conditions", TextField()),
            conditions_sv=Cast("special_conditions_sv", TextField()),
        ).values("application_id", "kind", "number", "group__code", "amount_granted", "project_as_written",
                 "conditions_fi", "conditions_sv", "recipient_id", "recipient_as_written")
    }
    members: dict[int, list[Any]] = {}
    for m in (ConsortiumMember.objects.filter(application__call=call, application__outcomes__decision=decision)
              .order_by("application_id", "position", "id")
              .values("application_id", "role", "organisation_id", "name_as_written")):
        members.setdefault(m["application_id"], []).append(m)
    wanted = {m["organisation_id"] for ms in members.values() for m in ms} | {
        o["recipient_id"] for o in outcomes.values()}
    organisations = {o["id"]: o for o in Organisation.objects.filter(pk__in=wanted - {None}).values(
        "id", *_BODY_FIELDS)}
    # JSON-ready rows of mixed values (text, numbers, nested bodies, lists of conditions).
    grants: list[dict[str, Any]] = []
    deferred: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for app in apps:
        own = members.get(app["id"], [])
        lead = next((m for m in own if m["role"] == ConsortiumMember.Role.LEAD), None)
        partners = [m for m in own if m["role"] == ConsortiumMember.Role.PARTNER]
        outcome = outcomes[app["id"]]
        rows.append(
            {
                "reference": app["reference"],
                "lead": _body(organisations.get(lead["organisation_id"]), lead["name_as_written"]) if lead else None,
                "partners": [_body(organisations.get(p["organisation_id"]), p["name_as_written"]) for p in partners],
                "title": app["title"],
                "applied": _money(app["amount_applied"]),
                "outcome": outcome["kind"],
            }
        )
        recipient = (
            _body(organisations[outcome["recipient_id"]], outcome["recipient_as_written"])
            if outcome["recipient_id"]
            else rows[-1]["lead"] or _body(None, outcome["recipient_as_written"])
        )
        if outcome["kind"] == Outcome.Kind.GRANTED:
            grants.append(
                {
                    "number": outcome["number"],
                    "group": outcome["group__code"],
                    "recipient": recipient,
                    "amount": _money(outcome["amount_granted"]),
                    "title": app["title"],
                    "project_as_written": outcome["project_as_written"] or None,
                    "conditions": _json_list(outcome["conditions_fi"]),
                    "conditions_sv": _json_list(outcome["conditions_sv"]),
                    "reference": app["reference"],
                }
            )
        elif outcome["kind"] == Outcome.Kind.DEFERRED:
            deferred.append(
                {
                    "number": outcome["number"],
                    "applicant": recipient,
                    "title": app["title"],
                    "project_as_written": outcome["project_as_written"] or None,
                    "reference": app["reference"],
                }
            )
    grants.sort(key=lambda g: (g["number"] is None, g["number"] or 0, g["reference"]))
    deferred.sort(key=lambda d: (d["number"] is None, d["number"] or 0, d["reference"]))
    applied = sum((app["amount_applied"] for app in apps), Decimal("0.00"))
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
