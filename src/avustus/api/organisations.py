"""The registry of Finnish public bodies, public: search for the lead and the partners of a consortium."""

from datetime import date

from django.utils import timezone
from ninja import Router

from avustus.api.schemas import Errors, OrganisationOut
from avustus.registry import selectors as registry

router = Router(tags=["registry"])


@router.get("/organisations", response={200: list[OrganisationOut], 400: Errors, 422: Errors},
            operation_id="avustus_api_search_organisations")
def search_organisations(request, q: str = "", limit: int = 20, on: date | None = None):
    """Registry search for building a consortium: the body the text names (read as decisions are, e.g.
    "Vantaalle" or "Esbo stad"), then bodies whose Finnish or Swedish name starts with it; only bodies
    that existed on ``on`` (today if not given)."""
    return list(registry.search_organisations(q, limit=limit, on=on or timezone.localdate()))
