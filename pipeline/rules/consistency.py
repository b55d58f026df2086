"""Figures typed by hand in the prose, checked against the computed ones (warnings, after evaluate).

Placeholders (`pipeline.rules.placeholders`) print computed figures and cannot go stale; text typed
without them can. A fraction “N/M” in a counted indicator's text must be one of that
indicator's figures; “có/gồm M cán bộ (thành viên, người)” anywhere must be the staff count or
the team's size. Dates (“20/6/2024”, “tháng 01/2024”) and document numbers (“101/2017/NĐ-CP”)
are not fractions. Also: the request against the unit's earlier recognitions (`pipeline.rules.recognition`).
"""

from __future__ import annotations

import re

from pipeline.core.problems import Problem
from pipeline.criteria import catalogue_for
from pipeline.rules import placeholders
from pipeline.rules.evaluate import Assessment
from pipeline.rules.recognition import plan, recognised_year
from pipeline.sources.load import Loaded

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



def recognitions_fit(loaded: Loaded, a: Assessment) -> list[Problem]:
    """Warnings when the request does not fit the unit's earlier recognitions (Điều 5): a request while a
    recognition of that level or higher is still kept, naming its end; Mức độ 2 asked less than 12 months after
    the Mức độ 1 decision (then no Tờ trình is made), naming the day it may be asked."""
    m = loaded.model
    early = []
    for i, r in enumerate(m.recognitions):
        if r.level not in ("muc-1", "muc-2"):
            return [loaded.problem(("recognitions", i, "level"), (
                "mức được công nhận phải là muc-1 (Đạt Mức độ 1) hoặc muc-2 (Đạt Mức độ 2); một lần không được công nhận "
                "thì không ghi vào danh sách này"))]
        if recognised_year(r) > r.date.year:
            return [loaded.problem(("recognitions", i, "year"), (
                f"năm được công nhận {recognised_year(r)} sau năm ra quyết định ({r.date:%d/%m/%Y})"))]
        if recognised_year(r) == r.date.year:
            early.append(loaded.problem(("recognitions", i, "year"), (
                f"năm được công nhận {recognised_year(r)} trùng năm ra quyết định ({r.date:%d/%m/%Y}); theo Điều 10 quyết "
                "công nhận ra trong năm sau năm đánh giá — kiểm tra lại"), warning=True))
    req = plan(m, a.unit_level, catalogue_for(m))
    if req is None or req.earlier is None:
        return early
    where = ("recognitions", m.recognitions.index(req.earlier))
    r = req.earlier
    if req.blocked:
        return early + [loaded.problem(("request", "date"), req.refusal(), warning=True)]
    if req.kind == "con-hieu-luc":
        return early + [loaded.problem(where, (
            f"đơn vị đang được công nhận Mức độ {int(req.earlier_level)} (Quyết định số {r.decision} ngày {r.date:%d/%m/%Y}), "
            f"kết quả được bảo lưu đến ngày {req.earlier_until:%d/%m/%Y}; Tờ trình năm nay đề nghị Mức độ {int(req.level)} — "
            "kiểm tra lại có cần đề nghị không"), warning=True)]
    return early
