"""Page-number pagination for every list endpoint: ``?page=2&page_size=100``."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    """Pages of ``PAGE_SIZE`` (50) results; clients may ask for up to 200 with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Lazy, so the schema is in the language of the request (the stubs say str).
    page_query_description = cast(str, _("Page number, from 1."))
    page_size_query_description = cast(str, _("Results per page, at most 200; default 50."))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": _("Number of results on all pages together."),
            "next": _("Address of the next page; null on the last page."),
            "previous": _("Address of the previous page; null on the first page."),
            "results": _("The results on this page."),
        }
        for name, description in descriptions.items():
            paginated["properties"][name]["description"] = description
        return paginated
