"""What every document of a dossier shares: the `Dossier` (input, assessment, evidence register,
placeholder values) and the base context — the unit, the dates, signatures, Nơi nhận, texts with
their placeholders filled. No verdict is computed here; figures come from the `Assessment`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from pipeline import evidence, placeholders
from pipeline.criteria import Catalogue
from pipeline.evaluate import Assessment
from pipeline.formatting import padded, place_date, short_date
from pipeline.model import DossierInput, Signer
from pipeline.textnorm import paragraphs
from pipeline.vocab import ROLE_LABELS, Level

BASE_FIELDS = {"year", "unit", "scope", "recognition", "place_date", "leader", "team", "team_size", "team_decision",
               "unit_level", "unit_level_number", "reached", "criteria_lines", "tally_lines", "criteria"}


@dataclass
class Dossier:
    model: DossierInput
    assessment: Assessment
    catalogue: Catalogue
    values: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.values = placeholders.values(self.model, self.assessment)

    @cached_property
    def register(self) -> tuple[list[evidence.Item], dict[tuple[str, int], str]]:
        return evidence.register(self.model)

    def prose(self, text: str | None) -> list[str]:
        """A free text as paragraphs, placeholders filled with the computed figures."""
        return paragraphs(placeholders.fill(text or "", self.values))

    @property
    def unit_kind_label(self) -> str:
        return self.catalogue.unit_kinds.get(self.model.unit.kind, self.model.unit.kind)

    @property
    def reached(self) -> bool:
        return self.assessment.unit_level != Level.NOT_MET


def signature(signer: Signer, collective: str | None) -> dict:
    """Authority lines (Nghị định 30): “TM. ỦY BAN NHÂN DÂN” for the collective, “KT. CHỦ TỊCH” when a deputy
    signs for the head, then the signer's title; `collective=None` for a decision of the head himself."""
    lines = [f"TM. {collective.upper()}"] if collective else []
    if signer.on_behalf_of:
        lines.append(f"KT. {signer.on_behalf_of.upper()}")
    lines.append(signer.title.upper())
    return {"lines": lines, "name": signer.name}


def recipients(first: list[str], names: list[str], archive: str) -> list[str]:
    """“Nơi nhận” lines: each “- …;”, the last “- Lưu: VT, ….”."""
    lines = [f"- {n.rstrip(' ;.')};" for n in [*first, *names]]
    return lines + [f"- Lưu: {archive.rstrip(' .')}."]


def indicator_name(code: str) -> str:
    """“3.4” → “Chỉ tiêu 4 của Tiêu chí 3”, as prose names an indicator."""
    crit, number = code.split(".")
    return f"Chỉ tiêu {number} của Tiêu chí {crit}"


def names_list(codes: list[str]) -> str:
    """“Chỉ tiêu 4, Chỉ tiêu 5 của Tiêu chí 3” (indicators of one criterion grouped)."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        crit, number = code.split(".")
        groups.setdefault(crit, []).append(number)
    return "; ".join(", ".join(f"Chỉ tiêu {n}" for n in nums) + f" của Tiêu chí {crit}" for crit, nums in groups.items())


def base_context(d: Dossier) -> dict:
    m, a = d.model, d.assessment
    leader = next((x.name for x in m.team.members if x.role == "leader"), "")
    level = a.unit_level
    criteria_lines = []
    for c in a.criteria:
        counts = ", ".join(f"{padded(c.count(lv))} chỉ tiêu {lv.label.replace('Đạt', 'đạt').replace('Không', 'không')}"
                           for lv in Level if c.count(lv))
        criteria_lines.append(f"Tiêu chí {c.number}: {c.label} ({counts} trên {padded(len(c.applicable))} chỉ tiêu áp dụng);")
    it = a.indicator_tally
    tally = [f"{lv.label}: {padded(it.count(lv))} chỉ tiêu ({it.percent(lv)})" for lv in Level]
    return {
        "year": m.year,
        "unit": {
            "name": m.unit.name,
            "short_name": m.unit.short_name,
            "name_upper": m.unit.name.upper(),
            "parent_agency_upper": m.unit.parent_agency.upper(),
            "kind_label": d.unit_kind_label,
        },
        "scope": m.recognition.scope,
        "recognition": {"receiver": m.recognition.receiver, "authority": m.recognition.authority},
        "place_date": place_date(m.unit.place, m.report.date),
        "leader": leader,
        "team": [{"index": i, "name": x.name, "position": x.position, "role": ROLE_LABELS[x.role]}
                 for i, x in enumerate(m.team.members, 1)],
        "team_size": padded(len(m.team.members)),
        "team_decision": f"số {m.team.decision.number} ngày {short_date(m.team.decision.date)}",
        "unit_level": level.label,
        "unit_level_number": int(level),
        "reached": d.reached,
        "criteria_lines": criteria_lines,
        "tally_lines": tally,
        "criteria": criteria_context(d),
    }


def number_line(number: str, kind: str) -> str:
    """“Số: 08/BC-UBND”, or a blank for the records clerk to fill: “Số:        /BC-UBND”."""
    return f"Số: {number}" if number else f"Số:        /{kind}-UBND"


def dated(place: str, day: dt.date) -> str:
    """“Quảng Phú, ngày 09 tháng 01 năm 2025” for a document's own date."""
    return place_date(place, day)


# ---------------------------------------------------------------- the indicator sheets (Mẫu 1 and Mẫu 3)

def _evidence_line(code: str, ev) -> str:
    details = " ".join(filter(None, [
        f"số {ev.number}" if ev.number else "",
        f"ngày {short_date(ev.date)}" if ev.date else "",
        f"của {ev.issuer}" if ev.issuer else "",
    ]))
    return f"[{code}] {ev.title}" + (f", {details}." if details else ".")


def _figures(result) -> list[str]:
    """The checks behind a level, as sentences: “- 28/30 thành viên …, tỷ lệ 93,3%, đáp ứng … Mức độ 1;”."""
    texts = [c.text for c in result.checks if c.text]
    return [f"- {t}{'.' if i == len(texts) - 1 else ';'}" for i, t in enumerate(texts)]


def criteria_context(d: Dossier) -> list[dict]:
    m, a = d.model, d.assessment
    names = {x.id: x.name for x in m.team.members}
    _, codes = d.register
    out = []
    for crit in a.criteria:
        sheets = []
        for r in crit.indicators:
            sheet = {"code": r.code, "number": r.number, "applicable": r.applicable, "criterion_number": crit.number,
                     "criterion_title": crit.title_level1, "text_level1": r.text_level1, "text_level2": r.text_level2,
                     "texts_differ": r.texts_differ, "level": r.label, "figures": _figures(r)}
            ind = m.indicators.get(r.code)
            if ind is not None:
                sheet.update(
                    assessor1=names.get(ind.assessors[0], ""),
                    assessor2=names.get(ind.assessors[1], "") if len(ind.assessors) > 1 else "",
                    description=d.prose(ind.description),
                    evidence=[_evidence_line(codes[(r.code, j)], ev) for j, ev in enumerate(ind.evidence)]
                    or ["(Không có minh chứng kèm theo.)"],
                    strengths=d.prose(ind.strengths),
                    weaknesses=d.prose(ind.weaknesses),
                )
            sheets.append(sheet)
        conclusion = m.criteria.get(str(crit.number))
        counts = "; ".join(f"{lv.label}: {padded(crit.count(lv))}" for lv in Level)
        out.append({
            "number": crit.number,
            "title": crit.title_level1,
            "sheets": sheets,
            "rows": [{"number": r.number, "applicable": r.applicable, "marks": marks(r.level)} for r in crit.indicators],
            "marks": marks(crit.level),
            "level": crit.label,
            "strengths": d.prose(conclusion.strengths) if conclusion else [],
            "weaknesses": d.prose(conclusion.weaknesses) if conclusion else [],
            "count_line": f"Số lượng chỉ tiêu (trên {padded(len(crit.applicable))} chỉ tiêu áp dụng) — {counts}.",
        })
    return out


def marks(level: Level | None) -> list[str]:
    return ["X" if level == lv else "" for lv in Level]
