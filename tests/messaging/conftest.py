import pytest

from tests.messaging.smtp import SMTPServer


@pytest.fixture
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_to(settings):
    """Point Django's mail at an SMTP server on loopback (the test run would otherwise use its memory)."""

    def point(port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_TIMEOUT = 10

    return point


from tests.evaluation.conftest import person  # noqa: E402, F401 (a fixture, offered to the letters' tests too)
