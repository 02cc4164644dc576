"""Single sign-on with OpenID Connect (mozilla-django-oidc), set up from the environment.

On only when OIDC_ISSUER is set. The provider's discovery document gives the endpoints and keys; it is
fetched when first needed and kept for an hour. The rules (README, "Single sign-on"):

- A person is known by the ID token's stable subject (`tid` + `oid` for Microsoft Entra ID, else `iss` +
  `sub`), kept as an ExternalIdentity. An email address never matches an account: a new subject gets a new
  user, unless the signed-in holder of a local account links it from their account page.
- Roles come from the verified ID token (Entra's userinfo has none), mapped by OIDC_ROLE_MAP to the role
  groups, and service areas from OIDC_AREAS_CLAIM for service managers; both are applied, adding and
  removing, at every sign-in and audited when they change. No mapped role, or a claim the provider left
  out (Entra's groups overage), refuses the sign-in.
- Passwords stay unless LOCAL_LOGIN=off; an account linked to a council sign-in uses that instead.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import audit, roles
from .models import AuditEvent, ExternalIdentity, ServiceArea

logger = logging.getLogger(__name__)

DISCOVERY_SECONDS = 60 * 60
CLOCK_SKEW_SECONDS = 60
LINK_SECONDS = 10 * 60
LINK_SESSION_KEY = "sso_link"


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def local_login_allowed() -> bool:
    """Passwords are refused only when SSO is on and LOCAL_LOGIN is off."""
    return not enabled() or settings.LOCAL_LOGIN


class ProviderUnavailable(Exception):
    """The discovery document could not be fetched or is not the issuer's."""


class SignInRefused(Exception):
    """A sign-in the provider completed but this service does not accept; `reason` picks the page's words."""

    NO_ROLE = "no_role"
    OVERAGE = "overage"
    TOKEN = "token"
    INACTIVE = "inactive"
    LINKED_ELSEWHERE = "linked_elsewhere"
    ALREADY_LINKED = "already_linked"
    NOT_COMPLETED = "not_completed"

    def __init__(self, reason: str, detail: str = "", values: tuple[str, ...] = ()):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail, self.values = reason, detail, values


# --- the discovery document ---------------------------------------------------

_discovery: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


def discovery() -> dict:
    """The issuer's /.well-known/openid-configuration, fetched once an hour per process."""
    issuer = settings.OIDC_ISSUER
    now = time.monotonic()
    cached = _discovery.get(issuer)
    if cached and cached[0] > now:
        return cached[1]
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and cached[0] > now:
            return cached[1]
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"{url}: {exc}") from exc
        if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ProviderUnavailable(f"{url} is not the discovery document of {issuer}")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not document.get(key):
                raise ProviderUnavailable(f"{url} gives no {key}")
        _discovery[issuer] = (now + DISCOVERY_SECONDS, document)
        return document


def forget_discovery() -> None:
    _discovery.clear()


def end_session_url(request, id_token: str) -> str | None:
    """Where to send a signed-out browser so that the provider's session ends too (None: it has no such end)."""
    try:
        endpoint = discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        logger.warning("sign-out: the provider's discovery document is unavailable", exc_info=True)
        return None
    if not endpoint:
        return None
    query = {"id_token_hint": id_token, "client_id": settings.OIDC_CLIENT_ID,
             "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


# mozilla-django-oidc's own settings, worked out from ours (and from the discovery document) when read.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_FIXED = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_IDP_SIGN_KEY": None,
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_STORE_ID_TOKEN": True,  # for the provider's sign-out (id_token_hint)
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_CREATE_USER": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
    "OIDC_TIMEOUT": 10,
    "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
}


def oidc_setting(name: str, *default):
    if name in _DISCOVERED:
        return discovery().get(_DISCOVERED[name])
    if name in _FIXED:
        return _FIXED[name]
    if name == "OIDC_RP_CLIENT_ID":
        return settings.OIDC_CLIENT_ID
    if name == "OIDC_RP_CLIENT_SECRET":
        return settings.OIDC_CLIENT_SECRET
    if name == "OIDC_RP_SCOPES":
        return settings.OIDC_SCOPES
    return import_from_settings(name, *default)


# --- what a verified ID token says ---------------------------------------------------

@dataclass(frozen=True)
class Subject:
    issuer: str
    subject: str


def subject_of(claims: dict) -> Subject:
    """Entra ID's tenant and object id when both are given (stable across the tenant's apps, where `sub` is
    not), else the issuer and subject."""
    tid, oid = claims.get("tid"), claims.get("oid")
    if tid and oid:
        return Subject(str(tid), str(oid))
    if not claims.get("iss") or not claims.get("sub"):
        raise SignInRefused(SignInRefused.TOKEN, "no subject")
    return Subject(str(claims["iss"]), str(claims["sub"]))


def _values(claims: dict, name: str) -> list[str]:
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def left_out(claims: dict) -> str | None:
    """The claim we read that the provider left out of the token (Entra ID's overage: more groups than a
    token holds, so `_claim_names` points elsewhere, or `hasgroups` in the implicit flow)."""
    wanted = {settings.OIDC_ROLES_CLAIM} | ({settings.OIDC_AREAS_CLAIM} if settings.OIDC_AREAS_CLAIM else set())
    names = claims.get("_claim_names")
    if isinstance(names, dict):
        for name in sorted(wanted & set(names)):
            return name
    if "groups" in wanted and str(claims.get("hasgroups", "")).lower() == "true":
        return "groups"
    return None


def roles_from(claims: dict) -> set[str]:
    return {settings.OIDC_ROLE_MAP[v] for v in _values(claims, settings.OIDC_ROLES_CLAIM)
            if v in settings.OIDC_ROLE_MAP}


def _area_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def areas_from(claims: dict) -> set[ServiceArea]:
    """The service areas the areas claim names (by name, ignoring case and spacing). A name that is no
    area's, or that two directorates both use, names none."""
    wanted = {_area_key(v) for v in _values(claims, settings.OIDC_AREAS_CLAIM)}
    found: dict[str, list[ServiceArea]] = {}
    for area in ServiceArea.objects.all():
        key = _area_key(area.name)
        if key in wanted:
            found.setdefault(key, []).append(area)
    for key in sorted(wanted - set(found)):
        logger.warning("sign-in: %s names no service area: %r", settings.OIDC_AREAS_CLAIM, key)
    for key, areas in found.items():
        if len(areas) > 1:
            logger.warning("sign-in: %r is the name of %d service areas; none is given", key, len(areas))
    return {areas[0] for areas in found.values() if len(areas) == 1}


_USERNAME_CHARS = re.compile(r"[^\w.@+-]")


def new_username(claims: dict) -> str:
    """A unique username from preferred_username, email or sub: only the characters Django allows, and a
    number on the end when taken (a taken name is never a match)."""
    User = get_user_model()
    raw = next((str(claims[k]) for k in ("preferred_username", "email", "sub") if claims.get(k)), "")
    base = _USERNAME_CHARS.sub("", unicodedata.normalize("NFKC", raw))[:140] or "user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _names(claims: dict) -> dict[str, str]:
    first, last = claims.get("given_name") or "", claims.get("family_name") or ""
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    out = {"first_name": str(first)[:150], "last_name": str(last)[:150]}
    if claims.get("email"):
        out["email"] = str(claims["email"])[:254]
    return {k: v for k, v in out.items() if v}


# --- the services ---------------------------------------------------

def access_apply(*, user, claims: dict) -> None:
    """Make the user's role groups (and, with OIDC_AREAS_CLAIM, their managed service areas) what the token
    says, and audit a change."""
    wanted_roles = roles_from(claims)
    role_groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    held = set(user.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True))
    before, after = {"roles": held}, {"roles": wanted_roles}
    if held != wanted_roles:
        user.groups.remove(*[role_groups[r] for r in held - wanted_roles])
        user.groups.add(*[role_groups[r] for r in wanted_roles - held if r in role_groups])
    if settings.OIDC_AREAS_CLAIM:
        wanted_areas = areas_from(claims) if roles.SERVICE_MANAGER in wanted_roles else set()
        managed = set(user.managed_service_areas.all())
        before["service areas"], after["service areas"] = {a.name for a in managed}, {a.name for a in wanted_areas}
        if managed != wanted_areas:
            user.managed_service_areas.set(wanted_areas)
    detail = audit.changes(before, after)
    if detail:
        audit.record(user=user, action=AuditEvent.Action.CHANGED, object_type="User account",
                     object_label=user.get_username(), detail=detail,
                     reason=f"From the council sign-in ({settings.OIDC_ROLES_CLAIM} claim)")


def identity_link(*, user, subject: Subject) -> ExternalIdentity:
    """Attach a council sign-in to the signed-in user's own account (their explicit step), audited."""
    identity = ExternalIdentity.objects.create(user=user, issuer=subject.issuer, subject=subject.subject,
                                               last_sign_in=timezone.now())
    audit.record(user=user, action=AuditEvent.Action.CHANGED, object_type="User account",
                 object_label=user.get_username(),
                 detail=f"council sign-in: none -> linked ({subject.subject} at {subject.issuer})",
                 reason="Linked by the account holder from their account page")
    return identity


def identity_unlink(*, user, identity: ExternalIdentity) -> None:
    """Take a council sign-in off an account (the admin's delete: a link made to the wrong account), audited.
    The person's next council sign-in makes a new account unless they link it again."""
    label = identity.user.get_username()
    detail = f"council sign-in: linked ({identity.subject} at {identity.issuer}) -> none"
    identity.delete()
    audit.record(user=user, action=AuditEvent.Action.ADMIN_DELETED, object_type="User account", object_label=label,
                 detail=detail, reason="Unlinked in the admin")


def user_for_sign_in(*, claims: dict, linking_user=None):
    """The user a verified ID token signs in (made or linked as the rules say), with its access applied."""
    missing = left_out(claims)
    if missing:
        raise SignInRefused(SignInRefused.OVERAGE, missing)
    if not roles_from(claims):
        raise SignInRefused(SignInRefused.NO_ROLE, values=tuple(_values(claims, settings.OIDC_ROLES_CLAIM)))
    subject = subject_of(claims)
    User = get_user_model()
    with transaction.atomic():
        identity = (ExternalIdentity.objects.select_for_update().select_related("user")
                    .filter(issuer=subject.issuer, subject=subject.subject).first())
        if linking_user is not None:
            if identity is not None and identity.user_id != linking_user.pk:
                raise SignInRefused(SignInRefused.LINKED_ELSEWHERE)
            if identity is None:
                if ExternalIdentity.objects.filter(user=linking_user).exists():
                    raise SignInRefused(SignInRefused.ALREADY_LINKED)
                identity = identity_link(user=linking_user, subject=subject)
        if identity is None:
            user = User.objects.create_user(new_username(claims), **_names(claims))
            user.set_unusable_password()
            user.save(update_fields=["password"])
            identity = ExternalIdentity.objects.create(user=user, issuer=subject.issuer, subject=subject.subject)
            audit.record(user=user, action=AuditEvent.Action.CREATED, object_type="User account",
                         object_label=user.get_username(),
                         detail=f"made at the first council sign-in ({subject.subject} at {subject.issuer})")
        user = identity.user
        if not user.is_active:
            raise SignInRefused(SignInRefused.INACTIVE)
        names = _names(claims)
        if any(getattr(user, k) != v for k, v in names.items()):
            for k, v in names.items():
                setattr(user, k, v)
            user.save(update_fields=list(names))
        access_apply(user=user, claims=claims)
        ExternalIdentity.objects.filter(pk=identity.pk).update(last_sign_in=timezone.now())
    return user


def linking_user(request):
    """The signed-in user who asked, in the last few minutes, to link their account (else None)."""
    marker = request.session.get(LINK_SESSION_KEY)
    user = getattr(request, "user", None)
    if not marker or user is None or not user.is_authenticated:
        return None
    if marker.get("user") != user.pk or time.time() - marker.get("at", 0) > LINK_SECONDS:
        return None
    return user


def account_context(user) -> dict:
    """What the account page shows of single sign-on."""
    identity = ExternalIdentity.objects.filter(user=user).order_by("created").first() if enabled() else None
    return {"enabled": enabled(), "identity": identity,
            "passwords": local_login_allowed() and identity is None}


# --- the backends ---------------------------------------------------

class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the endpoints discovered, the ID token's issuer, audience and
    expiry checked, and the user found by subject (never by email)."""

    def __init__(self, *args, **kwargs):
        # The base reads every setting here, and a backend is made for every request: read them when used.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: oidc_setting("OIDC_RP_CLIENT_ID"))
    OIDC_RP_CLIENT_SECRET = property(lambda self: oidc_setting("OIDC_RP_CLIENT_SECRET"))
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "nonce" not in kwargs:
            return None  # a password sign-in, or SSO is off
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)  # refuses inactive users, as the password backend does

    def retrieve_matching_jwk(self, token):
        """The provider's key that signed the token: by `kid`, or its only RS256 key when the token has none."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=10)
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", [])
                if k.get("kty") == "RSA" and k.get("use", "sig") == "sig" and k.get("alg", "RS256") == "RS256"]
        if header.get("kid"):
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("no single provider key matches the ID token")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        if jwt.get_unverified_header(payload).get("alg") != "RS256":
            raise SuspiciousOperation("ID token not signed with RS256")
        return jwt.decode(payload, key, algorithms=["RS256"], audience=settings.OIDC_CLIENT_ID,
                          issuer=discovery()["issuer"], leeway=CLOCK_SKEW_SECONDS,
                          options={"require": ["exp", "iat", "iss", "aud", "sub"]})

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException, ValueError) as exc:
            logger.warning("sign-in refused: the ID token did not verify: %s", exc)
            raise SignInRefused(SignInRefused.TOKEN, str(exc)) from exc

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except (requests.RequestException, ValueError) as exc:
            logger.warning("sign-in refused: the provider's token endpoint failed: %s", exc)
            raise SignInRefused(SignInRefused.NOT_COMPLETED, str(exc)) from exc

    def get_or_create_user(self, access_token, id_token, payload):
        # `payload` is the verified ID token: its claims, not userinfo's, decide who and what.
        return user_for_sign_in(claims=payload, linking_user=linking_user(self.request))


class PasswordGuardBackend:
    """Before the password backend: refuses a password when LOCAL_LOGIN is off (SSO on), and for an account
    linked to a council sign-in while SSO is on. No get_user: it never keeps anyone signed in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if password_refusal(username):
            raise PermissionDenied
        return None


def password_refusal(username: str) -> str | None:
    """Why a password may not sign in to this username (None: it may)."""
    if not enabled():
        return None
    if not settings.LOCAL_LOGIN:
        return "off"
    if ExternalIdentity.objects.filter(user__username=username).exists():
        return "linked"
    return None
