"""The plans part of the REST API (/api/v1/plans/…), one module per area; api/urls.py joins them."""
