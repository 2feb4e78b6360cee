"""The ``avustus`` command: Django's management commands under names users type.

``avustus import-decision FILE`` is ``manage.py import_decision FILE``; every other Django command
(``migrate``, ``createsuperuser``, ...) works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        # Users type hyphens (import-decision); Python modules cannot have them.
        argv[1] = argv[1].replace("-", "_")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- reads the environment now, to report a wrong value plainly
    except ImproperlyConfigured as error:
        sys.exit(f"avustus: {error}")
    execute_from_command_line(["avustus", *argv[1:]])


if __name__ == "__main__":
    main()
