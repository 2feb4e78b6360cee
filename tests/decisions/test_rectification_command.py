import json

import pytest
from django.core.management import CommandError, call_command


def test_prints_receipt_and_deadline(capsys):
    call_command("rectification_deadline", "--sent-on", "2020-11-17", "--by", "letter")
    assert json.loads(capsys.readouterr().out) == {"received_on": "2020-11-24", "deadline": "2020-12-28"}


def test_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rectification_deadline", "--sent-on", "17.11.2020", "--by", "letter")
