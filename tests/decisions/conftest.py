"""Fixtures shared with the evaluation tests: people holding roles over a programme."""

from tests.evaluation.conftest import person  # noqa: F401 (a fixture, offered to the decisions tests too)
