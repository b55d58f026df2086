"""`history <unit>`: every year on file side by side — each indicator's figures and level, the
criteria and the unit — with the trend from the year before (↑ better, ↓ worse, = same level)."""

from __future__ import annotations

from pathlib import Path

from pipeline.build.changes import record
from pipeline.core.problems import InputError

LEVELS = {"Không đạt": 0, "Đạt Mức độ 1": 1, "Đạt Mức độ 2": 2}
SHORT = {"Không đạt": "KĐ", "Đạt Mức độ 1": "M1", "Đạt Mức độ 2": "M2", "Không áp dụng": "—"}


def years_of(folder: Path) -> dict[int, list[Path]]:
    """{year: its files} by the one rule of what a year file is (2024.yaml or 2024.yml)."""
    from pipeline.sources.files import year_files

    return dict(sorted(year_files(folder).items()))


def collect(folder: Path) -> tuple[str, dict[str, dict | str]]:
    """(unit name, {year: record, or the reason it could not be assessed})."""
    from pipeline.rules.assess import assess_file
    from pipeline.sources.files import kind_problem

    name, out = folder.name, {}
    for year, paths in years_of(folder).items():
        if len(paths) > 1:
            out[str(year)] = f"có cả {' và '.join(p.name for p in paths)}; giữ một tệp, xóa tệp kia"
            continue
        path = paths[0]
        problem = kind_problem(path, folder.parent)  # a link leaving inputs/: never read, never echoed
        if problem:
            out[str(year)] = f"không đọc: {problem.removeprefix(f'{path}: ')}"
            continue
        try:
            loaded, a = assess_file(path)
        except InputError as exc:
            out[path.stem] = f"chưa đánh giá được ({len(exc.problems)} lỗi; chạy dvht validate {path})"
            continue
        name = loaded.model.unit.name
        out[path.stem] = record(a)
    return name, out


def _cell(entry: dict) -> str:
    shown = "; ".join(f"{f} ({p})" for f, p in zip(entry["figures"], entry["percent"]))
    return f"{shown} {SHORT.get(entry['level'], entry['level'])}".strip()


def _trend(before: str | None, now: str | None) -> str:
    if before not in LEVELS or now not in LEVELS:
        return ""
    return "↑" if LEVELS[now] > LEVELS[before] else "↓" if LEVELS[now] < LEVELS[before] else "="


def table(folder: Path) -> str:
    name, years = collect(folder)
    if not years:
        return f"{folder}: chưa có tệp dữ liệu nào (<năm>.yaml)"
    good = {y: r for y, r in years.items() if isinstance(r, dict)}
    lines = [f"{name} — các năm {', '.join(years)}"]
    lines += [f"  {y}: {r}" for y, r in years.items() if isinstance(r, str)]
    if not good:
        return "\n".join(lines)
    cols = list(good)
    width = max(14, *(len(_cell(r["indicators"][c])) for r in good.values() for c in r["indicators"])) + 2
    lines.append(f"{'':10}" + "".join(f"{y:<{width}}" for y in cols) + "xu hướng")
    codes = list(next(iter(good.values()))["indicators"])
    last_two = cols[-2:] if len(cols) > 1 else []

    def row(label: str, cells: list[str], levels: list[str | None]) -> str:
        trend = _trend(*levels[-2:]) if last_two else ""
        return f"{label:<10}" + "".join(f"{c:<{width}}" for c in cells) + trend

    for code in codes:
        entries = [good[y]["indicators"].get(code) for y in cols]
        lines.append(row(code, [_cell(e) if e else "" for e in entries], [e["level"] if e else None for e in entries]))
    for number in next(iter(good.values()))["criteria"]:
        levels = [good[y]["criteria"].get(number) for y in cols]
        lines.append(row(f"TC {number}", [SHORT.get(lv or "", lv or "") for lv in levels], levels))
    levels = [good[y]["unit_level"] for y in cols]
    lines.append(row("đơn vị", levels, levels))
    lines.append("M1, M2: Đạt Mức độ 1, 2; KĐ: Không đạt; —: không áp dụng. Xu hướng: so với năm trước.")
    return "\n".join(lines)
