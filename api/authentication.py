"""Token authentication: ``Authorization: Token <key>``, or ``?api_key=<key>`` (Power BI's scheduled refresh
can send a key only in the query string). A token acts as its owner, with the owner's roles as they are now;
a revoked token, an unknown key and a deactivated owner are refused (401)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_key

KEYWORD = "Token"
QUERY_PARAMETER = "api_key"


def _user_for(key: str):
    key = (key or "").strip()
    if not key:
        raise exceptions.AuthenticationFailed("No API key given.")
    token = ApiToken.objects.select_related("owner").filter(key_hash=hash_key(key)).first()
    if token is None or token.is_revoked:
        raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
    if not token.owner.is_active:
        raise exceptions.AuthenticationFailed("The API key's owner is no longer active.")
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now(), use_count=F("use_count") + 1)
    return token.owner, token


class HeaderTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Token <key>")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.") from None
        return _user_for(key)

    def authenticate_header(self, request):
        return KEYWORD


class QueryKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        if QUERY_PARAMETER not in request.query_params:
            return None
        return _user_for(request.query_params.get(QUERY_PARAMETER, ""))

    def authenticate_header(self, request):
        return KEYWORD
