"""Stage 1 — load: bytes and YAML syntax to a typed model, with a line number for every problem."""

from __future__ import annotations

import time
import unicodedata

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, edit, line_of
from hostile_cases import cp1258
from pipeline.core.problems import InputError
from pipeline.sources.load import MAX_BYTES, load


def problems(path):
    with pytest.raises(InputError) as exc:
        load(path)
    return exc.value.problems


def test_example_loads_with_lines_for_every_field():
    loaded = load(EXAMPLE)
    assert loaded.model.unit.name == "Ủy ban nhân dân xã Quảng Phú"
    assert len(loaded.model.staff) == 30
    assert loaded.line_of(("indicators", "2.4", "assessors")) == line_of(EXAMPLE_TEXT, "assessors: [mai, anh]")
    assert loaded.line_of(("staff", 2, "name")) == line_of(EXAMPLE_TEXT, "name: Trần Thị Hạnh")


def test_duplicate_key_is_an_error_naming_both_lines(write_input):
    text = edit(EXAMPLE_TEXT, "collective_title: tap-the-lao-dong-tien-tien",
                "collective_title: tap-the-lao-dong-tien-tien\ncollective_title: tap-the-lao-dong-xuat-sac")
    [p] = problems(write_input(text))
    first = line_of(text, "collective_title: tap-the-lao-dong-tien-tien")
    assert p.line == first + 1 and p.field == "collective_title"
    assert "lặp lại" in p.message and f"dòng {first}" in p.message


def test_duplicate_indicator_key(write_input):
    text = edit(EXAMPLE_TEXT, '  "3.3":\n', '  "3.2":\n')
    [p] = problems(write_input(text))
    assert p.field == 'indicators."3.2"' and p.line == line_of(text, '  "3.2":', 2)


def test_unknown_and_missing_fields_reported_together(write_input):
    text = edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", "  shortname: UBND xã Quảng Phú")
    found = problems(write_input(text))
    by_field = {p.field: p for p in found}
    assert by_field["unit.shortname"].line == line_of(text, "shortname:")
    assert "không có trong mẫu" in by_field["unit.shortname"].message
    assert "thiếu trường bắt buộc" in by_field["unit.short_name"].message
    assert by_field["unit.short_name"].line == line_of(text, "unit:")


def test_wrong_type_string_for_boolean_and_number(write_input):
    text = edit(EXAMPLE_TEXT, "    learning_citizen: true\n  - name: Trần Thị Hạnh",
                "    learning_citizen: có lẽ\n  - name: Trần Thị Hạnh")
    text = edit(text, "year: 2024", 'year: "90%"')
    found = {p.field: p for p in problems(write_input(text))}
    assert found["staff[2].learning_citizen"].line == line_of(text, "learning_citizen: có lẽ")
    assert "true" in found["staff[2].learning_citizen"].message
    assert "số nguyên" in found["year"].message and "90%" in found["year"].message


@pytest.mark.parametrize("year", ["1899", "3000"])
def test_year_out_of_range(write_input, year):
    from pipeline.rules.validate import validate_file

    text = edit(EXAMPLE_TEXT, "year: 2024", f"year: {year}")
    with pytest.raises(InputError) as exc:
        validate_file(write_input(text))
    found = [p for p in exc.value.problems if p.field == "year"]
    assert found and found[0].line == line_of(text, f"year: {year}")


def test_impossible_dates(write_input):
    text = edit(EXAMPLE_TEXT, "    date: 20/06/2024", "    date: 31/02/2024")
    text = edit(text, "date: 15/01/2024", "date: 2024-02-30")
    found = {p.field: p for p in problems(write_input(text))}
    assert "31/02/2024" in found["team.decision.date"].message
    assert found["team.decision.date"].line == line_of(text, "31/02/2024")
    bad = found['indicators."1.1".evidence[1].date']
    assert bad.line == line_of(text, "2024-02-30") and "không hợp lệ" in bad.message


def test_utf8_bom_and_utf16_are_accepted(write_input):
    assert load(write_input(b"\xef\xbb\xbf" + EXAMPLE_TEXT.encode("utf-8"))).model.year == 2024
    assert load(write_input(EXAMPLE_TEXT.encode("utf-16"))).model.unit.place == "Quảng Phú"


def test_legacy_vietnamese_encoding_named_with_its_line(write_input):
    raw = EXAMPLE_TEXT.encode("utf-8").replace("Phan Thị Thu Hà".encode(), cp1258("Phan Thị Thu Hà"))
    [p] = problems(write_input(raw))
    assert p.line == line_of(EXAMPLE_TEXT, "Phan Thị Thu Hà")
    assert "UTF-8" in p.message and "Windows-1258" in p.message


def test_nfd_text_is_normalised_to_nfc(write_input):
    text = unicodedata.normalize("NFD", EXAMPLE_TEXT)
    model = load(write_input(text)).model
    assert model.unit.name == "Ủy ban nhân dân xã Quảng Phú"
    assert unicodedata.is_normalized("NFC", model.report.general_situation)
    assert unicodedata.is_normalized("NFC", "".join(s.name for s in model.staff))


def test_python_tags_are_refused_not_run(write_input, tmp_path):
    marker = tmp_path / "pwned"
    text = edit(EXAMPLE_TEXT, "year: 2024", f"year: !!python/object/apply:os.system ['touch {marker}']")
    [p] = problems(write_input(text))
    assert "python/object/apply" in p.message and p.field == "year"
    assert not marker.exists()


def test_alias_bomb_is_bounded(write_input):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    start = time.process_time()
    [p] = problems(write_input(bomb))
    assert time.process_time() - start < 5  # a sanity bound, not a benchmark: unbounded expansion would never end
    assert "alias" in p.message


@pytest.mark.parametrize("text, needle", [
    ("", "rỗng"),
    ("# chỉ có chú thích\n", "rỗng"),
    ("- a\n- b\n", "không phải danh sách"),
])
def test_empty_or_not_a_mapping(write_input, text, needle):
    [p] = problems(write_input(text))
    assert needle in p.message


def test_tab_indentation(write_input):
    text = edit(EXAMPLE_TEXT, "  short_name: UBND", "\tshort_name: UBND")
    [p] = problems(write_input(text))
    assert "Tab" in p.message and p.line == line_of(text, "\tshort_name")


def test_missing_colon(write_input):
    text = edit(EXAMPLE_TEXT, "  place: Quảng Phú ", "  place Quảng Phú ")
    [p] = problems(write_input(text))
    assert "YAML" in p.message and p.line == line_of(text, "  place Quảng Phú")


def test_oversized_file_refused_before_parsing(write_input):
    path = write_input(b"a: " + b"x" * (MAX_BYTES + 10))
    [p] = problems(path)
    assert "quá lớn" in p.message


def test_indicator_keys_kept_as_typed(write_input):
    from pipeline.sources.load import parse

    text = edit(EXAMPLE_TEXT, '  "3.3":\n', "  3.10:\n")  # unquoted: YAML alone would read the float 3.1
    data, *_ = parse(text, "x")
    assert "3.10" in data["indicators"] and "3.1" in data["indicators"]


def test_control_characters_removed_on_load(write_input):
    text = edit(EXAMPLE_TEXT, "Cán bộ, công chức gương mẫu", "Cán bộ\\v, công\\f chức\\0 gương mẫu")
    text = edit(text, "    strengths: |\n      Cán bộ", '    strengths: "Cán bộ', 1)
    text = edit(text, "gương mẫu trong phong trào học tập suốt đời.\n", 'gương mẫu trong phong trào học tập suốt đời."\n')
    model = load(write_input(text)).model
    assert model.indicators["3.1"].strengths == "Cán bộ, công chức gương mẫu trong phong trào học tập suốt đời."


@pytest.mark.parametrize("pure", ["", "1"])
def test_a_bom_before_a_top_level_key_is_named_by_both_parsers(write_input, monkeypatch, pure):
    monkeypatch.setenv("DVHT_PURE_YAML", pure)
    text = edit(EXAMPLE_TEXT, "\ncollective_title:", "\n\ufeffcollective_title:")
    with pytest.raises(InputError) as exc:
        load(write_input(text))
    [problem] = exc.value.problems
    assert problem.line == line_of(text, "\ufeffcollective_title:") and "BOM (U+FEFF) ở cột 1" in problem.message


@pytest.mark.parametrize("old,new,shown,write", [
    ("year: 2024", 'year: "2024"', '("2024")', "viết 2024"),
    ("year: 2024", "year: '2024'", '("2024")', "viết 2024"),
    ("year: 2024", "year: 2024.0", "“2024.0”", "viết 2024, không có phần “.0”"),
])
def test_a_number_in_quotes_or_with_a_decimal_part_says_so(write_input, old, new, shown, write):
    text = edit(EXAMPLE_TEXT, old, new)
    with pytest.raises(InputError) as exc:
        load(write_input(text))
    [problem] = [p for p in exc.value.problems if p.field == "year"]
    assert shown in problem.message and write in problem.message
    if "(" in shown:
        assert "dấu ngoặc" in problem.message


def test_a_quoted_count_says_to_remove_the_quotes(write_input):
    from conftest import EXAMPLE_TEXT as T

    start, end = T.index("\nstaff:"), T.index("\ncollective_title:")
    counts = ('\nstaff_counts:\n  total: "30"\n  discipline: 30\n  training_completed: 29\n  digital_training: 28\n'
              '  language_certificate: 18\n  language_meets_job: 9\n  advanced_worker: 28\n  learning_citizen: 29\n')
    text = T[:start] + counts + T[end:]
    with pytest.raises(InputError) as exc:
        load(write_input(text))
    found = [p for p in exc.value.problems if p.field == "staff_counts.total"]
    assert found and 'dấu ngoặc ("30"): bỏ dấu ngoặc, viết 30' in found[0].message
