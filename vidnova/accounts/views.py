# TEMPORARY scaffold: replaced by the real views.
from django.http import Http404


def invitation_list(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def invitation_create(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def invitation_revoke(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def invitation_accept(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def hromada_members(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def organisation_members(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def membership_remove(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


def api_token(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
