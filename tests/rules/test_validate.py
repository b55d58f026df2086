"""Stage 2 — validate: the dossier's rules, each with a real bad input, its line and field path."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, EXAMPLE_TEXT, edit, line_of, run_cli
from hostile_cases import STAFF_END, STAFF_START, counts
from pipeline.core.problems import InputError
from pipeline.rules.validate import validate_file

MEMBER = """    - id: anh
      name: Lê Thị Ngọc Ánh
      position: Công chức Tư pháp – hộ tịch
      role: member
"""


def problems(path):
    with pytest.raises(InputError) as exc:
        validate_file(path)
    return exc.value.problems


def only(path, field):
    found = [p for p in problems(path) if p.field == field]
    assert found, f"no problem at {field}: {problems(path)}"
    return found[0]


def test_example_is_valid():
    assert validate_file(EXAMPLE).model.year == 2024


def test_even_team(write_input):
    text = edit(EXAMPLE_TEXT, MEMBER, "")
    p = only(write_input(text), "team.members")
    assert "số lẻ" in p.message and "4 người" in p.message and p.line == line_of(text, "  members:")


def test_two_leaders(write_input):
    text = edit(EXAMPLE_TEXT, "      role: member\n", "      role: leader\n")
    p = only(write_input(text), "team.members[3]")
    assert "đúng một Tổ trưởng" in p.message and "hiện có 2" in p.message
    assert p.line == line_of(text, "    - id: lan")


def test_no_leader(write_input):
    text = edit(EXAMPLE_TEXT, "      role: leader\n", "      role: member\n")
    assert "hiện có 0" in only(write_input(text), "team.members").message


def test_assessor_not_on_team_and_same_twice(write_input):
    text = edit(EXAMPLE_TEXT, "assessors: [lan, mai]", "assessors: [lan, hoa]")
    text = edit(text, "assessors: [mai, ha]", "assessors: [mai, mai]")
    found = problems(write_input(text))
    stranger = next(p for p in found if p.field == 'indicators."1.2".assessors[2]')
    assert "“hoa” không có trong Tổ tự đánh giá" in stranger.message
    assert stranger.line == line_of(text, "assessors: [lan, hoa]")
    twice = next(p for p in found if p.field == 'indicators."1.3".assessors')
    assert "khác nhau" in twice.message and twice.line == line_of(text, "assessors: [mai, mai]")


def test_three_assessors(write_input):
    text = edit(EXAMPLE_TEXT, "assessors: [lan, mai]", "assessors: [lan, mai, viet]")
    assert "đúng 02 người" in only(write_input(text), 'indicators."1.2".assessors').message


def test_unknown_and_missing_and_not_applicable_indicators(write_input):
    text = edit(EXAMPLE_TEXT, '  "3.3":\n', '  "4.1":\n')
    text = edit(text, '  "3.2":\n', '  "3.4":\n')
    found = problems(write_input(text))
    unknown = next(p for p in found if p.field == 'indicators."4.1"')
    assert "không có chỉ tiêu “4.1”" in unknown.message and unknown.line == line_of(text, '"4.1":')
    na = next(p for p in found if p.field == 'indicators."3.4"')
    assert "không áp dụng" in na.message
    missing = [p.message for p in found if p.field == "indicators"]
    assert "thiếu chỉ tiêu “3.2”" in missing and "thiếu chỉ tiêu “3.3”" in missing


def test_counts_above_total_and_both_forms(write_input):
    text = counts(discipline=31)
    p = only(write_input(text), "staff_counts.discipline")
    assert "31 người vượt quá tổng số thành viên (30)" in p.message and p.line == line_of(text, "discipline: 31")
    block = counts()[STAFF_START:counts().index("\n# Danh hiệu thi đua tập thể")]
    both = EXAMPLE_TEXT[:STAFF_START] + block + EXAMPLE_TEXT[STAFF_START:]
    assert "không cả hai" in only(write_input(both), "staff_counts").message


def test_negative_count(write_input):
    assert "≥ 0" in only(write_input(counts(discipline=-3)), "staff_counts.discipline").message


def test_empty_roster_and_no_roster(write_input):
    text = EXAMPLE_TEXT[:STAFF_START] + "staff: []\n" + EXAMPLE_TEXT[STAFF_END:]
    assert "rỗng" in only(write_input(text), "staff").message
    text = EXAMPLE_TEXT[:STAFF_START] + EXAMPLE_TEXT[STAFF_END:]
    assert any("thiếu danh sách thành viên" in p.message for p in problems(write_input(text)))


def test_evidence_from_before_the_year_is_accepted_and_the_decision_must_be_in_it(write_input):
    text = edit(EXAMPLE_TEXT, "date: 15/01/2024", "date: 28/12/2023")  # a plan adopted the December before
    text = edit(text, "    date: 20/06/2024", "    date: 02/01/2025")
    found = {p.field: p for p in problems(write_input(text))}
    assert 'indicators."1.1".evidence[1].date' not in found
    assert "02/01/2025" in found["team.decision.date"].message and "ngoài năm đánh giá 2024" in found["team.decision.date"].message


def test_report_date_rules(write_input):
    text = edit(EXAMPLE_TEXT, "date: 08/01/2025", "date: 15/06/2024")
    assert "trước ngày thành lập" in only(write_input(text), "report.date").message
    text = edit(EXAMPLE_TEXT, "date: 08/01/2025", "date: 20/12/2026")
    messages = [p.message for p in problems(write_input(text)) if p.field == "report.date"]
    assert any("năm 2024 hoặc năm 2025" in m for m in messages) and any("ở tương lai" in m for m in messages)


def test_file_name_year_must_match(write_input):
    p = only(write_input(EXAMPLE_TEXT, name="2025.yaml"), "year")
    assert "khác với tên tệp 2025.yaml" in p.message


def test_year_before_the_circular(write_input):
    text = edit(EXAMPLE_TEXT, "year: 2024", "year: 2023")
    assert "áp dụng từ năm 2024" in only(write_input(text, name="2023.yaml"), "year").message


def test_met_required_for_qualitative_forbidden_for_counted(write_input):
    text = edit(EXAMPLE_TEXT, "    assessors: [lan, mai]\n    met: true\n", "    assessors: [lan, mai]\n")
    text = edit(text, "    assessors: [ha, lan]\n", "    assessors: [ha, lan]\n    met: true\n")
    found = {p.field: p for p in problems(write_input(text))}
    assert "met: true" in found['indicators."1.2"'].message
    assert "danh sách thành viên" in found['indicators."2.1".met'].message


def test_unknown_regulation_and_unit_kind(write_input):
    text = edit(EXAMPLE_TEXT, "regulation: tt24-2023", "regulation: tt99-2030")
    assert "tt24-2023" in only(write_input(text), "regulation").message
    text = edit(EXAMPLE_TEXT, "  kind: ubnd-xa ", "  kind: ubnd-phuong ")
    assert "ubnd-phuong" in only(write_input(text), "unit.kind").message


def test_every_problem_in_one_run(write_input):
    text = edit(EXAMPLE_TEXT, MEMBER, "")
    text = edit(text, "assessors: [mai, anh]", "assessors: [mai, mai]")
    text = edit(text, "date: 15/01/2024", "date: 28/12/2023")
    found = problems(write_input(text))
    assert len(found) >= 4
    assert [p.line for p in found] == sorted(p.line for p in found)


def test_cli_validate_folder_exit_codes(tmp_path, write_input):
    assert run_cli("validate", "inputs").returncode == 0
    good = write_input(EXAMPLE_TEXT)
    write_input(edit(EXAMPLE_TEXT, MEMBER, ""), unit="xa-khac")
    res = run_cli("validate", str(good.parent.parent))
    assert res.returncode == 1
    assert "✓" in res.stdout and "số lẻ" in res.stderr and "xa-khac/2024.yaml" in res.stderr
    assert "Traceback" not in res.stderr


# ---------------------------------------------------------------- after 01/07/2025, and who signs Mẫu 3

def _dated_2026(text: str) -> str:
    """The example moved a year on: the team, the sheets, the report and the request after the reform."""
    text = text.replace("year: 2024", "year: 2025").replace("/2025", "/2026").replace("/2024", "/2025")
    return text.replace("năm 2024", "năm 2025")


def test_every_field_naming_a_district_level_body_after_the_reform_is_warned_with_its_line(write_input):
    text = edit(_dated_2026(EXAMPLE_TEXT), "    date: 20/06/2025", "    date: 20/07/2025")  # the team decided after it
    text = edit(text, "receiver: Phòng Giáo dục và Đào tạo huyện Quảng Điền", "receiver: Phòng GD&ĐT thị xã Phong Điền")
    text = edit(text, "authority: Chủ tịch Ủy ban nhân dân huyện Quảng Điền", "authority: Chủ tịch UBND thị xã Phong Điền")
    text = edit(text, "executors: Công chức Văn phòng", "executors: Chủ tịch UBND thành phố Bà Rịa, Công chức Văn phòng")
    path = write_input(text, name="2025.yaml")
    with pytest.raises(InputError) as exc:
        validate_file(path, strict=True)
    warned = {p.field: p for p in exc.value.problems if p.warning and "01/07/2025" in p.message}
    for field, needle, body in (
        ("recognition.receiver", "  receiver: Phòng GD&ĐT", "thị xã Phong Điền"),
        ("recognition.authority", "  authority: Chủ tịch UBND thị xã", "thị xã Phong Điền"),
        ("unit.parent_agency", "  parent_agency:", "huyện Quảng Điền"),
        ("team.decision.grounds[1]", "- Kế hoạch số 160/KH-UBND", "huyện Quảng Điền"),
        ("team.decision.executors", "    executors:", "thành phố Bà Rịa"),
        ("report.recipients[1]", "    - Phòng Giáo dục và Đào tạo huyện", "huyện Quảng Điền"),
        ("request.grounds[1]", "    - Kế hoạch số 160/KH-UBND", "huyện Quảng Điền"),
    ):
        occurrence = 2 if field == "request.grounds[1]" else 1
        assert field in warned, (field, sorted(warned))
        assert warned[field].line == line_of(text, needle, occurrence) and body in warned[field].message, field
    # evidence issued after the reform by a district body; a commune body is none
    assert 'indicators."3.3".evidence[1].issuer' in warned and "team.decision.recipients[1]" not in warned
    assert "recognition.scope" in warned  # “cấp huyện”: the scope is the province's to set


def test_the_same_fields_before_the_reform_are_not_warned():
    loaded = validate_file(EXAMPLE)
    assert not [p for p in loaded.warnings if "01/07/2025" in p.message]


def test_district_bodies_are_one_definition_of_data():
    from pipeline.core.localgov import district_body

    for text, body in (("Phòng GD&ĐT thị xã Phong Điền", "thị xã Phong Điền"), ("UBND quận Hải Châu", "quận Hải Châu"),
                       ("Chủ tịch UBND thành phố Bà Rịa", "thành phố Bà Rịa"), ("Phòng Giáo dục và Đào tạo huyện", "huyện"),
                       ("UBND Thành phố Thủ Đức", "Thành phố Thủ Đức")):
        assert district_body(text) == body, text
    for text in ("Sở Giáo dục và Đào tạo thành phố Huế", "UBND TP. Hồ Chí Minh", "Đơn vị học tập cấp huyện",
                 "Hội Khuyến học xã Quảng Phú", "Phòng Văn hóa – Xã hội", ""):
        assert district_body(text) is None, text


def test_a_report_signer_who_is_not_the_team_leader_is_a_warning(write_input):
    text = edit(EXAMPLE_TEXT, "  recipients:                               # Nơi nhận báo cáo",
                "  signer: {name: Hoàng Văn Minh, title: Chủ tịch}\n  recipients:                               # Nơi nhận báo cáo")
    [p] = [p for p in validate_file(write_input(text)).warnings if p.field == "report.signer.name"]
    assert p.line == line_of(text, "  signer: {name: Hoàng Văn Minh") and "Nguyễn Quốc Việt" in p.message
    assert "Tổ trưởng" in p.message


def test_a_team_leader_without_a_leaders_office_is_asked_for_report_signer(write_input):
    text = edit(EXAMPLE_TEXT, "      position: Phó Chủ tịch UBND xã\n      role: leader",
                "      position: Công chức Văn hóa – xã hội\n      role: leader")
    text = edit(text, "signer:\n  name: Nguyễn Quốc Việt", "signer:\n  name: Hoàng Văn Minh")
    text = edit(text, "  title: Phó Chủ tịch\n  on_behalf_of: Chủ tịch", "  title: Chủ tịch")
    [p] = [p for p in validate_file(write_input(text)).warnings if "report.signer" in p.message]
    assert p.field == "team.members[1].position"


# ---------------------------------------------------------------- kinds of unit, levels, kind-specific facts (issue 26)

from conftest import ROOT  # noqa: E402

THCS_TEXT = (ROOT / "inputs" / "thcs-quang-phu" / "2024.yaml").read_text(encoding="utf-8")
THPT_TEXT = (ROOT / "inputs" / "thpt-tam-giang" / "2024.yaml").read_text(encoding="utf-8")
THCS_KIND = "  kind: thcs                                # loại đơn vị: trường trung học cơ sở (cấp huyện)\n"
THPT_LEARNERS = """learners:
  total: 1260                               # tổng số học sinh
  learning_citizens: 1215                   # số học sinh đạt danh hiệu “Công dân học tập”
"""


@pytest.mark.parametrize("folder, text", [("thcs-quang-phu", THCS_TEXT), ("thpt-tam-giang", THPT_TEXT)])
def test_school_examples_are_valid(write_input, folder, text):
    assert validate_file(write_input(text, unit=folder)).model.unit.kind in ("thcs", "thpt")


def test_unknown_kind_lists_the_kinds(write_input):
    text = edit(THCS_TEXT, THCS_KIND, "  kind: truong-cap-2\n")
    p = only(write_input(text, unit="thcs-quang-phu"), "unit.kind")
    assert "truong-cap-2" in p.message and "thcs" in p.message and "dvht kinds" in p.message
    assert p.line == line_of(text, "  kind: truong-cap-2")


def test_a_level_the_kind_does_not_have(write_input):
    text = edit(THCS_TEXT, THCS_KIND, THCS_KIND + "  level: cấp tỉnh\n")
    p = only(write_input(text, unit="thcs-quang-phu"), "unit.level")
    assert "cấp huyện" in p.message and "không ở cấp tỉnh" in p.message
    assert p.line == line_of(text, "  level: cấp tỉnh")


def test_a_kind_at_both_levels_needs_its_level(write_input):
    text = edit(EXAMPLE_TEXT, "  kind: ubnd-xa ", "  kind: doanh-nghiep ")
    p = only(write_input(text), "unit")
    assert "level" in p.message and "cap-huyen (cấp huyện) hoặc cap-tinh (cấp tỉnh)" in p.message
    # with its level, the enterprise is checked as one: 1.3 and 2.4 do not concern it
    text = edit(text, "  kind: doanh-nghiep ", "  level: cap-huyen\n  kind: doanh-nghiep ")
    found = {q.field: q.message for q in problems(write_input(text))}
    assert "không áp dụng" in found['indicators."1.3"'] and "không áp dụng" in found['indicators."2.4"']


def test_learners_refused_where_pupils_are_not_nguoi_hoc(write_input):
    text = edit(THCS_TEXT, "collective_title:", "learners: {total: 500, learning_citizens: 490}\ncollective_title:")
    p = only(write_input(text, unit="thcs-quang-phu"), "learners")
    assert "xóa mục này" in p.message and p.line == line_of(text, "learners:")


def test_learners_required_where_pupils_are_nguoi_hoc(write_input):
    text = edit(THPT_TEXT, THPT_LEARNERS, "")
    p = only(write_input(text, unit="thpt-tam-giang"), "")
    assert "learners" in p.message and "3.1" in p.message


def test_more_learning_citizens_than_learners(write_input):
    text = edit(THPT_TEXT, "  learning_citizens: 1215", "  learning_citizens: 1300")
    p = only(write_input(text, unit="thpt-tam-giang"), "learners.learning_citizens")
    assert "1300" in p.message and "1260" in p.message


def test_digital_level_required_for_34_and_read_as_typed(write_input):
    text = edit(THCS_TEXT, "digital_transformation: co-ban\n", "")
    assert "digital_transformation" in only(write_input(text, unit="thcs-quang-phu"), "").message
    text = edit(THCS_TEXT, "digital_transformation: co-ban", "digital_transformation: khá")
    assert only(write_input(text, unit="thcs-quang-phu"), "digital_transformation")
    text = edit(EXAMPLE_TEXT, "collective_title:", "digital_transformation: tot\ncollective_title:")
    assert "xóa mục này" in only(write_input(text), "digital_transformation").message


def test_accredited_without_dates(write_input):
    text = edit(THCS_TEXT, THCS_KIND, "  kind: co-so-gdnn\n")
    text = edit(text, "digital_transformation: co-ban", "vocational_accreditation: {accredited: có}\n"
                "learners: {total: 300, learning_citizens: 290}")
    text = edit(text, '  "3.4":', '  "3.5":')
    found = [q.message for q in problems(write_input(text, unit="thcs-quang-phu")) if q.field == "vocational_accreditation"]
    assert any("date" in m for m in found) and any("valid_until" in m for m in found)
