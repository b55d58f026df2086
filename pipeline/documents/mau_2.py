"""Mẫu 2 — Bảng tổng hợp kết quả tự đánh giá các tiêu chí, chỉ tiêu: an X per indicator and per
criterion (criterion cells merged down its rows), “Không áp dụng” across the three cells of an
indicator that does not concern this kind of unit; signed by the Tổ trưởng."""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT

from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier, dated

FIELDS = {"summary_place_date", "not_met"}


def context(d: Dossier, base: dict) -> dict:
    day = d.model.report.summary_date or d.model.report.date
    # the table says only “X”: an indicator rated Không đạt says why below it (Điều 9 khoản 3 among the reasons)
    not_met = [f"Chỉ tiêu {r.number} của Tiêu chí {r.criterion} không đạt: {'; '.join(r.why_not)}."
               for r in d.assessment.indicators if r.why_not]
    return {"summary_place_date": dated(d.model.unit.place, day), "not_met": not_met}


def template():
    doc = k.new_document()
    k.page_numbers(doc.sections[0])
    k.form_label(doc, "Mẫu 2")
    k.para(doc, "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ", bold=True, align=k.CENTER, after=0)
    k.para(doc, "CÁC TIÊU CHÍ, CHỈ TIÊU", bold=True, align=k.CENTER, after=6)
    k.runs(doc, ("Đơn vị: ", k.B), ("{{ unit.short_name }}", {}), align=k.CENTER, after=12)
    col = [24, 17, 21, 21, 21, 21, 20, 20]  # 165 mm: the text width
    table = doc.add_table(rows=2, cols=8)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    h1, h2 = table.rows
    for i, text in ((0, "Tiêu chí"), (1, "Chỉ tiêu")):
        k.cell_text(h1.cells[i].merge(h2.cells[i]), text, bold=True)
    k.cell_text(h1.cells[2].merge(h1.cells[4]), "Xếp loại Chỉ tiêu", bold=True)
    k.cell_text(h1.cells[5].merge(h1.cells[7]), "Xếp loại Tiêu chí", bold=True)
    for i, text in enumerate(["Không đạt", "Đạt Mức độ 1", "Đạt Mức độ 2"] * 2):
        k.cell_text(h2.cells[2 + i], text, bold=True, size=12)
    k.repeat_header(h1)
    k.repeat_header(h2)

    def tag_row(text):
        k.cell_text(table.add_row().cells[0], text, size=10)

    def indicator_row(applicable: bool):
        row = table.add_row()
        k.cell_text(row.cells[0], "{% vm %}Tiêu chí {{ c.number }}", bold=True)
        k.cell_text(row.cells[1], "{{ r.number }}")
        if applicable:
            for i in range(3):
                k.cell_text(row.cells[2 + i], f"{{{{ r.marks[{i}] }}}}", bold=True)
        else:
            k.cell_text(row.cells[2].merge(row.cells[4]), "Không áp dụng", italic=True, size=12)
        for i in range(3):
            k.cell_text(row.cells[5 + i], f"{{% vm %}}{{{{ c.marks[{i}] }}}}", bold=True)
        k.cant_split(row)

    # {%tr …%} rows vanish when rendered; {% vm %} merges a criterion's cells down its indicator rows
    tag_row("{%tr for c in criteria %}")
    tag_row("{%tr for r in c.rows %}")
    tag_row("{%tr if r.applicable %}")
    indicator_row(True)
    tag_row("{%tr else %}")
    indicator_row(False)
    tag_row("{%tr endif %}")
    tag_row("{%tr endfor %}")
    tag_row("{%tr endfor %}")
    k.widths(table, *col)
    k.para(doc, "Ghi chú: đánh dấu X vào ô tương ứng; “Không áp dụng”: chỉ tiêu không áp dụng đối với {{ unit.kind_label }}, không tính khi xếp loại.",
           italic=True, size=12, before=6)
    k.tag(doc, "{%p for line in not_met %}")
    k.para(doc, "{{ line }}", size=12)
    k.tag(doc, "{%p endfor %}")
    k.para(doc, "", after=0)
    k.signature(doc, [("", "", ""), ("TỔ TRƯỞNG", "(Ký, ghi rõ họ tên)", "{{ leader }}")], [55, 110], space_mm=k.SIGNATURE_MM,
                date_var="{{ summary_place_date }}")
    return doc
