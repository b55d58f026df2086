"""What changed between two builds of a unit-year, and the assessment as plain data.

`record` turns an `Assessment` into the small JSON kept beside each dossier (`ket-qua.json`); `diff`
compares two records in the officer's words (“2.2: 24/24 → 23/24, vẫn Đạt Mức độ 2”;
“đơn vị: Đạt Mức độ 1 → Đạt Mức độ 2”). Pure: no files."""

from __future__ import annotations

from pipeline.rules.evaluate import Assessment

RECORD = "ket-qua.json"


def record(a: Assessment) -> dict:
    indicators = {}
    for r in a.indicators:
        counted = [c for i, c in enumerate(r.checks)
                   if c.numerator is not None and all(c.fact != d.fact for d in r.checks[:i])]  # one figure per fact
        indicators[r.code] = {
            "level": r.label,
            "figures": [f"{c.numerator}/{c.denominator}" for c in counted],
            "percent": [c.percent for c in counted],
            "checks": [c.text for c in r.checks if c.text],
            "why_not": list(r.why_not),
        }
    return {
        "year": a.year,
        "regulation": a.regulation,
        "staff_total": a.staff_total,
        "unit_level": a.unit_level.label,
        "criteria": {str(c.number): c.label for c in a.criteria},
        "indicators": indicators,
    }


def diff(old: dict | None, new: dict) -> list[str]:
    """Lines for every figure or level that changed; empty when nothing did (or there was no earlier build)."""
    if not isinstance(old, dict) or not isinstance(old.get("indicators"), dict):
        return []
    lines = []
    for code, now in new["indicators"].items():
        was = old["indicators"].get(code)
        if not isinstance(was, dict):
            continue
        figures_changed = was.get("figures") != now["figures"]
        level_changed = was.get("level") != now["level"]
        if not figures_changed and not level_changed:
            continue
        parts = []
        if figures_changed:
            parts.append(f"{'; '.join(was.get('figures') or ['—'])} → {'; '.join(now['figures'] or ['—'])}")
        parts.append(f"{was.get('level')} → {now['level']}" if level_changed else f"vẫn {now['level']}")
        if level_changed and now.get("why_not"):
            parts.append(f"vì {'; '.join(now['why_not'])[0].lower()}{'; '.join(now['why_not'])[1:]}")
        lines.append(f"{code}: " + ", ".join(parts))
    for number, level in new["criteria"].items():
        was = (old.get("criteria") or {}).get(number)
        if was and was != level:
            lines.append(f"tiêu chí {number}: {was} → {level}")
    if old.get("unit_level") and old["unit_level"] != new["unit_level"]:
        lines.append(f"đơn vị: {old['unit_level']} → {new['unit_level']}")
    return lines
