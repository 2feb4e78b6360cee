"""``python -m avustus`` is the ``avustus`` command."""

from avustus.cli import main

main()
