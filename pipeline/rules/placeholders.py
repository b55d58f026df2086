"""Placeholders in the officer's prose: `{so_thanh_vien}`, `{2.4.phan_so}` print computed figures.

A placeholder is a name in single braces, with no space inside, typed anywhere in a free-text
field (descriptions, strengths, weaknesses, the report's sections). The names depend only on the
criteria catalogue and the unit kind, so `validate` can refuse an unknown one before anything is
computed; the values come from the `Assessment` and print as the documents print numbers
(counts below 10 with a leading zero, decimal comma). Braces typed as text are left alone when
they hold spaces or other signs (`{ 7*7 }`, `{{ x }}`).
"""

from __future__ import annotations

import re

from pipeline.core.formatting import fraction, padded
from pipeline.criteria import Catalogue, PercentageRule
from pipeline.rules.evaluate import Assessment
from pipeline.sources.model import INDICATOR_TEXTS, REPORT_TEXTS, DossierInput

PATTERN = re.compile(r"(?<!\{)\{([\w.]+)\}(?!\})")

GLOBAL = {
    "nam": "năm đánh giá (2024)",
    "don_vi": "tên viết gọn của đơn vị",
    "ten_don_vi": "tên đầy đủ của đơn vị",
    "so_thanh_vien": "tổng số thành viên trong đơn vị",
    "so_thanh_vien_to": "số thành viên Tổ tự đánh giá",
    "muc_don_vi": "mức tự đánh giá của đơn vị",
}
COUNTED = {
    "so": "số thành viên đạt",
    "so_chua_dat": "số thành viên chưa đạt",
    "phan_so": "số đạt/tổng số, ví dụ 28/30 (09/30)",
    "ty_le": "tỷ lệ phần trăm",
}

LEARNERS = {
    "nguoi_hoc_so": "số người học đạt “Công dân học tập”",
    "nguoi_hoc_phan_so": "số người học đạt/tổng số người học",
    "nguoi_hoc_ty_le": "tỷ lệ người học đạt “Công dân học tập”",
}

# the free-text fields placeholders may stand in, as paths below the input's root


def _second_fact_differs(rule: PercentageRule) -> bool:
    return rule.level1.fact != rule.level2.fact


def known(catalogue: Catalogue, unit_kind: str) -> dict[str, str]:
    """Every placeholder name valid for this catalogue and unit kind, with what it prints."""
    names = dict(GLOBAL)
    for crit in catalogue.criteria:
        for spec in crit.indicators:
            if not spec.applies(unit_kind):
                continue
            code = f"{crit.number}.{spec.number}"
            names[f"{code}.muc"] = f"mức đạt của chỉ tiêu {code}"
            if isinstance(spec.rule, PercentageRule):
                for key, meaning in COUNTED.items():
                    names[f"{code}.{key}"] = f"{meaning} (chỉ tiêu {code})"
                    if _second_fact_differs(spec.rule):
                        names[f"{code}.{key}_muc_2"] = f"{meaning} theo yêu cầu Mức độ 2 (chỉ tiêu {code})"
                if spec.rule.learners is not None and spec.rule.learners.concerns(unit_kind):
                    for key, meaning in LEARNERS.items():
                        names[f"{code}.{key}"] = f"{meaning} (chỉ tiêu {code})"
    return names


def text_fields(model: DossierInput):
    """(path, text) of every free-text field of the input that may hold placeholders."""
    for code, ind in model.indicators.items():
        for name in INDICATOR_TEXTS:
            yield ("indicators", code, name), getattr(ind, name)
    for key, conclusion in model.criteria.items():
        for name in ("strengths", "weaknesses"):
            yield ("criteria", key, name), getattr(conclusion, name)
    for name in REPORT_TEXTS:
        yield ("report", name), getattr(model.report, name)


def unknown(text: str, names: dict[str, str]) -> list[str]:
    return [m.group(1) for m in PATTERN.finditer(text) if m.group(1) not in names]


def values(model: DossierInput, a: Assessment) -> dict[str, str]:
    """What each placeholder prints for this input, from the assessment (nothing recomputed)."""
    out = {
        "nam": str(model.year),
        "don_vi": model.unit.short_name,
        "ten_don_vi": model.unit.name,
        "so_thanh_vien": padded(a.staff_total),
        "so_thanh_vien_to": padded(len(model.team.members)),
        "muc_don_vi": a.unit_level.label,
    }
    for r in a.indicators:
        if not r.applicable:
            continue
        out[f"{r.code}.muc"] = r.label
        learners = next((c for c in r.checks if c.fact == "learners" and c.numerator is not None), None)
        if learners is not None:
            out[f"{r.code}.nguoi_hoc_so"] = padded(learners.numerator)
            out[f"{r.code}.nguoi_hoc_phan_so"] = f"{learners.numerator}/{learners.denominator}"
            out[f"{r.code}.nguoi_hoc_ty_le"] = learners.percent
        counted = [c for c in r.checks if c.numerator is not None and c.fact != "learners"]
        for i, c in enumerate(counted[:2]):
            if i == 1 and c.fact == counted[0].fact:
                break
            suffix = "_muc_2" if i == 1 else ""
            out[f"{r.code}.so{suffix}"] = padded(c.numerator)
            out[f"{r.code}.so_chua_dat{suffix}"] = padded(c.denominator - c.numerator)
            out[f"{r.code}.phan_so{suffix}"] = fraction(c.numerator, c.denominator)
            out[f"{r.code}.ty_le{suffix}"] = c.percent
    return out


def fill(text: str, table: dict[str, str]) -> str:
    """Replace every known placeholder; unknown ones were refused by validation."""
    return PATTERN.sub(lambda m: table.get(m.group(1), m.group(0)), text)
