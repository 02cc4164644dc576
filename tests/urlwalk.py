"""Enumerate every URL of the URL configuration with sample arguments."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _route_to_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)


def walk(resolver: URLResolver | None = None, prefix: str = "/", namespace: str = ""):
    """Yield (full name, sample path) for every route; admin's regex routes are summarised by /admin/."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                yield ("admin:index", prefix + "admin/")
                continue
            if not isinstance(pattern, RoutePattern):
                raise AssertionError(f"Regex URL patterns are not walked: {pattern}")
            yield from walk(entry, prefix + _route_to_path(str(pattern)), ns)
        elif isinstance(entry, URLPattern):
            if isinstance(pattern, RegexPattern):
                raise AssertionError(f"Regex URL patterns are not walked: {pattern}")
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield (name, prefix + _route_to_path(str(pattern)))
