"""The verdict table printed by `python -m pipeline evaluate`: the officer's check before rendering."""

from __future__ import annotations

from pipeline.evaluate import Assessment
from pipeline.model import DossierInput
from pipeline.vocab import Level


def verdict_table(model: DossierInput, a: Assessment) -> str:
    lines = [f"{model.unit.name} — năm {a.year} — {a.regulation}", f"Tổng số thành viên: {a.staff_total}", ""]
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
