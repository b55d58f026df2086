"""The documents beyond the three forms (Tờ trình, Quyết định, Danh mục minh chứng) and the
signatures, Nơi nhận and prose of the dossier: opened with python-docx, checked for content."""

from __future__ import annotations

import copy
import io

import pytest
from docx import Document

from conftest import EXAMPLE, EXAMPLE_TEXT, ROOT, docx_texts, edit, pdf_pages
from pipeline.cli.dossier import build_all
from pipeline.core.vocab import Level
from pipeline.criteria import load_catalogue
from pipeline.documents import spec
from pipeline.render.engine import build_contexts, render_all
from pipeline.rules.assess import assess_file
from pipeline.rules.evaluate import evaluate
from pipeline.rules.evidence import register
from pipeline.sources.model import DossierInput

CAT = load_catalogue("tt24-2023")
LOADED, ASSESSMENT = assess_file(EXAMPLE)
MODEL = LOADED.model


texts = docx_texts


def opened(built, key, unit="quang-phu") -> list[str]:
    return texts(Document(str(built / unit / "2024" / spec(key).template)))


def variant(**changes) -> DossierInput:
    """The example's model with some fields replaced (dotted paths)."""
    data = MODEL.model_dump()
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    return DossierInput.model_validate(data)


def rendered(model: DossierInput) -> dict[str, list[str]]:
    docs, _ = render_all(model, evaluate(model, CAT), CAT)
    return {key: texts(Document(io.BytesIO(blob))) for key, blob in docs.items()}


# ---------------------------------------------------------------- Tờ trình

def test_to_trinh_parts_come_from_the_input_and_the_evaluation(built):
    t = opened(built, "to-trinh")
    body = "\n".join(t)
    assert "TỜ TRÌNH" in t and "Số: 10/TTr-UBND" in t
    assert "Về việc đề nghị công nhận “Đơn vị học tập” cấp huyện Mức độ 1 năm 2024" in t
    assert "Kính gửi: Phòng Giáo dục và Đào tạo huyện Quảng Điền." in t
    assert "Quảng Phú, ngày 09 tháng 01 năm 2025" in t
    assert any(line.startswith("Căn cứ Thông tư số 24/2023/TT-BGDĐT") for line in t)
    assert any(line.startswith("Căn cứ Kế hoạch số 160/KH-UBND ngày 07/6/2024") for line in t)
    # the level and figures are the evaluation's, never retyped
    assert ASSESSMENT.unit_level == Level.LEVEL_1
    for c in ASSESSMENT.criteria:
        assert any(line.startswith(f"- Tiêu chí {c.number}: {c.label} (") for line in t), c.number
    r23 = ASSESSMENT.indicator("2.3")
    assert r23.checks[1].numerator == 28 and f"{r23.checks[1].numerator}/{r23.checks[1].denominator}" in body
    assert "+ Chỉ tiêu 3 của Tiêu chí 2: Đạt Mức độ 1 (28/30 thành viên" in body
    assert ("Ủy ban nhân dân xã Quảng Phú kính đề nghị Chủ tịch Ủy ban nhân dân huyện Quảng Điền xem xét, công nhận "
            "Ủy ban nhân dân xã Quảng Phú đạt “Đơn vị học tập” cấp huyện Mức độ 1 năm 2024.") in t
    assert "1. Báo cáo tự đánh giá số 08/BC-UBND ngày 08/01/2025 của Ủy ban nhân dân xã Quảng Phú (Mẫu 3);" in t
    assert t.index("Nơi nhận:") < t.index("- Như trên;") < t.index("- Lưu: VT, VHXH.")
    sig = t[t.index("TM. ỦY BAN NHÂN DÂN"):]
    assert sig[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and "Nguyễn Quốc Việt" in sig


def test_no_level_no_to_trinh_and_the_run_says_why(tmp_path):
    (tmp_path / "inputs" / "xa-a").mkdir(parents=True)
    text = edit(EXAMPLE_TEXT, "collective_title: tap-the-lao-dong-tien-tien", "collective_title: khong")
    text = edit(text, "    assessors: [anh, ha]\n    declared_level: muc-2", "    assessors: [anh, ha]")
    (tmp_path / "inputs" / "xa-a" / "2024.yaml").write_text(text, encoding="utf-8")
    lines: list[str] = []
    assert build_all(tmp_path / "inputs", tmp_path / "out", pdf=False, progress=False, out=lines.append) == 0
    folder = tmp_path / "out" / "xa-a" / "2024"
    assert not (folder / spec("to-trinh").template).exists() and (folder / spec("mau-3").template).exists()
    report = "\n".join(lines)
    assert "Không đạt" in report and "không lập Tờ trình" in report and "Tiêu chí 3 không đạt" in report


# ---------------------------------------------------------------- Quyết định

def test_quyet_dinh_lists_every_member_with_grounds_articles_and_the_chairmans_signature(built):
    t = opened(built, "quyet-dinh")
    assert "QUYẾT ĐỊNH" in t and "Số: 68/QĐ-UBND" in t and "Quảng Phú, ngày 20 tháng 6 năm 2024" in t
    assert "Về việc thành lập Tổ tự đánh giá “Đơn vị học tập” UBND xã Quảng Phú năm 2024" in t
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ" in t and "QUYẾT ĐỊNH:" in t
    grounds = [line for line in t if line.startswith("Căn cứ ")]
    assert grounds[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")
    assert any("Thông tư số 24/2023/TT-BGDĐT" in g for g in grounds) and "Theo đề nghị của công chức Văn hóa – xã hội." in t
    roles = {"leader": "Tổ trưởng", "secretary": "Thư ký", "member": "Thành viên"}
    for i, member in enumerate(MODEL.team.members, 1):
        assert any(line.startswith(f"{i}. {member.name}, {member.position} – {roles[member.role]}") for line in t), member.name
    body = "\n".join(t)
    assert "Điều 1. Thành lập Tổ tự đánh giá" in body and "gồm 05 thành viên" in body
    assert "Điều 2. Tổ tự đánh giá có nhiệm vụ:" in body and "mỗi chỉ tiêu có 02 người đánh giá" in body
    assert "Điều 3. Quyết định này có hiệu lực kể từ ngày ký." in body
    assert "- Như Điều 3;" in t and t[-1] != ""
    sig = t[t.index("- Lưu: VT, VHXH.") + 1:]
    assert "CHỦ TỊCH" in sig and "Hoàng Văn Minh" in sig and not any(line.startswith("TM.") for line in sig)


def test_a_decision_after_the_2025_reform_cites_the_2025_law():
    contexts, _ = build_contexts(variant(team__decision__date="2025-08-04", year=2025), ASSESSMENT, CAT)
    grounds = contexts["quyet-dinh"]["decision"]["grounds"]
    assert grounds[0] == "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
    assert not any("2015" in g for g in grounds)


# ---------------------------------------------------------------- Danh mục minh chứng

def test_every_evidence_item_once_with_the_codes_the_sheets_cite(built):
    d = Document(str(built / "quang-phu" / "2024" / spec("minh-chung").template))
    rows = [[c.text for c in r.cells] for r in d.tables[-1].rows][1:]
    items = [ev for ind in MODEL.indicators.values() for ev in ind.evidence]
    assert len(rows) == len(items) == 20
    assert [r[0] for r in rows] == [str(i) for i in range(1, 21)]
    sheets = "\n".join(opened(built, "mau-1"))
    report = "\n".join(opened(built, "mau-3"))
    for code, title, number, _issuer, cited in ((r[1], r[2], r[3], r[4], r[5]) for r in rows):
        assert f"[{code}] {title}" in sheets and f"[{code}] {title}" in report
        assert cited == code.split("-")[0]
        assert number.split("\n")[0] in sheets
    assert "(Kèm theo Báo cáo tự đánh giá số 08/BC-UBND ngày 08/01/2025 của Ủy ban nhân dân xã Quảng Phú)" in texts(d)


def test_an_item_cited_by_two_indicators_keeps_one_code():
    data = MODEL.model_dump()
    shared = copy.deepcopy(data["indicators"]["1.2"]["evidence"][0])  # the internal spending rules, 1.2-01
    shared["title"] = shared["title"].upper()  # the same document typed again, in other case
    data["indicators"]["1.3"]["evidence"].insert(0, shared)
    model = DossierInput.model_validate(data)
    items, codes = register(model)
    assert len(items) == 20
    assert codes[("1.3", 0)] == codes[("1.2", 0)] == "1.2-01"
    assert codes[("1.3", 1)] == "1.3-01"  # 1.3's own items are numbered among themselves
    item = next(i for i in items if i.code == "1.2-01")
    assert item.cited_by == ("1.2", "1.3")
    docs = rendered(model)
    table = "\n".join(docs["minh-chung"])
    assert table.count("Quy chế chi tiêu nội bộ năm 2024") == 1 and "1.2, 1.3" in table
    assert "[1.2-01] QUY CHẾ CHI TIÊU NỘI BỘ" in "\n".join(docs["mau-1"])


# ---------------------------------------------------------------- who signs, who receives, as data

def test_receiver_authority_scope_and_signer_follow_the_input_in_every_document():
    model = variant(
        recognition={"scope": "cấp xã", "receiver": "Sở Giáo dục và Đào tạo tỉnh Huế",
                     "authority": "Chủ tịch Ủy ban nhân dân thành phố Huế"},
        signer={"name": "Trần Văn Bình", "title": "Chủ tịch", "on_behalf_of": ""},
        report__recipients=[],  # the report then goes to the receiving body
    )
    docs = rendered(model)
    everything = "\n".join(line for lines in docs.values() for line in lines)
    assert "“Đơn vị học tập” cấp huyện" not in everything.replace("cấp huyện, tỉnh", "") and "CẤP HUYỆN" not in everything
    for old in ("Phòng Giáo dục và Đào tạo huyện", "Chủ tịch Ủy ban nhân dân huyện"):
        assert old not in everything, old
    assert "Kính gửi: Sở Giáo dục và Đào tạo tỉnh Huế." in docs["to-trinh"]
    assert any("Chủ tịch Ủy ban nhân dân thành phố Huế xem xét, công nhận" in line for line in docs["to-trinh"])
    assert "ĐƠN VỊ HỌC TẬP CẤP XÃ NĂM 2024" in docs["mau-3"]
    assert any("“Đơn vị học tập” cấp xã Mức độ 1" in line for line in docs["mau-3"])
    lines = docs["to-trinh"]
    i = lines.index("TM. ỦY BAN NHÂN DÂN")
    assert lines[i + 1] == "CHỦ TỊCH" and "Trần Văn Bình" in lines[i:] and "Nguyễn Quốc Việt" not in lines[i:]
    lines = docs["mau-3"]  # the report is the team's: its Tổ trưởng signs, with the line of his own office
    i = lines.index("TM. ỦY BAN NHÂN DÂN")
    assert lines[i + 1:i + 3] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and "Nguyễn Quốc Việt" in lines[i:]
    assert "Trần Văn Bình" not in lines[i:]
    assert "- Sở Giáo dục và Đào tạo tỉnh Huế;" in docs["mau-3"]
    assert "Hoàng Văn Minh" in docs["quyet-dinh"]  # the decision keeps its own signer


def test_mau3_is_signed_for_the_committee_with_noi_nhan_and_the_team_keeps_its_leader(built):
    t = opened(built, "mau-3")
    i = t.index("TM. ỦY BAN NHÂN DÂN")
    assert t[i:i + 3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and "Nguyễn Quốc Việt" in t[i:]
    assert "TỔ TRƯỞNG" not in t  # the report is not signed by a team role…
    assert "Tổ trưởng" in t  # …while the team's page names its leader
    assert "Nơi nhận:" in t and "- Phòng Giáo dục và Đào tạo huyện Quảng Điền;" in t and "- Lưu: VT, VHXH." in t
    cover_end = t.index("DANH SÁCH VÀ CHỮ KÝ")
    assert t[cover_end:].count("Quảng Phú, ngày 08 tháng 01 năm 2025") == 1  # the place and date once in the report


def test_prose_reads_as_written_by_a_person(built):
    t = opened(built, "mau-3")
    body = "\n".join(t)
    assert "Căn cứ:" not in body and "≥" not in body and "— đạt" not in body
    assert "- 28/30 thành viên được đào tạo, bồi dưỡng và tham gia thực hiện chuyển đổi số, tỷ lệ 93,3%, chưa đạt mức tối thiểu 95% của Mức độ 2." in t
    assert "Chỉ tiêu 4, Chỉ tiêu 5 của Tiêu chí 3" in body and "3.4, 3.5" not in body
    for n in (1, 2, 3):
        assert f"5. Kết luận về Tiêu chí {n}:" in t
    assert any(line.startswith("- Đề nghị Chủ tịch Ủy ban nhân dân huyện Quảng Điền xem xét") and "Mức độ 1 năm 2024" in line for line in t)


def test_indicator_headings_are_kept_with_what_follows(built):
    d = Document(str(built / "quang-phu" / "2024" / spec("mau-3").template))
    headings = [p for p in d.paragraphs if p.text.startswith("Chỉ tiêu ") and "Không áp dụng" not in p.text]
    assert len(headings) >= 13
    assert all(p.paragraph_format.keep_with_next for p in headings)


@pytest.mark.libreoffice
def test_mau1_pdf_pages_carry_no_repeated_numbers(built):
    pdf = built / "quang-phu" / "2024" / (spec("mau-1").stem + ".pdf")
    pages = pdf_pages(pdf)
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 13
    for page in pages:
        first = page.strip().splitlines()[0].strip()
        assert not first.isdigit(), first  # each sheet's first page is unnumbered; numbers restart per sheet


def _style_ids(data: bytes) -> tuple[set, set]:
    """(styles defined in styles.xml, styles referenced by any other part) of a .docx."""
    import re
    import zipfile

    package = zipfile.ZipFile(io.BytesIO(data))
    defined = set(re.findall(rb'<w:style [^>]*w:styleId="([^"]+)"', package.read("word/styles.xml")))
    referenced = set()
    for name in package.namelist():
        if name.endswith(".xml") and "styles" not in name.lower():
            referenced |= set(re.findall(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', package.read(name)))
    return defined, referenced


def test_lean_styles_keeps_what_is_used_with_its_chain_and_drops_the_rest():
    from pipeline.documents.docxkit import lean_styles

    doc = Document()
    doc.add_paragraph("Mục lớn", style="Heading 1")
    before, _ = _style_ids(_saved(doc))
    buffer = io.BytesIO()
    lean_styles(doc).save(buffer)
    names = zipfile_names(buffer.getvalue())
    defined, referenced = _style_ids(buffer.getvalue())
    assert {b"Heading1", b"Heading1Char", b"Normal"} <= defined  # used, linked, based on / followed by
    assert b"Title" in before and b"Title" not in defined and b"Quote" not in defined
    assert referenced <= defined
    assert len(defined) < len(before) / 5
    assert "word/stylesWithEffects.xml" not in names
    assert b"stylesWithEffects" not in _part(buffer.getvalue(), "word/_rels/document.xml.rels")
    assert b"stylesWithEffects" not in _part(buffer.getvalue(), "[Content_Types].xml")


def test_built_in_templates_define_every_style_they_use_and_nothing_else_large():
    from pipeline.documents import DOCUMENTS

    for doc_spec in DOCUMENTS:
        data = (ROOT / "templates" / doc_spec.template).read_bytes()
        defined, referenced = _style_ids(data)
        assert referenced and referenced <= defined, doc_spec.template
        assert len(defined) <= 20, (doc_spec.template, sorted(defined))
        assert "word/stylesWithEffects.xml" not in zipfile_names(data)


def _saved(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _part(data: bytes, name: str) -> bytes:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def zipfile_names(data: bytes) -> list[str]:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data)).namelist()


# ---------------------------------------------------------------- issue 23: header, signer, style

def test_header_of_a_peoples_committee_has_no_parent_agency_and_breaks_between_name_parts(built):
    for key in ("to-trinh", "mau-3", "quyet-dinh", "minh-chung"):
        d = Document(str(built / "quang-phu" / "2024" / spec(key).template))
        header = [p.text for p in d.tables[0 if key != "mau-3" else 2].rows[0].cells[0].paragraphs if p.text]
        assert header[:2] == ["ỦY BAN NHÂN DÂN", "XÃ QUẢNG PHÚ"], (key, header)
        assert not any("HUYỆN" in line for line in header), key
    cover = opened(built, "mau-3")
    assert cover[0] == "ỦY BAN NHÂN DÂN HUYỆN QUẢNG ĐIỀN"  # the cover keeps the cơ quan chủ quản given


def test_a_long_name_breaks_only_between_its_parts_and_the_parent_agency_may_be_empty():
    from pipeline.core.localgov import header_lines

    assert [h["text"] for h in header_lines("Ủy ban nhân dân xã Tân Mỹ")] == ["ỦY BAN NHÂN DÂN", "XÃ TÂN MỸ"]
    long = [h["text"] for h in header_lines("Ủy ban nhân dân phường Hòa Thịnh Đông Nam Bắc")]
    assert long[0] == "ỦY BAN NHÂN DÂN" and "HÒA THỊNH ĐÔNG NAM BẮC" in long
    school = header_lines("Trường Tiểu học Quảng Phú", "Ủy ban nhân dân xã Quảng Phú")
    assert [(h["text"], h["bold"]) for h in school] == [("ỦY BAN NHÂN DÂN", False), ("XÃ QUẢNG PHÚ", False),
                                                       ("TRƯỜNG TIỂU HỌC", True), ("QUẢNG PHÚ", True)]
    docs = rendered(variant(unit__parent_agency=""))
    assert docs["mau-3"][0] == "ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ"


def test_mau_3_is_signed_by_the_team_leader_with_his_own_office():
    docs = rendered(variant(signer={"name": "Hoàng Văn Minh", "title": "Chủ tịch", "on_behalf_of": ""}))
    t = docs["mau-3"]
    sig = t[t.index("TM. ỦY BAN NHÂN DÂN"):]
    assert sig[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and "Nguyễn Quốc Việt" in sig
    assert "Hoàng Văn Minh" not in sig
    tt = docs["to-trinh"]  # the Tờ trình stays the head's
    assert tt[tt.index("TM. ỦY BAN NHÂN DÂN"):][1] == "CHỦ TỊCH" and "Hoàng Văn Minh" in tt


def test_abbreviations_in_vietnamese_order_and_style_of_figures(built):
    d = Document(str(built / "quang-phu" / "2024" / spec("mau-3").template))
    abbr = next(t for t in d.tables if t.rows[0].cells[1].text == "CHỮ VIẾT TẮT")
    shorts = [r.cells[1].text for r in abbr.rows[1:]]
    assert shorts.index("DS") < shorts.index("HĐND") < shorts.index("HKH") < shorts.index("NĐ-CP") < shorts.index("NQ")
    body = "\n".join(opened(built, "to-trinh"))
    line = next(t for t in opened(built, "to-trinh") if t.startswith("+ Chỉ tiêu 4 của Tiêu chí 2: Đạt Mức độ 1 (18/30 thành viên"))
    assert "tỷ lệ 60%, đáp ứng mức tối thiểu 50% của Mức độ 1; 09/30 thành viên" in line  # the level reached, and the one missed
    assert "tỷ lệ 30%, chưa đạt mức tối thiểu 70% của Mức độ 2" in line
    assert "ngày 20/6/2024" in body and "20/06/2024" not in body  # dates cited by the national rule
    sheets = "\n".join(opened(built, "mau-1"))
    assert "[1.2-01] Quy chế chi tiêu nội bộ năm 2024 của UBND xã Quảng Phú, số 12/QĐ-UBND ngày 10/01/2024." in sheets
    assert ", của " not in sheets
    dm = opened(built, "minh-chung")
    assert "Mã" in dm and "Mã minh chứng" not in dm and "1985/QĐ-UBND" in dm
    report = "\n".join(opened(built, "mau-3"))
    assert "Danh mục minh chứng kèm theo Báo cáo này" in report


# ---------------------------------------------------------------- no suitable evidence: every document says why

def _without_evidence(text: str, code: str) -> str:
    start = text.index(f'  "{code}":')
    ev, end = text.index("    evidence:", start), text.index("    strengths:", start)
    return text[:ev] + "    evidence: []\n" + text[end:]


def test_an_indicator_without_evidence_says_why_in_every_document(tmp_path):
    (tmp_path / "inputs" / "xa-a").mkdir(parents=True)
    path = tmp_path / "inputs" / "xa-a" / "2024.yaml"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert build_all(tmp_path / "inputs", out, pdf=False, progress=False, out=lambda _line: None) == 0
    path.write_text(_without_evidence(EXAMPLE_TEXT, "1.3"), encoding="utf-8")
    lines: list[str] = []
    assert build_all(tmp_path / "inputs", out, pdf=False, progress=False, out=lines.append) == 0
    report = "\n".join(lines)
    assert "↻ 1.3: Đạt Mức độ 2 → Không đạt, vì không có minh chứng phù hợp" in report
    assert "không lập Tờ trình" in report and "chỉ tiêu 1.3: không có minh chứng phù hợp" in report
    folder = out / "xa-a" / "2024"
    assert not (folder / spec("to-trinh").template).exists()
    mau2 = texts(Document(str(folder / spec("mau-2").template)))
    assert any(t.startswith("Chỉ tiêu 3 của Tiêu chí 1 không đạt: Không có minh chứng phù hợp") and "Điều 9 khoản 3" in t
               for t in mau2)
    for key in ("mau-1", "mau-3"):
        body = "\n".join(texts(Document(str(folder / spec(key).template))))
        assert "- Không có minh chứng phù hợp (văn bản có tên và số hoặc ngày ban hành), nên chỉ tiêu được đánh giá " \
               "không đạt theo Điều 9 khoản 3 Thông tư số 24/2023/TT-BGDĐT;" in body, key
    mau1 = "\n".join(texts(Document(str(folder / spec("mau-1").template))))
    sheet = mau1[mau1.index("Chỉ tiêu 3: Bố trí đủ kinh phí"):]
    assert "4. Tự đánh giá: Không đạt" in sheet[:sheet.index("Mẫu 1")]


def test_the_example_has_no_not_met_lines_in_mau_2(built):
    assert not any("không đạt:" in t for t in opened(built, "mau-2"))
