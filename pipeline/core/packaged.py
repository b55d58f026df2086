"""The files the program ships with — the built-in templates, the JSON Schema of an input, the example
input (the fixture templates are checked against), the criteria catalogues — found through
importlib.resources, so an installed wheel finds its own copies wherever it is installed.

The repository keeps the templates and the schema in its top-level folders `templates/` and `schema/`;
a build maps them into the package (`pipeline._templates`, `pipeline._schema`: see pyproject.toml).
Run from a checkout (an editable install, or `python -m pipeline` beside the folders) the package has no
such copies and the top-level folders are used. The fixture lives in the package (`pipeline/_fixture/`):
it is the example input, kept equal to `inputs/quang-phu/2024.yaml` by a test, so that an officer who
deletes the demo commune from `inputs/` takes nothing away from the program.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]
FIXTURE = ("_fixture", "quang-phu", "2024.yaml")  # a unit folder and a year file, as every input is named


def _shipped(name: str, checkout_folder: str) -> Path:
    packaged = resources.files("pipeline").joinpath(name)
    if packaged.is_dir():
        return Path(str(packaged))
    return _CHECKOUT / checkout_folder


def templates_dir() -> Path:
    """The built-in templates (*.docx)."""
    return _shipped("_templates", "templates")


def schema_file() -> Path:
    """The JSON Schema of an input file, as `make schema` wrote it."""
    return _shipped("_schema", "schema") / "input.schema.json"


def fixture() -> Path:
    """The example input every template is checked against (the real context of a complete dossier)."""
    return Path(str(resources.files("pipeline").joinpath(*FIXTURE)))


def catalogue_dir() -> Path:
    """The criteria catalogues, one YAML file per regulation."""
    return Path(str(resources.files("pipeline.criteria")))
