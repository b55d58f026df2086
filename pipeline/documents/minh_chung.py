"""Danh mục minh chứng: every evidence item of the input once, with the code Mẫu 1 and Mẫu 3 cite,
its number and date, issuer, and the indicators that cite it.

Its own document, filed with the working papers (after the Mẫu 1 sheets): it is the index of the
evidence box the unit keeps and shows on request, not a part of the three-part dossier sent.
"""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT

from pipeline.core.formatting import short_date
from pipeline.core.localgov import TEXT_PT, protect
from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier

COLUMNS_MM = (9, 16, 52, 32, 38, 18)  # by content: the code (“1.1-01”) and a number (“1985/QĐ-UBND”) on one line
ISSUER_WIDTH_PT = COLUMNS_MM[4] / 25.4 * 72 - 2 * 5.4

FIELDS = {"evidence"}


def context(d: Dossier, base: dict) -> dict:
    items, _ = d.register
    report = d.model.report
    ref = f"số {report.number} " if report.number else ""
    rows = [{
        "index": i,
        "code": item.code,
        "title": item.title,
        "number": item.number,
        "number_parts": item.number.split("-") if item.number else [],
        "date": f"ngày {short_date(item.date)}" if item.date else "",
        "issuer": protect(item.issuer, [item.issuer], ISSUER_WIDTH_PT, 11),
        "cited_by": ", ".join(item.cited_by),
    } for i, item in enumerate(items, 1)]
    return {"evidence": {
        "rows": rows,
        "note": protect(f"(Kèm theo Báo cáo tự đánh giá {ref}ngày {short_date(report.date)} của {d.model.unit.name})",
                        [d.model.unit.name], TEXT_PT, 13, italic=True),
        "count": len(rows),
    }}


def template():
    doc = k.new_document(size=13)
    k.page_numbers(doc.sections[0])
    k.national_header(doc, None, None)
    k.title_block(doc, "DANH MỤC MINH CHỨNG", "“Đơn vị học tập” {{ scope }} năm {{ year }}", rule_mm=40)
    k.para(doc, "{{ evidence.note }}", italic=True, align=k.CENTER, after=6)
    k.para(doc, "Tổng số {{ evidence.count }} minh chứng. Cột “Mã” ghi mã minh chứng được trích dẫn trong các phiếu "
           "đánh giá chỉ tiêu (Mẫu 1) và Báo cáo tự đánh giá (Mẫu 3); cột “Chỉ tiêu” ghi chỉ tiêu trích dẫn minh chứng "
           "(2.4: Chỉ tiêu 4 của Tiêu chí 2).", italic=True, size=12, after=12)
    table = doc.add_table(rows=3, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    k.widths(table, *COLUMNS_MM)
    for cell, text in zip(table.rows[0].cells, ["TT", "Mã", "Tên minh chứng", "Số, ngày ban hành", "Nơi ban hành", "Chỉ tiêu"]):
        k.cell_text(cell, text, bold=True, size=11)
    k.repeat_header(table.rows[0])
    k.cell_text(table.rows[1].cells[0], "{%tr for e in evidence.rows %}", size=10)
    row = table.rows[2]
    k.cell_text(row.cells[0], "{{ e.index }}", size=11)
    k.cell_text(row.cells[1], "{{ e.code }}", size=11)
    k.cell_text(row.cells[2], "{{ e.title }}", size=11, align=k.LEFT)
    k.unbroken_hyphens(k.cell_text(row.cells[3], "", size=11), "e.number_parts")
    k.cell_line(row.cells[3], "{{ e.date }}", size=11)
    k.cell_text(row.cells[4], "{{ e.issuer }}", size=11)
    k.cell_text(row.cells[5], "{{ e.cited_by }}", size=11)
    k.cant_split(row)
    k.cell_text(table.add_row().cells[0], "{%tr endfor %}", size=10)
    return doc
