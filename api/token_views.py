"""The tokens page: a user's API tokens, created (the key shown once) and revoked, each audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisation import access, audit
from organisation.models import AuditEvent

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is the token for?",
                           help_text="For example, \"Power BI: quarterly performance dashboard\".",
                           error_messages={"required": "Enter what the token is for"})

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError("Enter a name without control characters")
        return name


def _may_hold_tokens(user) -> bool:
    """A token acts as its owner: those with a role that reads something."""
    return access.primary_role(user) is not None


def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_hold_tokens(user):
        raise PermissionDenied
    created_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                token, created_key = ApiToken.issue(owner=user, name=form.cleaned_data["name"])
                audit.record(user=user, action=AuditEvent.Action.CREATED, object_type="API token",
                             object_label=str(token), detail=f"API token created for {user.get_username()}")
            form = TokenForm()
    elif request.method != "GET":
        return HttpResponse(status=405)
    response = render(request, "api/tokens.html", {
        "form": form, "created_key": created_key,
        "tokens": ApiToken.objects.filter(owner=user).order_by("revoked", "-created", "-pk"),
    })
    if created_key:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not _may_hold_tokens(user):
        raise PermissionDenied
    token = get_object_or_404(ApiToken, pk=pk, owner=user)
    if token.revoked is None:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk, revoked__isnull=True).update(revoked=timezone.now())
            audit.record(user=user, action=AuditEvent.Action.RETIRED, object_type="API token",
                         object_label=str(token), detail=f"API token revoked by {user.get_username()}")
        messages.success(request, f"Token \u201c{token.name}\u201d revoked: it no longer works.")
    return redirect("api:tokens")
