"""The base of the ``avustus`` commands whose help is translated.

Officials and operators in Finland read ``avustus <command> --help`` in their language (``cli`` activates it from
``--lang`` or the environment before the command is loaded). The texts are ``gettext_lazy``, translated when the
parser is built, not when the module is imported; argparse takes a lazy string as an option's help (it only
formats it with ``%``) but runs a regular expression over the description, so the command's ``help`` is made a
plain string, in the language then active, while the parser is built.
"""

from django.core.management.base import BaseCommand
from django.utils.functional import Promise


class TranslatedCommand(BaseCommand):
    help: str | Promise = ""  # type: ignore[assignment]  # the stubs allow only str; a lazy text is one when read

    def create_parser(self, prog_name, subcommand, **kwargs):
        lazy = self.help
        self.help = str(lazy)
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            self.help = lazy
