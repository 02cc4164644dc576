"""`make bench`: serve the app with gunicorn as in production and measure it.

    python -m bench [--scale N] [--requests R] [--workers W] [--skip-generate]

Uses DATABASE_URL when set (use PostgreSQL for figures that mean anything),
else a throw-away SQLite file. Generates a synthetic council at the scale
(unless --skip-generate and the data is there), starts gunicorn, signs in as
an executive and as a service manager, requests every key page R times (the
login page, the floor, 4R and at least 100 times) and prints p50 / p95
latency, each page's p95 as a multiple of the floor's, the median CPU time the
worker spent on it (X-CPU-Ms: steadier than wall time on a shared machine),
response size and SQL queries per request; then the time to import 10,000
actual rows (dry run and confirm), to export the whole register, to make the
committee pack of the last locked quarter for one directorate, and (on a
throw-away SQLite database) the demo quarter's pack.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_PASSWORD = "bench-password-not-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--skip-generate", action="store_true", help="use the data already in the database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages-only", action="store_true",
                        help="time the pages only (no import, export or pack jobs), e.g. for a second, cache-off run")
    args = parser.parse_args()

    env = dict(os.environ)
    tmpdir = tempfile.mkdtemp(prefix="bench-")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
        print("note: DATABASE_URL is not set, so this runs on SQLite; set it to a PostgreSQL database for real figures")
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QUERY_COUNT_HEADER": "true",
        "AXES_FAILURE_LIMIT": "1000",
        "AXES_USERNAME_FAILURE_LIMIT": "0",
        "LOG_LEVEL": "ERROR",
    })
    os.environ.update(env)
    python = sys.executable

    def manage(*command: str) -> None:
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)

    print(f"== migrate and collect static files ({env['DATABASE_URL'].split('@')[-1]})")
    manage("migrate", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")
    if not args.skip_generate:
        print(f"== generate_data --scale {args.scale}")
        started = time.perf_counter()
        manage("generate_data", "--scale", str(args.scale), "--seed", str(args.seed))
        print(f"   generated in {time.perf_counter() - started:.1f} s")

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from bench import pages as page_list

    users = page_list.bench_users(BENCH_PASSWORD)
    targets = page_list.pages()

    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi:application", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env,
    )
    try:
        from bench.http import Session

        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        sessions = {}
        for role, username in users.items():
            sessions[role] = Session("127.0.0.1", port)
            sessions[role].sign_in(username, BENCH_PASSWORD)
        sessions["anonymous"] = Session("127.0.0.1", port)

        rows = []
        for label, role, path in targets:
            session = sessions[role]
            for _ in range(args.workers * 2):
                session.get(path)  # warm up every worker
            # The floor is cheap: four times the requests (at least 100) steady its p95.
            count = max(args.requests * 4, 100) if role == "anonymous" else args.requests
            samples = [session.get(path) for _ in range(count)]
            bad = [s.status for s in samples if s.status != 200]
            times = [s.seconds * 1000 for s in samples]
            cpu = [s.cpu_ms for s in samples if s.cpu_ms is not None]
            rows.append({
                "page": label, "role": role, "path": path, "cpu50": statistics.median(cpu) if cpu else None,
                "p50": statistics.median(times), "p95": percentile(times, 0.95),
                "size": samples[-1].size, "queries": samples[-1].queries, "errors": len(bad),
            })
        floor = next(r for r in rows if r["page"] == "Login page (floor)")["p95"]
        print()
        cache = os.environ.get("SUMMARY_CACHE_SECONDS", "300")
        print(f"Machine: {machine()}; database: {django.db.connection.vendor}; scale {args.scale}; "
              f"{args.requests} requests per page; gunicorn workers {args.workers}; "
              f"cache {'off' if cache.strip() == '0' else 'on (' + cache.strip() + ' s)'}; {time.strftime('%Y-%m-%d')}")
        print()
        print("| page | role | p50 ms | p95 ms | p95 / floor | CPU p50 ms | size KB | queries | non-200 |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            cpu = f"{r['cpu50']:.1f}" if r["cpu50"] is not None else "-"
            print(f"| {r['page']} | {r['role']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p95'] / floor:.1f}x | {cpu} | "
                  f"{r['size'] / 1024:.1f} | {r['queries'] if r['queries'] is not None else '-'} | {r['errors']} |")
    finally:
        server.terminate()
        server.wait(timeout=30)

    if args.pages_only:
        return
    print()
    for line in page_list.timed_jobs():
        print(line)
    # The demo quarter's pack, on its own throw-away database (the demo data, not the synthetic council).
    subprocess.run([python, "-m", "bench.demo_pack"], cwd=ROOT, env={**env, "DEBUG": "false"}, check=True)


if __name__ == "__main__":
    main()
