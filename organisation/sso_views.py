"""The pages of single sign-on (organisation/sso.py): the start and callback of the provider's sign-in, the
account holder's linking step, and the sign-in and sign-out pages that know about it.

With OIDC_ISSUER unset the start and callback send the browser to the sign-in page, linking is a 404, and
the sign-in and sign-out pages behave as Django's own.
"""

from __future__ import annotations

import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from mozilla_django_oidc import views as oidc_views

from . import sso
from .forms import LoginForm
from .models import ExternalIdentity


def _refused(request: HttpRequest, refusal: sso.SignInRefused) -> HttpResponse:
    request.session.pop(sso.LINK_SESSION_KEY, None)
    if request.user.is_authenticated:
        logout(request)  # nobody stays signed in after a refused sign-in
    return render(request, "registration/sso_refused.html", {
        "reason": refusal.reason, "values": refusal.values, "claim": refusal.detail,
    }, status=403)


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/sso_unavailable.html", status=503)


@method_decorator(login_not_required, name="dispatch")
class StartView(oidc_views.OIDCAuthenticationRequestView):
    """Off to the provider, with state, nonce and a PKCE (S256) challenge kept in the session."""

    def __init__(self, *args, **kwargs):
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    get_settings = staticmethod(sso.oidc_setting)
    OIDC_OP_AUTH_ENDPOINT = property(lambda self: sso.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: sso.oidc_setting("OIDC_RP_CLIENT_ID"))

    def get(self, request):
        if not sso.enabled():
            return redirect("login")
        try:
            return super().get(request)
        except sso.ProviderUnavailable:
            return _unavailable(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """Back from the provider: the code exchanged, the ID token verified, the user signed in (or linked)."""

    get_settings = staticmethod(sso.oidc_setting)

    def get(self, request):
        if not sso.enabled():
            return redirect("login")
        linking = sso.linking_user(request) is not None
        try:
            response = super().get(request)
        except sso.SignInRefused as refusal:
            return _refused(request, refusal)
        except sso.ProviderUnavailable:
            return _unavailable(request)
        request.session.pop(sso.LINK_SESSION_KEY, None)
        if linking and request.user.is_authenticated:
            messages.success(request, "Your account is linked to your council sign-in. From now on, sign in with "
                                      "your council account.")
        return response

    def login_failure(self):
        return _refused(self.request, sso.SignInRefused(sso.SignInRefused.NOT_COMPLETED))


@require_POST
def link(request: HttpRequest) -> HttpResponse:
    """The account holder's step: the next council sign-in in this session is attached to this account."""
    if not sso.enabled():
        raise Http404
    if ExternalIdentity.objects.filter(user=request.user).exists():
        messages.info(request, "Your account is already linked to your council sign-in.")
        return redirect("account:index")
    request.session[sso.LINK_SESSION_KEY] = {"user": request.user.pk, "at": time.time()}
    return HttpResponseRedirect(f"{reverse('sso:start')}?next={reverse('account:index')}")


class SignInForm(LoginForm):
    """The password form, which says why a right password is refused for an account that now signs in
    with the council account."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            if username and password and sso.password_refusal(username) == "linked":
                user = get_user_model()._default_manager.filter(username=username).first()
                if user is not None and user.check_password(password):
                    raise ValidationError("Your account signs in with your council account: use the "
                                          "\u201cSign in with your council account\u201d button.",
                                          code="linked") from None
            raise


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the council account's button when SSO is on, and no password form when
    LOCAL_LOGIN is off."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(sso_enabled=sso.enabled(), local_login=sso.local_login_allowed(), **kwargs)

    def post(self, request, *args, **kwargs):
        if not sso.local_login_allowed():
            return self.render_to_response(self.get_context_data(passwords_refused=True), status=403)
        return super().post(request, *args, **kwargs)


sign_in = login_not_required(SignInView.as_view())


class SignOutView(auth_views.LogoutView):
    """Signs out of this service and, when the provider says where, sends the browser to end the provider's
    session too (with the ID token as the hint, and the sign-in page to come back to)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if sso.enabled() and id_token:
            url = sso.end_session_url(request, id_token)
            if url:
                return HttpResponseRedirect(url)
        return response


def passwords_used(view):
    """A password page (reset, change) that is refused, with the reason, when LOCAL_LOGIN is off."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not sso.local_login_allowed():
            return render(request, "registration/passwords_off.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


patterns = (
    [
        path("authenticate/", StartView.as_view(), name="start"),
        path("callback/", CallbackView.as_view(), name="callback"),
        path("link/", link, name="link"),
    ],
    "sso",
)
