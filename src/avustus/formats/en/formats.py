"""English dates and numbers as written in Finland (26.2.2020), not as in the US."""

from avustus.formats.finland import *  # noqa: F403
