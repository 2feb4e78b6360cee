"""``avustus check --database default``: warn when the immutability triggers are missing.

``migrate`` installs them (``apps.py``); this catches a database restored or altered by other means.
"""

from django.core.checks import Warning, register
from django.db import connections

from avustus.audit import triggers


@register("database")
def triggers_installed(app_configs=None, databases=None, **kwargs):
    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if not triggers.supported(connection):
            continue
        # A database not migrated yet has no tables to guard: ``migrate`` (which runs this check first) is
        # about to create them with their triggers, and warning then would only alarm whoever set it up.
        if "audit_auditentry" not in connection.introspection.table_names():
            continue
        missing = sorted(triggers.expected(connection) - triggers.installed(connection))
        if missing:
            problems.append(Warning(
                f"database {alias!r} lacks the triggers refusing changes to audit entries and signed decisions: "
                f"{', '.join(missing)}",
                hint="Run 'avustus migrate', which installs them again.",
                id="avustus.audit.W001",
            ))
    return problems
