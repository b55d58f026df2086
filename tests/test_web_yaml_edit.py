"""Round-trip editing for the web editor (pipeline/web/yaml_edit.py, pipeline/web/data.py): nothing changed means
not a byte changed; a change touches its value only; what is written reads back, through the project's own loader,
as what the officer typed."""

from __future__ import annotations

import copy

import pytest

from pipeline.commands.new_unit import new_unit
from pipeline.sources.load import load_text, parse
from pipeline.web.data import Unsaved, kind_at, read_json, render_text
from pipeline.web.yaml_edit import Document
from tests.conftest import EXAMPLE, EXAMPLE_TEXT


def test_an_untouched_document_gives_its_text_back(tmp_path):
    scaffold = new_unit(tmp_path / "inputs", "Ủy ban nhân dân xã Tân Mỹ", 2025).read_text(encoding="utf-8")
    for text in (EXAMPLE_TEXT, scaffold):
        assert Document(text).dump() == text
        assert render_text(text, read_json(text, EXAMPLE), EXAMPLE) == text


def test_other_indentations_are_kept():
    text = "regulation: tt24-2023  # bộ tiêu chí\nteam:\n    members:\n    -   id: a   # mã\n        name: A\n"
    doc = Document(text)
    assert doc.dump() == text


def _changed_lines(old: str, new: str) -> list[str]:
    import difflib

    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[:1] in "+-"]


def test_one_value_changed_is_one_line_changed():
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["report"]["date"] = "09/01/2025"
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)
    changed = _changed_lines(EXAMPLE_TEXT, out)
    assert len(changed) == 2 and "date: 09/01/2025" in changed[1] and "# ngày ký báo cáo" in changed[1]


def test_a_removed_row_is_that_row():
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    gone = new["staff"].pop(4)
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)
    people = parse(out, "x")[0]["staff"]
    assert [p["name"] for p in people] == [p["name"] for i, p in enumerate(data["staff"]) if i != 4]
    assert out.count(gone["name"]) == EXAMPLE_TEXT.count(gone["name"]) - 1
    assert all(line.startswith("-") for line in _changed_lines(EXAMPLE_TEXT, out))  # only lines taken away


def test_values_are_written_as_typed_and_read_back_so(tmp_path):
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["unit"]["place"] = "no"              # YAML 1.1 would read a boolean
    new["team"]["decision"]["number"] = "010"  # a number in a text field stays “010”
    new["unit"]["short_name"] = "{2.4.phan_so}: “UBND” # không phải chú thích"
    new["archive"] = "'VT'"
    new["staff"][0]["name"] = "Nguyễn Thị Mỹ"  # NFC already; typed with a combining mark below it is normalised
    new["staff"][1]["name"] = "Trần Văn Hu\u0309"
    new["report"]["purpose"] = "Dòng một.\n\n- gạch đầu dòng: có dấu hai chấm\n  thụt lề"
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)
    m = load_text(out, EXAMPLE).model
    assert m.unit.place == "no" and m.team.decision.number == "010" and m.archive == "'VT'"
    assert m.unit.short_name == "{2.4.phan_so}: “UBND” # không phải chú thích"
    assert m.staff[1].name == "Trần Văn Hủ"
    assert m.report.purpose == "Dòng một.\n\n- gạch đầu dòng: có dấu hai chấm\n  thụt lề"
    assert "purpose: |" in out  # free text with line breaks as a | block


def test_yes_no_keeps_the_files_own_words():
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["staff"][0]["discipline"] = False
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)  # the example writes true/false
    assert any("discipline: false" in line for line in _changed_lines(EXAMPLE_TEXT, out))
    words = EXAMPLE_TEXT.replace(": true\n", ": có\n").replace(": false\n", ": không\n")
    out = render_text(words, read_json(words, EXAMPLE) | {"staff": new["staff"]}, EXAMPLE)
    assert any("discipline: không" in line for line in _changed_lines(words, out))


def test_an_emptied_required_field_becomes_can_dien_and_an_optional_one_empty():
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["signer"]["name"] = ""
    new["report"]["number"] = None
    new["staff"].append({"name": "Lê Văn Tám", "position": None, "discipline": None, "training_completed": True, "digital_training": True,
                         "language_certificate": False, "language_meets_job": False, "emulation_title": None, "learning_citizen": True})
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)
    _, _, problems, _ = parse(out, str(EXAMPLE))
    assert sorted(p.field for p in problems) == ["signer.name", "staff[31].discipline", "staff[31].emulation_title"]
    assert all(p.message.startswith("cần điền") for p in problems)
    assert parse(out, "x")[0]["report"]["number"] is None


def test_characters_the_loader_would_change_are_written_as_it_reads_them():
    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["unit"]["place"] = "Quảng\x85Phú\x00"  # pasted from Word: NEL, NUL
    out = render_text(EXAMPLE_TEXT, new, EXAMPLE)
    assert load_text(out, EXAMPLE).model.unit.place == "Quảng Phú"


def test_what_does_not_read_back_as_typed_is_refused(monkeypatch):
    import pipeline.web.data as webdata

    data = read_json(EXAMPLE_TEXT, EXAMPLE)
    new = copy.deepcopy(data)
    new["unit"]["place"] = "Quảng Phú mới"
    real = webdata.Leaf.__call__
    monkeypatch.setattr(webdata.Leaf, "__call__", lambda self, path, old, value: "khác" if path == ("unit", "place") else real(self, path, old, value))
    with pytest.raises(Unsaved) as exc:
        render_text(EXAMPLE_TEXT, new, EXAMPLE)
    assert exc.value.problems[0].field == "unit.place"


def test_field_kinds_come_from_the_model():
    assert kind_at(("year",)) == ("int", True)
    assert kind_at(("staff", 3, "discipline")) == ("bool", True)
    assert kind_at(("indicators", "2.4", "evidence", 0, "date")) == ("date", False)
    assert kind_at(("report", "sheets_date")) == ("date", False)
    assert kind_at(("report", "number")) == ("text", False)
    assert kind_at(("staff_counts", "total")) == ("int", True)
    assert kind_at(("indicators", "1.1", "met")) == ("bool", False)
    assert kind_at(("nothing",)) == ("unknown", False)
