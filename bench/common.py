"""Shared pieces of the benchmarks: the environment of the measured portal, its database,
logged-in sessions, percentiles and the result line that `bench/run_all.py` collects.

Every benchmark measures its reference in the same run and reports the ratio, because
these machines are noisy (PORTAL.md section 8). Only 127.0.0.1 is ever contacted.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULT_PREFIX = "BENCH-RESULT "


def portal_environment(**extra: str) -> dict[str, str]:
    """The environment of a production-like portal process for benchmarks and the cluster."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-0123456789abcdef"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "HSTS_SECONDS": "0",
        "PORTAL_VAR_DIR": str(ROOT / "var" / "bench"),
        "STATIC_ROOT": str(ROOT / "var" / "static"),
    }
    env.update(extra)
    return env


def database_prepare(env: dict[str, str]) -> None:
    """Create the benchmark database if needed, migrate it and collect static files."""
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command of the measured portal (output only on failure)."""
    completed = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode:
        sys.stderr.write(completed.stdout[-2000:] + completed.stderr[-4000:])
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {completed.returncode})")


def demo_seed(env: dict[str, str]) -> None:
    """The demo data (units, groups, people with logins, wiki pages), once per database.

    `seed_demo` is idempotent but slow once 20,000 bulk people exist (it updates search
    columns of many people: up to minutes on this machine). It runs in one transaction,
    so the demo login "ma32" plus a knowledge page mean it completed. BENCH_RESEED=1 runs
    it anyway.
    """
    url = env["DATABASE_URL"]
    if url.startswith("postgres") and os.environ.get("BENCH_RESEED", "") in ("", "0"):
        import psycopg

        with psycopg.connect(url) as connection:
            seeded = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM auth_user WHERE username = 'ma32') "
                "AND EXISTS (SELECT 1 FROM wiki_knowledgepage)"
            ).fetchone()[0]
        if seeded:
            return
    manage(env, "seed_demo")


def directory_seed(env: dict[str, str], people: int) -> None:
    """The demo data plus `people` bulk people; both only add what is missing."""
    demo_seed(env)
    manage(env, "seed_bulk", "--people", str(people))


def quick() -> bool:
    """`BENCH_QUICK=1`: smaller sizes for a trial run (the figures are then not comparable)."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def size(name: str, full: int, quick_value: int) -> int:
    """A benchmark size: the environment variable `name`, else the quick or the full size."""
    value = os.environ.get(name)
    if value:
        return int(value)
    return quick_value if quick() else full


def django_setup(env: dict[str, str]) -> None:
    """Use the measured portal's settings in this process (to create users and sessions)."""
    os.environ.update(env)
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def session_cookies(count: int, *, prefix: str = "bench") -> list[str]:
    """Log in `count` benchmark users (created if missing) and return their cookie headers."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = []
    for index in range(count):
        user, created = User.objects.get_or_create(username=f"{prefix}{index:05d}")
        if created:
            user.set_unusable_password()
            user.save()
        users.append(user)
    return session_cookies_for(users)


def session_cookies_for(users) -> list[str]:
    """A fresh logged-in session for each of these users (Django's own `force_login`, with
    the login signals a real login sends); their cookie headers."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for user in users:
        client = Client()  # one per person: a second login would end the first session
        client.force_login(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def report(
    *,
    name: str,
    value: float,
    unit: str,
    reference: float,
    ratio: float,
    target: str,
    met: bool | None,
    note: str = "",
) -> None:
    """Print one result line for this benchmark; run_all.py turns them into RESULTS.md."""
    row = {
        "name": name,
        "value": value,
        "unit": unit,
        "reference": reference,
        "ratio": ratio,
        "target": target,
        "met": met,
        "note": note,
    }
    print(
        f"{name}: {value:.2f} {unit} (reference {reference:.2f} {unit}, ratio {ratio:.2f}, "
        f"target {target}: {'met' if met else 'NOT met' if met is not None else 'n/a'})"
    )
    print(RESULT_PREFIX + json.dumps(row, ensure_ascii=False), flush=True)
