"""Settings for the test suite: the production settings module, read with a
test environment (plain HTTP for the test client and the live server)."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SIMPLE_STATIC", "true")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A second database standing for a read replica, so the router's tests can see which one a page read
# (tests/organisation/test_routing.py turn it on with READ_REPLICA="replica"; other tests never touch it).
# It gets the models' tables without the migrations' data steps, as a physical replica would have them.
if "replica" not in DATABASES:
    _primary = DATABASES["default"]
    _test_name = (_primary.get("TEST") or {}).get("NAME")
    DATABASES["replica"] = {**_primary, "TEST": {"MIGRATE": False}}
    if _primary["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["replica"]["TEST"]["NAME"] = f"{_test_name or 'test_' + _primary['NAME']}_replica"
READ_REPLICA = None

# The test runner empties tables between the tests that commit (TRUNCATE); the app's own connections never
# lift the guard against it (organisation migration 0015).
for _alias in ("default", "replica"):
    if DATABASES[_alias]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES[_alias].setdefault("OPTIONS", {})["options"] = "-c council.allow_truncate=on"
