"""What every document of a dossier shares: the `Dossier` (input, assessment, evidence register,
placeholder values) and the base context — the unit, the dates, signatures, Nơi nhận, texts with
their placeholders filled. No verdict is computed here; figures come from the `Assessment`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.core.formatting import fraction, long_date, padded, short_date, typographic
from pipeline.core.localgov import OWN_AUTHORITY_KINDS, date_line, header_lines
from pipeline.core.textnorm import paragraphs
from pipeline.core.vocab import ROLE_LABELS, Level
from pipeline.criteria import Catalogue
from pipeline.rules import evidence, placeholders
from pipeline.rules.evaluate import Assessment
from pipeline.rules.people import leader_title, same_person, team_leader  # noqa: F401  (used by the documents)
from pipeline.sources.model import DossierInput, Signer

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


def report_signer(m: DossierInput) -> Signer | None:
    """Who signs Mẫu 3: its Tổ trưởng (the seed's form ends “Tổ trưởng (Ký tên, đóng dấu)”), with the authority
    line of his or her own office. `report.signer` when given (validate warns if it is someone else); else the
    document signer who is the Tổ trưởng; else the line read from the Tổ trưởng's position (a deputy signs KT.)."""
    if m.report.signer:
        return m.report.signer
    leader = team_leader(m)
    if leader is None:
        return None
    for s in (m.signer, m.team.decision.signer, m.request.signer):
        if s is not None and same_person(s.name, leader.name):
            return s
    title = leader_title(leader.position) or leader.position
    deputy = title.casefold().startswith("phó ")
    return Signer(name=leader.name, title=title, on_behalf_of=title[4:].strip() if deputy else "")


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
    parent = m.unit.parent_agency if m.unit.kind not in OWN_AUTHORITY_KINDS else ""
    criteria_lines = []
    for c in a.criteria:
        counts = ", ".join(f"{padded(c.count(lv))} chỉ tiêu {lv.label[0].lower() + lv.label[1:]}"
                           for lv in reversed(Level) if c.count(lv))
        criteria_lines.append(f"Tiêu chí {c.number}: {c.label} (trong {padded(len(c.applicable))} chỉ tiêu áp dụng có {counts});")
    tally = tally_parts(a.indicator_tally, "chỉ tiêu")
    return {
        "year": m.year,
        "unit": {
            "name": m.unit.name,
            "short_name": m.unit.short_name,
            "name_upper": m.unit.name.upper(),
            "parent_agency_upper": m.unit.parent_agency.upper(),
            "header": header_lines(m.unit.name, parent),
            "kind_label": d.unit_kind_label,
        },
        "scope": m.recognition.scope,
        "recognition": {"receiver": m.recognition.receiver, "authority": m.recognition.authority},
        "place_date": dated(m.unit.place, m.report.date),
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


def tally_parts(t, noun: str) -> list[str]:
    """“Không đạt: không có”, “Đạt Mức độ 1: 04 chỉ tiêu (30,8%)”: each level's count and share."""
    return [f"{lv.label}: {padded(t.count(lv))} {noun} ({t.percent(lv)})" if t.count(lv) else f"{lv.label}: không có"
            for lv in Level]


def number_line(number: str, kind: str) -> str:
    """“Số: 08/BC-UBND”, or a blank for the records clerk to fill: “Số:        /BC-UBND”."""
    return f"Số: {number}" if number else f"Số:        /{kind}-UBND"


def dated(place: str, day: dt.date) -> str:
    """“Quảng Phú, ngày 09 tháng 01 năm 2025” for a document's own date (a long line breaks after the comma only)."""
    return date_line(place, long_date(day))


# ---------------------------------------------------------------- the indicator sheets (Mẫu 1 and Mẫu 3)

_UNIT_WORDS = (("ủy ban nhân dân", "ubnd"), ("uỷ ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"))


def _folded_name(text: str) -> str:
    folded = " ".join(text.split()).casefold()
    for long, short in _UNIT_WORDS:
        folded = folded.replace(long, short)
    return folded


def evidence_line(code: str, ev) -> str:
    """“[1.2-01] Quy chế chi tiêu nội bộ năm 2024, số 12/QĐ-UBND ngày 10/01/2024 của UBND xã Quảng Phú.”:
    a comma only before the number and date, and the issuer left out when the title already names it."""
    line = f"[{code}] {ev.title.rstrip(' .,;') or ev.title}"  # no “..” nor “.,”; a title of punctuation stays whole
    details = " ".join(filter(None, [f"số {ev.number}" if ev.number else "",
                                      f"ngày {short_date(ev.date)}" if ev.date else ""]))
    if details:
        line += f", {details}"
    if ev.issuer and _folded_name(ev.issuer) not in _folded_name(ev.title):
        line += f" của {ev.issuer}"
    return line + "."


_evidence_line = evidence_line


def check_sentence(c, catalogue: Catalogue) -> str:
    """One level's check in words, counts by the one rule (“09/30 thành viên …, tỷ lệ 30%, chưa đạt mức tối
    thiểu 70% của Mức độ 2”); a check that is not a share keeps the evaluation's own words."""
    fact = catalogue.facts.get(c.fact) if c.fact else None
    if fact is None or c.numerator is None:
        return c.text
    verdict = "đáp ứng" if c.met else "chưa đạt"
    return (f"{fraction(c.numerator, c.denominator)} thành viên {fact.label}, tỷ lệ {c.percent}, "
            f"{verdict} mức tối thiểu {c.threshold} của Mức độ {c.level}")


_VERDICT = (", đáp ứng ", ", chưa đạt ", ", chưa đáp ứng ")


def _split_verdict(text: str) -> tuple[str, str]:
    at = min((text.find(v) for v in _VERDICT if v in text), default=-1)
    return (text[:at], text[at + 2:]) if at >= 0 else (text, "")


def deciding(result, catalogue: Catalogue) -> str:
    """The figures that decide an indicator's level: every level reached and the first one missed, a figure
    said once when two levels count the same fact (“28/30 …, tỷ lệ 93,3%, đáp ứng mức tối thiểu 90% của
    Mức độ 1, chưa đạt mức tối thiểu 95% của Mức độ 2”)."""
    checks = []
    for c in result.checks:
        if c.text:
            checks.append(c)
        if not c.met:
            break
    groups: list[list[str]] = []  # [head, verdict, verdict…]
    for c in checks:
        head, verdict = _split_verdict(check_sentence(c, catalogue))
        if groups and groups[-1][0] == head and verdict:
            groups[-1].append(verdict)
        else:
            groups.append([head, verdict] if verdict else [head])
    return "; ".join(", ".join(g) for g in groups)


def _figures(result, catalogue: Catalogue) -> list[str]:
    """The checks behind a level, as sentences: “- 28/30 thành viên …, tỷ lệ 93,3%, đáp ứng … Mức độ 1;”."""
    texts = [check_sentence(c, catalogue) for c in result.checks if c.text]
    return [f"- {t}{'.' if i == len(texts) - 1 else ';'}" for i, t in enumerate(texts)]


def level_counts(crit) -> str:
    """“Tiêu chí 2 có 05 chỉ tiêu áp dụng: không có chỉ tiêu không đạt, 03 chỉ tiêu đạt Mức độ 1, 02 chỉ tiêu đạt
    Mức độ 2.” — the seed's “số lượng chỉ tiêu không đạt, đạt mức 1, đạt mức 2”, in a sentence."""
    parts = []
    for lv in Level:
        label = lv.label[0].lower() + lv.label[1:]
        n = crit.count(lv)
        parts.append(f"{padded(n)} chỉ tiêu {label}" if n else f"không có chỉ tiêu {label}")
    return f"Tiêu chí {crit.number} có {padded(len(crit.applicable))} chỉ tiêu áp dụng: {', '.join(parts)}."


def criteria_context(d: Dossier) -> list[dict]:
    m, a = d.model, d.assessment
    names = {x.id: x.name for x in m.team.members}
    _, codes = d.register
    out = []
    for crit in a.criteria:
        sheets = []
        for r in crit.indicators:
            sheet = {"code": r.code, "number": r.number, "applicable": r.applicable, "criterion_number": crit.number,
                     "criterion_title": typographic(crit.title_level1), "text_level1": typographic(r.text_level1),
                     "text_level2": typographic(r.text_level2),
                     "texts_differ": r.texts_differ, "level": r.label, "figures": _figures(r, d.catalogue)}
            sheet["not_applicable"] = "" if r.applicable else _not_applicable(sheet["text_level1"], d.unit_kind_label)
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
        out.append({
            "number": crit.number,
            "title": typographic(crit.title_level1),
            "sheets": sheets,
            "rows": [{"number": r.number, "applicable": r.applicable, "marks": marks(r.level)} for r in crit.indicators],
            "marks": marks(crit.level),
            "level": crit.label,
            "strengths": d.prose(conclusion.strengths) if conclusion else [],
            "weaknesses": d.prose(conclusion.weaknesses) if conclusion else [],
            "count_line": level_counts(crit),
        })
    return out


def _not_applicable(text: str, kind: str) -> str:
    """Why an indicator is not rated, after its texts: a sentence, not a dash."""
    return f"Không áp dụng đối với {kind}: chỉ tiêu này không tính khi xếp loại tiêu chí."


def marks(level: Level | None) -> list[str]:
    return ["X" if level == lv else "" for lv in Level]
