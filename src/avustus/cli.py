"""The ``avustus`` command: Django's management commands under names users type.

``avustus import-decision FILE`` is ``manage.py import_decision FILE``; every other Django command
(``migrate``, ``createsuperuser``, ...) works too.

Messages speak the user's language: ``--lang fi|sv|en`` (before the command, or after it for a command
without a ``--lang`` of its own, such as ``render-decision``'s document language), else the
environment's ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, else English. That includes
each command's ``--help``: the commands' help texts are translated (``ops.commands.TranslatedCommand``).

A command that needs the database finds it set up: the embedded SQLite database is migrated on first
use; any other database that lacks migrations is refused with the command to run and exit code 2,
never with a traceback about a missing table.
"""

import os
import sys

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "en"
EXIT_NOT_READY = 2

# Commands that work without a migrated database, or set it up themselves.
NO_DATABASE_CHECK = {
    "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration",
    "help", "version", "check", "compilemessages", "makemessages", "test", "testserver", "shell", "dbshell",
    "diffsettings", "startapp", "startproject", "collectstatic", "findstatic", "sendtestemail", "flush", "sqlflush",
    "sqlsequencereset", "inspectdb", "demo", "restore", "resolve", "rectification_deadline",
}


def language_from_environment(environ=None) -> str:
    """fi, sv or en as gettext chooses it: ``LANGUAGE`` first (a list, ``fi:en``; its first language of ours),
    then the first of ``LC_ALL`` / ``LC_MESSAGES`` / ``LANG`` that is set; else English."""
    environ = os.environ if environ is None else environ
    for value in environ.get("LANGUAGE", "").split(":"):
        code = _code(value)
        if code in LANGUAGES:
            return code
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = _code(value)
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _code(value: str) -> str:
    """``fi`` of ``fi_FI.UTF-8``, ``sv-FI``, ``fi``."""
    return value.split("_")[0].split(".")[0].split("-")[0].lower()


def _take_option(args: list[str], start: int) -> tuple[str | None, list[str]]:
    """Remove ``--lang X`` or ``--lang=X`` from ``args[start:]``; return its value and the rest."""
    for i in range(start, len(args)):
        if args[i] == "--lang":
            value = args[i + 1] if i + 1 < len(args) else ""
            return value, args[:i] + args[i + 2 :]
        if args[i].startswith("--lang="):
            return args[i].split("=", 1)[1], args[:i] + args[i + 1 :]
        if args[i] == "--":
            break
    return None, args


def _has_own_lang_option(name: str) -> bool:
    from django.core.management import get_commands, load_command_class

    app = get_commands().get(name)
    if app is None:
        return False
    parser = load_command_class(app, name).create_parser("avustus", name)
    return "--lang" in parser._option_string_actions


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


def _database_ready(name: str) -> bool:
    """Whether ``name`` may run on the database as it is; migrates the embedded database if it needs it."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import Error as DatabaseError
    from django.utils.translation import gettext as _

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        _say(_("Cannot use the database: %(error)s. Check DATABASE_URL (or AVUSTUS_DATA_DIR), then run: "
               "avustus migrate") % {"error": str(exc).strip()})
        return False
    if not pending:
        return True
    if connection.vendor == "sqlite":
        _say(_("Setting up the database in %(path)s (avustus migrate)…") % {"path": connection.settings_dict["NAME"]})
        call_command("migrate", interactive=False, verbosity=0)
        return True
    _say(_("The database is not set up or not up to date (%(n)s migrations not applied). Run first: avustus migrate")
         % {"n": len(pending)})
    return False


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    args = argv[1:]
    lang, args = (_take_option(args, 0) if args[:1] and args[0].startswith("--lang") else (None, args))
    if args and not args[0].startswith("-"):
        # Users type hyphens (import-decision); Python modules cannot have them.
        args[0] = args[0].replace("-", "_")

    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.utils import translation

    try:
        django.setup()  # reads the environment now, to report a wrong value plainly
    except ImproperlyConfigured as error:
        sys.exit(f"avustus: {error}")
    name = args[0] if args and not args[0].startswith("-") else ""
    if lang is None and name and "--lang" in " ".join(args) and not _has_own_lang_option(name):
        lang, args = _take_option(args, 1)
    if lang is not None and lang not in LANGUAGES:
        _say(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        sys.exit(EXIT_NOT_READY)
    translation.activate(lang or language_from_environment())

    wants_help = any(a in ("-h", "--help") for a in args[1:])
    if name and name not in NO_DATABASE_CHECK and not wants_help and not _database_ready(name):
        sys.exit(EXIT_NOT_READY)
    execute_from_command_line(["avustus", *args])


if __name__ == "__main__":
    main()
