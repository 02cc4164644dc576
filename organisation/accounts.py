"""Accounts: your account page, changing and resetting a password, and the session-timeout endpoints.

The password pages are Django's own views with GOV.UK templates and words. The
reset pages need no sign-in, and the reset never says whether an address
belongs to an account. The two timeout endpoints serve static/js/timeout-warning.js:
``keep_alive`` refreshes the session when the user chooses "Stay signed in",
and ``timed_out`` signs the user out when the time runs out, keeping whatever
was typed into a form of a ``@keeps_typed_work`` page (organisation/typed_work.py).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from axes.utils import reset as reset_sign_in_failures
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, logout, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import access, services, sso, typed_work
from .sso_views import passwords_used


def duration(seconds: int) -> str:
    """'1 hour', '90 minutes', '2 minutes', '45 seconds'."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if seconds >= 60:
        minutes = -(-seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _password_hint() -> str:
    length = next((getattr(v, "min_length", None) for v in password_validation.get_default_password_validators()
                   if getattr(v, "min_length", None)), None)
    start = f"At least {length} characters. " if length else ""
    return start + "Not a common password, not only numbers, and not like your name or username."


class NewPasswordFields:
    """GOV.UK words for the new-password pair, and one error per field: the validators' complaints go
    on the new password (where its hint is), joined, and a mismatch on the confirmation."""

    error_messages = {"password_mismatch": "The two new passwords do not match: enter the same password twice"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, first.help_text = "New password", _password_hint()
        first.error_messages["required"] = "Enter a new password"
        second.label, second.help_text = "Confirm new password", ""
        second.error_messages["required"] = "Enter the new password again to confirm it"

    def clean(self):
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                self.add_error("new_password1", " ".join(error.messages))
        confirmation = self.cleaned_data.get("new_password2")
        if password and confirmation and password != confirmation:
            self.add_error("new_password2", self.error_messages["password_mismatch"])
        return self.cleaned_data


class SetPasswordForm(NewPasswordFields, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(NewPasswordFields, auth_forms.PasswordChangeForm):
    error_messages = {**NewPasswordFields.error_messages,
                      "password_incorrect": "Your current password is not right: enter it again"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        # GOV.UK fields do not autofocus; the error summary takes focus instead.
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = "Enter an email address in the correct format, like name@example.gov.uk"
        email.widget.attrs.update({"spellcheck": "false"})

    def get_users(self, email):
        """Active accounts with this address, including new ones with no password yet (Django leaves those
        out): an account made in the admin is sent a link to choose its password, and if that link has
        expired, this is how its owner gets another."""
        wanted = unicodedata.normalize("NFKC", email).casefold()
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        if sso.enabled():  # an account linked to a council sign-in has no password here
            users = users.filter(external_identities__isnull=True)
        return (user for user in users if unicodedata.normalize("NFKC", user.email).casefold() == wanted)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    @property
    def extra_email_context(self) -> dict:  # read when sent, so that tests' settings apply
        return {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME,
                "link_lifetime": duration(settings.PASSWORD_RESET_TIMEOUT)}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(link_lifetime=duration(settings.PASSWORD_RESET_TIMEOUT), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can read the account's email can choose its password, so a sign-in lockout need not
        # outlast the reset: the owner can sign in at once.
        reset_sign_in_failures(username=self.user.get_username())
        return response


class ReminderForm(forms.Form):
    reminders = forms.ChoiceField(
        label="Email reminders and chasers", widget=forms.RadioSelect,
        choices=[("on", "Send me reminders before deadlines and chasers after them"),
                 ("off", "Do not send me reminders (chasers for overdue statutory returns are still sent)")],
        error_messages={"required": "Choose whether to be sent reminders"})


def account(request: HttpRequest) -> HttpResponse:
    from .models import ReminderPreference

    user = request.user
    stored = ReminderPreference.objects.filter(user=user).first()
    form = ReminderForm(request.POST if request.method == "POST" else None,
                        initial={"reminders": "on" if stored is None or stored.reminders else "off"})
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_set(user=user, reminders=form.cleaned_data["reminders"] == "on")
        messages.success(request, "Reminders are " + ("on." if form.cleaned_data["reminders"] == "on" else
                                                      "off. Chasers for overdue statutory returns are still sent."))
        return redirect("account:index")
    return render(request, "registration/account.html", {
        "role": access.primary_role(user), "form": form, "sso": sso.account_context(user),
        "areas": user.managed_service_areas.select_related("directorate").order_by("name"),
    }, status=400 if form.is_bound else 200)


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """'Stay signed in': the session is saved, and so refreshed, by this request."""
    request.session.modified = True
    return HttpResponse(status=204)


def _same_site_path(url: str | None, request: HttpRequest) -> str | None:
    if not url or not url.startswith("/") or not url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return url


@login_not_required
@require_POST
def timed_out(request: HttpRequest) -> HttpResponse:
    """The page's timer ran out: sign out, keep what was typed into the page's form (if the page keeps
    typed work), and send the user to sign in, back to the page afterwards."""
    next_url = _same_site_path(request.GET.get("next"), request)
    owner = request.user.pk if request.user.is_authenticated else None
    if request.user.is_authenticated:
        logout(request)
    sentence = f"We signed you out because you had not used the service for {duration(settings.SESSION_COOKIE_AGE)}."
    kept = ""
    if next_url:
        page = urlsplit(next_url).path
        if typed_work.path_keeps_typed_work(page):
            kept = typed_work.keep_for_sign_in(request, page, request.POST, owner)
    messages.info(request, f"{sentence} {kept or 'Sign in again to carry on.'}")
    return redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)


def session_timeout(request: HttpRequest) -> dict:
    """Context processor: what the timeout warning in base.html needs."""
    return {"session_seconds": settings.SESSION_COOKIE_AGE, "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
            "session_warning_words": duration(settings.SESSION_WARNING_SECONDS)}


patterns = (
    [
        path("", account, name="index"),
        path("keep-alive/", keep_alive, name="keep_alive"),
        path("timed-out/", timed_out, name="timed_out"),
    ],
    "account",
)

# Django's own names for Django's own views, as for login and logout: its views, and emails such as the
# account invitation sent from the admin, reverse them unqualified.
# With LOCAL_LOGIN=off (and SSO on) each of them says instead that the service uses no passwords.
auth_patterns = [
    path("password/", passwords_used(auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm)),
         name="password_change"),
    path("password/changed/", passwords_used(auth_views.PasswordChangeDoneView.as_view()),
         name="password_change_done"),
    path("reset/", login_not_required(passwords_used(PasswordResetView.as_view())), name="password_reset"),
    path("reset/sent/", login_not_required(passwords_used(PasswordResetDoneView.as_view())),
         name="password_reset_done"),
    path("reset/<uidb64>/<token>/", login_not_required(passwords_used(PasswordResetConfirmView.as_view())),
         name="password_reset_confirm"),
    path("reset/done/", login_not_required(passwords_used(auth_views.PasswordResetCompleteView.as_view())),
         name="password_reset_complete"),
]
