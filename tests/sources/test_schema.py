"""The committed JSON Schema is the model's, and the example names it for editor completion."""

import json

from conftest import EXAMPLE_TEXT, ROOT
from pipeline.sources.model import json_schema


def test_committed_schema_matches_model():
    committed = json.loads((ROOT / "schema" / "input.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `make schema` and commit schema/input.schema.json"


def test_schema_describes_the_fields_an_officer_fills():
    schema = json_schema()
    assert {"year", "unit", "team", "indicators", "report"} <= set(schema["required"])
    assert schema["$defs"]["StaffMember"]["additionalProperties"] is False
    assert EXAMPLE_TEXT.startswith("# yaml-language-server: $schema=../../schema/input.schema.json")
