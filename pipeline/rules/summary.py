"""The verdict table printed by `python -m pipeline evaluate`: the officer's check before rendering."""

from __future__ import annotations

from pipeline.core.vocab import Level
from pipeline.rules.evaluate import Assessment
from pipeline.sources.model import DossierInput


def verdict_table(model: DossierInput, a: Assessment) -> str:
    lines = [f"{model.unit.name} — năm {a.year} — {a.regulation}, “Đơn vị học tập” {a.level}",
             f"Tổng số thành viên: {a.staff_total}", ""]
    for c in a.criteria:
        lines.append(f"Tiêu chí {c.number}: {c.title_level1}")
        for i in c.indicators:
            lines.append(f"  {i.code:<5} {i.label}")
            lines.extend(f"          {check.text}" for check in i.checks)
        lines.append(f"  ⇒ Tiêu chí {c.number}: {c.label}")
        lines.append("")
    for name, t in (("Chỉ tiêu", a.indicator_tally), ("Tiêu chí", a.criterion_tally)):
        parts = ", ".join(f"{lv.label} {t.count(lv)} ({t.percent(lv)})" for lv in Level)
        lines.append(f"{name} ({t.total} áp dụng): {parts}")
    na = ", ".join(i.code for i in a.not_applicable)
    if na:
        lines.append(f"Không áp dụng: {na}")
    lines.append(f"KẾT QUẢ: {model.unit.short_name} tự đánh giá {a.unit_level.label.upper()} năm {a.year}")
    return "\n".join(lines)


def shortfalls(model: DossierInput, a: Assessment) -> str:
    """Per counted indicator, the people who do not meet it (`evaluate --chi-tiet`): the reviewer's first question."""
    from pipeline.criteria import PercentageRule, catalogue_for
    from pipeline.rules.evaluate import unmet

    cat = catalogue_for(model)
    if model.staff is None:
        return "Dữ liệu ghi số liệu tổng hợp (staff_counts), không có danh sách từng người: không liệt kê được người chưa đạt."
    missing = unmet(model, cat)
    lines = ["Người chưa đạt, theo từng chỉ tiêu tính theo tỷ lệ:"]
    for crit in cat.criteria:
        for spec in crit.indicators:
            if not spec.applies(model.unit.kind) or not isinstance(spec.rule, PercentageRule):
                continue
            code = f"{crit.number}.{spec.number}"
            for level, t in ((1, spec.rule.level1), (2, spec.rule.level2)):
                if level == 2 and t.fact == spec.rule.level1.fact:
                    continue
                people = missing[t.fact]
                label = cat.facts[t.fact].label
                lines.append(f"  {code} ({label}): {len(people)} người chưa đạt" + (":" if people else ""))
                lines.extend(f"      {i + 1}. {model.staff[i].name}" + (f" — {model.staff[i].position}" if model.staff[i].position else "")
                             for i in people)
    return "\n".join(lines)
