# TEMPORARY scaffold: replaced by the real views.
from django.http import Http404


def programme_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def programme_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def participation_add(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def participation_remove(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def organisation_detail(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def organisation_edit(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
