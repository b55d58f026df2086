"""Figures typed by hand in the prose, checked against the computed ones (warnings, after evaluate).

Placeholders (`pipeline.placeholders`) print computed figures and cannot go stale; text typed
without them can. A fraction “N/M” in a counted indicator's text must be one of that
indicator's figures; “có/gồm M cán bộ (thành viên, người)” anywhere must be the staff count or
the team's size. Dates (“20/6/2024”, “tháng 01/2024”) and document numbers (“101/2017/NĐ-CP”)
are not fractions.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline import placeholders
from pipeline.evaluate import Assessment
from pipeline.load import Loaded
from pipeline.problems import Problem
from pipeline.vocab import Level

FRACTION = re.compile(r"(?<![\d/.,])(\d{1,4})/(\d{1,4})(?![\d/]|[.,]\d)")
PEOPLE = re.compile(r"\b(?:có|gồm|tổng số|toàn bộ|tất cả)\s+(\d{1,4})\s+(?:cán bộ|thành viên|người|công chức)", re.IGNORECASE)
WHO = re.compile(r"^\s*(?:thành viên|cán bộ|người|công chức)", re.IGNORECASE)


def _is_fraction(text: str, m: re.Match) -> bool:
    before = text[max(0, m.start() - 8): m.start()].casefold()
    return int(m.group(2)) < 1900 and not before.rstrip().endswith(("tháng", "ngày"))


def stale_figures(loaded: Loaded, a: Assessment) -> list[Problem]:
    out: list[Problem] = []
    total, team = a.staff_total, len(loaded.model.team.members)
    hint = "dùng chỗ điền số liệu (ví dụ {so_thanh_vien}, {2.4.phan_so}) để in số liệu tính từ dữ liệu"
    for path, text in placeholders.text_fields(loaded.model):
        typed = placeholders.PATTERN.sub(" ", text)  # same lines as `text`: a placeholder holds no line break
        result = a.indicator(path[1]) if path[0] == "indicators" else None
        pairs = {(c.numerator, c.denominator) for c in result.checks if c.numerator is not None} if result else set()
        for m in FRACTION.finditer(typed):
            if not _is_fraction(typed, m):
                continue
            n, d = int(m.group(1)), int(m.group(2))
            about_people = bool(WHO.match(typed[m.end():]))
            if (pairs and (n, d) not in pairs) or (not pairs and about_people and d != total):
                expected = ", ".join(f"{x}/{y}" for x, y in sorted(pairs)) if pairs else f"…/{total}"
                out.append(loaded.problem(path, (
                    f"số liệu “{m.group(0)}” gõ tay khác số liệu tính từ dữ liệu ({expected}); {hint}"),
                    at=(typed, m.start()), warning=True))
        for m in PEOPLE.finditer(typed):
            n = int(m.group(1))
            if n not in (total, team):
                out.append(loaded.problem(path, (
                    f"“{m.group(0)}” khác số thành viên trong đơn vị ({total}) và số thành viên Tổ tự đánh giá ({team}); {hint}"),
                    at=(typed, m.start()), warning=True))
    return out



RECOGNITION_YEARS = 3  # a recognition is kept for three years
LEVEL_2_AFTER_YEARS = 1  # level 2 may be asked at least a year after the level-1 recognition


def _plus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def recognitions_fit(loaded: Loaded, a: Assessment) -> list[Problem]:
    """Warnings when the request does not fit the unit's earlier recognitions (as published summaries of
    Thông tư 24 give them: kept three years; level 2 asked at least a year after level 1)."""
    m = loaded.model
    if a.unit_level == Level.NOT_MET or not m.recognitions:
        return []
    asked, when = int(a.unit_level), m.request.date
    out = []
    for i, r in enumerate(m.recognitions):
        level = int(r.level[-1])
        until = _plus_years(r.date, RECOGNITION_YEARS)
        if level >= asked and r.date <= when <= until:
            out.append(loaded.problem(("recognitions", i), (
                f"đơn vị đã được công nhận Mức độ {level} (Quyết định số {r.decision} ngày {r.date:%d/%m/%Y}), "
                f"còn giá trị đến {until:%d/%m/%Y}; Tờ trình năm nay đề nghị Mức độ {asked} — kiểm tra lại có cần đề nghị không"),
                warning=True))
    first = [r for r in m.recognitions if r.level == "muc-1" and r.date <= when]
    if asked == 2 and first:
        last = max(first, key=lambda r: r.date)
        allowed = _plus_years(last.date, LEVEL_2_AFTER_YEARS)
        if when < allowed:
            out.append(loaded.problem(("request", "date"), (
                f"đề nghị Mức độ 2 khi chưa đủ 01 năm kể từ khi được công nhận Mức độ 1 (Quyết định số {last.decision} "
                f"ngày {last.date:%d/%m/%Y}); được đề nghị từ ngày {allowed:%d/%m/%Y}"), warning=True))
    return out
