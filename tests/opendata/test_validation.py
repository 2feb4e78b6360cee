"""When the 360Giving validation loads its library: on first use, not with every process that loads the URLconf."""

import os
import subprocess
import sys


def test_a_server_process_starts_without_loading_jsonschema(tmp_path):
    # What a server worker runs at start (the URLconf and every view module, avustus.wsgi); a fresh interpreter,
    # as this test process may have imported jsonschema already.
    probe = "import sys, avustus.wsgi; print('jsonschema' in sys.modules, 'avustus.opendata.validation' in sys.modules)"
    env = {**os.environ, "AVUSTUS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "avustus.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    # The module is loaded (the open-data views import it), its library is not.
    assert result.stdout.split() == ["False", "True"]
    # That formats are still checked once it is loaded: tests/opendata/test_exports.py (a plain date refused).

