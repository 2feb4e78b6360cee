"""Open licences by their SPDX identifiers: which outputs of a funded project others may take and build on.

The programme asks that outputs be "freely usable, modifiable, distributable and further developable after the
project" and prefers open source. A licence is open here if it is one of the OSI-approved or Creative Commons
licences below that allow reuse, modification and redistribution (no "non-commercial", no "no derivatives").
"""

import re

OPEN_LICENCES: frozenset[str] = frozenset({
    # software
    "EUPL-1.2", "EUPL-1.1", "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MPL-2.0",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-2.1-only",
    "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later",
    "0BSD", "Unlicense",
    # documents, data and vocabularies
    "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODbL-1.0", "PDDL-1.0",
})

# An SPDX licence identifier or expression's single term: letters, digits, dots, hyphens, a "+" at the end;
# "LicenseRef-..." for a licence of one's own.
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}\+?")

_CANONICAL = {name.casefold(): name for name in OPEN_LICENCES}


def normalise(identifier: str) -> str:
    """The identifier as SPDX spells it when it is a known open licence (``mit`` → ``MIT``), else as typed."""
    text = identifier.strip()
    return _CANONICAL.get(text.casefold(), text)


def is_identifier(identifier: str) -> bool:
    """Whether the text has the shape of one SPDX identifier (an empty licence is not one)."""
    return bool(_IDENTIFIER.fullmatch(identifier.strip()))


def is_open(identifier: str) -> bool:
    """Whether the licence is one of the open licences (the identifier matched case-insensitively)."""
    return identifier.strip().casefold() in _CANONICAL
