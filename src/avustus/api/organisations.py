"""The registry of Finnish public bodies, public: search for the lead and the partners of a consortium."""

from ninja import Router

from avustus.api.schemas import Errors, OrganisationOut
from avustus.registry import selectors as registry

router = Router(tags=["registry"])


@router.get("/organisations", response={200: list[OrganisationOut], 400: Errors, 422: Errors},
            operation_id="avustus_api_search_organisations")
def search_organisations(request, q: str = "", limit: int = 20):
    """Registry search by the start of a Finnish or Swedish name, for building a consortium."""
    return list(registry.search_organisations(q, limit=limit))
