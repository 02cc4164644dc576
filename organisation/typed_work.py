"""What a service manager typed survives a session that expired before the save.

A form POSTed by a browser whose session has expired (or was signed out in
another tab) would be answered by a redirect to the sign-in page, and the
figures and commentaries typed into it lost. For views marked
``@keeps_typed_work``, the sign-in redirect first stores the POSTed fields in
the (new, anonymous) session, keyed by the page's path. Django's ``login()``
keeps a session's data when an anonymous session signs in, so after signing
in, the view's GET calls ``take(request)`` and binds its form to what was
typed, showing it back unsaved with a notification banner.

Kept work belongs to the person who typed it: each marked form carries a signed token of its user
(``{% typed_work_owner %}``, or the signed-in user at the timeout endpoint), and it is offered back only to
that user. Work that names nobody is not kept, so the next person to sign in on a shared computer never
sees it.

Kept work lives in the session and no longer: it goes with the session's
expiry, with signing out and with closing the browser (the session cookie
ends with the browser). It is offered back only on the path it was typed on,
once, and only while no newer save of that page has arrived. It is bounded:
at most MAX_FIELDS fields and MAX_BYTES bytes, for at most MAX_PAGES pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve

SESSION_KEY = "typed_work"
ATTRIBUTE = "keeps_typed_work"
# An entry form is five fields an indicator: 500 fields is a hundred indicators.
MAX_FIELDS = 500
MAX_BYTES = 200 * 1024
MAX_PAGES = 5
OWNER_FIELD = "typed_work_owner"
OWNER_SALT = "organisation.typed_work.owner"
NOT_KEPT = frozenset({"csrfmiddlewaretoken", OWNER_FIELD})

KEPT = "What you typed has not been saved: sign in again to check it and save it."
TOO_MUCH = "What you typed was too much to keep: sign in again and enter it again."
NOBODY = "What you typed could not be kept: sign in again and enter it again."
SIGNED_OUT_BEFORE_SAVE = "You were signed out before your changes were saved."
SHOWN_BACK = ("You were signed out before your changes were saved. What you typed is shown below: "
              "check it and save again.")


def keeps_typed_work(view: Callable) -> Callable:
    """Mark a view whose POSTs are kept through a sign-in. Works above or below decorators that use
    functools.wraps (which copy the mark), and on a class-based view's ``as_view()``."""
    setattr(view, ATTRIBUTE, True)
    return view


def is_marked(view: Callable | None) -> bool:
    return bool(getattr(view, ATTRIBUTE, False))


def path_keeps_typed_work(path: str) -> bool:
    """Whether the view at ``path`` (a path, no query string) is marked ``@keeps_typed_work``."""
    try:
        return is_marked(resolve(path).func)
    except Resolver404:
        return False


def owner_token(user) -> str:
    """The signed token a marked form carries: whose typing it holds."""
    return signing.dumps(user.pk, salt=OWNER_SALT)


def owner_from(data: QueryDict) -> int | None:
    """The user a form's token names, or None (no token, or one not signed by this service)."""
    token = data.get(OWNER_FIELD) or ""
    try:
        owner = signing.loads(token, salt=OWNER_SALT) if token else None
    except signing.BadSignature:
        return None
    return owner if isinstance(owner, int) else None


def _fields(data: QueryDict) -> list[list[str]]:
    return [[name, value] for name, values in data.lists() if name not in NOT_KEPT for value in values]


def _size(fields: Iterable[list[str]]) -> int:
    return sum(len(name.encode()) + len(value.encode()) for name, value in fields)


def _stored_size(store: dict) -> int:
    return _size(f for page in store.values() for f in page["fields"])


def keep(request: HttpRequest, path: str, data: QueryDict, owner: int | None = None) -> bool | None:
    """Store ``data`` (less the CSRF and owner tokens) in the session for ``path``, for ``owner`` (else the
    user the form's token names).

    Returns True when kept, None when there was nothing to keep, and False when it was over the bounds or
    named nobody (then nothing is stored for the path, not a part that would look complete)."""
    fields = _fields(data)
    if not fields:
        return None
    owner = owner if owner is not None else owner_from(data)
    store: dict = dict(request.session.get(SESSION_KEY) or {})
    store.pop(path, None)
    if owner is None or len(fields) > MAX_FIELDS or _size(fields) > MAX_BYTES:
        kept = False
    else:
        store[path] = {"owner": owner, "fields": fields}
        kept = True
    # The oldest pages go first when the total is over the bounds (dicts keep insertion order,
    # through the session's JSON too).
    while len(store) > MAX_PAGES or _stored_size(store) > MAX_BYTES:
        del store[next(iter(store))]
    if store:
        request.session[SESSION_KEY] = store
    else:
        request.session.pop(SESSION_KEY, None)
    return kept


def discard(request: HttpRequest, path: str) -> None:
    store = request.session.get(SESSION_KEY)
    if store and path in store:
        store = dict(store)
        del store[path]
        if store:
            request.session[SESSION_KEY] = store
        else:
            del request.session[SESSION_KEY]


def take(request: HttpRequest, *, announce: bool = True) -> QueryDict | None:
    """The fields kept for ``request.path``, removed from the session, or None.

    Bind the page's form(s) to the result as if it were ``request.POST`` (hidden version fields
    included, so a change saved by someone else in the meantime is still refused as a conflict) and
    render; do not save it. With ``announce`` (the default) a notification banner says what happened.
    Call it only after the view's access checks, on GET."""
    store = request.session.get(SESSION_KEY)
    if not store or request.path not in store:
        return None
    entry = store[request.path]
    discard(request, request.path)
    if not isinstance(entry, dict) or entry.get("owner") != getattr(request.user, "pk", None):
        return None  # typed by someone else: never shown to the next person to sign in
    fields = entry["fields"]
    data = QueryDict(mutable=True)
    for name, value in fields:
        data.appendlist(name, value)
    data._mutable = False
    if announce:
        messages.info(request, SHOWN_BACK)
    return data


def keep_for_sign_in(request: HttpRequest, path: str, data: QueryDict, owner: int | None = None) -> str:
    """Keep ``data`` for ``path`` and return the sentence for the sign-in page ('' if nothing was typed)."""
    owner = owner if owner is not None else owner_from(data)
    kept = keep(request, path, data, owner)
    if kept is None:
        return ""
    if kept:
        return KEPT
    return TOO_MUCH if owner is not None else NOBODY


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware; for a POST to a ``@keeps_typed_work`` view from a browser that
    is not signed in, it keeps the POSTed fields before sending it to sign in (next = the page)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and is_marked(view_func) and request.user.is_authenticated:
            # A save made while signed in is newer than anything kept for the page.
            discard(request, request.path)
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:
        if request.method != "POST" or not is_marked(view_func):
            return super().handle_no_permission(request, view_func)
        sentence = keep_for_sign_in(request, request.path, request.POST)
        messages.info(request, f"{SIGNED_OUT_BEFORE_SAVE} {sentence}".strip())
        return redirect_to_login(
            request.get_full_path(), resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )
