"""Default texts of a programme's calls: the prose of the decision, in Finnish and Swedish.

Officials edit a call's texts; a new or imported call starts from its programme's defaults, kept as
data in ``calls/data/texts-<programme>-*.json``. Group texts (``group-1``...) hold the heading on the
first line and the condition after a blank line.
"""

import json
from importlib import resources

DEFAULT_TEXTS = {"kuntadigi": "texts-kuntadigi-2019-2.json"}
# Rules that a decision's text does not state but the e-service needs: the exclusions with the words
# that give them away, the fields of the project plan, Swedish names of the cost categories.
DEFAULT_RULES = {"kuntadigi": "rules-kuntadigi-2019-2.json"}


def default_rules(programme_slug: str) -> dict:
    return _load(DEFAULT_RULES.get(programme_slug))


def default_texts(programme_slug: str) -> dict:
    return _load(DEFAULT_TEXTS.get(programme_slug))


def _load(name: str | None) -> dict:
    if name is None:
        return {}
    path = resources.files("avustus.calls").joinpath("data", name)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def group_text(texts: dict, code: str, lang: str) -> tuple[str, str]:
    """(heading, condition) of a group of grants in one language, or empty strings."""
    value = (texts.get(code) or {}).get(lang, "")
    heading, _, condition = value.strip().partition("\n\n")
    return heading.strip(), " ".join(condition.split())


def plan_field_label(field: dict, lang: str) -> str:
    """The label of a field of the project plan (an item of ``Call.plan_fields``) in ``lang``.

    Falls back to the Finnish label, in which every call is set up, and then to the field's key.
    """
    labels = field.get("label") or {}
    return labels.get(lang) or labels.get("fi") or field["key"]
