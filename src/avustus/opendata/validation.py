"""Offline validation of a 360Giving data package against the standard's own JSON Schemas (draft 2020-12).

The schemas are copied into ``data/`` (see its README). They refer to each other by their GitHub addresses
(the package schema names grant schema 1.4.2, whose file says 1.4.3); each address is mapped to the local
file, so validation never reaches the network. Formats are checked: the standard's dates are ``oneOf`` a
``date-time`` format and a date pattern, and without a format checker a plain date would match both and fail.
"""

import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMA_BASE = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/{version}/schema/{name}"
# Every address the two files use for each other, mapped to the copy shipped with the package.
VERSIONS = ("1.4.2", "1.4.3")


def _load(name: str) -> dict:
    return json.loads(resources.files("avustus.opendata").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def validator() -> Draft202012Validator:
    grant = _load("360-giving-schema.json")
    package = _load("360-giving-package-schema.json")
    registry: Registry = Registry()
    for name, contents in (("360-giving-schema.json", grant), ("360-giving-package-schema.json", package)):
        # The files name the dialect as http://json-schema.org/draft/2020-12/schema, which is not the
        # dialect's identifier (https); the README of the data says 2020-12, so it is given here.
        resource = DRAFT202012.create_resource(contents)
        for version in VERSIONS:
            registry = registry.with_resource(SCHEMA_BASE.format(version=version, name=name), resource)
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(data: dict) -> list[str]:
    """Every way ``data`` breaks the schema, as "path: message", in document order; empty when it is valid."""
    found = sorted(validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(package)'}: {e.message}" for e in found]
