"""The file, for those who still type it (issue 24): dates as officers write them, assessors by name, team names
checked against the staff list, a misspelt placeholder answered with the name it resembles."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.core.problems import InputError
from pipeline.rules.assess import assess_file
from pipeline.rules.validate import check
from pipeline.sources.load import load
from tests.conftest import EXAMPLE_TEXT, edit


@pytest.mark.parametrize("typed", ["20.6.2024", "20-06-2024", "20/6/2024", "20 / 06 / 2024", "20.06.2024"])
def test_dates_as_officers_write_them(write_input, typed):
    path = write_input(edit(EXAMPLE_TEXT, "    date: 20/06/2024", f"    date: {typed}"))
    assert load(path).model.team.decision.date == dt.date(2024, 6, 20)


@pytest.mark.parametrize("typed", ["20.6/2024", "20-6.2024", "31.02.2024", "20.6.24"])
def test_mixed_or_impossible_dates_are_refused(write_input, typed):
    path = write_input(edit(EXAMPLE_TEXT, "    date: 20/06/2024", f"    date: {typed}"))
    with pytest.raises(InputError) as exc:
        load(path)
    assert [p.field for p in exc.value.problems] == ["team.decision.date"]


def test_assessors_by_name_as_well_as_by_code(write_input):
    text = edit(EXAMPLE_TEXT, "assessors: [viet, ha]", "assessors: [nguyễn  quốc việt, Phan Thị Thu Hà]")
    loaded, assessment = assess_file(write_input(text))
    assert loaded.model.indicators["1.1"].assessors == ["viet", "ha"]  # the documents print the members' names from these
    assert loaded.warnings == []


def test_an_assessor_nobody_is_named_with_the_team(write_input):
    text = edit(EXAMPLE_TEXT, "assessors: [viet, ha]", "assessors: [Nguyễn Quốc Việt, Phan Thị Thu Hằng]")
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [problem] = [p for p in exc.value.problems if not p.warning]
    assert problem.field == 'indicators."1.1".assessors[2]'
    assert "“Phan Thị Thu Hằng” không có trong Tổ tự đánh giá" in problem.message and "Phan Thị Thu Hà (ha)" in problem.message


def test_a_team_name_nearly_on_the_staff_list_is_a_warning(write_input):
    text = edit(EXAMPLE_TEXT, "      name: Trương Thị Mai", "      name: Trương Thị Mại")
    loaded = load(write_input(text))
    [w] = [p for p in check(loaded) if p.warning]
    assert w.field == "team.members[4].name"
    assert "có phải “Trương Thị Mai”?" in w.message


def test_a_misspelt_placeholder_is_answered_with_the_name_it_resembles(write_input):
    text = edit(EXAMPLE_TEXT, "{2.4.phan_so_muc_2} thành viên", "{2.4.phan_so_muc2} thành viên")
    with pytest.raises(InputError) as exc:
        assess_file(write_input(text))
    [problem] = exc.value.problems
    assert "không có chỗ điền số liệu “{2.4.phan_so_muc2}”; có phải {2.4.phan_so_muc_2}?" in problem.message


def _syntax(write_input, text):
    with pytest.raises(InputError) as exc:
        load(write_input(text))
    [problem] = exc.value.problems
    return problem


def test_a_key_indented_more_than_its_neighbours(write_input):
    text = edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", "   short_name: UBND xã Quảng Phú")
    p = _syntax(write_input, text)
    assert p.line == 30 and "dòng 30 thụt vào 3 dấu cách, sâu hơn dòng 29 (2 dấu cách)" in p.message
    assert "│    short_name: UBND xã Quảng Phú" in p.message and p.message.endswith("│ ^")


def test_a_key_indented_less_than_any_above(write_input):
    text = edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", " short_name: UBND xã Quảng Phú")
    p = _syntax(write_input, text)
    assert p.line == 30 and "dòng 30 thụt vào 1 dấu cách, không thẳng cột với dòng 29 (2 dấu cách)" in p.message
    assert "hai chấm" not in p.message


def test_a_second_paragraph_without_a_block(write_input):
    text = edit(EXAMPLE_TEXT, "archive: VT, VHXH", "archive: VT, VHXH\nĐoạn thứ hai viết thẳng.")
    p = _syntax(write_input, text)
    assert "đoạn tiếp theo của “archive”" in p.message and "“archive: |”" in p.message
    assert "│ Đoạn thứ hai viết thẳng." in p.message


@pytest.mark.parametrize("value, sign", [("{2.4.phan_so} thành viên có chứng chỉ", "“{”"), ('"UBND" xã Quảng Phú', "kép"),
                                         ("'UBND' xã Quảng Phú", "đơn"), ("[VT] và VHXH", "“[”")])
def test_a_value_starting_with_a_sign_yaml_reads(write_input, value, sign):
    text = edit(EXAMPLE_TEXT, "archive: VT, VHXH", f"archive: {value}")
    p = _syntax(write_input, text)
    assert "giá trị của “archive” bắt đầu bằng" in p.message and sign in p.message and "“archive: |”" in p.message
    typed = next(line for line in p.message.split("\n") if line.startswith("      │ archive:"))
    caret = p.message.split("\n")[-1]
    assert caret.index("^") == typed.index(value[0])  # the caret under the sign


def test_a_colon_inside_a_value(write_input):
    p = _syntax(write_input, edit(EXAMPLE_TEXT, "archive: VT, VHXH", "archive: Lưu: VT, VHXH"))
    assert "có dấu hai chấm “:” theo sau là dấu cách" in p.message and "“archive: |”" in p.message


def test_english_keys_stay_and_every_message_says_what_the_field_means(write_input):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = write_input(edit(EXAMPLE_TEXT, "    date: 20/06/2024", "    date: 31/02/2024"))
    res = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(path)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    [line] = [x for x in res.stderr.splitlines() if "team.decision.date" in x]
    assert line.endswith("team.decision.date: ngày 31/02/2024 không tồn tại (Ngày ký quyết định, trong năm đánh giá)")
