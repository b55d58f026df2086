"""Round-trip editing (`pipeline/sources/yaml_edit.py`): the edited values change, nothing else does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT
from pipeline.core.problems import InputError
from pipeline.sources.load import FILL, load
from pipeline.sources.yaml_edit import Block, load_for_edit

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
    doc._edits.append(yaml_edit._Edit(start, doc.text.index("# trước"), "Bình\n", None, ("staff", 1, "name"), "Bình"))
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
