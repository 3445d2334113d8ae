# TEMPORARY scaffold: replaced by the real views.
from django.http import Http404


def hromada_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def hromada_map(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def security_status_import(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def municipality_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def municipality_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def settlement_search(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def hromada_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def security_status_set(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def security_status_edit(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def hromada_history(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
