"""Mẫu 3 — Báo cáo tự đánh giá: cover; page 1 the team with its signatures; page 2 the
abbreviations the report uses; from page 3 the report under the Nghị định 30 header block
(A. Đặt vấn đề, B. Tự đánh giá, C. Kết luận chung), signed for the People's Committee by its head
(or a deputy, KT.), with Nơi nhận. The report carries the unit's number and seal, so its signer is
the head's authority line, not a team role; the team's own page keeps the Tổ trưởng."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Mm, Pt

from pipeline.core.formatting import padded, vietnamese_key
from pipeline.core.vocab import BUILTIN_ABBREVIATIONS, Level
from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier, names_list, number_line, recipients, report_signer, signature, tally_parts
from pipeline.documents.mau_1 import indicator_body, indicator_heading

FIELDS = {"report_number", "general_situation", "purpose", "process_summary", "conclusion",
          "other_conclusions", "abbreviations", "report", "evidence_note"}


def _conclusion(d: Dossier) -> list[str]:
    a, m = d.assessment, d.model
    it, ct = a.indicator_tally, a.criterion_tally
    na = [i.code for i in a.not_applicable]
    lines = [
        f"- Tổng số chỉ tiêu được đánh giá: {padded(it.total)}"
        + (f" (không tính {padded(len(na))} chỉ tiêu không áp dụng đối với {d.unit_kind_label}: {names_list(na)})." if na else "."),
    ]
    for name, t in (("chỉ tiêu", it), ("tiêu chí", ct)):
        lines.append(f"- Số lượng và tỷ lệ {name}: {'; '.join(tally_parts(t, name))}.")
    scope = m.recognition.scope
    if a.unit_level == Level.NOT_MET:
        lines.append(f"- Mức tự đánh giá đơn vị học tập năm {a.year}: {m.unit.short_name} tự đánh giá chưa đạt “Đơn vị học tập” {scope}.")
    else:
        level = f"Mức độ {int(a.unit_level)}"
        lines.append(f"- Mức tự đánh giá đơn vị học tập năm {a.year}: {m.unit.short_name} tự đánh giá đạt “Đơn vị học tập” {scope} {level}.")
        lines.append(f"- Đề nghị {m.recognition.authority} xem xét, công nhận {m.unit.name} đạt “Đơn vị học tập” {scope} {level} năm {a.year}.")
    return lines


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w means in a regex over text


def _mentions(corpus: str, short: str) -> bool:
    """`short` stands in `corpus` as a word of its own (no letter or digit right before or after it).
    The same as searching (?<!\\w)short(?!\\w), without the regex engine trying every position."""
    at = corpus.find(short)
    while at >= 0:
        end = at + len(short)
        if not (at and _is_word(corpus[at - 1])) and not (end < len(corpus) and _is_word(corpus[end])):
            return True
        at = corpus.find(short, at + 1)
    return False


def _abbreviations(d: Dossier, texts: list[str]) -> list[dict]:
    table = dict(BUILTIN_ABBREVIATIONS)
    table.update({ab.short: ab.full for ab in d.model.report.abbreviations})
    corpus = "\n".join(texts)
    used = [short for short in table if _mentions(corpus, short)]
    used.sort(key=vietnamese_key)
    return [{"index": i, "short": s, "full": table[s]} for i, s in enumerate(used, 1)]


def _evidence_note(d: Dossier) -> str:
    """Where the report first cites evidence, it points to its annex (Nghị định 30: a document with an annex
    says so)."""
    items, _ = d.register
    example = f" (ví dụ [{items[0].code}])" if items else ""
    return (f"Mã minh chứng ghi trong ngoặc vuông{example} là mã trong Danh mục minh chứng kèm theo Báo cáo này; "
            "bản gốc các minh chứng được lưu tại đơn vị.")


def context(d: Dossier, base: dict) -> dict:
    m = d.model
    report = m.report
    ctx = {
        "report_number": number_line(report.number, "BC"),
        "general_situation": d.prose(report.general_situation),
        "purpose": d.prose(report.purpose),
        "process_summary": d.prose(report.process_summary),
        "conclusion": _conclusion(d),
        "other_conclusions": d.prose(report.other_conclusions) or ["Không."],
        "report": {
            "recipients": recipients([], report.recipients or [m.recognition.receiver], m.archive),
            "signature": signature(report_signer(m) or m.signer, m.unit.collective_name),
        },
        "evidence_note": _evidence_note(d),
    }
    own = {key: value for key, value in {**base, **ctx}.items() if key != "sheets"}
    ctx["abbreviations"] = _abbreviations(d, _strings(own))
    return ctx


def template():
    doc = k.new_document()
    cover = doc.sections[0]
    cover.different_first_page_header_footer = True
    # the cover: parent agency and unit, title, place and date (the seed's form)
    k.tag(doc, "{%p if unit.parent_agency_upper %}")
    k.para(doc, "{{ unit.parent_agency_upper }}", align=k.CENTER, size=14, after=0)
    k.tag(doc, "{%p endif %}")
    k.para(doc, "{{ unit.name_upper }}", bold=True, align=k.CENTER, size=14, after=0)
    underline = k.para(doc, align=k.CENTER, after=0)
    underline.paragraph_format.left_indent = underline.paragraph_format.right_indent = Mm(60)
    k.rule_below(underline, 45)
    for _ in range(9):
        k.para(doc, "", after=6)
    k.para(doc, "BÁO CÁO TỰ ĐÁNH GIÁ", bold=True, align=k.CENTER, size=22, after=12)
    k.para(doc, "ĐƠN VỊ HỌC TẬP {{ scope|upper }} NĂM {{ year }}", bold=True, align=k.CENTER, size=16, after=0)
    for _ in range(14):
        k.para(doc, "", after=6)
    k.para(doc, "{{ place_date }}", italic=True, align=k.CENTER)

    # page 1: the team, with an empty signature column
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    k.setup_section(body)
    k.restart_numbering(body)
    k.page_numbers(body)
    k.para(doc, "DANH SÁCH VÀ CHỮ KÝ", bold=True, align=k.CENTER, after=0)
    k.para(doc, "THÀNH VIÊN TỔ TỰ ĐÁNH GIÁ", bold=True, align=k.CENTER, after=12)
    team = doc.add_table(rows=3, cols=5)
    team.style = doc.styles["Table Grid"]
    team.alignment = WD_TABLE_ALIGNMENT.CENTER
    k.widths(team, 12, 45, 50, 28, 30)
    for cell, text in zip(team.rows[0].cells, ["TT", "Họ và tên", "Chức danh, chức vụ, đơn vị công tác", "Nhiệm vụ", "Chữ ký"]):
        k.cell_text(cell, text, bold=True)
    k.repeat_header(team.rows[0])
    k.cell_text(team.rows[1].cells[0], "{%tr for m in team %}", size=10)
    row = team.rows[2]
    k.cell_text(row.cells[0], "{{ m.index }}")
    k.cell_text(row.cells[1], "{{ m.name }}", align=k.LEFT)
    k.cell_text(row.cells[2], "{{ m.position }}", align=k.LEFT)
    k.cell_text(row.cells[3], "{{ m.role }}")
    k.cell_text(row.cells[4], "")
    row.height = Cm(1.3)
    k.cant_split(row)
    k.cell_text(team.add_row().cells[0], "{%tr endfor %}", size=10)
    k.runs(doc, ("Quyết định thành lập Tổ tự đánh giá: ", k.I), ("{{ team_decision }}", k.I), indent=False).paragraph_format.space_before = Pt(6)

    # page 2: abbreviations used in the report
    k.para(doc, "DANH SÁCH CHỮ VIẾT TẮT", bold=True, align=k.CENTER, after=12, page_break_before=True)
    abbr = doc.add_table(rows=3, cols=3)
    abbr.style = doc.styles["Table Grid"]
    abbr.alignment = WD_TABLE_ALIGNMENT.CENTER
    k.widths(abbr, 15, 45, 105)
    for cell, text in zip(abbr.rows[0].cells, ["STT", "CHỮ VIẾT TẮT", "NỘI DUNG"]):
        k.cell_text(cell, text, bold=True)
    k.repeat_header(abbr.rows[0])
    k.cell_text(abbr.rows[1].cells[0], "{%tr for a in abbreviations %}", size=10)
    k.cell_text(abbr.rows[2].cells[0], "{{ a.index }}")
    k.cell_text(abbr.rows[2].cells[1], "{{ a.short }}")
    k.cell_text(abbr.rows[2].cells[2], "{{ a.full }}", align=k.LEFT)
    k.cell_text(abbr.add_row().cells[0], "{%tr endfor %}", size=10)

    # from page 3: the report, under the Nghị định 30 header block
    k.para(doc, "", after=0, page_break_before=True)
    k.national_header(doc, "{{ report_number }}")
    k.title_block(doc, "BÁO CÁO TỰ ĐÁNH GIÁ", "“Đơn vị học tập” {{ scope }} năm {{ year }}")
    k.para(doc, "NỘI DUNG TỰ BÁO CÁO", bold=True, align=k.CENTER, after=12)

    k.para(doc, "A. ĐẶT VẤN ĐỀ", bold=True, indent=False, keep_next=True)
    for title, var in (("1. Tình hình chung của đơn vị", "general_situation"),
                       ("2. Mục đích tự đánh giá", "purpose"),
                       ("3. Tóm tắt quá trình và những vấn đề nổi bật trong hoạt động tự đánh giá", "process_summary")):
        k.para(doc, title, bold=True, keep_next=True)
        k.text_list(doc, var)

    k.para(doc, "B. TỰ ĐÁNH GIÁ", bold=True, indent=False, keep_next=True)
    k.para(doc, "{{ evidence_note }}", italic=True, keep_next=True)
    k.tag(doc, "{%p for c in criteria %}")
    k.runs(doc, ("Tiêu chí {{ c.number }}: ", k.B), ("{{ c.title }}", k.B), keep_next=True)
    k.tag(doc, "{%p for s in c.sheets %}")
    k.tag(doc, "{%p if s.applicable %}")
    indicator_heading(doc, "s")
    indicator_body(doc, "s")
    k.tag(doc, "{%p else %}")
    # the indicator's texts word for word (both levels where they differ), then why it is not rated
    indicator_heading(doc, "s")
    k.para(doc, "{{ s.not_applicable }}", italic=True)
    k.tag(doc, "{%p endif %}")
    k.tag(doc, "{%p endfor %}")
    block = k.unbreakable_block(doc, 165)  # a criterion's conclusion stays on one page
    k.runs(block, ("5. Kết luận về Tiêu chí {{ c.number }}:", k.B))
    k.runs(block, ("Điểm mạnh nổi bật:", k.I))
    k.text_list(block, "c.strengths")
    k.runs(block, ("Những điểm yếu cơ bản:", k.I))
    k.text_list(block, "c.weaknesses")
    k.para(block, "{{ c.count_line }}")
    k.runs(block, ("Tiêu chí {{ c.number }}: ", k.B), ("{{ c.level }}", k.B))
    k.para(doc, "", after=0)
    k.tag(doc, "{%p endfor %}")

    k.para(doc, "C. KẾT LUẬN CHUNG", bold=True, indent=False, keep_next=True)
    k.text_list(doc, "conclusion")
    k.para(doc, "Các kết luận khác:", bold=True, keep_next=True)
    # the signature never stands alone on the last page: the last paragraphs go over with it
    k.text_list(doc, "other_conclusions", keep_next=True)

    k.para(doc, "", after=0, keep_next=True)
    k.closing(doc, "report")
    return doc
