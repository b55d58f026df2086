"""new-unit and new-year against the rules `validate` applies (issue 22, items 8, 9, 11): the officer's
file kept as written, years and names refused as validate refuses them, one folder per unit, nothing
written outside inputs/, year files named 2024.yaml or 2024.yml alike."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, ROOT, edit
from pipeline.cli import app as cli
from pipeline.sources.load import load, parse, read_text


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    (folder / "quang-phu").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "quang-phu" / "2024.yaml")
    return folder


def test_new_year_keeps_the_officers_comments_line_endings_and_encoding(inputs, capsys):
    source = inputs / "quang-phu" / "2024.yaml"
    text = edit(EXAMPLE_TEXT, "archive: VT, VHXH", "archive: VT, VHXH   # ghi chú riêng của cán bộ: hỏi văn thư")
    text = "# Cán bộ VH-XH ghi: tệp này đã soát ngày 02/01/2025\n" + text
    source.write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    code, out, err = run(capsys, "new-year", "quang-phu", "2025", "--inputs", str(inputs))
    assert code == 0, err
    raw = (inputs / "quang-phu" / "2025.yaml").read_bytes()
    assert raw.startswith(b"\xff\xfe")
    new = raw[2:].decode("utf-16-le")
    assert new.count("\r\n") == new.count("\n")
    new = new.replace("\r\n", "\n")
    assert new.startswith("# Cán bộ VH-XH ghi: tệp này đã soát ngày 02/01/2025\n# yaml-language-server")
    assert "archive: VT, VHXH   # ghi chú riêng của cán bộ: hỏi văn thư" in new
    assert "year: 2025" in new
    data = parse(read_text(inputs / "quang-phu" / "2025.yaml"), "x")[0]
    old = load(EXAMPLE).model
    # the unit is kept, except its district-level parent agency: 2025's documents are dated after 01/07/2025 (issue 23)
    kept = {k: v for k, v in old.unit.model_dump(exclude_none=True).items() if k != "parent_agency"}
    assert {k: v for k, v in data["unit"].items() if k != "parent_agency"} == kept and data["unit"]["parent_agency"] is None
    assert data["team"]["members"][0]["name"] == old.team.members[0].name
    assert data["staff"][3]["name"] == old.staff[3].name and data["staff"][3]["discipline"] is None  # CẦN ĐIỀN
    assert data["indicators"]["1.1"]["assessors"] == old.indicators["1.1"].assessors


def test_new_year_writes_free_texts_as_blocks(inputs, capsys):
    source = inputs / "quang-phu" / "2024.yaml"
    old = load(source).model.indicators["1.1"].weaknesses
    assert "\n" not in old
    assert run(capsys, "new-year", "quang-phu", "2025", "--inputs", str(inputs))[0] == 0
    new = (inputs / "quang-phu" / "2025.yaml").read_text(encoding="utf-8")
    start = new.index('"1.1":')
    block = new[new.index("weaknesses:", start):]
    assert block.startswith("weaknesses: |") and block.split("\n")[1].strip() == old


@pytest.mark.parametrize("year", ["0", "1999", "2023", "2100", "2150"])
def test_years_validate_refuses_are_refused(inputs, capsys, year):
    code, _, err = run(capsys, "new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", year, "--inputs", str(inputs))
    assert code == 2 and f"năm {year}" in err and not (inputs / "tan-my").exists()
    code, _, err = run(capsys, "new-year", "quang-phu", year, "--inputs", str(inputs))
    assert code == 2 and f"năm {year}" in err
    assert sorted(p.name for p in (inputs / "quang-phu").iterdir()) == ["2024.yaml"]


def test_new_year_before_the_source_and_beside_a_yml_twin(inputs, capsys):
    folder = inputs / "quang-phu"
    (folder / "2026.yml").write_text(edit(EXAMPLE_TEXT, "year: 2024", "year: 2026"), encoding="utf-8")
    code, _, err = run(capsys, "new-year", "quang-phu", "2026", "--inputs", str(inputs))
    assert code == 1 and "2026.yml" in err and not (folder / "2026.yaml").exists()
    (folder / "2024.yaml").rename(folder / "2024.yml")  # a .yml source is found
    code, out, err = run(capsys, "new-year", "quang-phu", "2025", "--inputs", str(inputs))
    assert code == 0, err
    assert "từ 2024.yml" in out  # the latest year before 2025, not 2026
    (folder / "2025.yaml").unlink()
    (folder / "2026.yml").unlink()
    (folder / "2024.yml").rename(folder / "2025.yaml")
    (folder / "2025.yaml").write_text(edit(EXAMPLE_TEXT, "year: 2024", "year: 2025"), encoding="utf-8")
    code, _, err = run(capsys, "new-year", "quang-phu", "2024", "--inputs", str(inputs))
    assert code == 2 and "trước" in err and not (folder / "2024.yaml").exists()


def test_new_year_never_writes_outside_inputs(inputs, tmp_path, capsys):
    outside = tmp_path / "ngoai" / "x"
    outside.mkdir(parents=True)
    shutil.copy(EXAMPLE, outside / "2024.yaml")
    for unit in ("../ngoai/x", "/tmp", "Quang-Phu", "quang phu"):
        code, _, err = run(capsys, "new-year", unit, "2025", "--inputs", str(inputs))
        assert code == 2 and "tên thư mục" in err, unit
    assert sorted(p.name for p in outside.iterdir()) == ["2024.yaml"]


def test_two_units_never_share_a_folder(tmp_path, capsys):
    inputs = tmp_path / "inputs"
    assert run(capsys, "new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", "--inputs", str(inputs))[0] == 0
    code, _, err = run(capsys, "new-unit", "--name", "Ủy ban nhân dân phường Tân Mỹ", "--year", "2026", "--inputs", str(inputs))
    assert code == 2 and "xã Tân Mỹ" in err and "phuong-tan-my" in err
    assert sorted(p.name for p in (inputs / "tan-my").iterdir()) == ["2025.yaml"]
    code, _, err = run(capsys, "new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2026", "--inputs", str(inputs))
    assert code == 2 and "new-year tan-my 2026" in err
    code, out, err = run(capsys, "new-unit", "phuong-tan-my", "--name", "Ủy ban nhân dân phường Tân Mỹ", "--year", "2026",
                         "--inputs", str(inputs))
    assert code == 0, err


@pytest.mark.parametrize("name,why", [
    ("Ủy ban nhân dân xã\nTân Mỹ", "xuống dòng"), ("Ủy ban nhân dân\txã Tân Mỹ", "Tab"),
    ("Ủy ban nhân dân xã Tân\x07Mỹ", "điều khiển"), ("UBND xã", "địa danh"), ("Ủy ban nhân dân", "địa danh"), ("  ", "địa danh"),
])
def test_names_validate_refuses_are_refused(tmp_path, capsys, name, why):
    inputs = tmp_path / "inputs"
    code, _, err = run(capsys, "new-unit", "--name", name, "--year", "2025", "--inputs", str(inputs))
    assert code == 2 and why in err
    assert not inputs.exists() or not any(inputs.iterdir())


def test_validate_applies_the_same_name_rule(write_input, capsys):
    path = write_input(edit(EXAMPLE_TEXT, "  name: Ủy ban nhân dân xã Quảng Phú", "  name: UBND xã"))
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1 and "unit.name" in err and "chưa có địa danh" in err


def test_make_new_unit_keeps_quotes_in_the_name(tmp_path):
    name = 'Ủy ban nhân dân xã "Tân" Mỹ'
    bindir = os.path.dirname(sys.executable)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    os.utime(tmp_path / "pyproject.toml", (1_000_000, 1_000_000))
    (tmp_path / "stamp").write_text("", encoding="utf-8")  # the set-up is done: make runs the command only
    res = subprocess.run(["make", "-s", "new-unit", f"NAME={name}", "YEAR=2025", f"RUNTIME_STAMP={tmp_path / 'stamp'}",
                          f"BIN={bindir}"], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    written = parse(read_text(tmp_path / "inputs" / "tan-my" / "2025.yaml"), "x")[0]
    assert written["unit"]["name"] == name


def test_scaffold_writes_free_text_as_blocks_and_a_cut_value_is_a_warning(tmp_path, write_input, capsys):
    inputs = tmp_path / "new"
    assert run(capsys, "new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", "--inputs", str(inputs))[0] == 0
    text = (inputs / "tan-my" / "2025.yaml").read_text(encoding="utf-8")
    for key in ("description", "strengths", "weaknesses", "general_situation", "purpose", "process_summary"):
        lines = [line for line in text.split("\n") if line.strip().startswith(key + ":")]
        assert lines and all(line.split(":", 1)[1].strip().startswith("|") for line in lines), key
    cut = edit(EXAMPLE_TEXT, "    weaknesses: |\n      Việc chia sẻ, trao đổi kinh nghiệm giữa các bộ phận đôi lúc chưa thường xuyên.",
               "    weaknesses: Một số máy tính đã cũ (máy #3, #5), cần thay thế.")
    path = write_input(cut)
    code, out, err = run(capsys, "validate", str(path))
    line = cut.split("\n").index("    weaknesses: Một số máy tính đã cũ (máy #3, #5), cần thay thế.") + 1
    assert f"{path}:{line}: " in out + err and "bị cắt" in out + err and "#3, #5), cần thay thế." in out + err
    spaced = edit(cut, "(máy #3, #5), cần thay thế.", "cần thay thế # trong quý 1 năm sau")
    code, out, err = run(capsys, "validate", str(write_input(spaced, unit="spaced")))
    assert "bị cắt" in out + err and "trong quý 1 năm sau" in out + err  # a comment after prose is a cut
    noted = edit(cut, "(máy #3, #5), cần thay thế.", "cần thay thế.                # 3. Tồn tại")
    code, out, err = run(capsys, "validate", str(write_input(noted, unit="noted")))
    assert "bị cắt" not in out + err  # the scaffold's own note, left after the typed value
    ok = write_input(EXAMPLE_TEXT, name="2024.yaml", unit="khac")
    code, out, err = run(capsys, "validate", str(ok))
    assert code == 0 and "bị cắt" not in out + err  # the example's own “value   # note” comments are notes


def test_history_and_dossier_see_a_yml_year_file(inputs, capsys):
    folder = inputs / "quang-phu"
    (folder / "2024.yaml").rename(folder / "2024.yml")
    code, out, err = run(capsys, "history", "quang-phu", "--inputs", str(inputs))
    assert code == 0 and "các năm 2024" in out and "Đạt Mức độ 1" in out, out + err
    (folder / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    code, out, err = run(capsys, "history", "quang-phu", "--inputs", str(inputs))
    assert "2024.yaml và 2024.yml" in out
