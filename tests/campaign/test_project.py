import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_project_is_licensed_agpl_and_says_so():
    """LICENSE holds the AGPL-3.0 text and pyproject.toml declares it."""
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in text
    assert (
        "13. Remote Network Interaction; Use with the GNU General Public License."
        in text
    )
    assert "END OF TERMS AND CONDITIONS" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "AGPL-3.0-only"
    assert project["license-files"] == ["LICENSE"]
