"""The public bodies the registry knows, as read from the data files shipped in ``registry/data``.

Municipalities carry their validity: a municipality merged into another since 2009 stays in the
registry with the last day it existed (``valid_to``) and the code of the municipality it became part of
(``successor_code``), so that an old decision's names still mean what they meant then.

Pure Python and the standard library only; Django is not imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources

MUNICIPALITY = "municipality"
OTHER_KINDS = ("joint_authority", "regional_council", "sub_region", "other")
MUNICIPALITY_FILES = ("municipalities-2020.csv", "municipalities-former.csv")


@dataclass(frozen=True)
class Body:
    key: str  # municipality code for municipalities ("109"), else the slug from other-bodies.csv
    kind: str  # "municipality" | "joint_authority" | "regional_council" | "sub_region" | "other"
    code: str | None  # 3-digit Statistics Finland code for municipalities, else None
    name_fi: str
    name_sv: str
    region_code: str | None
    region_name_fi: str | None
    region_name_sv: str | None
    language: str | None  # fi | sv | fi-sv | sv-fi for municipalities
    municipal_form: str | None  # kaupunki | kunta
    genitive_fi: str | None
    member_codes: tuple[str, ...] = ()
    business_id: str | None = None  # Y-tunnus, where a public source gives it
    valid_to: date | None = None  # the last day the body existed, if it no longer does
    successor_code: str | None = None  # the registry key of the body it became part of

    @property
    def display_name(self) -> str:
        return self.name_fi

    def valid_on(self, day: date) -> bool:
        """Whether the body existed on that day (the registry records when bodies ended, not began)."""
        return self.valid_to is None or day <= self.valid_to


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("avustus.registry").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _municipality(row: dict[str, str]) -> Body:
    return Body(
        key=row["code"],
        kind=MUNICIPALITY,
        code=row["code"],
        name_fi=row["name_fi"],
        name_sv=row["name_sv"],
        region_code=row["region_code"],
        region_name_fi=row["region_name_fi"],
        region_name_sv=row["region_name_sv"],
        language=row["language"],
        municipal_form=row["municipal_form"],
        genitive_fi=row["genitive_fi"],
        valid_to=date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
        successor_code=row.get("successor_code") or None,
    )


def load_data() -> tuple[list[Body], dict[str, tuple[str, ...]]]:
    """The bodies of the data files shipped with the package, and the other bodies' aliases by key."""
    municipalities = [_municipality(row) for name in MUNICIPALITY_FILES for row in _read_csv(name)]
    regions = {b.region_code: (b.region_name_fi, b.region_name_sv) for b in municipalities}
    others: list[Body] = []
    aliases: dict[str, tuple[str, ...]] = {}
    for row in _read_csv("other-bodies.csv"):
        if row["kind"] not in OTHER_KINDS:
            raise ValueError(f"other-bodies.csv: unknown kind {row['kind']!r} for {row['key']!r}")
        region = row["region_code"] or None
        region_fi, region_sv = regions.get(region, (None, None))
        others.append(
            Body(
                key=row["key"],
                kind=row["kind"],
                code=None,
                name_fi=row["name_fi"],
                name_sv=row["name_sv"],
                region_code=region,
                region_name_fi=region_fi,
                region_name_sv=region_sv,
                language=None,
                municipal_form=None,
                genitive_fi=None,
                member_codes=_split(row["member_codes"]),
                business_id=row.get("business_id") or None,
            )
        )
        aliases[row["key"]] = _split(row["aliases"])
    return municipalities + others, aliases
