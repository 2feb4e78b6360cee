"""What the tests of a screen's offered steps share: whether the service would take a step (tried, then rolled
back), and a page as a signed-in user sees it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from avustus.errors import DomainError


class _RolledBack(Exception):
    pass


def succeeds(step) -> bool:
    """Whether the service call succeeds; whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            step()
            raise _RolledBack
    except _RolledBack:
        return True
    except (DomainError, PermissionDenied, ValidationError):
        return False


def page_as(user, url: str) -> str:
    """The page's HTML as ``user`` sees it (which must be an ordinary 200)."""
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
