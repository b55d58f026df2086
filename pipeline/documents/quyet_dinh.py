"""Quyết định thành lập Tổ tự đánh giá: the head's individual decision (Nghị định 30 form) — the
“Căn cứ” lines (the local-government law in force on its date, Thông tư 24, the input's plans),
Điều 1 the members and their roles, Điều 2 the tasks (from the plan, catalogue data), Điều 3 who
carries it out; number and date as the input holds them."""

from __future__ import annotations

from pipeline.core.localgov import TEXT_PT, office_text, protect
from pipeline.core.vocab import ROLE_LABELS
from pipeline.documents import docxkit as k
from pipeline.documents.common import Dossier, dated, number_line, recipients, signature

FIELDS = {"decision"}


def context(d: Dossier, base: dict) -> dict:
    m, cat = d.model, d.catalogue
    dec = m.team.decision
    signer = dec.signer or m.signer
    head = signer.on_behalf_of or signer.title
    grounds = [f"Căn cứ {law};" for law in cat.dossier.laws_on(dec.date)]
    grounds += [f"Căn cứ {cat.dossier.regulation_basis};"] + [f"Căn cứ {g.rstrip(' ;.')};" for g in dec.grounds]
    # who proposes and who carries it out: the input's words, else the offices of the decision's date
    proposer = dec.proposer or office_text("proposer", dec.date)
    executors = dec.executors or office_text("executors", dec.date)
    grounds.append(f"Theo đề nghị của {proposer}.")
    members = [f"{i}. {x.name}, {x.position} – {ROLE_LABELS[x.role]};" for i, x in enumerate(m.team.members, 1)]
    members[-1] = members[-1][:-1] + "."
    tasks = [f"- {t}" for t in cat.dossier.team_tasks]
    # a line of the subject or of the authority may break between words, never inside the unit's name
    subject = protect(f"Về việc thành lập Tổ tự đánh giá “Đơn vị học tập” {m.unit.short_name} năm {m.year}",
                      [m.unit.short_name], TEXT_PT, 14, True)
    return {"decision": {
        "number": number_line(dec.number, "QĐ"),
        "place_date": dated(m.unit.place, dec.date),
        "subject": subject,
        "authority": protect(f"{head} {m.unit.name}".upper(), [m.unit.name.upper()], TEXT_PT, 14, True),
        "grounds": grounds,
        "article1": (f"Thành lập Tổ tự đánh giá “Đơn vị học tập” {m.unit.short_name} năm {m.year} "
                     f"gồm {base['team_size']} thành viên có tên sau:"),
        "members": members,
        "article2": "Tổ tự đánh giá có nhiệm vụ:",
        "tasks": tasks,
        "article3": f"Quyết định này có hiệu lực kể từ ngày ký. {executors} chịu trách nhiệm thi hành Quyết định này./.",
        "recipients": recipients(["Như Điều 3"], dec.recipients, m.archive),
        "signature": signature(signer, None),
    }}


def template():
    doc = k.new_document()
    k.page_numbers(doc.sections[0])
    k.national_header(doc, "{{ decision.number }}", "{{ decision.place_date }}")
    k.title_block(doc, "QUYẾT ĐỊNH", "{{ decision.subject }}")
    k.para(doc, "{{ decision.authority }}", bold=True, align=k.CENTER, after=12)
    k.text_list(doc, "decision.grounds", italic=True, unbroken=True)
    k.para(doc, "QUYẾT ĐỊNH:", bold=True, align=k.CENTER, before=6, after=12)
    k.runs(doc, ("Điều 1. ", k.B), ("{{ decision.article1 }}", {}), keep_next=True)
    k.text_list(doc, "decision.members")
    k.runs(doc, ("Điều 2. ", k.B), ("{{ decision.article2 }}", {}), keep_next=True)
    k.text_list(doc, "decision.tasks")
    k.runs(doc, ("Điều 3. ", k.B), ("{{ decision.article3 }}", {}))
    k.closing(doc, "decision")
    return doc
