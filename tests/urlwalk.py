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


HREF = re.compile(r'href="(/[^"#]*)')
SKIP_PREFIXES = ("/static/", "/admin/", "/accounts/logout", "/__")


def _key(url: str) -> tuple[str, frozenset[str]]:
    """A page is visited once per path and set of query names (each filter once, not each value)."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    return parts.path, frozenset(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))


def readable_text(response) -> str:
    """What a reader would find in a response: a page's HTML, a CSV's text, the text of an XLSX or a Word
    file's parts, a PDF's extracted text."""
    import io
    import zipfile

    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                             if name.endswith(".xml"))
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if "text" in kind or "json" in kind or not kind:
        return content.decode("utf-8", "replace")
    return content.decode("latin-1")


def crawl(client, starts, *, limit: int = 600):
    """Follow every same-site link a signed-in client can reach from `starts` (GET only, as a reader does),
    yielding (url, status, text) for each page and download once per path and set of query names."""
    from html import unescape

    seen: set = set()
    queue = list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url.startswith(SKIP_PREFIXES) or _key(url) in seen:
            continue
        seen.add(_key(url))
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        text = readable_text(response) if response.status_code == 200 else ""
        yield url, response.status_code, text
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(unescape(link) for link in HREF.findall(text))
