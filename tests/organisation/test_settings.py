"""Production defaults, read in a fresh interpreter with a clean environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in ["
    "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS',"
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS','ALLOWED_HOSTS','SESSION_ENGINE','SESSION_COOKIE_AGE',"
    "'SECURE_CONTENT_TYPE_NOSNIFF','X_FRAME_OPTIONS']} | {'ENGINE': settings.DATABASES['default']['ENGINE'],"
    "'NAME': str(settings.DATABASES['default']['NAME']), 'PROXY': settings.SECURE_PROXY_SSL_HEADER}))"
)


def run(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {
        "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "BEHIND_PROXY",
        "SIMPLE_STATIC", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_REPLICA_URL", "CACHE_URL", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_defaults_are_secure():
    result = run({"SECRET_KEY": "a-real-secret-key-of-sufficient-length-and-variety-1234567890"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["ALLOWED_HOSTS"] == []
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["ENGINE"] == "django.db.backends.sqlite3" and values["NAME"].endswith("db.sqlite3")
    assert values["PROXY"] is None


def test_a_missing_secret_key_is_refused_in_production():
    result = run({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("SECURE_HSTS_SECONDS", "a year")])
def test_unreadable_values_fail_loudly(name, value):
    result = run({"SECRET_KEY": "k" * 50, name: value})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_the_environment_configures_database_hosts_and_proxy():
    result = run({
        "SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://u:p@db:5432/council",
        "ALLOWED_HOSTS": "a.example, b.example", "BEHIND_PROXY": "true", "SECURE_SSL_REDIRECT": "false",
    })
    values = json.loads(result.stdout)
    assert values["ENGINE"] == "django.db.backends.postgresql" and values["NAME"] == "council"
    assert values["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert values["PROXY"] == ["HTTP_X_FORWARDED_PROTO", "https"] and values["SECURE_SSL_REDIRECT"] is False


def test_debug_relaxes_cookies_for_local_development():
    values = json.loads(run({"DEBUG": "true"}).stdout)
    assert values["DEBUG"] is True and values["SESSION_COOKIE_SECURE"] is False
    assert "localhost" in values["ALLOWED_HOSTS"]


def test_check_deploy_reports_no_issues_with_a_real_key():
    code = "import sys; from django.core.management import execute_from_command_line; " \
           "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    result = run({"SECRET_KEY": "Zk3-real-production-secret-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1",
                  "ALLOWED_HOSTS": "performance.example.gov.uk"}, code)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


REPLICA_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'READ_REPLICA': settings.READ_REPLICA, 'ALIASES': sorted(settings.DATABASES),"
    "'REPLICA': {k: settings.DATABASES.get('replica', {}).get(k) for k in ('HOST', 'NAME', 'TEST')},"
    "'ROUTERS': settings.DATABASE_ROUTERS, 'CACHES': {k: v['BACKEND'] for k, v in settings.CACHES.items()}}))"
)
SECRET = {"SECRET_KEY": "a-real-secret-key-of-sufficient-length-and-variety-1234567890"}


def test_a_replica_url_adds_the_replica_that_tests_treat_as_the_primary():
    result = run({**SECRET, "DATABASE_URL": "postgres://app@primary.internal:5432/council",
                  "DATABASE_REPLICA_URL": "postgres://app@replica.internal:5432/council"}, REPLICA_PROBE)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["READ_REPLICA"] == "replica" and values["ALIASES"] == ["default", "replica"]
    assert values["REPLICA"]["HOST"] == "replica.internal" and values["REPLICA"]["TEST"]["MIRROR"] == "default"
    assert values["ROUTERS"] == ["organisation.routing.ReplicaRouter"]


def test_without_a_replica_or_cache_url_there_is_one_database_and_caches_in_memory():
    values = json.loads(run(SECRET, REPLICA_PROBE).stdout)
    assert values["READ_REPLICA"] is None and values["ALIASES"] == ["default"]
    assert set(values["CACHES"].values()) == {"django.core.cache.backends.locmem.LocMemCache"}


def test_a_cache_url_shares_the_caches_and_a_wrong_one_is_refused():
    values = json.loads(run({**SECRET, "CACHE_URL": "redis://cache.internal:6379/0"}, REPLICA_PROBE).stdout)
    assert set(values["CACHES"].values()) == {"django.core.cache.backends.redis.RedisCache"}
    wrong = run({**SECRET, "CACHE_URL": "memcached://cache.internal"}, REPLICA_PROBE)
    assert wrong.returncode != 0 and "CACHE_URL must be a Redis address" in wrong.stderr
