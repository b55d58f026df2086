"""The menu's questions (`pipeline/cli/ask.py`): what the officer types is checked, then the real command runs
on real files."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_TEXT
from pipeline.cli import ask
from pipeline.sources.load import load, parse, read_text


def answers(*typed):
    it = iter(typed)
    prompts: list[str] = []

    def _ask(prompt):
        prompts.append(prompt)
        try:
            return next(it)
        except StopIteration:
            raise EOFError from None

    _ask.prompts = prompts
    return _ask


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    (folder / "quang-phu").mkdir(parents=True)
    (folder / "quang-phu" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    return folder


def test_new_unit_takes_the_name_as_typed_with_its_accents_and_quotes(inputs):
    typed = answers("", "Ủy ban nhân dân xã Tân Mỹ \"A&B\"", "25", "2025")  # empty, then a name; a bad year, then one
    lines: list[str] = []
    code = ask.main(["new-unit"], ask=typed, out=lines.append, inputs=inputs)
    assert code == 0
    made = list((inputs).glob("*/2025.yaml"))
    assert len(made) == 1
    data, *_ = parse(read_text(made[0]), str(made[0]))
    assert data["unit"]["name"] == 'Ủy ban nhân dân xã Tân Mỹ "A&B"'  # as typed: never cut, never run
    assert "  Cần tên đơn vị." in lines and "  Năm viết bốn chữ số, ví dụ 2025." in lines


def test_new_unit_name_is_nfc(inputs):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Tân Mỹ")
    assert ask.main(["new-unit"], ask=answers(decomposed, "2025"), out=lambda s: None, inputs=inputs) == 0
    text = (inputs / "tan-my" / "2025.yaml").read_text(encoding="utf-8")
    assert "Ủy ban nhân dân xã Tân Mỹ" in text and decomposed not in text


def test_new_year_offers_the_units_and_the_next_year(inputs):
    typed = answers("", "")  # Enter, Enter: the only unit, the year after its latest
    lines: list[str] = []
    assert ask.main(["new-year"], ask=typed, out=lines.append, inputs=inputs) == 0
    assert (inputs / "quang-phu" / "2025.yaml").is_file()
    assert "  1  quang-phu  (các năm: 2024)" in lines and typed.prompts[1].endswith("[2025]: ")


def test_new_year_with_no_unit_says_so(tmp_path):
    lines: list[str] = []
    assert ask.main(["new-year"], ask=answers(), out=lines.append, inputs=tmp_path / "inputs") == 1
    assert any("tạo đơn vị mới trước" in line for line in lines)


def test_staff_export_writes_beside_the_year_never_over_a_workbook_and_import_reads_it_back(inputs):
    opened: list[str] = []
    lines: list[str] = []
    asker = ask.Asker(answers(""), lines.append, inputs)
    assert ask.staff_export(asker, open_file=opened.append) == 0
    workbook = inputs / "quang-phu" / "danh-sach-2024.xlsx"
    assert workbook.is_file() and opened == [str(workbook)]

    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb.active
    names = [ws.cell(row=r, column=c).value for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)]
    assert "Nguyễn Quốc Việt" in names or any(isinstance(v, str) and "Việt" in v for v in names)
    before = workbook.read_bytes()
    again = ask.Asker(answers(""), lines.append, inputs)
    assert ask.staff_export(again, open_file=opened.append) == 0
    assert workbook.read_bytes() == before and "không ghi đè" in lines[-1]  # the officer's workbook kept

    assert ask.main(["staff-import"], ask=answers(""), out=lines.append, inputs=inputs) == 0
    loaded = load(inputs / "quang-phu" / "2024.yaml")
    assert len(loaded.model.staff) == 30


def test_staff_import_asks_for_the_workbook_when_it_is_not_beside_the_year(inputs, tmp_path):
    lines: list[str] = []
    assert ask.main(["staff-import"], ask=answers("", '"' + str(tmp_path / "khong-co.xlsx") + '"'), out=lines.append,
                    inputs=inputs) == 1
    assert any("Không thấy" in line for line in lines)
    assert (inputs / "quang-phu" / "2024.yaml").read_text(encoding="utf-8") == EXAMPLE_TEXT


def test_a_number_outside_the_list_is_asked_again(inputs):
    (inputs / "tan-my").mkdir()
    (inputs / "tan-my" / "2025.yaml").write_text(EXAMPLE_TEXT.replace("year: 2024", "year: 2025"), encoding="utf-8")
    lines: list[str] = []
    asker = ask.Asker(answers("9", "x", "1"), lines.append, inputs)
    assert asker.year_file("Xuất") == inputs / "quang-phu" / "2024.yaml"
    assert lines.count("  Gõ một số từ 1 đến 2.") == 2


def test_ctrl_c_or_end_of_input_stops_without_doing_anything(inputs):
    lines: list[str] = []
    assert ask.main(["new-unit"], ask=answers(), out=lines.append, inputs=inputs) == 130
    assert lines == ["Đã dừng, chưa làm gì."] and sorted(p.name for p in inputs.iterdir()) == ["quang-phu"]


def test_an_unknown_task_is_misuse(capsys):
    assert ask.main(["lam-gi"]) == 2 and "cách dùng" in capsys.readouterr().err
