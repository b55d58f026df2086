"""Tờ trình đề nghị công nhận: the request the head of the unit sends with Mẫu 3 and Mẫu 2.

Grounds (Thông tư 24, the plans the input names, the self-assessment), the results with the level
reached and their figures from the evaluation, the request naming that level and its kind (công nhận,
công nhận lại, công nhận nâng mức độ — citing the earlier decision), the attached documents, Nơi nhận and
the head's signature. A unit that reaches no level sends no request, nor one that asks Mức độ 2 less than
12 months after its Mức độ 1 decision (`pipeline.rules.recognition`).
"""

from __future__ import annotations

from pipeline.core.formatting import padded, short_date
from pipeline.core.localgov import TEXT_PT, protect
from pipeline.core.vocab import Level
from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier, dated, deciding, indicator_name, number_line, recipients, signature
from pipeline.rules.recognition import RequestPlan, plan

FIELDS = {"request"}
_KINH_GUI_PT = 62  # “Kính gửi: ” at 14 pt, before the receiver on its line


def request_plan(d: Dossier) -> RequestPlan | None:
    return plan(d.model, d.assessment.unit_level, d.catalogue)


def skip(d: Dossier) -> str | None:
    a = d.assessment
    if a.unit_level != Level.NOT_MET:
        req = request_plan(d)
        return req.refusal() if req is not None and req.blocked else None
    failing = [c.number for c in a.criteria if c.level == Level.NOT_MET]
    reasons = [f"chỉ tiêu {r.code}: {r.why_not[0][0].lower()}{r.why_not[0][1:]}" for r in a.indicators if r.why_not]
    return (f"không lập Tờ trình: đơn vị chưa đạt Mức độ 1 (Tiêu chí {', '.join(map(str, failing))} không đạt"
            + (f" — {'; '.join(reasons)}" if reasons else "") + "), Thông tư 24 chỉ công nhận đơn vị đạt từ Mức độ 1")


def _figures(d: Dossier) -> list[str]:
    """One line per indicator whose level is counted from data (shares, the collective title): the figure of
    every level it reaches and of the level it misses, so that “09/30 …, chưa đạt … Mức độ 2” is never read
    as the indicator failing."""
    out = []
    for r in d.assessment.indicators:
        if not r.applicable or r.kind == "qualitative":
            continue
        text = deciding(r, d.catalogue)
        out.append(f"+ {indicator_name(r.code)}: {r.label} ({text[0].lower()}{text[1:]});")
    if out:
        out[-1] = out[-1][:-1] + "."
    return out


def context(d: Dossier, base: dict) -> dict:
    m, a, cat = d.model, d.assessment, d.catalogue
    req, report = m.request, m.report
    level = f"Mức độ {int(a.unit_level)}" if d.reached else ""
    unit = m.unit.name
    asked = request_plan(d)
    words = asked.request_words if asked else "công nhận"
    earlier = asked.earlier_line(m.recognition.scope) if asked else ""
    raising = asked is not None and asked.kind == "nang-muc-do"
    grounds = [f"Căn cứ {cat.dossier.regulation_basis};"] + [f"Căn cứ {g.rstrip(' ;.')};" for g in req.grounds]
    report_ref = f"Báo cáo tự đánh giá số {report.number}" if report.number else "Báo cáo tự đánh giá"
    grounds.append(
        f"Căn cứ kết quả tự đánh giá của Tổ tự đánh giá “Đơn vị học tập” được thành lập theo Quyết định số "
        f"{m.team.decision.number} ngày {short_date(m.team.decision.date)} và {report_ref} ngày {short_date(report.date)} "
        f"của {unit},")
    it = a.indicator_tally
    results = [f"- {line}" for line in base["criteria_lines"]]
    results.append(f"- Tổng số {padded(it.total)} chỉ tiêu áp dụng: " + "; ".join(base["tally_lines"]) + ".")
    return {"request": {
        "number": number_line(req.number, "TTr"),
        "place_date": dated(m.unit.place, req.date),
        "subject": f"Về việc đề nghị {words} “Đơn vị học tập” {m.recognition.scope} {level} năm {m.year}".replace("  ", " "),
        "receiver": protect(m.recognition.receiver, [m.recognition.receiver], TEXT_PT, 14, first_pt=_KINH_GUI_PT),
        "grounds": grounds,
        "earlier": f"{unit} {earlier}." if earlier else "",
        "intro": f"{unit} tự đánh giá năm {m.year} đạt “Đơn vị học tập” {m.recognition.scope} {level}, cụ thể như sau:",
        "results": results,
        "figures": _figures(d),
        "ask": (f"{unit} kính đề nghị {m.recognition.authority} xem xét, {words} {unit} "
                + ("từ Mức độ 1 lên Mức độ 2, đạt " if raising else "đạt ")
                + f"“Đơn vị học tập” {m.recognition.scope} {level} năm {m.year}."),
        "attachments": [
            f"1. {report_ref} ngày {short_date(report.date)} của {unit} (Mẫu 3);",
            f"2. Bảng tổng hợp kết quả tự đánh giá các tiêu chí, chỉ tiêu năm {m.year} (Mẫu 2).",
        ],
        "close": f"Kính trình {m.recognition.receiver} xem xét./.",
        "recipients": recipients(["Như trên"], req.recipients, m.archive),
        "signature": signature(req.signer or m.signer, m.unit.collective_name),
    }}


def template():
    doc = k.new_document()
    k.page_numbers(doc.sections[0])
    k.national_header(doc, "{{ request.number }}", "{{ request.place_date }}")
    k.title_block(doc, "TỜ TRÌNH", "{{ request.subject }}")
    k.runs(doc, ("Kính gửi: ", {}), ("{{ request.receiver }}.", {}), align=k.CENTER, after=12)
    k.text_list(doc, "request.grounds", italic=True, unbroken=True)
    k.tag(doc, "{%p if request.earlier %}")
    k.para(doc, "{{ request.earlier }}")
    k.tag(doc, "{%p endif %}")
    k.para(doc, "{{ request.intro }}")
    k.text_list(doc, "request.results")
    k.tag(doc, "{%p if request.figures %}")
    k.para(doc, "- Các chỉ tiêu tính theo số liệu:")
    k.text_list(doc, "request.figures")
    k.tag(doc, "{%p endif %}")
    k.para(doc, "{{ request.ask }}")
    k.para(doc, "Hồ sơ kèm theo:", bold=True, keep_next=True)
    k.text_list(doc, "request.attachments")
    k.para(doc, "{{ request.close }}")
    k.closing(doc, "request")
    return doc
