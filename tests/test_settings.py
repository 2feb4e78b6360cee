"""Settings read from the environment: DATABASE_URL, EMAIL_URL and CACHE_URL, and a wrong one refused at start."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from avustus import settings as avustus_settings
from avustus.settings import cache_from_url, database_from_url, email_from_url

WAL_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def run_python(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        env={"PATH": os.environ.get("PATH", ""), "AVUSTUS_DATA_DIR": str(tmp_path), **env},
    )


def test_without_database_url_the_database_is_sqlite_in_wal_mode_under_the_data_directory():
    config = database_from_url(None)
    assert config == {"ENGINE": "django.db.backends.sqlite3",
                      "NAME": avustus_settings.DATA_DIR / "avustus.sqlite3", "OPTIONS": WAL_OPTIONS,
                      "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    assert database_from_url("") == config  # an empty variable is an unset one


def test_postgres_url_with_query_options_reaches_psycopg():
    config = database_from_url("postgres://avustus:p%40ss%2Fword@db.example.fi:6432/avustus?sslmode=require")
    assert config == {
        "ENGINE": "avustus.ops.postgresql", "NAME": "avustus", "USER": "avustus", "PASSWORD": "p@ss/word",
        "HOST": "db.example.fi", "PORT": 6432, "OPTIONS": {"sslmode": "require", "options": "-c jit=off"},
        "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
    }


def test_postgres_url_may_set_connection_lifetime():
    config = database_from_url("postgresql://postgres@127.0.0.1/avustus?conn_max_age=0&sslmode=disable")
    assert config["CONN_MAX_AGE"] == 0 and config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"] == {"sslmode": "disable", "options": "-c jit=off"}


def test_postgres_options_in_the_url_are_kept_and_jit_is_turned_off_after_them():
    config = database_from_url("postgres://postgres@127.0.0.1/avustus?options=-c%20statement_timeout%3D5000")
    assert config["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"


def test_the_application_connections_to_postgres_run_without_jit(db, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_url_names_the_file_and_keeps_wal_mode():
    config = database_from_url("sqlite:////srv/avustus/avustus.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["CONN_MAX_AGE"] == 60 and config["CONN_HEALTH_CHECKS"] is True
    assert config["NAME"] == "/srv/avustus/avustus.sqlite3"
    assert config["OPTIONS"] == WAL_OPTIONS


def test_sqlite_url_options_override_the_defaults_one_by_one():
    config = database_from_url("sqlite:////srv/avustus/avustus.sqlite3?timeout=60")
    assert config["OPTIONS"] == {**WAL_OPTIONS, "timeout": 60}


def test_a_sqlite_url_opens_that_file_in_wal_mode(tmp_path):
    # Through the real settings module in a fresh interpreter: the file named is the one used, in WAL mode.
    path = tmp_path / "elsewhere.sqlite3"
    result = run_python(
        "import django; django.setup(); from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); print(connection.settings_dict['NAME'])",
        tmp_path, DATABASE_URL=f"sqlite:///{path}", DJANGO_SETTINGS_MODULE="avustus.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", str(path)]
    assert path.exists() and not (tmp_path / "avustus.sqlite3").exists()


def test_without_email_url_mail_goes_to_the_console():
    assert email_from_url(None) == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_smtp_email_url():
    assert email_from_url("smtp+tls://avustus%40kunta.fi:salasana@smtp.example.fi:587?timeout=10") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.fi",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "avustus@kunta.fi", "EMAIL_HOST_PASSWORD": "salasana",
        "EMAIL_USE_TLS": True, "EMAIL_TIMEOUT": 10,
    }


def test_email_url_flags_are_read_as_booleans():
    assert email_from_url("smtp://smtp.example.fi?use_tls=false")["EMAIL_USE_TLS"] is False
    assert email_from_url("smtp://smtp.example.fi?use_ssl=1")["EMAIL_USE_SSL"] is True


def test_other_email_backends():
    assert email_from_url("memorymail://") == {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    assert email_from_url("filemail:////var/mail/avustus") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": "/var/mail/avustus"}


def test_settings_apply_email_url(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)",
        tmp_path, EMAIL_URL="smtp://smtp.example.fi:2525", DJANGO_SETTINGS_MODULE="avustus.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.fi", "2525"]


def test_avustus_email_url_is_read_before_email_url(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)",
        tmp_path, AVUSTUS_EMAIL_URL="smtp+tls://posti.example.fi:587", EMAIL_URL="consolemail://",
        DJANGO_SETTINGS_MODULE="avustus.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "posti.example.fi", "587"]


def test_without_cache_url_the_cache_is_local_memory():
    assert cache_from_url(None) == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "avustus"}


def test_redis_cache_url_uses_djangos_own_backend():
    assert cache_from_url("redis://cache.example.fi:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache.example.fi:6379/1"}


def test_database_cache_url():
    assert cache_from_url("dbcache://avustus_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "avustus_cache"}


@pytest.mark.parametrize(("read", "variable", "url", "why"), [
    (database_from_url, "DATABASE_URL", "mysql://avustus:salainen@db/avustus", "not mysql://"),
    (database_from_url, "DATABASE_URL", "postgress://avustus:salainen@db/avustus", "not postgress://"),
    (database_from_url, "DATABASE_URL", "db.example.fi/avustus", "this has none"),
    (database_from_url, "DATABASE_URL", "postgres://avustus:salainen@db:54x2/avustus", "Port"),
    (database_from_url, "DATABASE_URL", "postgres://avustus:salainen@db/", "database name is missing"),
    (database_from_url, "DATABASE_URL", "sqlite://", "names a file"),
    (email_from_url, "EMAIL_URL", "smtpp://avustus:salainen@smtp.example.fi", "not smtpp://"),
    (email_from_url, "EMAIL_URL", "smtp://smtp.example.fi?tls=1", "unknown option 'tls'"),
    (email_from_url, "EMAIL_URL", "smtp://smtp.example.fi?use_tls=1&use_ssl=1", "exclude each other"),
    (cache_from_url, "CACHE_URL", "memcache://cache.example.fi:11211", "not memcache://"),
    (cache_from_url, "CACHE_URL", "https://cache.example.fi", "not https://"),
])
def test_a_wrong_url_is_refused_naming_the_variable_and_not_the_password(read, variable, url, why):
    with pytest.raises(ImproperlyConfigured) as refused:
        read(url)
    message = str(refused.value)
    assert message.startswith(f"{variable}=") and why in message
    assert "salainen" not in message


def test_the_command_stops_at_start_on_a_wrong_url_with_one_clear_line(tmp_path):
    result = run_python("from avustus.cli import main; main(['avustus', 'check'])", tmp_path,
                        DATABASE_URL="mysql://avustus:salainen@db/avustus")
    assert result.returncode == 1
    assert result.stderr.strip() == ("avustus: DATABASE_URL='mysql://db/avustus' is not usable: it must begin "
                                     "with one of postgres://, postgresql://, sqlite://, not mysql://")
