"""Stage 2 — validate: the rules that tie the input's fields together and to the criteria catalogue.

`load` guarantees shape and types; here we check what the seed and Thông tư 24 require of a
dossier: an odd-sized team led by one Tổ trưởng, two distinct assessors from the team for every
indicator, a staff roster or counts (never both) that add up, every date of evidence inside the
assessment year, and so on. All problems are gathered, each with its YAML line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from pipeline.criteria import Catalogue, QualitativeRule, available, load_catalogue
from pipeline.load import Loaded, load
from pipeline.model import DossierInput
from pipeline.problems import InputError, Problem, raise_if_any


def _fmt(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def check(loaded: Loaded) -> list[Problem]:
    """Every rule problem of a loaded input (empty list: valid)."""
    m: DossierInput = loaded.model
    p = loaded.problem
    problems: list[Problem] = []
    add = problems.append

    if m.regulation not in available():
        add(p(("regulation",), f"không có bộ tiêu chí “{m.regulation}”; hiện có: {', '.join(available())}"))
        return problems
    cat = load_catalogue(m.regulation)

    if m.year < cat.first_year:
        add(p(("year",), f"năm {m.year} trước khi {cat.name} có hiệu lực (áp dụng từ năm {cat.first_year})"))
    stem = Path(loaded.name).stem
    if stem.isdigit() and len(stem) == 4 and int(stem) != m.year:
        add(p(("year",), f"năm {m.year} khác với tên tệp {Path(loaded.name).name} (tệp của năm {stem}?)"))
    if m.unit.kind not in cat.unit_kinds:
        add(p(("unit", "kind"), f"loại đơn vị “{m.unit.kind}” không có trong {cat.name}; chọn một trong: {', '.join(cat.unit_kinds)}"))

    problems += _check_team(loaded)
    problems += _check_staff(loaded)
    problems += _check_indicators(loaded, cat)
    problems += _check_report(loaded, cat)
    return problems


def _in_year(loaded: Loaded, path, d: dt.date | None, what: str) -> list[Problem]:
    year = loaded.model.year
    if d is not None and d.year != year:
        return [loaded.problem(path, (
            f"{what} ngày {_fmt(d)} nằm ngoài năm đánh giá {year} "
            f"(số liệu tính từ 01/01/{year} đến 31/12/{year})"))]
    return []


def _check_team(loaded: Loaded) -> list[Problem]:
    team, p = loaded.model.team, loaded.problem
    out = _in_year(loaded, ("team", "decision", "date"), team.decision.date, "quyết định thành lập Tổ tự đánh giá")
    n = len(team.members)
    if n % 2 == 0:
        out.append(p(("team", "members"), f"Tổ tự đánh giá có {n} người; số thành viên phải là số lẻ"))
    for role, label in (("leader", "Tổ trưởng (role: leader)"), ("secretary", "Thư ký (role: secretary)")):
        holders = [i for i, mem in enumerate(team.members) if mem.role == role]
        if len(holders) != 1:
            where = ("team", "members", holders[1]) if len(holders) > 1 else ("team", "members")
            out.append(p(where, f"Tổ tự đánh giá phải có đúng một {label}, hiện có {len(holders)}"))
    seen: dict[str, int] = {}
    for i, mem in enumerate(team.members):
        if mem.id in seen:
            out.append(p(("team", "members", i, "id"), f"mã “{mem.id}” đã dùng cho thành viên thứ {seen[mem.id] + 1}"))
        seen.setdefault(mem.id, i)
    return out


def _check_staff(loaded: Loaded) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    if m.staff is not None and m.staff_counts is not None:
        return [p(("staff_counts",), "chỉ khai một trong hai: danh sách “staff” hoặc số liệu “staff_counts”, không cả hai")]
    if m.staff is None and m.staff_counts is None:
        return [p((), "thiếu danh sách thành viên “staff” (hoặc số liệu tổng hợp “staff_counts”)")]
    if m.staff is not None:
        return [p(("staff",), "danh sách thành viên “staff” rỗng")] if not m.staff else []
    counts = m.staff_counts
    return [
        p(("staff_counts", name), f"{value} người vượt quá tổng số thành viên ({counts.total})")
        for name, value in counts.model_dump().items()
        if name != "total" and value > counts.total
    ]


def _check_indicators(loaded: Loaded, cat: Catalogue) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    out: list[Problem] = []
    codes = cat.indicator_codes()
    team_ids = {mem.id for mem in m.team.members}
    for code, ind in m.indicators.items():
        where = ("indicators", code)
        if code not in codes:
            out.append(p(where, f"không có chỉ tiêu “{code}” trong {cat.name}; các chỉ tiêu: {', '.join(codes)}"))
            continue
        _, spec = cat.indicator(code)
        if not spec.applies(m.unit.kind):
            out.append(p(where, f"chỉ tiêu {code} không áp dụng cho loại đơn vị “{m.unit.kind}”; xóa mục này"))
            continue
        if len(ind.assessors) != 2:
            out.append(p(where + ("assessors",), f"mỗi chỉ tiêu phải có đúng 02 người đánh giá, hiện có {len(ind.assessors)}"))
        for i, who in enumerate(ind.assessors):
            if who not in team_ids:
                out.append(p(where + ("assessors", i), f"“{who}” không có trong Tổ tự đánh giá (team.members); có: {', '.join(sorted(team_ids))}"))
        for who, n in Counter(ind.assessors).items():
            if n > 1:
                out.append(p(where + ("assessors",), f"“{who}” được ghi {n} lần; hai người đánh giá phải khác nhau"))
        qualitative = isinstance(spec.rule, QualitativeRule)
        if qualitative and ind.met is None:
            out.append(p(where, "chỉ tiêu định tính: thiếu “met: true” (đạt) hoặc “met: false” (không đạt)"))
        if not qualitative and ind.met is not None:
            source = "danh sách thành viên" if spec.rule.kind == "percentage" else "danh hiệu tập thể (collective_title)"
            out.append(p(where + ("met",), f"chỉ tiêu {code} được tính từ {source}; xóa “met”"))
        for j, ev in enumerate(ind.evidence):
            out += _in_year(loaded, where + ("evidence", j, "date"), ev.date, "minh chứng")
    for crit in cat.criteria:
        for spec in crit.indicators:
            code = f"{crit.number}.{spec.number}"
            if spec.applies(m.unit.kind) and code not in m.indicators:
                out.append(p(("indicators",), f"thiếu chỉ tiêu “{code}”"))
    numbers = [str(c.number) for c in cat.criteria]
    for key in m.criteria:
        if key not in numbers:
            out.append(p(("criteria", key), f"không có tiêu chí “{key}”; các tiêu chí: {', '.join(numbers)}"))
    for key in numbers:
        if key not in m.criteria:
            out.append(p(("criteria",), f"thiếu kết luận của tiêu chí “{key}”"))
    return out


def _check_report(loaded: Loaded, cat: Catalogue) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    out: list[Problem] = []
    d = m.report.date
    if d.year not in (m.year, m.year + 1):
        out.append(p(("report", "date"), f"ngày báo cáo {_fmt(d)} phải trong năm {m.year} hoặc năm {m.year + 1}"))
    elif d < m.team.decision.date:
        out.append(p(("report", "date"), f"ngày báo cáo {_fmt(d)} trước ngày thành lập Tổ tự đánh giá ({_fmt(m.team.decision.date)})"))
    seen: set[str] = set()
    for i, ab in enumerate(m.report.abbreviations):
        if ab.short in seen:
            out.append(p(("report", "abbreviations", i, "short"), f"chữ viết tắt “{ab.short}” khai hai lần"))
        seen.add(ab.short)
    return out


def validate_file(path) -> Loaded:
    """load + check; raises InputError with every problem found."""
    loaded = load(path)
    raise_if_any(check(loaded))
    return loaded


def input_files(target: Path) -> list[Path]:
    """A file, or every `<unit>/<year>.yaml` under a folder, sorted."""
    target = Path(target)
    if target.is_dir():
        return sorted(q for q in target.rglob("*.y*ml") if q.is_file() and q.suffix in {".yaml", ".yml"})
    return [target]


__all__ = ["check", "validate_file", "input_files", "InputError"]
