"""The registry of Finnish public bodies, public: search for the lead and the partners of a consortium."""

from datetime import date
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import WithJsonSchema

from avustus.api.schemas import Errors, OrganisationOut
from avustus.errors import Invalid
from avustus.registry import selectors as registry

router = Router(tags=["registry"])

# The day is read strictly below, so the schema says what is read: a calendar date.
ON_SCHEMA = {"type": "string", "format": "date", "description": "a day, YYYY-MM-DD", "example": "2020-02-26"}


@router.get("/organisations", response={200: list[OrganisationOut], 400: Errors, 422: Errors},
            operation_id="avustus_api_search_organisations")
def search_organisations(request, q: str = "", limit: int = 20,
                         on: Annotated[str | None, WithJsonSchema(ON_SCHEMA)] = None):
    """Registry search for building a consortium: the body the text names (read as decisions are, e.g.
    "Vantaalle" or "Esbo stad"), then bodies whose Finnish or Swedish name starts with it; only bodies
    that existed on ``on`` (today if not given)."""
    day = timezone.localdate()
    if on is not None:
        # Read strictly: a number is not a day (pydantic would take 0 as 1.1.1970).
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise Invalid({"on": [_("Give the date as YYYY-MM-DD.")]}) from None
    return list(registry.search_organisations(q, limit=limit, on=day))
