"""Mẫu 1 — Phiếu đánh giá chỉ tiêu: one sheet per applicable indicator, each its own section, so
that each sheet is numbered on its own (no number on its first page, “2” on a second page)."""

from __future__ import annotations

from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier, dated

FIELDS = {"sheets", "sheets_place_date"}


def context(d: Dossier, base: dict) -> dict:
    criteria = base["criteria"]
    day = d.model.report.sheets_date or d.model.report.date
    return {"sheets": [s for c in criteria for s in c["sheets"] if s["applicable"]],
            "sheets_place_date": dated(d.model.unit.place, day)}


def indicator_heading(doc, prefix: str):
    """Tiêu chí / Chỉ tiêu texts, word for word; both levels when they differ. Kept with what follows."""
    k.tag(doc, f"{{%p if {prefix}.texts_differ %}}")
    k.runs(doc, (f"Chỉ tiêu {{{{ {prefix}.number }}}}: ", k.B), (f"Mức độ 1: {{{{ {prefix}.text_level1 }}}}", {}), keep_next=True)
    k.para(doc, f"Mức độ 2: {{{{ {prefix}.text_level2 }}}}", keep_next=True)
    k.tag(doc, "{%p else %}")
    k.runs(doc, (f"Chỉ tiêu {{{{ {prefix}.number }}}}: ", k.B), (f"{{{{ {prefix}.text_level1 }}}}", {}), keep_next=True)
    k.tag(doc, "{%p endif %}")


def indicator_findings(doc, prefix: str):
    """1. Mô tả hiện trạng, the evidence, 2. Điểm mạnh."""
    k.para(doc, "1. Mô tả hiện trạng", bold=True, keep_next=True)
    k.text_list(doc, f"{prefix}.description")
    k.para(doc, "Minh chứng:", bold=True, italic=True, keep_next=True)
    k.text_list(doc, f"{prefix}.evidence", unbroken=True)
    k.para(doc, "2. Điểm mạnh:", bold=True, keep_next=True)
    k.text_list(doc, f"{prefix}.strengths")


def indicator_verdict(container, prefix: str, keep: bool = False):
    """3. Tồn tại, 4. Tự đánh giá and the figures behind the level; `keep`: every line kept with the next, so
    that what follows (the signatures of a sheet) never goes to a page of its own."""
    k.para(container, "3. Tồn tại:", bold=True, keep_next=True)
    k.text_list(container, f"{prefix}.weaknesses", keep_next=keep)
    k.runs(container, ("4. Tự đánh giá: ", k.B), (f"{{{{ {prefix}.level }}}}", k.B), keep_next=True)
    k.tag(container, f"{{%p for line in {prefix}.figures %}}")
    k.para(container, "{{ line }}", italic=True, size=13, keep_next=keep)
    k.tag(container, "{%p endfor %}")


def indicator_body(doc, prefix: str):
    """1. Mô tả hiện trạng … 4. Tự đánh giá, and the figures behind the level."""
    indicator_findings(doc, prefix)
    indicator_verdict(doc, prefix)


def template():
    doc = k.new_document(size=13, spacing=1.0)
    body = doc.sections[0]
    k.page_numbers(body)
    k.restart_numbering(body)
    k.tag(doc, "{%p for s in sheets %}")
    k.tag(doc, "{%p if not loop.first %}")
    k.section_break(doc, body._sectPr)  # ends the previous sheet's section
    k.tag(doc, "{%p endif %}")
    k.form_label(doc, "Mẫu 1")
    k.para(doc, "PHIẾU ĐÁNH GIÁ TIÊU CHÍ", bold=True, align=k.CENTER, after=0)
    k.runs(doc, ("Đơn vị: ", k.B), ("{{ unit.short_name }}", {}), align=k.CENTER, after=6)
    k.para(doc, "PHIẾU ĐÁNH GIÁ CHỈ TIÊU", bold=True, align=k.CENTER, after=12)
    k.runs(doc, ("Họ và tên người đánh giá 1: ", {}), ("{{ s.assessor1 }}", k.B), indent=False, after=0)
    k.runs(doc, ("Họ và tên người đánh giá 2: ", {}), ("{{ s.assessor2 }}", k.B), indent=False)
    k.runs(doc, ("Tiêu chí {{ s.criterion_number }}: ", k.B), ("{{ s.criterion_title }}", {}), keep_next=True)
    indicator_heading(doc, "s")
    indicator_findings(doc, "s")
    # the weaknesses, the verdict and the signatures kept together: a sheet never ends with a page that
    # carries only “4. Tự đánh giá” and the names
    indicator_verdict(doc, "s", keep=True)
    k.para(doc, "{{ sheets_place_date }}", italic=True, align=k.RIGHT, before=6, keep_next=True)
    k.signature(doc, [("NGƯỜI ĐÁNH GIÁ 1", "(Ký, ghi rõ họ tên)", "{{ s.assessor1 }}"),
                      ("NGƯỜI ĐÁNH GIÁ 2", "(Ký, ghi rõ họ tên)", "{{ s.assessor2 }}"),
                      ("TỔ TRƯỞNG", "(Ký, ghi rõ họ tên)", "{{ leader }}")], [55, 55, 55])
    k.tag(doc, "{%p endfor %}")
    return doc
