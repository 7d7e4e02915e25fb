"""S4: `manage.py check --deploy` passes with production settings from the environment."""

import os
import subprocess

from tests.support.server import portal_python

# Never contacted: the checks only read the settings.
PRODUCTION_DB = "postgres://portal@db.stadt.example:5432/portal"


def _production_environment(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Kq9Lm2Pz" * 4,
        "ALLOWED_HOSTS": "portal.stadt.example",
        "CSRF_TRUSTED_ORIGINS": "https://portal.stadt.example",
        "SECURE_SSL_REDIRECT": "1",
        **extra,
    }


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return portal_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)


def test_check_deploy_passes_with_production_environment():
    result = _deploy_check(_production_environment())
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings", "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    result = portal_python("-c", "import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY fehlt" in result.stderr


def _without_secret() -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings", "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    return env


def test_offline_commands_run_without_the_secret():
    result = portal_python(
        "manage.py", "makemigrations", "--check", "--dry-run", env=_without_secret()
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_serving_and_the_deploy_check_still_refuse_without_the_secret():
    for command in (
        ["manage.py", "check", "--deploy"],
        ["manage.py", "migrate", "--plan"],
        ["-c", "import intranet.asgi"],
    ):
        result = portal_python(*command, env=_without_secret())
        assert result.returncode != 0, command
        assert "SECRET_KEY fehlt" in result.stderr, command


def test_check_deploy_warns_about_persistent_connections_under_asgi():
    result = _deploy_check(_production_environment(DATABASE_URL=PRODUCTION_DB, CONN_MAX_AGE="60"))
    assert result.returncode != 0
    assert "intranet.W001" in result.stdout + result.stderr


def test_the_pool_replaces_persistent_connections():
    env = _production_environment(
        DATABASE_URL=PRODUCTION_DB, CONN_MAX_AGE="60", DATABASE_POOL_SIZE="8"
    )
    assert _deploy_check(env).returncode == 0
    result = portal_python(
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 2, 'max_size': 8, 'timeout': 3}"
