"""Vietnamese number and date formats (Nghị định 30/2020): decimal comma, leading-zero rules.

Pure functions used by evaluate (to word its explanations) and render.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _vn(number: Decimal) -> str:
    text = f"{number:f}"
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if whole.lstrip("-").isdigit() else whole
    return f"{whole},{frac}" if frac else whole


def percent_beside(part: int, whole: int, thresholds: tuple[Fraction, ...] = ()) -> str:
    """Share as shown beside a verdict: rounded half up to one decimal (29/30 → “96,7%”), except
    where rounding would lift it onto a threshold it did not reach — then cut, so 89,97% shows as
    “89,9%”, never “90%” beside “Không đạt”. Whole numbers print bare: “90%”."""
    value = Fraction(100 * part, whole)
    if value.denominator == 1:
        return f"{value.numerator}%"
    rounded = _decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if any(value < t <= Fraction(str(rounded)) for t in thresholds):
        rounded = _decimal(value).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return _vn(rounded) + "%"


def percent_share(part: int, whole: int) -> str:
    """Share of a distribution (C. Kết luận chung): rounded half up to one decimal."""
    if whole == 0:
        return "0%"
    value = Fraction(100 * part, whole)
    if value.denominator == 1:
        return f"{value.numerator}%"
    return _vn(_decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + "%"


def percent_threshold(value: Fraction) -> str:
    if value.denominator == 1:
        return f"{value.numerator}%"
    return _vn(_decimal(value).normalize()) + "%"


def long_date(d: dt.date) -> str:
    """“ngày 05 tháng 02 năm 2024”: days below 10 and months 1–2 take a leading zero, others not."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_date(place: str, d: dt.date) -> str:
    return f"{place}, {long_date(d)}"


def short_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def padded(n: int) -> str:
    """A count in prose, one way throughout: below 10 with a leading zero (“05 thành viên”), zero as “0”."""
    return f"{n:02d}" if n else "0"


def two_digits(n: int) -> str:
    """Numbers below 10 in document numbers and counts: “05”."""
    return f"{n:02d}"
