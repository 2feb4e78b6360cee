"""The commands officials and operators run say what they do in the user's language: each one's ``--help`` in
Finnish and Swedish (``ops.commands.TranslatedCommand``), its option names still English."""

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import translation

# A command, a line of its help in Finnish and in Swedish, and an option whose name stays as it is.
HELPS = [
    ("demo", "lataa vuoden 2020 hakukierros", "läs in 2020 års ansökningsomgång", "--no-serve"),
    ("serve", "hallittu sammutus SIGTERM-signaalista", "kontrollerad avstängning vid SIGTERM", "--workers"),
    ("worker", "Suorita taustatehtävät", "Kör bakgrundsuppgifter", "--until-idle"),
    ("payment_file", "kirjanpidon CSV-tiedostoksi", "bokföringens CSV-fil", "--receivables"),
    ("audit_sample", "toistettavissa oleva otos", "reproducerbart urval", "--percent"),
    ("import_decision", "Tuo kokoomapäätös", "Importera ett samlat beslut", "--replace"),
    ("remind", "Jonota muistutukset", "Köa påminnelser", "--help"),
    ("tasks", "aloita pysähtyneet viennit uudelleen", "starta stannade exporter igen", "--status"),
    ("audit", "tarkista tiivisteketju", "kontrollera hashkedjan", "verify"),
]


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    """argparse wraps the help to the terminal's width, breaking words at hyphens (``CSV-tiedostoksi``)."""
    monkeypatch.setenv("COLUMNS", "2000")


def _help(name: str) -> str:
    """The help as argparse prints it, its lines joined again (it wraps them to the terminal's width)."""
    return " ".join(load_command_class(get_commands()[name], name).create_parser("avustus", name).format_help().split())


@pytest.mark.parametrize(("name", "fi", "sv", "option"), HELPS)
def test_the_help_is_in_the_language_active(name, fi, sv, option):
    with translation.override("fi"):
        finnish = _help(name)
    with translation.override("sv"):
        swedish = _help(name)
    with translation.override("en"):
        english = _help(name)
    assert fi in finnish and sv in swedish
    assert fi not in english and sv not in english
    assert option in finnish and option in swedish  # options keep their English names


def test_help_asked_of_call_command_prints_the_finnish_help(capsys):
    with translation.override("fi"), pytest.raises(SystemExit):
        call_command("payment_file", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "päivä, jona maksut hyväksyttiin" in out and "--date YYYY-MM-DD" in out
