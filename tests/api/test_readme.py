"""The README's API section matches the served schema."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def readme_api_section() -> str:
    text = (Path(settings.BASE_DIR) / "README.md").read_text()
    return text.split("\n## API\n", 1)[1].split("\n## ", 1)[0]


def as_template(path: str, templates: set[str]) -> str | None:
    """The schema path a concrete URL path matches ({slug} for one segment)."""
    for template in templates:
        pattern = re.escape(template).replace(r"\{slug\}", r"[^/]+")
        if re.fullmatch(pattern, path):
            return template
    return None


def test_readme_api_paths_exist_and_every_operation_has_a_curl_example(client):
    """Every API URL in the README is in the schema; every operation has a curl."""
    spec = client.get("/api/v1/openapi.json").json()
    section = readme_api_section()
    documented = set(spec["paths"])
    curls = [line for line in section.splitlines() if "/api/" in line]
    urls = re.findall(r"https?://[^/\s]+(/api/[^\s'?]*)", section)
    assert urls
    covered = set()
    for url in urls:
        template = as_template(url, documented)
        assert template, f"README names {url}, which the schema does not have"
        covered.add(template)
    for name in re.findall(r"`(/api/[^`\s]*)`", section):
        path = name.replace("...", "letters/")
        if not as_template(path, documented) and path != "/api/v1/":  # a prefix
            assert client.get(path).status_code == 200, name  # schema and docs
    v1 = {path for path in documented if path.startswith("/api/v1/")}
    assert covered >= v1, f"no curl example for {sorted(v1 - covered)}"
    assert curls
