"""The recognition rules of Thông tư 24 (Điều 5, Điều 11; Điều 2 khoản 10–11): which request a Tờ trình makes.

Pure: the input's earlier recognitions, the level reached and the catalogue's `recognition` rule in,
a `RequestPlan` out. A recognition of year Y is kept for the 36 months after Y (to 31/12 of Y+3);
after that a new request is a “công nhận lại”. A unit recognised at Mức độ 1 may ask Mức độ 2
(“công nhận nâng mức độ”) only 12 months after that decision: earlier, no Tờ trình is made. Months are
counted as Bộ luật Dân sự 2015 counts them (Điều 147–148): the day of the decision is not counted, the
period ends at the end of the same day 12 months later (the month's last day where it has none), and
“sau ít nhất 12 tháng” is the day after: a decision of 09/01/2024 allows a request from 10/01/2025, one of
29/02/2024 from 01/03/2025.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pipeline.core.vocab import LEVEL_BY_CODE, Level
from pipeline.criteria import Catalogue
from pipeline.sources.model import DossierInput, PastRecognition

Kind = Literal["lan-dau", "cong-nhan-lai", "nang-muc-do", "con-hieu-luc"]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month where it has no such day (29/02 → 28/02)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` counted from the day after `start` (Bộ luật Dân sự, Điều 147–148)."""
    return add_months(start, months)


def recognised_year(r: PastRecognition) -> int:
    """The assessment year a decision recognised: as given, else the year before the decision (decisions are
    made before 15 February of the year after the assessment year, Điều 10 khoản 3)."""
    return r.year if r.year is not None else r.date.year - 1


def kept_until(r: PastRecognition, catalogue: Catalogue) -> dt.date:
    return dt.date(recognised_year(r) + catalogue.recognition.kept_years_after, 12, 31)


@dataclass(frozen=True)
class RequestPlan:
    level: Level  # the level asked: the level reached
    kind: Kind
    earlier: PastRecognition | None  # the latest recognition decided before the request
    earlier_until: dt.date | None
    allowed_from: dt.date | None = None  # nâng mức độ: the first day it may be asked
    blocked: bool = False  # nâng mức độ asked too early: no Tờ trình

    @property
    def earlier_level(self) -> Level | None:
        return LEVEL_BY_CODE[self.earlier.level] if self.earlier else None

    @property
    def request_words(self) -> str:
        """“công nhận”, “công nhận lại”, “công nhận nâng mức độ” — as the subject line and the request say it."""
        return {"cong-nhan-lai": "công nhận lại", "nang-muc-do": "công nhận nâng mức độ"}.get(self.kind, "công nhận")

    def earlier_line(self, scope: str) -> str:
        """The sentence citing the earlier decision (empty when there is none)."""
        r = self.earlier
        if r is None:
            return ""
        line = (f"đã được công nhận đạt “Đơn vị học tập” {scope} Mức độ {int(self.earlier_level)} năm "
                f"{recognised_year(r)} theo Quyết định số {r.decision} ngày {r.date:%d/%m/%Y}")
        if self.kind == "cong-nhan-lai":
            return line + f"; kết quả công nhận được bảo lưu đến ngày {self.earlier_until:%d/%m/%Y} và đã hết thời hạn"
        if self.kind == "nang-muc-do":
            return line + f"; đã đủ 12 tháng kể từ ngày ra quyết định công nhận (từ ngày {self.allowed_from:%d/%m/%Y})"
        return line + f"; kết quả công nhận được bảo lưu đến ngày {self.earlier_until:%d/%m/%Y}"

    def refusal(self) -> str:
        """Why no Tờ trình is made (only when `blocked`)."""
        r = self.earlier
        return (f"không lập Tờ trình: đơn vị đạt Mức độ 2 nhưng chưa đủ 12 tháng kể từ ngày được công nhận Mức độ 1 "
                f"(Quyết định số {r.decision} ngày {r.date:%d/%m/%Y}); được đề nghị công nhận nâng mức độ từ ngày "
                f"{self.allowed_from:%d/%m/%Y} (Điều 5 khoản 3 Thông tư số 24/2023/TT-BGDĐT)")


def plan(model: DossierInput, reached: Level, catalogue: Catalogue) -> RequestPlan | None:
    """The request a unit that reached `reached` makes on its Tờ trình's date; None when it reached no level."""
    if reached == Level.NOT_MET:
        return None
    when = model.request.date
    decided = [r for r in model.recognitions if r.date <= when]
    if not decided:
        return RequestPlan(reached, "lan-dau", None, None)
    latest = max(decided, key=lambda r: r.date)
    until = kept_until(latest, catalogue)
    if when > until:
        return RequestPlan(reached, "cong-nhan-lai", latest, until)
    if reached == Level.LEVEL_2 and LEVEL_BY_CODE[latest.level] == Level.LEVEL_1:
        allowed = period_end(latest.date, catalogue.recognition.raise_after_months) + dt.timedelta(days=1)
        return RequestPlan(reached, "nang-muc-do", latest, until, allowed, blocked=when < allowed)
    return RequestPlan(reached, "con-hieu-luc", latest, until)
