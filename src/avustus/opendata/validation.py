"""Offline validation of a 360Giving data package against the standard's own JSON Schemas (draft 2020-12).

The schemas are copied into ``data/`` (see its README). They refer to each other by their GitHub addresses
(the package schema names grant schema 1.4.2, whose file says 1.4.3); each address is mapped to the local
file, so validation never reaches the network. Formats are checked: the standard's dates are ``oneOf`` a
``date-time`` format and a date pattern, and without a format checker a plain date would match both and fail.

jsonschema is imported when a validator is first made, not with this module: its format checker loads an IRI
grammar that took 1.1 s of every process's start (each server worker, command and test process loads this module
with the URLconf), while only building an export validates (docs/performance.md, session 26).
"""

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry

SCHEMA_BASE = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/{version}/schema/{name}"
# Every address the two files use for each other, mapped to the copy shipped with the package.
VERSIONS = ("1.4.2", "1.4.3")


def _load(name: str) -> dict:
    return json.loads(resources.files("avustus.opendata").joinpath("data", name).read_text(encoding="utf-8"))


GRANT_SCHEMA = SCHEMA_BASE.format(version="1.4.3", name="360-giving-schema.json")


@cache
def _registry() -> "Registry":
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry: Registry = Registry()
    for name in ("360-giving-schema.json", "360-giving-package-schema.json"):
        # The files name the dialect as http://json-schema.org/draft/2020-12/schema, which is not the
        # dialect's identifier (https); the README of the data says 2020-12, so it is given here.
        resource = DRAFT202012.create_resource(_load(name))
        for version in VERSIONS:
            registry = registry.with_resource(SCHEMA_BASE.format(version=version, name=name), resource)
    return registry


@cache
def validator() -> "Draft202012Validator":
    """The package schema's validator, formats checked."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_load("360-giving-package-schema.json"), registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def grant_validator() -> "Draft202012Validator":
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": GRANT_SCHEMA}, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _messages(errors, prefix: list) -> list[tuple[list[str], str]]:
    return [([str(p) for p in prefix + list(e.absolute_path)], e.message) for e in errors]


def problems(data: dict) -> list[str]:
    """Every way ``data`` breaks the schema, as "path: message", in document order; empty when it is valid.

    The same verdict as validating the package in one go, in linear time: the package schema's ``uniqueItems``
    on ``grants`` compares every grant with every other (hours at tens of thousands of grants), so the package
    is validated with its first grant only, each grant on its own against the grant schema, and uniqueness by
    each grant's canonical JSON.
    """
    grants = data.get("grants") if isinstance(data, dict) else None
    if not isinstance(grants, list) or not grants:
        found = _messages(validator().iter_errors(data), [])
    else:
        found = _messages(validator().iter_errors({**data, "grants": grants[:1]}), [])
        found = [f for f in found if f[0][:2] != ["grants", "0"]]  # the first grant is checked below with the rest
        seen: dict[str, int] = {}
        for index, grant in enumerate(grants):
            found += _messages(grant_validator().iter_errors(grant), ["grants", index])
            key = json.dumps(grant, sort_keys=True, default=str)
            if key in seen:
                found.append((["grants"], f"grants {seen[key]} and {index} are the same: has non-unique elements"))
            seen.setdefault(key, index)
    found.sort(key=lambda f: [p.zfill(9) if p.isdigit() else p for p in f[0]])
    return [f"{'/'.join(path) or '(package)'}: {message}" for path, message in found]
