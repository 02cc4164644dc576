"""gunicorn's access log without API keys: Power BI sends its key as ``?api_key=``, which the request line,
the query string and the referrer would otherwise write to the log (and to whoever reads the logs).

gunicorn.conf.py names ``RedactingLogger`` as its logger_class. This module imports nothing of Django's."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

KEY_IN_QUERY = re.compile(r"((?:^|[?&;\s])api_key=)[^&;\s\"]*", re.IGNORECASE)
REDACTED = "[redacted]"
SECRET_HEADERS = ("authorization", "cookie", "x-api-key")


def redact(value):
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str) and "api_key=" in value.lower():
        return KEY_IN_QUERY.sub(lambda m: m.group(1) + REDACTED, value)
    return value


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        out = {}
        for name, value in atoms.items():
            lowered = name.lower()
            if any(lowered in (f"{{{h}}}i", f"{{http_{h.replace('-', '_')}}}e") for h in SECRET_HEADERS):
                out[name] = REDACTED
            else:
                out[name] = redact(value)
        return out
