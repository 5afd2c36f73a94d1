import os
import secrets
import subprocess
import sys
from pathlib import Path

from campaign.checks import check_redis_url

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_warns_without_redis_outside_debug(settings):
    """Production without REDIS_URL gets campaign.W001 (per-process rate limits)."""
    settings.DEBUG = False
    settings.REDIS_URL = ""
    [warning] = check_redis_url(None)
    assert warning.id == "campaign.W001"
    assert "rate limits" in warning.msg


def test_deploy_check_is_quiet_with_redis_or_in_debug(settings):
    """With REDIS_URL set, or in a debug run (make run), nothing to report."""
    settings.DEBUG, settings.REDIS_URL = False, "redis://redis:6379/0"
    assert check_redis_url(None) == []
    settings.DEBUG, settings.REDIS_URL = True, ""
    assert check_redis_url(None) == []


def test_check_deploy_flags_a_deploy_without_redis():
    """`manage.py check --deploy` under production settings names the missing Redis."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DJANGO_SECURE_SSL_REDIRECT"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "letters.example.org",
            "EMAIL_URL": "smtp+tls://user:pw@smtp.example.org:587",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "campaign.W001" in result.stderr + result.stdout
