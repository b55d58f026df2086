"""The field reference for template editors: every field the templates may use, what it holds and
its value for the example, per document, with the loops the forms use. Generated from the real
contexts (`make templates` writes docs/truong-du-lieu-mau.md and .docx); a test keeps it in step."""

from __future__ import annotations

from pathlib import Path

from pipeline.documents import DOCUMENTS
from pipeline.documents.common import BASE_FIELDS

SHEET = {
    "": "phiếu của một chỉ tiêu (danh sách)",
    "applicable": "chỉ tiêu có áp dụng cho loại đơn vị này không (đúng/sai)",
    "assessor1": "họ tên người đánh giá 1", "assessor2": "họ tên người đánh giá 2",
    "code": "mã chỉ tiêu, ví dụ 2.4", "number": "số thứ tự chỉ tiêu trong tiêu chí",
    "criterion_number": "số tiêu chí", "criterion_title": "tên tiêu chí, nguyên văn Thông tư 24",
    "description": "1. Mô tả hiện trạng, mỗi dòng một đoạn (danh sách)",
    "evidence": "các dòng minh chứng “[mã] tên, số, ngày, cơ quan” (danh sách)",
    "figures": "các câu căn cứ xếp mức, tính từ dữ liệu (danh sách)",
    "not_applicable": "câu “(…): không áp dụng đối với …” của chỉ tiêu không áp dụng",
    "level": "mức tự đánh giá, ví dụ “Đạt Mức độ 1”",
    "strengths": "2. Điểm mạnh (danh sách đoạn)", "weaknesses": "3. Tồn tại (danh sách đoạn)",
    "text_level1": "nội dung chỉ tiêu Mức độ 1, nguyên văn", "text_level2": "nội dung chỉ tiêu Mức độ 2, nguyên văn",
    "texts_differ": "nội dung hai mức có khác nhau không (đúng/sai)",
}
SIGNATURE = {"signature.lines": "các dòng thẩm quyền ký (TM. …, KT. …, chức vụ) (danh sách)", "signature.name": "họ tên người ký",
             "recipients": "các dòng Nơi nhận, đã có “- ” và “;” (danh sách)", "number": "dòng “Số: …”",
             "place_date": "địa danh, ngày tháng năm", "subject": "trích yếu “Về việc …”", "grounds": "các dòng “Căn cứ …” (danh sách)"}
FIELDS = {
    "year": "năm đánh giá", "scope": "cấp công nhận, ví dụ “cấp huyện”", "place_date": "địa danh, ngày ký báo cáo",
    "leader": "họ tên Tổ trưởng", "reached": "đơn vị đạt từ Mức độ 1 trở lên không (đúng/sai)",
    "unit_level": "mức tự đánh giá của đơn vị", "unit_level_number": "mức của đơn vị dạng số: 0, 1, 2",
    "team_size": "số thành viên Tổ tự đánh giá (từ 1 đến 9 có số 0 đứng trước)",
    "team_decision": "“số … ngày …” của quyết định thành lập Tổ", "report_number": "dòng “Số: …” của báo cáo",
    "sheets_place_date": "địa danh, ngày ký các phiếu Mẫu 1", "summary_place_date": "địa danh, ngày ký Mẫu 2",
    "unit.name": "tên đầy đủ của đơn vị", "unit.short_name": "tên viết gọn", "unit.name_upper": "tên đầy đủ, chữ in hoa",
    "unit.parent_agency_upper": "cơ quan chủ quản, chữ in hoa (trống nếu không có)",
    "unit.header": "các dòng tên cơ quan ở đầu văn bản: cơ quan chủ quản nếu có, rồi tên đơn vị, ngắt dòng giữa các phần tên (danh sách)",
    "unit.header.text": "một dòng, chữ in hoa", "unit.header.bold": "in đậm (tên đơn vị) hay không (cơ quan chủ quản)",
    "evidence_note": "câu dẫn tới Danh mục minh chứng kèm theo báo cáo", "unit.kind_label": "loại đơn vị, ví dụ “Ủy ban nhân dân cấp xã”",
    "recognition.receiver": "cơ quan nhận hồ sơ (Kính gửi)", "recognition.authority": "người có thẩm quyền công nhận",
    "criteria_lines": "mỗi tiêu chí một dòng kết quả (danh sách)", "tally_lines": "số và tỷ lệ chỉ tiêu ở mỗi mức (danh sách)",
    "team": "thành viên Tổ tự đánh giá (danh sách)", "team.index": "số thứ tự", "team.name": "họ tên",
    "team.position": "chức danh, chức vụ", "team.role": "nhiệm vụ trong Tổ: Tổ trưởng, Thư ký, Thành viên",
    "criteria": "các tiêu chí (danh sách)", "criteria.number": "số tiêu chí", "criteria.title": "tên tiêu chí",
    "criteria.level": "mức của tiêu chí", "criteria.marks": "ba ô X của tiêu chí: Không đạt, Mức 1, Mức 2 (danh sách)",
    "criteria.rows": "các dòng chỉ tiêu của Mẫu 2 (danh sách)", "criteria.rows.number": "số chỉ tiêu",
    "criteria.rows.applicable": "có áp dụng không", "criteria.rows.marks": "ba ô X của chỉ tiêu (danh sách)",
    "criteria.strengths": "điểm mạnh nổi bật của tiêu chí (danh sách đoạn)", "criteria.weaknesses": "điểm yếu cơ bản (danh sách đoạn)",
    "criteria.count_line": "câu đếm số chỉ tiêu ở mỗi mức",
    "general_situation": "A.1 Tình hình chung (danh sách đoạn)", "purpose": "A.2 Mục đích (danh sách đoạn)",
    "process_summary": "A.3 Tóm tắt quá trình (danh sách đoạn)", "conclusion": "các dòng C. Kết luận chung (danh sách)",
    "other_conclusions": "các kết luận khác (danh sách đoạn)", "abbreviations": "chữ viết tắt dùng trong báo cáo (danh sách)",
    "abbreviations.index": "số thứ tự", "abbreviations.short": "chữ viết tắt", "abbreviations.full": "nội dung",
    "request.receiver": "cơ quan nhận (Kính gửi)", "request.earlier": "câu nêu quyết định công nhận lần trước (trống nếu chưa có)",
    "not_met": "mỗi chỉ tiêu không đạt một câu nêu lý do (danh sách)", "request.intro": "câu mở đầu phần kết quả", "request.results": "kết quả từng tiêu chí (danh sách)",
    "request.figures": "số liệu từng chỉ tiêu tính từ dữ liệu (danh sách)", "request.ask": "lời đề nghị công nhận, có mức",
    "request.attachments": "hồ sơ kèm theo (danh sách)", "request.close": "câu kết “Kính trình …”",
    "decision.authority": "thẩm quyền ban hành, ví dụ “CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …”", "decision.article1": "nội dung Điều 1",
    "decision.members": "các dòng thành viên Tổ kèm nhiệm vụ (danh sách)", "decision.article2": "câu dẫn Điều 2",
    "decision.tasks": "nhiệm vụ của Tổ (danh sách)", "decision.article3": "nội dung Điều 3",
    "evidence.rows": "các minh chứng (danh sách)", "evidence.rows.index": "số thứ tự", "evidence.rows.code": "mã minh chứng",
    "evidence.rows.title": "tên minh chứng", "evidence.rows.number": "số văn bản", "evidence.rows.number_parts": "số văn bản tách ở dấu “-” (in lại bằng gạch nối không ngắt dòng)", "evidence.rows.date": "“ngày …”",
    "evidence.rows.issuer": "cơ quan ban hành", "evidence.rows.cited_by": "các chỉ tiêu trích dẫn", "evidence.note": "dòng “Kèm theo …”",
    "evidence.count": "tổng số minh chứng",
}
LOOPS = [
    ("{%p for line in general_situation %} … {{ line }} … {%p endfor %}", "mỗi phần tử một đoạn văn"),
    ("{%tr for m in team %} … {{ m.name }} … {%tr endfor %}", "mỗi phần tử một dòng bảng"),
    ("{%tr for c in criteria %}{%tr for r in c.rows %} … {% vm %}{{ c.marks[0] }}", "Mẫu 2: ô tiêu chí gộp dọc theo các dòng chỉ tiêu"),
    ("{%p for s in sheets %} … {%p endfor %}", "Mẫu 1: mỗi chỉ tiêu một phiếu"),
    ("{%p for line in request.signature.lines %}{{ line }}{%p endfor %}", "các dòng thẩm quyền ký"),
]


def describe(path: str) -> str:
    """Meaning of a field path (list items written without []): sheets, signatures and the rest."""
    parts = path.split(".")
    if parts[0] == "sheets" or (len(parts) > 1 and parts[:2] == ["criteria", "sheets"]):
        rest = ".".join(parts[1:] if parts[0] == "sheets" else parts[2:])
        return SHEET[rest]
    if parts[0] in ("request", "decision", "report") and len(parts) > 1 and ".".join(parts[1:]) in SIGNATURE:
        return SIGNATURE[".".join(parts[1:])]
    return FIELDS[path]


def _example(value) -> str:
    if isinstance(value, list):
        return f"{len(value)} phần tử" + (f"; phần tử đầu: “{_short(value[0])}”" if value and not isinstance(value[0], (dict, list)) else "")
    if isinstance(value, bool):
        return "đúng" if value else "sai"
    return f"“{_short(value)}”"


def _short(value) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 70 else text[:67] + "…"


def rows(context: dict, keys) -> list[tuple[str, str, str]]:
    """(path, meaning, example) for every field under `keys`, lists followed by their items' fields."""
    out = []

    def walk(value, path):
        if isinstance(value, dict):  # a group: its fields are listed
            for k, v in value.items():
                walk(v, f"{path}.{k}")
            return
        out.append((path, describe(path.replace("[]", "")), _example(value)))
        if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            merged: dict = {}
            for item in value:
                for k, v in item.items():
                    merged.setdefault(k, v)
            for k, v in merged.items():
                walk(v, f"{path}[].{k}")

    for key in sorted(keys):
        if key in context:
            walk(context[key], key)
    return out


def reference(contexts: dict[str, dict]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(section title, rows)]: the fields every document shares, then each document's own."""
    any_ctx = next(iter(contexts.values()))
    sections = [("Dùng chung cho mọi mẫu", rows(any_ctx, BASE_FIELDS))]
    for spec in DOCUMENTS:
        own = spec.module().FIELDS
        sections.append((f"{spec.title} — templates/{spec.template}", rows(contexts[spec.key], own)))
    return sections


def markdown(contexts: dict[str, dict]) -> str:
    lines = ["# Trường dữ liệu dùng trong mẫu văn bản", "",
             "Tệp này do máy tạo (`make templates`) từ dữ liệu thật của tệp mẫu `inputs/quang-phu/2024.yaml`.",
             "Trong Word, viết `{{ tên.trường }}` để in một giá trị; với danh sách, dùng vòng lặp như bên dưới. "
             "Tên sai bị `dvht check-templates` báo kèm tên gần đúng; mẫu chạy trong “hộp cát”, không chạy được mã.", "",
             "## Vòng lặp", "", "| cách viết | dùng để |", "|---|---|"]
    lines += [f"| `{code}` | {use} |" for code, use in LOOPS]
    for title, table in reference(contexts):
        lines += ["", f"## {title}", "", "| trường | ý nghĩa | giá trị ở tệp mẫu |", "|---|---|---|"]
        lines += [f"| `{path}` | {meaning} | {example.replace('|', '/')} |" for path, meaning, example in table]
    return "\n".join(lines) + "\n"


def write_docx(contexts: dict[str, dict], path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading("Trường dữ liệu dùng trong mẫu văn bản", 0)
    doc.add_paragraph("Do máy tạo từ dữ liệu thật của tệp mẫu inputs/quang-phu/2024.yaml. Trong Word, viết {{ tên.trường }} "
                      "để in một giá trị; với danh sách, dùng vòng lặp như bảng đầu tiên.")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Cách viết vòng lặp", "Dùng để"
    for code, use in LOOPS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = code, use
    for title, fields in reference(contexts):
        doc.add_heading(title, 1)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Trường", "Ý nghĩa", "Giá trị ở tệp mẫu")):
            cell.text = text
        for row in fields:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
    doc.core_properties.author = "dvht-dossier"
    doc.save(path)
