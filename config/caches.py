"""The CACHES setting, from CACHE_URL.

Three caches: "default", "summaries" (the home page's and dashboards' council-wide summaries) and
"downloads" (whole files: the quarterly report, the committee register). Their keys hold the data's
version (organisation/summaries.py), so a shared cache never serves a stale summary.

- No CACHE_URL: each process keeps its own, in memory (locmem), bounded in entries.
- CACHE_URL=redis://host:6379/0 (or rediss:// for TLS, unix:///path.sock): all three live in that
  Redis, under their own key prefixes, so every app server shares what any one computed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

NAMES = ("default", "summaries", "downloads")
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Bounds on the in-process caches: many small summaries, fewer large downloads.
LOCMEM_ENTRIES = {"default": 300, "summaries": 500, "downloads": 40}


def caches_from(url: str, prefix: str = "council") -> dict[str, dict]:
    """prefix: the start of every key in a shared cache (set it per release, so that during a rolling
    deploy old and new servers never read each other's entries)."""
    url = (url or "").strip()
    if not url:
        return {
            name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name,
                   "OPTIONS": {"MAX_ENTRIES": LOCMEM_ENTRIES[name]}}
            for name in NAMES
        }
    scheme = urlsplit(url).scheme
    if scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a Redis address (redis://host:6379/0, rediss://... or unix://...), not {scheme or url!r}")
    return {
        name: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
               "KEY_PREFIX": f"{prefix or 'council'}:{name}"}
        for name in NAMES
    }
