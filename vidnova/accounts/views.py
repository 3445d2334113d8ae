"""Pages for invitations, members and API tokens. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from vidnova.accounts import access, selectors, services
from vidnova.accounts.access import Action
from vidnova.accounts.forms import AcceptInvitationForm, InvitationForm
from vidnova.accounts.models import Invitation, InvitationStatus, Membership, User
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada

MEMBERS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- invitations -----------------------------------------------------------------------------

INVITATION_STATUS_FILTERS = [
    ("pending", _("Pending")),
    ("accepted", _("Accepted")),
    ("revoked", _("Revoked")),
]


@login_required
@require_http_methods(["GET"])
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Action.MANAGE_MEMBERS)
    status = request.GET.get("status", InvitationStatus.PENDING)
    if status not in {value for value, _label in INVITATION_STATUS_FILTERS}:
        status = InvitationStatus.PENDING
    page = Paginator(selectors.invitations_for(request.user, status=status), INVITATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(invitation, _may_manage_invitation(request.user, invitation)) for invitation in page.object_list]
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "status_filters": INVITATION_STATUS_FILTERS,
            "may_invite": bool(services.grantable_roles(request.user)),
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(request.user, Action.MANAGE_MEMBERS)
    if request.method == "POST":
        form = InvitationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    acting_user=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    language=form.cleaned_data["language"],
                    **form.scope(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. The link is valid for 14 days.") % {"email": invitation.email},
                )
                return redirect(_safe_next(request, reverse("accounts:invitation-list")))
    else:
        initial = {key: request.GET[key] for key in ("email", "role", "hromada", "organisation") if key in request.GET}
        initial.setdefault("language", "uk")
        form = InvitationForm(initial=initial, user=request.user)
    return render(
        request,
        "accounts/invitation_form.html",
        {"form": form, "next": _safe_next(request, "")},
    )


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    access.require(request.user, Action.MANAGE_MEMBERS)
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    try:
        services.invitation_revoke(acting_user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The invitation to %(email)s has been revoked.") % {"email": invitation.email})
    return redirect(_safe_next(request, reverse("accounts:invitation-list")))


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    context: dict[str, Any] = {"invitation": invitation}
    problem = services.invitation_problem(invitation)
    if problem is not None:
        context["problem"] = problem
        return render(request, "accounts/invitation_accept.html", context, status=410)

    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(token=token, acting_user=user)
            except ValidationError as error:
                context["problem"] = _error_text(error)
                return render(request, "accounts/invitation_accept.html", context, status=403)
            messages.success(request, _("Welcome! You are now %(role)s.") % _role_params(membership))
            return redirect(settings.LOGIN_REDIRECT_URL)
        wrong_account = services.invitation_wrong_account(user, invitation)
        if wrong_account is not None:
            context["problem"] = _error_text(wrong_account)
            context["wrong_account"] = True
            return render(request, "accounts/invitation_accept.html", context, status=403)
        context["mode"] = "confirm"
        return render(request, "accounts/invitation_accept.html", context)

    if selectors.email_has_account(invitation.email):
        context["mode"] = "sign_in"
        context["login_url"] = reverse("account_login") + "?" + _next_query(request.path)
        return render(request, "accounts/invitation_accept.html", context)

    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                token=token,
                acting_user=None,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Welcome! You are now %(role)s.") % _role_params(membership))
            response: HttpResponse = perform_login(
                request,
                membership.user,
                email=membership.user.email,
                redirect_url=resolve_url(settings.LOGIN_REDIRECT_URL),
            )
            return response
    context.update({"mode": "new_account", "form": form})
    return render(request, "accounts/invitation_accept.html", context)


def _role_params(membership: Membership) -> dict[str, str]:
    return {"role": f"{membership.get_role_display()} – {membership.scope}"}


def _next_query(path: str) -> str:
    return urlencode({"next": path})


# --- members ---------------------------------------------------------------------------------


def _members_page(
    request: AuthenticatedHttpRequest,
    *,
    scope: Model,
    memberships: Any,
    invitations: Any,
    invite_query: dict[str, str],
    nav: str,
    title: str,
) -> HttpResponse:
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    user = request.user
    rows = [
        (
            membership,
            access.can(user, Action.MANAGE_MEMBERS, membership)
            and services.may_grant(
                user,
                role=membership.role,
                programme=membership.programme,
                hromada=membership.hromada,
                organisation=membership.organisation,
            ),
        )
        for membership in page.object_list
    ]
    may_manage = access.can(user, Action.MANAGE_MEMBERS, scope)
    # Whoever may see the members (the view checked VIEW_PRIVATE) also sees who is invited.
    pending = [
        (invitation, _may_manage_invitation(user, invitation)) for invitation in invitations[:INVITATIONS_PER_PAGE]
    ]
    invite_url = ""
    if may_manage and services.grantable_roles(user):
        invite_url = reverse("accounts:invitation-create") + "?" + urlencode({**invite_query, "next": request.path})
    return render(
        request,
        "accounts/members.html",
        {
            "scope": scope,
            "title": title,
            "page": page,
            "rows": rows,
            "pending": pending,
            "may_manage": may_manage,
            "invite_url": invite_url,
            "nav": nav,
        },
    )


def _may_manage_invitation(user: User, invitation: Invitation) -> bool:
    return services.may_grant(
        user,
        role=invitation.role,
        programme=invitation.programme,
        hromada=invitation.hromada,
        organisation=invitation.organisation,
    )


@login_required
@require_http_methods(["GET"])
def hromada_members(request: AuthenticatedHttpRequest, katottg: str) -> HttpResponse:
    hromada = access.get_for_user(
        request.user, Hromada.objects.all(), Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE, katottg=katottg
    )
    return _members_page(
        request,
        scope=hromada,
        memberships=selectors.hromada_memberships(hromada),
        invitations=selectors.pending_invitations(hromada=hromada),
        invite_query={"hromada": hromada.katottg, "role": "hromada_editor"},
        nav="hromadas",
        title=str(_("Members of %(name)s") % {"name": hromada.name_uk}),
    )


@login_required
@require_http_methods(["GET"])
def organisation_members(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.get_for_user(
        request.user,
        Organisation.objects.all(),
        Action.VIEW_PRIVATE,
        visible_with=Action.VIEW_PRIVATE,
        pk=organisation_id,
    )
    return _members_page(
        request,
        scope=organisation,
        memberships=selectors.organisation_memberships(organisation),
        invitations=selectors.pending_invitations(organisation=organisation),
        invite_query={"organisation": str(organisation.pk), "role": "partner_expert"},
        nav="programmes",
        title=str(_("Members of %(name)s") % {"name": organisation.name}),
    )


@login_required
@require_http_methods(["GET"])
def programme_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = access.get_for_user(
        request.user, Programme.objects.all(), Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE, slug=slug
    )
    return _members_page(
        request,
        scope=programme,
        memberships=selectors.programme_memberships(programme),
        invitations=selectors.pending_invitations(programme=programme),
        invite_query={"role": "programme_coordinator"},
        nav="programmes",
        title=str(_("Team of %(name)s") % {"name": programme.name}),
    )


def members_url(membership: Membership) -> str:
    if membership.hromada_id is not None and membership.hromada is not None:
        return reverse("accounts:hromada-members", kwargs={"katottg": membership.hromada.katottg})
    if membership.organisation_id is not None:
        return reverse("accounts:organisation-members", kwargs={"organisation_id": membership.organisation_id})
    if membership.programme is not None:
        return reverse("accounts:programme-members", kwargs={"slug": membership.programme.slug})
    return reverse("accounts:invitation-list")


@login_required
@require_POST
def membership_remove(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    membership = access.get_for_user(
        request.user,
        Membership.objects.select_related("user", "programme", "hromada", "organisation"),
        Action.MANAGE_MEMBERS,
        visible_with=Action.VIEW_PRIVATE,
        pk=membership_id,
    )
    back = _safe_next(request, members_url(membership))
    try:
        services.membership_remove(acting_user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(person)s no longer has the role %(role)s.")
            % {"person": str(membership.user), "role": membership.get_role_display()},
        )
    return HttpResponseRedirect(back)


# --- API token -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, replace or delete one's API token. A new token is shown once, in the POST answer
    (never stored in the session, never shown again)."""
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                new_key = services.api_token_create(acting_user=request.user).key
            elif action == "rotate":
                new_key = services.api_token_rotate(acting_user=request.user).key
            elif action == "delete":
                if services.api_token_delete(acting_user=request.user):
                    messages.success(request, _("Your API token has been deleted. It no longer works."))
                return redirect("accounts:api-token")
            else:
                return HttpResponseBadRequest(str(_("Unknown action.")))
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("accounts:api-token")
    token = selectors.api_token_of(request.user)
    response = render(
        request,
        "accounts/api_token.html",
        {"token": token, "new_key": new_key, "api_docs_url": reverse("api-docs")},
    )
    if new_key:
        add_never_cache_headers(response)
    return response
