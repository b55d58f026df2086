"""Round-trip editing (`pipeline/sources/yaml_edit.py`): the edited values change, nothing else does — for
`new-year` and `staff import` (set, add) and for the web editor's save (update: item-level list inserts and deletes,
keys removed and added; `pipeline/web/data.py` decides how each value is written and checks it reads back)."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT
from pipeline.commands.new_unit import new_unit
from pipeline.core.problems import InputError
from pipeline.sources.load import FILL, load, load_text, parse
from pipeline.sources.yaml_edit import Block, Document, load_for_edit
from pipeline.web.data import Unsaved, kind_at, read_json, render_text

SMALL = """\
# đầu tệp: ghi chú của cán bộ
year: 2024   # năm
unit: {name: UBND xã A, place: A}
staff:  # danh sách
  # người thứ nhất
  - name: &cb An
    position: Công chức
  - name: Bình
    position: x   # ghi chú của Bình

# trước team
team:
  members:
    - {id: a, name: *cb}
report:
  purpose: |   # A.2
    cũ
    dòng 2
  date: 08/01/2025  # ngày
"""


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", newline: str = "\n", name: str = "2024.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _lines_outside(old: str, new: str, changed: set[str]) -> None:
    """Every line of `old` that holds none of the `changed` keys is still in `new`, in order."""
    kept = [line for line in old.split("\n") if not any(key in line for key in changed)]
    rest = iter(new.split("\n"))
    for line in kept:
        assert any(line == other for other in rest), f"line lost or moved: {line!r}"


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n"), ("utf-16-be", "\n")])
def test_edit_keeps_encoding_bom_line_endings_and_comments(tmp_path, encoding, newline):
    raw_encoding = encoding
    text = SMALL
    if encoding == "utf-16-be":
        path = tmp_path / "2024.yaml"
        path.write_bytes(b"\xfe\xff" + text.replace("\n", newline).encode("utf-16-be"))
    else:
        path = _write(tmp_path, text, raw_encoding, newline)
    before = path.read_bytes()
    doc = load_for_edit(path)
    doc.set(("report", "date"), "09/01/2025")
    doc.set(("year",), 2025)
    doc.save()
    after = path.read_bytes()
    assert after[:3] == before[:3]  # the BOM (or its absence) stays
    decoded = after.decode({"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, "utf-16"))
    if newline == "\r\n":
        assert "\r\n" in decoded and decoded.count("\r\n") == decoded.count("\n")
    else:
        assert "\r" not in decoded
    plain = decoded.replace("\r\n", "\n")
    assert plain == SMALL.replace("year: 2024   # năm", "year: 2025   # năm").replace(
        "date: 08/01/2025  # ngày", "date: 09/01/2025  # ngày")


def test_replacing_a_list_keeps_the_rest_and_writes_anchored_values_out(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc.set(("staff",), [{"name": "2024-01-01", "position": "Kế toán #3"}, {"name": "Chi", "position": "a: b"}])
    new = doc.render()
    assert "# người thứ nhất" in new and "# trước team" in new and "# đầu tệp" in new
    assert "ghi chú của Bình" not in new  # went with Bình's line
    _lines_outside(SMALL, new, {"name:", "position:", "{id: a"})
    from pipeline.sources.load import parse

    data = parse(new, "x")[0]
    assert data["staff"] == [{"name": "2024-01-01", "position": "Kế toán #3"}, {"name": "Chi", "position": "a: b"}]
    assert isinstance(data["staff"][0]["name"], str)  # a name that looks like a date stays text
    assert data["team"]["members"][0]["name"] == "An"  # the alias of an anchor that went away is written out


def test_block_text_and_comments_on_the_key_line(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc.set(("report", "purpose"), Block("máy #3, #5: cần thay\nhai {x}"))
    doc.set(("report", "date"), Block("một\nhai"))
    new = doc.render()
    assert "  purpose: |   # A.2\n    máy #3, #5: cần thay\n    hai {x}\n" in new
    assert "  date: |  # ngày\n    một\n    hai" in new


def test_aliases_of_a_replaced_anchored_value_keep_their_value(tmp_path):
    path = _write(tmp_path, "a: &d 01/02/2024\nb: *d\nc: [*d, 2]\n")
    doc = load_for_edit(path)
    doc.set(("a",), FILL)
    assert doc.render() == 'a: CẦN ĐIỀN\nb: "01/02/2024"\nc: ["01/02/2024", 2]\n'
    doc.set(("b",), "02/02/2024")  # an alias that is itself edited takes the new value
    assert doc.render() == 'a: CẦN ĐIỀN\nb: 02/02/2024\nc: ["01/02/2024", 2]\n'


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rename_key_and_add(tmp_path, newline):
    text = "x: 1\nstaff_counts:   # số người\n  # chú thích trên dòng đầu\n  total: 30\n  discipline: 29\nz: 2\n"
    path = _write(tmp_path, text, newline=newline)
    doc = load_for_edit(path)
    doc.set(("staff_counts",), [{"name": "An", "position": "CC"}], key="staff")
    doc.add((), "extra", "văn bản")
    assert doc.render() == ("x: 1\nstaff:   # số người\n  # chú thích trên dòng đầu\n  - name: An\n    position: CC\n"
                            "z: 2\nextra: văn bản\n").replace("\n", newline)


def test_saves_through_a_symlink_atomically_and_leaves_no_temporary_file(tmp_path):
    real = _write(tmp_path, SMALL, name="that.yaml")
    (tmp_path / "unit").mkdir()
    link = tmp_path / "unit" / "2024.yaml"
    os.symlink(real, link)
    doc = load_for_edit(link)
    doc.set(("year",), 2025)
    assert doc.save() == real.resolve()
    assert link.is_symlink() and "year: 2025" in real.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["that.yaml", "unit"]
    assert sorted(p.name for p in (tmp_path / "unit").iterdir()) == ["2024.yaml"]


def test_a_change_that_would_alter_another_value_is_refused_naming_the_file(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc._edits.clear()
    from pipeline.sources import yaml_edit

    # an edit engine bug simulated: a replacement that also swallows the next key
    start = doc.text.index("Bình")
    doc._edits.append(yaml_edit._Edit(start, doc.text.index("# trước"), "Bình\n", "set", ("staff", 1, "name"), "Bình"))
    with pytest.raises(InputError) as exc:
        doc.save()
    assert str(path) in str(exc.value) and ".tmp" not in str(exc.value)
    assert path.read_text(encoding="utf-8") == SMALL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024.yaml"]


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc.set(("year",), 2025)
    path.write_text(SMALL + "# sửa bằng Notepad\n", encoding="utf-8")
    with pytest.raises(InputError, match="vừa bị sửa"):
        doc.save()
    assert path.read_text(encoding="utf-8").endswith("# sửa bằng Notepad\n")


def test_too_large_after_the_edit_is_refused_before_writing(tmp_path, monkeypatch):
    from pipeline.sources import yaml_edit

    path = _write(tmp_path, SMALL)
    monkeypatch.setattr(yaml_edit, "MAX_BYTES", len(SMALL.encode()) + 500)  # the real one is 2 MB (test_staff)
    doc = load_for_edit(path)
    doc.set(("staff",), [{"name": f"Người {i}", "position": "Công chức"} for i in range(40)])
    with pytest.raises(InputError, match="quá lớn"):
        doc.save()
    assert path.read_text(encoding="utf-8") == SMALL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024.yaml"]


def test_the_example_edited_loads_and_keeps_every_line_but_the_edited_ones(tmp_path):
    import difflib

    path = _write(tmp_path, EXAMPLE_TEXT)
    doc = load_for_edit(path)
    doc.set(("report", "number"), "09/BC-UBND")
    doc.set(("indicators", "2.1", "weaknesses"), Block("Một số máy tính đã cũ (máy #3, #5), cần thay thế."))
    doc.save()
    text = path.read_text(encoding="utf-8")
    old, new = EXAMPLE_TEXT.split("\n"), text.split("\n")
    changed_old, changed_new = [], []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            changed_old += old[a1:a2]
            changed_new += new[b1:b2]
    was = load(EXAMPLE).model.indicators["2.1"].weaknesses.split("\n")
    assert [line for line in changed_old if "08/BC-UBND" not in line and "weaknesses" not in line
            and line.strip() not in was] == []
    assert "  number: 09/BC-UBND                        # số báo cáo (để trống nếu chưa lấy số)" in changed_new
    assert "      Một số máy tính đã cũ (máy #3, #5), cần thay thế." in changed_new
    model = load(path).model
    assert model.report.number == "09/BC-UBND"
    assert model.indicators["2.1"].weaknesses == "Một số máy tính đã cũ (máy #3, #5), cần thay thế."


# ---- item-level edits: delete, insert, update (the web editor's save)

def _same_as_given(path, old, new):
    return new


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n")])
def test_update_deletes_and_inserts_items_and_keys_keeping_every_other_byte(tmp_path, encoding, newline):
    path = _write(tmp_path, SMALL, encoding, newline)
    before = path.read_bytes()
    doc = load_for_edit(path)
    new = copy.deepcopy(doc.data)
    new["staff"].insert(0, {"name": "Chi", "position": "Kế toán"})
    new["staff"][2]["position"] = "y"
    new["report"]["summary_date"] = "07/01/2025"
    del new["unit"]["place"]
    new["team"]["members"].append({"id": "b", "name": "Bình"})
    doc.update(doc.data, new, _same_as_given)
    doc.save()
    after = path.read_bytes()
    assert after[:2] == before[:2]
    text = after.decode(encoding)
    assert text.count("\r\n") == (text.count("\n") if newline == "\r\n" else 0)
    assert text.replace("\r\n", "\n") == SMALL.replace(
        "  # người thứ nhất\n", "  # người thứ nhất\n  - name: Chi\n    position: Kế toán\n").replace(
        "position: x   # ghi chú của Bình", "position: y   # ghi chú của Bình").replace(
        "{name: UBND xã A, place: A}", "{name: UBND xã A}").replace(
        "    - {id: a, name: *cb}\n", "    - {id: a, name: *cb}\n    - id: b\n      name: Bình\n").replace(
        "  date: 08/01/2025  # ngày\n", "  date: 08/01/2025  # ngày\n  summary_date: 07/01/2025\n")
    assert parse(text, "x")[0] == new


def test_removing_an_item_removes_its_lines_only_and_an_anchor_in_it_is_written_out(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc.delete(("staff", 0))  # An's item defines &cb, used by the team
    new = doc.render()
    assert new == SMALL.replace("  - name: &cb An\n    position: Công chức\n", "").replace("name: *cb}", 'name: "An"}')
    doc = load_for_edit(path)
    doc.delete(("staff", 1, "position"))
    doc.delete(("report", "purpose"))
    assert doc.render() == SMALL.replace("    position: x   # ghi chú của Bình\n", "").replace("  purpose: |   # A.2\n    cũ\n    dòng 2\n", "")


def test_the_last_items_gone_leave_an_empty_list_not_an_empty_value(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    new = copy.deepcopy(doc.data)
    new["staff"] = []
    new["team"]["members"] = []
    doc.update(doc.data, new, _same_as_given)
    out = doc.render()
    assert "staff: []  # danh sách\n" in out and "  members: []\n" in out
    assert parse(out, "x")[0]["staff"] == []


def test_an_empty_value_is_filled_on_its_own_line():
    text = "a:\nb: 1\nc:   # ghi chú\nd: 2\n"
    doc = Document.of_text(text)
    doc.set(("a",), "x")
    doc.set(("c",), FILL)
    doc.set(("b",), None)
    assert doc.render() == "a: x\nb:\nc: CẦN ĐIỀN   # ghi chú\nd: 2\n"


def test_an_edit_that_would_not_read_back_is_refused_before_writing(tmp_path):
    path = _write(tmp_path, SMALL)
    doc = load_for_edit(path)
    doc.delete(("staff", 1))
    doc._edits[-1].path = ("staff", 0)  # an engine bug simulated: the wrong item said to go
    with pytest.raises(InputError, match="chưa ghi gì"):
        doc.save()
    assert path.read_text(encoding="utf-8") == SMALL


# ---- the web editor's writing of the browser's values (pipeline/web/data.py)

def test_an_untouched_document_gives_its_text_back(tmp_path):
    scaffold = new_unit(tmp_path / "inputs", "Ủy ban nhân dân xã Tân Mỹ", 2025).read_text(encoding="utf-8")
    for text in (EXAMPLE_TEXT, scaffold):
        doc = Document.of_text(text, EXAMPLE)
        assert render_text(text, read_json(text, EXAMPLE), EXAMPLE) == text
        assert not doc.changed and doc.render() == text


def test_other_indentations_are_kept():
    text = ("regulation: tt24-2023  # bộ tiêu chí\nteam:\n    members:\n    -   id: a   # mã\n        name: A\n"
            "        more:\n            x: 1\n")
    doc = Document.of_text(text)
    doc.update(parse(text, "x")[0], {"regulation": "tt24-2023", "team": {"members": [
        {"id": "a", "name": "A", "more": {"x": 1}}, {"id": "b", "name": "B", "more": {"x": 2}}]}}, lambda path, old, new: new)
    assert doc.render() == text + "    -   id: b\n        name: B\n        more:\n            x: 2\n"


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
