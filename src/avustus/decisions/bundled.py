"""The 2020 round (the collective decision of 26.2.2020) as shipped with the package.

``data/kuntadigi-2020-02-26.json`` holds the facts of that decision as the parser reads them (names,
amounts, projects, outcomes), so the demo and a fresh installation have real data without the
source text. Regenerate it with ``python -m avustus.decisions.bundled SEED.txt``.
"""

import json
import sys
from importlib import resources
from pathlib import Path

from avustus.decisions.importing.parser import parse_decision_bytes
from avustus.decisions.importing.result import ParsedDecision
from avustus.decisions.importing.serialise import parsed_from_dict, parsed_to_dict

ROUND_2020 = "kuntadigi-2020-02-26.json"


def bundled_decision(name: str = ROUND_2020) -> ParsedDecision:
    text = resources.files("avustus.decisions").joinpath("data", name).read_text(encoding="utf-8")
    return parsed_from_dict(json.loads(text))


def main(argv: list[str]) -> None:
    source = Path(argv[1])
    parsed = parse_decision_bytes(source.read_bytes())
    target = Path(__file__).with_name("data") / f"kuntadigi-{parsed.decision_date.isoformat()}.json"
    target.write_text(json.dumps(parsed_to_dict(parsed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv)
