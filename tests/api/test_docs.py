"""The documentation page loads under the site's Content-Security-Policy: every script and style is a file
of our own static files (drf-spectacular-sidecar), none inline; the schema is OpenAPI 3."""

import re

from django.contrib.staticfiles import finders


def test_the_docs_page_renders_under_the_csp(officer):
    response = officer.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert url.startswith("/api/v1/docs/?"), url  # the page's own start-up script
    start = officer.get("/api/v1/docs/?script=")
    assert start.status_code == 200 and start["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in start.content.decode()


def test_the_schema_is_openapi_3_with_every_resource(officer):
    schema = officer.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {f"/api/v1/{name}/" for name in ("indicators", "figures", "risks", "controls", "audit-actions",
                                            "placements", "programmes", "savings")} <= paths
    assert set(schema["components"]["securitySchemes"]) >= {"tokenAuth", "apiKeyQuery", "cookieAuth"}
    for path in paths:
        assert set(schema["paths"][path]) == {"get"}, path
    names = {p["name"] for p in schema["paths"]["/api/v1/risks/"]["get"]["parameters"]}
    assert {"period", "level", "register", "directorate", "page"} <= names
