import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cms.models import Page
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from djangocms_versioning import versionables

from pages.models import Letter, Recommendation, Update
from signatories.models import Signature

ROOT = Path(__file__).resolve().parents[2]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Letter, Recommendation, Update, Page, Signature)
    }


def test_load_demo_is_idempotent(client, transactional_db):
    """Loading twice leaves the same content; home and letters render."""
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    call_command("load_demo", verbosity=0)
    first = counts()
    call_command("load_demo", verbosity=0)
    assert counts() == first
    assert first["Letter"] == 2 and first["Signature"] > 0
    from cms.utils.apphook_reload import reload_urlconf

    reload_urlconf()
    home = client.get("/en/")
    assert home.status_code == 200
    assert home.text.count('class="teaser"') == 2
    for letter in Letter.objects.all():
        assert client.get(f"/ru/letters/{letter.slug}/").status_code == 200


def run_manage(*args, **env):
    # settings_test put its own defaults into this process's environment.
    test_only = {"DJANGO_SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    inherited = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy` passes with production settings from the env."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="campaign.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="letters.example.org",
        EMAIL_URL="smtp+tls://user:pw@smtp.example.org:587",
        REDIS_URL="redis://redis.internal:6379/0",  # campaign.W001 otherwise
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    """Outside debug a missing DJANGO_SECRET_KEY is an error, not a default."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DJANGO_DEBUG": "0",
            "EMAIL_URL": "smtp://localhost:25",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_cms_check_passes(db):
    """django CMS's own installation check finds no error."""
    out = io.StringIO()
    call_command("cms", "check", stdout=out, no_color=True)
    assert "Installation okay" in out.getvalue(), out.getvalue()


def test_demo_home_uses_the_home_template_in_every_language(client, transactional_db):
    """Each translation of the demo home page renders with the home template."""
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    call_command("load_demo", verbosity=0)
    for language in ("en", "ru", "de", "uk"):
        html = client.get(f"/{language}/").text
        assert '<div class="home">' in html, language
