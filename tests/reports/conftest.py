"""The funded project and the people around it (tests/projects/conftest.py)."""

from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
