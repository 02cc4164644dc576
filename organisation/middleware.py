import time

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy, and no caching
    of pages shown to signed-in users (they hold unpublished figures)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


class QueryCountHeaderMiddleware:
    """Adds X-Query-Count (SQL queries run for the request) and X-CPU-Ms (the
    worker's CPU time for it, which a busy or shared machine inflates far less
    than wall time) when QUERY_COUNT_HEADER is on - used by the benchmark."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from contextlib import ExitStack

        from django.db import connections

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.process_time()
        with ExitStack() as stack:  # every database's queries: the primary's and a replica's
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response.headers["X-CPU-Ms"] = f"{(time.process_time() - started) * 1000:.1f}"
        response.headers["X-Query-Count"] = str(count)
        return response


class RefuseNulMiddleware:
    """A NUL character is never valid in an address's query or a form's field, and PostgreSQL refuses it in
    text: such a request is answered 400 with a message, before any view or admin list filter queries with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            from django.http import HttpResponseNotFound

            return HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
        # A form posted as multipart (the import pages', or any client's) is read here too: its text fields are
        # parsed once (the CSRF check reads them next anyway), its files are left to the view.
        if self._has_nul(request.GET) or (
                request.method == "POST"
                and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
                and self._has_nul(request.POST)):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("The request holds a NUL character, which is not allowed in any field. "
                                          "Remove it and try again.", content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(query) -> bool:
        return any("\x00" in key or any("\x00" in value for value in query.getlist(key)) for key in query)
