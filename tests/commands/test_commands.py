"""The officer's yearly commands, each run on a temporary copy through the CLI: new-unit, new-year,
staff export/import, dossier on one file, what changed, evaluate --chi-tiet/--json, history."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, EXAMPLE_TEXT, edit, run_cli
from pipeline.rules.assess import assess_file
from pipeline.sources.load import load


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    (folder / "quang-phu").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "quang-phu" / "2024.yaml")
    return folder


def problems_of(res) -> list[tuple[str, str]]:
    """(field, message) of every problem line `validate` printed."""
    out = []
    for line in res.stderr.splitlines():
        line = line.strip()
        if line.startswith(("✗ /", "⚠ /")) and ".yaml:" in line and ": " in line.split(".yaml:", 1)[1]:
            rest = line.split(".yaml:", 1)[1].split(": ", 2)
            if len(rest) == 3:
                out.append((rest[1], rest[2]))
    return out


def test_new_unit_then_validate_lists_only_what_to_fill(tmp_path):
    res = run_cli("new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", "--inputs", str(tmp_path / "inputs"))
    assert res.returncode == 0, res.stderr
    path = tmp_path / "inputs" / "tan-my" / "2025.yaml"
    assert path.exists() and str(path) in res.stdout
    text = path.read_text(encoding="utf-8")
    assert "name: Ủy ban nhân dân xã Tân Mỹ" in text and "short_name: UBND xã Tân Mỹ" in text and "place: Tân Mỹ" in text
    assert text.startswith("# yaml-language-server") and "# Tổ tự đánh giá" in text  # commented like the example
    res = run_cli("validate", str(path))
    found = problems_of(res)
    assert res.returncode == 1 and len(found) > 100
    assert all(message.startswith("cần điền") for _, message in found), [f for f in found if not f[1].startswith("cần điền")]
    fields = {f for f, _ in found}
    # no cơ quan chủ quản for a People's Committee: left empty, not to fill; the decision's offices are the
    # post-reform ones, written where the officer sees them
    assert 'parent_agency: ""' in text and "unit.parent_agency" not in {f for f, _ in found}
    assert "proposer: Trưởng phòng Văn hóa – Xã hội" in text and "executors: Chánh Văn phòng HĐND và UBND" in text
    values = [line.split("#")[0] for line in text.split("indicators:")[0].splitlines() if not line.lstrip().startswith("#")]
    assert not any("huyện" in v for v in values), [v for v in values if "huyện" in v]
    for expected in ("signer.name", "recognition.receiver", "team.decision.date", "staff[1].discipline",
                     'indicators."2.4".assessors[1]', 'indicators."1.1".met', "collective_title", "report.date", "request.date"):
        assert expected in fields, expected
    # every line named is the line holding the marker
    lines = text.split("\n")
    assert f"{path}: {len(found)} chỗ cần điền" in res.stderr  # the summary counts what is left to fill
    for line in res.stderr.splitlines():
        if line.startswith("  ✗") and "cần điền" in line:
            n = int(line.split(".yaml:", 1)[1].split(":", 1)[0])
            assert "CẦN ĐIỀN" in lines[n - 1], (n, lines[n - 1])
    again = run_cli("new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", "--inputs", str(tmp_path / "inputs"))
    assert again.returncode == 1 and "không ghi đè" in again.stderr


YEARLY = {"team.decision.number", "team.decision.date", "team.decision.grounds[1]", "collective_title", "report.date",
          "report.sheets_date", "report.summary_date", "request.date", "request.grounds[1]"}


def test_new_year_keeps_the_unit_and_marks_exactly_the_yearly_facts(inputs):
    made = res = run_cli("new-year", "quang-phu", "2025", "--inputs", str(inputs))
    assert res.returncode == 0, res.stderr
    path = inputs / "quang-phu" / "2025.yaml"
    res = run_cli("validate", str(path))
    found = problems_of(res)
    carried = [(f, m) for f, m in found if m.startswith("cần xem lại")]
    found = [(f, m) for f, m in found if not m.startswith("cần xem lại")]
    assert all(message.startswith("cần điền") for _, message in found)
    # last year's dates and the decision's number left in the prose: each named, validate and new-year alike
    assert sorted((f, m.split("“")[1].split("”")[0]) for f, m in carried) == [
        ('indicators."1.1".description', "01/2024"), ('indicators."1.3".description', "31/12/2024"),
        ("report.process_summary", "20/6/2024"), ("report.process_summary", "68/QĐ-UBND")]
    lines = path.read_text(encoding="utf-8").split("\n")
    for line in res.stderr.splitlines():
        if "cần xem lại" in line:
            n, shown = int(line.split(".yaml:", 1)[1].split(":", 1)[0]), line.split("“")[1].split("”")[0]
            assert shown in lines[n - 1], (n, lines[n - 1])
    assert made.stdout.count("cần xem lại") == 4  # new-year said it too
    fields = {f for f, _ in found}
    old = load(EXAMPLE).model
    expected = set(YEARLY)
    for i in range(len(old.staff)):
        expected |= {f"staff[{i + 1}].{k}" for k in ("discipline", "training_completed", "digital_training", "language_certificate",
                                                     "language_meets_job", "emulation_title", "learning_citizen")}
    for code, ind in old.indicators.items():
        expected |= {f'indicators."{code}".evidence[1].{k}' for k in ("title", "number", "date", "issuer")}
        if ind.met is not None:
            expected.add(f'indicators."{code}".met')
        if ind.declared_level is not None:
            expected.add(f'indicators."{code}".declared_level')
    # across 01/07/2025: every field naming a district-level body is to fill, not carried
    expected |= {"recognition.scope", "recognition.receiver", "recognition.authority", "unit.parent_agency",
                 "report.recipients[1]", "report.recipients[2]", "request.recipients[1]"}
    assert fields == expected, (fields - expected, expected - fields)
    text = path.read_text(encoding="utf-8")
    assert "huyện Quảng Điền" not in text.split("indicators:")[0] and "- Thường trực Đảng ủy, HĐND xã" in text
    assert "proposer: Trưởng phòng Văn hóa – Xã hội" in text  # the old commune's offices become the new ones
    for kept in ("name: Ủy ban nhân dân xã Quảng Phú", "name: Trần Thị Diệu", "position: Chủ tịch Hội Khuyến học xã",
                 "assessors: [mai, anh]", "UBND xã có {so_thanh_vien} cán bộ", "name: Hoàng Văn Minh"):
        assert kept in text, kept
    assert "năm {nam}" in text and "Năm 2024" not in text.split("indicators:")[1].split("criteria:")[0]
    assert run_cli("new-year", "quang-phu", "2025", "--inputs", str(inputs)).returncode == 1  # never overwrites
    res = run_cli("new-year", "khong-co", "2025", "--inputs", str(inputs))
    assert res.returncode == 1 and "quang-phu" in res.stderr


def test_staff_export_edit_import_changes_that_person_only_and_keeps_comments(inputs, tmp_path):
    path = inputs / "quang-phu" / "2024.yaml"
    xlsx = tmp_path / "danh-sach.xlsx"
    res = run_cli("staff", "export", str(path), str(xlsx))
    assert res.returncode == 0 and "30 người" in res.stdout
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    assert ws["B1"].value == "Họ và tên" and ws["B2"].value == "Hoàng Văn Minh" and ws["I2"].value == "Chiến sĩ thi đua cơ sở"
    assert ws["D2"].value == "có"
    kinds = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("$A$2:$A$3" in f for f in kinds) and any("$B$2" in f for f in kinds)  # có/không and title drop-downs
    ws["D5"] = "không"  # Lê Văn Tùng breaks discipline
    ws["I5"] = "hoàn thành nhiệm vụ"  # and drops a title, typed as a label in other case
    wb.save(xlsx)
    before = path.read_text(encoding="utf-8").split("\n")
    res = run_cli("staff", "import", str(xlsx), str(path))
    assert res.returncode == 0, res.stderr
    after = path.read_text(encoding="utf-8").split("\n")
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and changed == [("    discipline: true", "    discipline: false"),
                                                     ("    emulation_title: lao-dong-tien-tien", "    emulation_title: hoan-thanh-nhiem-vu")]
    assert [line for line in after if line.lstrip().startswith("#")] == [line for line in before if line.lstrip().startswith("#")]
    new = load(path).model
    assert new.staff[3].name == "Lê Văn Tùng" and new.staff[3].discipline is False
    assert new.staff[:3] == load(EXAMPLE).model.staff[:3] and new.staff[4:] == load(EXAMPLE).model.staff[4:]


def test_staff_import_errors_name_sheet_row_column_and_value(inputs, tmp_path):
    path = inputs / "quang-phu" / "2024.yaml"
    xlsx = tmp_path / "ds.xlsx"
    run_cli("staff", "export", str(path), str(xlsx))
    wb = load_workbook(xlsx)
    ws = wb["Thành viên"]
    ws["E7"] = "có lẽ"
    ws["I9"] = "Anh hùng"
    ws["F10"] = None
    wb.save(xlsx)
    before = path.read_bytes()
    res = run_cli("staff", "import", str(xlsx), str(path))
    assert res.returncode == 1 and path.read_bytes() == before
    assert "trang “Thành viên”, dòng 7, cột E" in res.stderr and "“có lẽ”" in res.stderr
    assert "dòng 9, cột I" in res.stderr and "“Anh hùng”" in res.stderr and "dòng 10, cột F" in res.stderr and "ô trống" in res.stderr


def test_blank_workbook_from_a_new_unit(tmp_path):
    run_cli("new-unit", "--name", "Ủy ban nhân dân xã Tân Mỹ", "--year", "2025", "--inputs", str(tmp_path / "inputs"))
    xlsx = tmp_path / "trong.xlsx"
    res = run_cli("staff", "export", str(tmp_path / "inputs" / "tan-my" / "2025.yaml"), str(xlsx))
    assert res.returncode == 0 and "0 người" in res.stdout
    ws = load_workbook(xlsx)["Thành viên"]
    assert ws.max_row == 1 and ws["C1"].value == "Chức danh, chức vụ"


def test_officers_words_give_the_same_assessment(write_input):
    words = EXAMPLE_TEXT.replace(": true\n", ": có\n").replace(": false\n", ": Không\n")
    words = words.replace("emulation_title: lao-dong-tien-tien", "emulation_title: Lao động tiên tiến")
    words = words.replace("emulation_title: chien-si-thi-dua-co-so", "emulation_title: chiến sĩ thi đua cơ sở")
    words = edit(words, "      role: secretary", "      role: Thư ký")
    words = edit(words, "collective_title: tap-the-lao-dong-tien-tien", "collective_title: Tập thể lao động tiên tiến")
    words = edit(words, "    met: có\n", "    met: x\n")
    words = edit(words, "declared_level: muc-2", "declared_level: Đạt Mức độ 2")
    assert "true" not in words.split("staff:")[1].split("collective_title")[0]
    _, a = assess_file(write_input(words))
    _, b = assess_file(EXAMPLE)
    assert a == b
    bad = edit(EXAMPLE_TEXT, "      role: secretary", "      role: thu ky")
    res = run_cli("validate", str(write_input(bad)))
    assert "Tổ trưởng (leader), Thư ký (secretary) hoặc Thành viên (member)" in res.stderr and " or " not in res.stderr


def test_dossier_on_a_file_or_a_unit_folder_builds_that_only(inputs, tmp_path):
    (inputs / "xa-khac").mkdir()
    (inputs / "xa-khac" / "2024.yaml").write_text(EXAMPLE_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    res = run_cli("dossier", str(inputs / "quang-phu" / "2024.yaml"), "--outputs", str(out), "--no-pdf")
    assert res.returncode == 0 and "quang-phu/2024" in res.stdout and "xa-khac" not in res.stdout
    assert not (out / "xa-khac").exists() and (out / "quang-phu" / "2024").is_dir()
    assert f"Hồ sơ ở thư mục: {out.resolve()}" in res.stdout
    (inputs / "xa-khac" / "mau").mkdir()  # a unit folder may hold its own templates
    res = run_cli("dossier", str(inputs / "xa-khac"), "--outputs", str(out), "--no-pdf")
    assert res.returncode == 0 and "xa-khac/2024" in res.stdout and "quang-phu" not in res.stdout
    res = run_cli("dossier", str(inputs), "--outputs", str(out), "--no-pdf", "--unit", "nope")
    assert res.returncode == 1 and "quang-phu, xa-khac" in res.stderr
    res = run_cli("dossier", str(inputs), "--outputs", str(out), "--no-pdf", "--unit", "quang-phu", "--year", "2031")
    assert res.returncode == 1 and "các năm có: 2024" in res.stderr


def test_a_correction_prints_what_changed(inputs, tmp_path):
    out = tmp_path / "out"
    assert run_cli("dossier", str(inputs), "--outputs", str(out), "--no-pdf").returncode == 0
    path = inputs / "quang-phu" / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    text = edit(text, "    training_completed: true\n", "    training_completed: false\n")  # 29/30 → 28/30 (2.2 drops to level 1)
    path.write_text(text, encoding="utf-8")
    res = run_cli("dossier", str(inputs), "--outputs", str(out), "--no-pdf")
    assert res.returncode == 0
    assert "↻ 2.2: 29/30 → 28/30, Đạt Mức độ 2 → Đạt Mức độ 1" in res.stdout, res.stdout
    path.write_text(edit(text, "    digital_training: true\n", "    digital_training: false\n"), encoding="utf-8")
    res = run_cli("dossier", str(inputs), "--outputs", str(out), "--no-pdf")
    assert "↻ 2.3: 28/30 → 27/30, vẫn Đạt Mức độ 1" in res.stdout, res.stdout


def test_evaluate_detail_and_json():
    res = run_cli("evaluate", str(EXAMPLE), "--chi-tiet")
    assert res.returncode == 0
    section = res.stdout.split("2.5 (")[1].split("3.1 (")[0]
    assert "2 người chưa đạt" in section and "Phạm Văn Thành" in section and "Võ Văn Lâm" in section
    res = run_cli("evaluate", str(EXAMPLE), "--json")
    data = json.loads(res.stdout)
    assert data["unit_level"] == "Đạt Mức độ 1" and data["indicators"]["2.4"]["figures"] == ["18/30", "9/30"]
    assert data["indicators"]["3.4"]["level"] == "Không áp dụng"


def test_history_side_by_side_with_trend(inputs):
    text = EXAMPLE_TEXT.replace("year: 2024", "year: 2025")
    text = text.replace("    digital_training: false\n", "    digital_training: true\n", 1)  # 2.3: 28/30 → 29/30
    (inputs / "quang-phu" / "2025.yaml").write_text(text, encoding="utf-8")  # invalid dates for 2025: said, not hidden
    res = run_cli("history", "quang-phu", "--inputs", str(inputs))
    assert res.returncode == 0 and "2024" in res.stdout and "2025: chưa đánh giá được" in res.stdout
    fixed = text
    for old, new in (("date: 20/06/2024", "date: 20/06/2025"), ("date: 08/01/2025", "date: 08/01/2026"),
                     ("sheets_date: 06/01/2025", "sheets_date: 06/01/2026"), ("summary_date: 07/01/2025", "summary_date: 07/01/2026"),
                     ("  date: 09/01/2025", "  date: 09/01/2026")):
        fixed = fixed.replace(old, new)
    (inputs / "quang-phu" / "2025.yaml").write_text(fixed, encoding="utf-8")
    res = run_cli("history", "quang-phu", "--inputs", str(inputs))
    assert res.returncode == 0, res.stderr
    row = next(line for line in res.stdout.splitlines() if line.startswith("2.3"))
    assert row.split()[1:] == ["28/30", "(93,3%)", "M1", "29/30", "(96,7%)", "M2", "↑"]
    row = next(line for line in res.stdout.splitlines() if line.startswith("2.4"))
    assert row.count("18/30 (60%); 9/30 (30%) M1") == 2 and row.endswith("=")
    data = json.loads(run_cli("history", "quang-phu", "--inputs", str(inputs), "--json").stdout)
    assert data["years"]["2025"]["indicators"]["2.3"]["level"] == "Đạt Mức độ 2"


def test_past_recognitions_are_checked(write_input):
    base = EXAMPLE_TEXT.replace("archive: VT, VHXH", "archive: VT, VHXH\nrecognitions:\n  - decision: 1234/QĐ-UBND\n    date: 15/03/2023\n    level: muc-1")
    loaded, _ = assess_file(write_input(base))
    [w] = loaded.warnings
    # recognised for 2022 (the year before its decision): kept to 31/12/2025
    assert w.field == "recognitions[1]" and "bảo lưu đến ngày 31/12/2025" in w.message
    two = base.replace("collective_title: tap-the-lao-dong-tien-tien", "collective_title: tap-the-lao-dong-xuat-sac")
    two = two.replace("    digital_training: false\n", "    digital_training: true\n")
    two = two.replace("    language_meets_job: false\n", "    language_meets_job: true\n")
    two = two.replace("emulation_title: hoan-thanh-nhiem-vu", "emulation_title: lao-dong-tien-tien")
    two = two.replace("date: 15/03/2023", "date: 15/03/2024")
    loaded, a = assess_file(write_input(two))
    assert int(a.unit_level) == 2
    assert any(w.field == "request.date" and "chưa đủ 12 tháng" in w.message and "16/03/2025" in w.message for w in loaded.warnings)


# ---------------------------------------------------------------- every kind of unit (issue 26)

def _scaffold(tmp_path, name, kind, level=None):
    from pipeline.commands.new_unit import new_unit
    from pipeline.sources.load import FILL, parse

    path = new_unit(tmp_path / "inputs", name, 2026, kind=kind, level=level)
    data, *_ = parse(path.read_text(encoding="utf-8"), path.name)
    return path, data, FILL


def test_new_unit_for_a_lower_secondary_school_asks_what_it_needs(tmp_path):
    path, data, fill = _scaffold(tmp_path, "Trường Trung học cơ sở Quảng Phú", "thcs")
    text = path.read_text(encoding="utf-8")
    assert "kind: thcs" in text and "Trường trung học cơ sở" in text and "\n  level:" not in text
    assert data["unit"]["collective_name"] == ""  # the Hiệu trưởng signs in his or her own name
    assert sorted(data["indicators"]) == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5",
                                          "3.1", "3.2", "3.3", "3.4"]
    assert "digital_transformation: CẦN ĐIỀN" in text  # 3.4
    assert "learners" not in data and "vocational_accreditation" not in data  # pupils are not Người học; not vocational


def test_new_unit_for_an_upper_secondary_school_asks_for_its_learners(tmp_path):
    path, data, fill = _scaffold(tmp_path, "Trường Trung học phổ thông Tam Giang", "thpt")
    text = path.read_text(encoding="utf-8")
    assert "learners:\n  total: CẦN ĐIỀN" in text and "learning_citizens: CẦN ĐIỀN" in text
    assert "3.4" in data["indicators"] and "3.5" not in data["indicators"] and "3.6" not in data["indicators"]


def test_new_unit_for_a_two_level_kind(tmp_path):
    path, data, fill = _scaffold(tmp_path, "Công ty Cổ phần May Huế", "doanh-nghiep", "cap-tinh")
    assert data["unit"]["level"] == "cap-tinh"
    assert "1.3" not in data["indicators"] and "2.4" not in data["indicators"]  # not a state body; economic
    path, data, fill = _scaffold(tmp_path, "Trường Cao đẳng Nghề Huế", "co-so-gdnn", "cap-tinh")
    assert "3.6" in data["indicators"] and "3.5" not in data["indicators"]
    assert "vocational_accreditation:\n  accredited: CẦN ĐIỀN" in path.read_text(encoding="utf-8")
    path, data, fill = _scaffold(tmp_path, "Hội Khuyến học huyện A", "hoi-khuyen-hoc")
    assert "level: CẦN ĐIỀN" in path.read_text(encoding="utf-8")  # two levels, none given: the officer says


def test_new_year_of_a_school_clears_its_yearly_facts(tmp_path):
    from pipeline.commands.new_year import new_year
    from pipeline.sources.load import parse

    folder = tmp_path / "inputs" / "thpt-tam-giang"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLE.parent.parent / "thpt-tam-giang" / "2024.yaml", folder / "2024.yaml")
    path, _ = new_year(tmp_path / "inputs", "thpt-tam-giang", 2025)
    text = path.read_text(encoding="utf-8")
    assert "kind: thpt" in text and "learners:\n  total: CẦN ĐIỀN" in text and "digital_transformation: CẦN ĐIỀN" in text
    data, *_ = parse(text, path.name)
    assert "3.4" in data["indicators"] and "3.6" not in data["indicators"]


def test_kinds_command_and_a_wrong_kind(tmp_path):
    res = run_cli("kinds")
    assert res.returncode == 0
    huyen, tinh = res.stdout.split("Đơn vị cấp tỉnh:")
    assert "thcs" in huyen and "Trường trung học cơ sở" in huyen and "thcs " not in tinh
    assert "thpt " in tinh and "Trường trung học phổ thông" in tinh and "thpt " not in huyen
    assert "doanh-nghiep" in huyen and "doanh-nghiep" in tinh
    res = run_cli("new-unit", "--name", "Trường X", "--kind", "truong-cap-2", "--year", "2026", "--inputs", str(tmp_path))
    assert res.returncode == 2 and "Không có loại đơn vị “truong-cap-2”" in res.stderr and "thcs" in res.stderr
    assert "Traceback" not in res.stderr and not list(tmp_path.iterdir())
    res = run_cli("new-unit", "--name", "Trường X", "--kind", "thpt", "--level", "cap-huyen", "--year", "2026",
                  "--inputs", str(tmp_path))
    assert res.returncode == 2 and "chỉ được đánh giá ở cấp tỉnh" in res.stderr
