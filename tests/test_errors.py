"""Domain errors: each kind becomes its own answer on the screens, and stays a Django exception for old callers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from avustus.actors import SYSTEM, is_system, user_of
from avustus.errors import Conflict, Invalid, NotAllowed, NotFound
from avustus.web.middleware import DomainErrors


def test_refusals_are_still_the_django_exceptions_callers_catch():
    assert isinstance(NotAllowed("ei"), PermissionDenied)
    invalid = Invalid({"title": ["Anna nimi."]})
    assert isinstance(invalid, ValidationError) and invalid.message_dict == {"title": ["Anna nimi."]}


@pytest.mark.django_db
def test_the_screens_answer_each_kind_of_refusal_as_its_own_status():
    from django.http import Http404

    middleware = DomainErrors(lambda request: None)
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(Http404):
        middleware.process_exception(request, NotFound("ei ole"))
    response = middleware.process_exception(request, Conflict("Hakemus muuttui välillä."))
    assert response.status_code == 409 and "Hakemus muuttui välillä." in response.content.decode()
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_the_system_is_an_actor_but_no_user():
    assert is_system(SYSTEM) and user_of(SYSTEM) is None and SYSTEM.pk is None
    with pytest.raises(TypeError):
        user_of(None)
