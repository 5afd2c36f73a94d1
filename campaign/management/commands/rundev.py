"""Run the development site: a Celery worker (with beat) and Django's runserver."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start a Celery worker with beat, then the development server."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host, port, **options):
        url = f"http://{host}:{port}"
        worker = None
        if os.environ.get("RUN_MAIN") != "true":  # not in the autoreloader's child
            settings.RUN_DIR.mkdir(parents=True, exist_ok=True)
            for sub in ("broker/out", "broker/processed", "broker/control"):
                (settings.RUN_DIR / sub).mkdir(parents=True, exist_ok=True)
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "campaign",
                    "worker",
                    "-B",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "-s",
                    str(settings.RUN_DIR / "celerybeat-schedule"),
                ],
                env=os.environ.copy(),
            )
            broker = "Redis" if settings.REDIS_URL else "local filesystem broker"
            mail = getattr(settings, "EMAIL_FILE_PATH", None)
            self.stdout.write(
                self.style.SUCCESS(
                    f"\n  Site:   {url}/\n"
                    f"  Admin:  {url}/en/admin/  (user: editor, password: "
                    f"{os.environ.get('DEMO_EDITOR_PASSWORD', 'editor-demo-2026')})\n"
                    f"  Worker: Celery with beat on the {broker}\n"
                    f"  Mail:   printed below"
                    f"{f' and saved in {mail}' if mail else ''}\n"
                )
            )
        try:
            call_command("runserver", f"{host}:{port}")
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)
