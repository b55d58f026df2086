"""Vietnamese number and date formats (Nghị định 30/2020): decimal comma, leading-zero rules.

Pure functions used by evaluate (to word its explanations) and render.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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
    """“20/6/2024”, “08/01/2025”: a date cited in the text, by the same leading-zero rule as the date line
    (days below 10 and the months 1 and 2 take a zero, other months not)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{d.day:02d}/{month}/{d.year}"


def padded(n: int) -> str:
    """A count, one rule wherever the pipeline prints one (as the circular writes “02 người đánh giá”):
    1 to 9 with a leading zero (“05 thành viên”, “09/30”); zero as “0”, which the documents' own
    sentences word as “không có” where a count stands alone."""
    return f"{n:02d}" if n else "0"


def fraction(part: int, whole: int) -> str:
    """“09/30”, “28/30”: both counts by the rule of `padded`."""
    return f"{padded(part)}/{padded(whole)}"


_STRAIGHT = re.compile(r'"([^"\n]*)"')


def typographic(text: str) -> str:
    """Straight double quotes around a phrase as typographic ones: "Đơn vị học tập" → “Đơn vị học tập”."""
    return _STRAIGHT.sub(lambda m: f"“{m.group(1)}”", text) if '"' in text else text


# Vietnamese alphabetical order (TCVN 6909 letters): Ă, Â after A; Đ after D; Ê after E; Ô, Ơ after O; Ư after U.
_ALPHABET = "AĂÂBCDĐEÊFGHIJKLMNOÔƠPQRSTUƯVWXYZ"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vietnamese_key(text: str) -> tuple:
    """Sort key in Vietnamese alphabetical order: letters first by the alphabet (HĐND before HKH, NĐ-CP before
    NQ), then by tone; digits and signs before letters."""
    letters, tones = [], []
    for ch in text.upper():
        parts = unicodedata.normalize("NFD", ch)
        tone = next((_TONES[c] for c in parts if c in _TONES), 0)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        letters.append((1, _ALPHABET.index(base)) if base in _ALPHABET else (0, ord(base[:1] or " ")))
        tones.append(tone)
    return tuple(letters), tuple(tones), text


def two_digits(n: int) -> str:
    """Numbers below 10 in document numbers and counts: “05”."""
    return f"{n:02d}"
