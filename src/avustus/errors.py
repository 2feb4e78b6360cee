"""Domain errors: what services raise when they refuse, mapped to an answer once per kind of entry point.

Services never raise HTTP errors: they say *why* they refuse, and the screens (``web.middleware``) and
the API (``api``) each turn a kind of refusal into their own answer, in the user's language:

| error       | screens                               | API |
| ----------- | ------------------------------------- | --- |
| `NotFound`  | the 404 page                          | 404 |
| `NotAllowed`| the 403 page, or a message on a form  | 403 |
| `Conflict`  | a message: reload and try again       | 409 |
| `Invalid`   | the form's errors, by field           | 422 |

``NotAllowed`` is a ``PermissionDenied`` and ``Invalid`` a ``ValidationError``, so code that catches
Django's exceptions keeps working while services move over to these.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class DomainError(Exception):
    """A service refused; the message is for the user, already in their language."""


class NotFound(DomainError):
    """It does not exist, or the actor may not know that it does: both get the same answer."""


class NotAllowed(DomainError, PermissionDenied):
    """The actor may see this but not do it."""


class Conflict(DomainError):
    """What the actor read has changed meanwhile (a stale version, a state moved on); reading again helps."""


class Invalid(DomainError, ValidationError):
    """The input is refused; ``message_dict`` holds the reasons by field ("__all__" for the whole)."""
