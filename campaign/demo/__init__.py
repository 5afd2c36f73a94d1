"""Demo content for a fresh demo site, kept as data files under ``data/``.

All organisations, companies, people and the country of Estravia are invented; web
and email domains use the reserved ".example" top-level domain. ``load_demo`` reads
these files and writes through the same code paths as the site; editing the demo
means editing JSON, not Python.

- ``data/home.json``: the home page introduction, per language.
- ``data/letters/NN-<slug>.json``: one letter each (loaded in file-name order): its
  settings, text per language, recommendations, updates and demo signatories.
- ``data/site_updates.json``: updates about the whole campaign.
"""

import datetime
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
DATE_KEYS = frozenset({"published_on", "signing_closes", "status_date", "date"})


def _dates(value: Any) -> Any:
    """Turn ISO dates under the known date keys back into ``datetime.date``."""
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, dict):
        return {
            key: (
                datetime.date.fromisoformat(item)
                if key in DATE_KEYS and isinstance(item, str)
                else _dates(item)
            )
            for key, item in value.items()
        }
    return value


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return _dates(json.load(handle))


def home_intro() -> dict[str, str]:
    """The home page's introduction (HTML) per language code."""
    return _read(DATA / "home.json")["intro"]


def letters() -> list[dict]:
    """Every demo letter, in file-name order."""
    return [_read(path) for path in sorted((DATA / "letters").glob("*.json"))]


def site_updates() -> list[dict]:
    """Updates not tied to a letter."""
    return _read(DATA / "site_updates.json")
