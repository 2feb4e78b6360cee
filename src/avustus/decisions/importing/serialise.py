"""A parsed decision as plain JSON data and back, without its prose sections.

The package ships the 2020 round in this form so that the demo runs without the source text, and
the hash of this form identifies a decision whichever way it was loaded (see ``content_hash``).
The prose ``sections`` are left out: they are the Ministry's wording, not facts the round needs.
"""

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal

from avustus.decisions.importing.result import ParsedDecision

LEFT_OUT = {"sections"}


def _dump(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in LEFT_OUT}
    if isinstance(value, (tuple, list)):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load(tp, value):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _load(inner, value)
    if origin is tuple:
        inner = typing.get_args(tp)[0]
        return tuple(_load(inner, v) for v in value)
    if origin is dict:
        return dict(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: _load(hints[f.name], value[f.name]) for f in dataclasses.fields(tp) if f.name in value}
        return tp(**kwargs)
    if tp is Decimal:
        return Decimal(value)
    if tp is date:
        return date.fromisoformat(value)
    return value


def parsed_to_dict(parsed: ParsedDecision) -> dict:
    return _dump(parsed)


def parsed_from_dict(data: dict) -> ParsedDecision:
    return _load(ParsedDecision, {"sections": {}, **data})


def parsed_figures(parsed: ParsedDecision) -> dict:
    """What a decision says in figures alone, the same in every language it is published in.

    Dates, amounts, counts and the numbers of the grants (by group) and of the deferred applications,
    and each Appendix 1 amount in order: a Finnish decision and its Swedish version agree on all of
    these and on nothing written in words.
    """
    return _dump({
        "decision_date": parsed.decision_date,
        "appropriation": parsed.appropriation,
        "budget_item": parsed.budget_item,
        "deadline": parsed.deadline,
        "received": parsed.received,
        "withdrawn": parsed.withdrawn,
        "applied_total": parsed.applied_total,
        "granted_total": parsed.granted_total,
        "aid_rate": parsed.aid_rate,
        "implementation_end": parsed.implementation_end,
        "reporting_interval_months": parsed.reporting_interval_months,
        "cost_categories": len(parsed.cost_categories),
        "groups": [[g.number for g in parsed.grants if g.group_heading == s.heading] for s in parsed.groups],
        "grants": [[g.number, g.amount] for g in parsed.grants],
        "deferred": [d.number for d in parsed.deferred],
        "appendix": [r.amount for r in parsed.appendix],
        "appendix_total": parsed.appendix_total,
    })
