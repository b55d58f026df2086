"""The input's closed vocabularies (roles, emulation titles, levels) with their Vietnamese labels.

Codes are what an officer types in the YAML; labels are what documents print. Emulation titles
are listed in rising rank, so "X trở lên" (X or higher) is a comparison of positions.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

ROLE_LABELS = {
    "leader": "Tổ trưởng",
    "secretary": "Thư ký",
    "member": "Thành viên",
}
Role = Literal["leader", "secretary", "member"]

# Individual emulation titles (Luật Thi đua, Khen thưởng 06/2022/QH15), lowest first.
INDIVIDUAL_TITLES = {
    "khong": "Không có danh hiệu",
    "hoan-thanh-nhiem-vu": "Hoàn thành nhiệm vụ",
    "lao-dong-tien-tien": "Lao động tiên tiến",
    "chien-si-thi-dua-co-so": "Chiến sĩ thi đua cơ sở",
    "chien-si-thi-dua-cap-tinh": "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
    "chien-si-thi-dua-toan-quoc": "Chiến sĩ thi đua toàn quốc",
}
IndividualTitle = Literal[
    "khong",
    "hoan-thanh-nhiem-vu",
    "lao-dong-tien-tien",
    "chien-si-thi-dua-co-so",
    "chien-si-thi-dua-cap-tinh",
    "chien-si-thi-dua-toan-quoc",
]

# Collective emulation titles, lowest first.
COLLECTIVE_TITLES = {
    "khong": "Không có danh hiệu",
    "tap-the-lao-dong-tien-tien": "Tập thể lao động tiên tiến",
    "tap-the-lao-dong-xuat-sac": "Tập thể lao động xuất sắc",
    "co-thi-dua": "Cờ thi đua của bộ, ban, ngành, tỉnh",
    "co-thi-dua-chinh-phu": "Cờ thi đua của Chính phủ",
}
CollectiveTitle = Literal["khong", "tap-the-lao-dong-tien-tien", "tap-the-lao-dong-xuat-sac", "co-thi-dua", "co-thi-dua-chinh-phu"]

# The digital-transformation levels of Quyết định số 4725/QĐ-BGDĐT (schools) and 4740/QĐ-BGDĐT (universities),
# lowest first: 3.4 asks “mức đáp ứng cơ bản” at Mức độ 1, “mức đáp ứng tốt” at Mức độ 2.
DIGITAL_LEVELS = {
    "chua-dap-ung": "Mức chưa đáp ứng",
    "co-ban": "Mức đáp ứng cơ bản",
    "tot": "Mức đáp ứng tốt",
}
DigitalLevel = Literal["chua-dap-ung", "co-ban", "tot"]

# The levels of recognition (Điều 2 khoản 3–4): an input's `unit.level`.
UNIT_LEVELS = {"cap-huyen": "cấp huyện", "cap-tinh": "cấp tỉnh"}
UnitLevel = Literal["cap-huyen", "cap-tinh"]

TITLE_SCALES = {"individual": list(INDIVIDUAL_TITLES), "collective": list(COLLECTIVE_TITLES), "digital": list(DIGITAL_LEVELS)}


def rank(scale: str, code: str) -> int:
    return TITLE_SCALES[scale].index(code)


class Level(IntEnum):
    NOT_MET = 0
    LEVEL_1 = 1
    LEVEL_2 = 2

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def code(self) -> str:
        return LEVEL_CODES[self]


LEVEL_LABELS = {Level.NOT_MET: "Không đạt", Level.LEVEL_1: "Đạt Mức độ 1", Level.LEVEL_2: "Đạt Mức độ 2"}
LEVEL_CODES = {Level.NOT_MET: "khong-dat", Level.LEVEL_1: "muc-1", Level.LEVEL_2: "muc-2"}
LEVEL_BY_CODE = {code: level for level, code in LEVEL_CODES.items()}
LevelCode = Literal["khong-dat", "muc-1", "muc-2"]
NOT_APPLICABLE_LABEL = "Không áp dụng"

# Yes/no as an officer writes it (Excel cells, Notepad), besides true/false.
YES_WORDS = {"có", "x", "đạt", "true", "đúng"}
NO_WORDS = {"không", "chưa đạt", "chưa", "false", "sai"}


def yes_no(value):
    """có/không/x/đạt/chưa đạt (any case) → True/False; anything else is left for the model to refuse."""
    if isinstance(value, str):
        word = " ".join(value.split()).casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    return value


def by_label(labels: dict[str, str]):
    """A before-validator: a code, or its Vietnamese label in any case (“Thư ký”, “lao động tiên tiến”) → the code."""
    lookup = {label.casefold(): code for code, label in labels.items()}

    def convert(value):
        if isinstance(value, str):
            return lookup.get(" ".join(value.split()).casefold(), value)
        return value

    return convert


def choices(codes) -> str:
    """“Tổ trưởng (leader), Thư ký (secretary) hoặc Thành viên (member)”."""
    shown = [f"{ALL_LABELS[c]} ({c})" if c in ALL_LABELS else c for c in codes]
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " hoặc " + shown[-1]


# Abbreviations the documents may use; only those that actually occur in a report are listed.
BUILTIN_ABBREVIATIONS = {
    "BB": "Biên bản",
    "BC": "Báo cáo",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "CNTT": "Công nghệ thông tin",
    "DS": "Danh sách",
    "HĐND": "Hội đồng nhân dân",
    "HKH": "Hội Khuyến học",
    "KH": "Kế hoạch",
    "KHVN": "Khuyến học Việt Nam",
    "NĐ-CP": "Nghị định của Chính phủ",
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "TT": "Thông tư",
    "UBND": "Ủy ban nhân dân",
}


ALL_LABELS = {**INDIVIDUAL_TITLES, **COLLECTIVE_TITLES, **DIGITAL_LEVELS, **UNIT_LEVELS, **ROLE_LABELS, **{LEVEL_CODES[lv]: LEVEL_LABELS[lv] for lv in Level}}
