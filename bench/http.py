"""A small HTTP client for the benchmark: a session cookie, CSRF-aware sign-in,
and per-request latency, size and the server's X-Query-Count."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Sample:
    status: int
    seconds: float
    size: int
    queries: int | None
    cpu_ms: float | None = None  # the worker's CPU time for the request (X-CPU-Ms)


class Session:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[Sample, bytes, http.client.HTTPResponse]:
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        queries = response.headers.get("X-Query-Count")
        cpu = response.headers.get("X-CPU-Ms")
        return Sample(response.status, elapsed, len(data), int(queries) if queries else None,
                      float(cpu) if cpu else None), data, response

    def get(self, path: str) -> Sample:
        return self.request("GET", path)[0]

    def sign_in(self, username: str, password: str) -> None:
        _, page, _ = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}).encode()
        sample, _, response = self.request(
            "POST", "/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{self.host}:{self.port}/login/"},
        )
        if sample.status != 302 or "/home/" not in (response.headers.get("Location") or ""):
            raise RuntimeError(f"could not sign in as {username} (HTTP {sample.status})")
