"""The database settings: psycopg 3, its connection pool when DATABASE_POOL is on, server-side cursors off for
PgBouncer, and refusals of settings that cannot work. Each case reads the settings in a fresh process, as the
app server would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def run(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "k" * 50, **env})
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


SHOW = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default'], default=str))"


def database(env: dict[str, str]) -> dict:
    done = run(env, SHOW)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_postgresql_is_reached_through_psycopg_3():
    import psycopg

    assert psycopg.__version__.startswith("3.")
    config = database({"DATABASE_URL": POSTGRES})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "pool" not in config.get("OPTIONS", {})
    assert config["CONN_MAX_AGE"] == 60 and config["CONN_HEALTH_CHECKS"] is True


def test_the_pool_replaces_persistent_connections():
    config = database({"DATABASE_URL": POSTGRES, "DATABASE_POOL": "on", "DATABASE_POOL_MIN_SIZE": "1",
                       "DATABASE_POOL_MAX_SIZE": "4", "DATABASE_POOL_TIMEOUT": "5"})
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 5}
    assert config["CONN_MAX_AGE"] == 0 and config["CONN_HEALTH_CHECKS"] is False


def test_pgbouncer_in_transaction_mode_turns_server_side_cursors_off():
    assert database({"DATABASE_URL": POSTGRES, "DB_DISABLE_SERVER_SIDE_CURSORS": "on"})[
        "DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database({"DATABASE_URL": POSTGRES}).get("DISABLE_SERVER_SIDE_CURSORS", False) is False


@pytest.mark.parametrize("env, words", [
    ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3", "DATABASE_POOL": "on"}, "DATABASE_POOL is for PostgreSQL"),
    ({"DATABASE_URL": POSTGRES, "DATABASE_POOL": "on", "DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "2"},
     "DATABASE_POOL_MIN_SIZE"),
    ({"DATABASE_URL": POSTGRES, "DATABASE_POOL": "on", "DATABASE_POOL_TIMEOUT": "0"}, "DATABASE_POOL_TIMEOUT"),
    ({"DATABASE_URL": POSTGRES, "DATABASE_POOL": "perhaps"}, "DATABASE_POOL must be true or false"),
])
def test_settings_that_cannot_work_are_refused_at_start_up(env, words):
    done = run(env, SHOW)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and words in done.stderr


def _postgres_up() -> bool:
    try:
        import psycopg

        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _postgres_up(), reason="needs the local PostgreSQL")
def test_a_pooled_connection_serves_queries_and_goes_back_to_the_pool():
    code = ("from django.db import connection, close_old_connections; "
            "from django.core.signals import request_finished, request_started; "
            "import json; out = []\n"
            "for _ in range(3):\n"
            "    request_started.send(sender=None)\n"
            "    with connection.cursor() as c:\n"
            "        c.execute('SELECT 1'); out.append(c.fetchone()[0])\n"
            "    request_finished.send(sender=None)\n"
            "stats = connection.pool.get_stats()\n"
            "print(json.dumps({'rows': out, 'pool_max': stats['pool_max'], 'in_use': stats['pool_size'] - "
            "stats['pool_available']}))")
    done = run({"DATABASE_URL": POSTGRES, "DATABASE_POOL": "on", "DATABASE_POOL_MIN_SIZE": "1",
                "DATABASE_POOL_MAX_SIZE": "3"}, code)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == [1, 1, 1]
    assert result["pool_max"] == 3
    assert result["in_use"] == 0  # each request gave its connection back
