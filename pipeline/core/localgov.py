"""Vietnam's local government as data: the district-level bodies that ceased to exist on 01/07/2025
(two-level local government, Nghị quyết 202/2025/QH15), the commune offices that replaced the old
civil-servant titles, and how an agency's name is split into header lines (Nghị định 30/2020, Phụ lục I).

Pure functions over text; validate, the scaffold and the documents read the same definitions.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

TWO_LEVEL_GOVERNMENT = dt.date(2025, 7, 1)  # districts abolished

# A district-level body (cấp huyện) is named by one of these words before its place name. “Thành phố”
# is district-level only inside a province (thành phố thuộc tỉnh); the centrally-run cities remain.
DISTRICT_LEVEL_WORDS = ("huyện", "quận", "thị xã", "thành phố")
CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
# “cấp huyện” is the circular's name of a class of units (Điều 2), not a body; it is checked as a scope.
_NOT_A_BODY = ("cấp huyện", "cấp quận")

_DISTRICT = re.compile(r"(?<!\w)(huyện|quận|thị xã|thành phố|tp\.|tp(?=\s))(?!\w)", re.IGNORECASE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def _place_after(text: str) -> str:
    """The capitalised words (or a number: “Quận 1”) right after a level word: its place name."""
    words = []
    for word in text.split():
        if not (word[0].isupper() or word[0].isdigit()):
            break
        words.append(word.rstrip(",;.)"))
        if word[-1] in ",;.)":
            break
    return " ".join(words)


def district_body(text: str) -> str | None:
    """The first district-level body named in `text` (“huyện Quảng Điền”, “thị xã Phong Điền”,
    “thành phố Bà Rịa”, “Phòng Giáo dục và Đào tạo huyện”), or None. “thành phố Huế” and the other
    centrally-run cities are not one; neither is “cấp huyện” (a class of units in the circular's wording)."""
    if not text:
        return None
    cities = {_fold(c) for c in CENTRAL_CITIES}
    for m in _DISTRICT.finditer(text):
        word = m.group(1)
        if _fold(text[max(0, m.start() - 4):m.end()]) in _NOT_A_BODY:
            continue
        place = _place_after(text[m.end():])
        if _fold(word) in ("thành phố", "tp.", "tp"):
            if not place or any(_fold(place) == c or _fold(place).startswith(c + " ") for c in cities):
                continue  # a centrally-run city (or “thành phố” as a common noun)
        return f"{word} {place}".strip()
    return None


# Commune offices after the reform (Nghị định 150/2025/NĐ-CP): the texts of the decision that name who
# proposes and who carries it out, before and after 01/07/2025. Shown and written by the scaffold.
OFFICE_TEXTS = {
    "before": {
        "proposer": "công chức Văn hóa – xã hội",
        "executors": "Công chức Văn phòng – thống kê, công chức Văn hóa – xã hội và các ông (bà) có tên tại Điều 1",
    },
    "after": {
        "proposer": "Trưởng phòng Văn hóa – Xã hội",
        "executors": "Chánh Văn phòng HĐND và UBND, Trưởng phòng Văn hóa – Xã hội và các ông (bà) có tên tại Điều 1",
    },
}


def era(day: dt.date | None = None, year: int | None = None) -> str:
    """“after” for a document dated from 01/07/2025 (or, without a date, an assessment year from 2025:
    its report and request are dated in the next year), else “before”."""
    if day is not None:
        return "after" if day >= TWO_LEVEL_GOVERNMENT else "before"
    return "after" if year is not None and year >= TWO_LEVEL_GOVERNMENT.year else "before"


def office_text(key: str, day: dt.date | None = None, year: int | None = None) -> str:
    return OFFICE_TEXTS[era(day, year)][key]


# ---------------------------------------------------------------- header lines

# Words that open the territorial part of a name: the header breaks before them, never inside a name.
LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "xã", "huyện", "quận", "tỉnh")
_LEVEL = re.compile(r"(?<=\s)(?:" + "|".join(LEVEL_WORDS) + r")(?=\s+\S)", re.IGNORECASE)


# Names of a kind of body that stand as one part when no place follows them (a school's own name).
ORGAN_NAMES = ("Trường Tiểu học và Trung học cơ sở", "Trường Trung học cơ sở và Trung học phổ thông",
               "Trường Trung học cơ sở", "Trường Trung học phổ thông", "Trường Tiểu học", "Trường Mầm non",
               "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên", "Trung tâm học tập cộng đồng")

# Kinds of unit that are their own authority: no cơ quan chủ quản above their name in the header (a People's
# Committee). Any other kind prints the managing body it is given (a school: “UBND XÃ …” above its name).
OWN_AUTHORITY_KINDS = frozenset({"ubnd-xa"})


def name_parts(name: str) -> list[str]:
    """“Ủy ban nhân dân xã Quảng Phú” → [“Ủy ban nhân dân”, “xã Quảng Phú”]: split before the last
    administrative-level word (the one that introduces the place), or after the name of a kind of body
    (“Trường Tiểu học” / “Quảng Phú”), so a proper name is never cut."""
    text = " ".join(name.split())
    found = list(_LEVEL.finditer(text))
    if not found:
        for organ in sorted(ORGAN_NAMES, key=len, reverse=True):
            if text.casefold().startswith(organ.casefold() + " "):
                return [text[:len(organ)], text[len(organ):].strip()]
        return [text] if text else []
    at = found[-1].start()
    return [text[:at].strip(), text[at:].strip()]


# Advance widths (1/1000 em) of Times capitals, regular and bold (the PDF core-font metrics; Liberation
# Serif, which LibreOffice uses for Times New Roman, has the same). A letter with a diacritic takes its
# base letter's width; Ư and Ơ their horn's extra.
_CAPS = {
    False: dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
                                                   722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611))),
    True: dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                                                  722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667))),
}


_LOWER = {
    "regular": (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500,
                500, 722, 500, 500, 444),
    "bold": (500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500,
             722, 500, 500, 444),
    "italic": (500, 500, 444, 500, 444, 278, 500, 500, 278, 278, 444, 278, 722, 500, 500, 500, 500, 389, 389, 278, 500,
               444, 667, 444, 444, 389),
}
_LOWER = {k: dict(zip("abcdefghijklmnopqrstuvwxyz", v)) for k, v in _LOWER.items()}


_SIGNS = {"/": 278, "-": 333, "(": 333, ")": 333, ",": 250, ".": 250, ":": 278, ";": 278, "“": 444, "”": 444,
          "–": 500, "&": 778, "\u00a0": 250}


@functools.lru_cache(maxsize=4096)  # pure: the same lines are measured again for every document of a dossier
def _width(text: str, size: float, bold: bool, italic: bool = False) -> float:
    """The width in points of a line in Times at `size` (the PDF core-font metrics of Times-Roman, -Bold, -Italic),
    with 3% to spare."""
    total = 0
    lower = _LOWER["bold" if bold else "italic" if italic else "regular"]
    for ch in text:
        if ch.islower():
            base = unicodedata.normalize("NFD", ch)[0]
            total += lower.get("d" if ch == "đ" else base, 500) + (40 if ch in "ươừứửữựờớởỡợ" else 0)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        extra = 60 if ch in "ƯƠỪỨỬỮỰỜỚỞỠỢ" else 0
        if base == "Đ":
            base = "D"
        if base == " ":
            total += 250
        elif base.isdigit():
            total += 500
        elif base in _CAPS[bold]:
            total += _CAPS[bold][base] + extra
        else:
            total += _SIGNS.get(ch, 400)
    return total * size / 1000 * 1.03


def fit_lines(text: str, width_pt: float, size: float = 12, bold: bool = False) -> list[str]:
    """The header lines of one name part in capitals: whole if it fits; else the level word (“PHƯỜNG”, “THÀNH PHỐ”)
    or the first word on its own line above the rest; else broken between words as evenly as possible."""
    upper = " ".join(text.upper().split())
    if _width(upper, size, bold) <= width_pt:
        return [upper]
    words = upper.split()
    level = next((w for w in sorted(LEVEL_WORDS, key=len, reverse=True) if upper.casefold().startswith(w + " ")), None)
    if level:
        head, rest = upper[:len(level)], upper[len(level):].strip()
        if _width(rest, size, bold) <= width_pt:
            return [head, rest]
    rest = " ".join(words[1:])
    if len(words) > 1 and _width(rest, size, bold) <= width_pt:
        return [words[0], rest]  # the kind of body's first word alone: “TRƯỜNG” / “TRUNG HỌC PHỔ THÔNG”
    for n in range(2, len(words) + 1):
        lines = _balanced(words, n)
        if all(_width(line, size, bold) <= width_pt for line in lines):
            return lines
    return words


def _balanced(words: list[str], n: int) -> list[str]:
    """Words in n lines, the longest line as short as possible."""
    best: list[str] = [" ".join(words)]
    best_cost = None

    def rec(start: int, left: int, acc: list[str]) -> None:
        nonlocal best, best_cost
        if left == 1:
            lines = acc + [" ".join(words[start:])]
            cost = max(len(line) for line in lines)
            if best_cost is None or cost < best_cost:
                best, best_cost = lines, cost
            return
        for end in range(start + 1, len(words) - left + 2):
            rec(end, left - 1, acc + [" ".join(words[start:end])])

    rec(0, n, [])
    return best


HEADER_MM = (70, 95)  # the header's columns: issuing body, national name and motto (165 mm in all)
HEADER_WIDTH_PT = 70 / 25.4 * 72 - 2 * 5.4  # the left column less its cell margins


def header_lines(name: str, parent: str = "", size: float = 12) -> list[dict]:
    """The left column of the Nghị định 30 header: the cơ quan chủ quản (“nếu có”) in regular capitals,
    then the issuing body in bold capitals, each line a whole name part."""
    out: list[dict] = []
    for text, bold in ((parent, False), (name, True)):
        for part in name_parts(text):
            out += [{"text": line, "bold": bold} for line in fit_lines(part, HEADER_WIDTH_PT, size, bold)]
    return out


def keep_together(text: str) -> str:
    """Non-breaking spaces inside a name, so a subject line wraps between words of the sentence, not
    inside “Phong Hiền Đông”."""
    return text.replace(" ", "\u00a0")


def unbroken_name(name: str, width_pt: float = 467, size: float = 14, bold: bool = True) -> str:
    """A name kept on one line of `width_pt` (“UBND xã Phong Hiền Đông”) when it fits; else breaking only between
    its parts (“Ủy ban nhân dân” | “xã Phong Hiền Đông”), each part kept whole where it fits."""
    if _width(name, size, bold) <= width_pt:
        return keep_together(name)
    return " ".join(keep_together(p) if _width(p, size, bold) <= width_pt else p for p in name_parts(name))


TEXT_PT = 165 / 25.4 * 72 - 2  # the text width (A4 less the 30 and 15 mm margins), a little to spare
DATE_WIDTH_PT = 95 / 25.4 * 72 - 2 * 5.4  # the header's right column less its cell margins


def date_line(place: str, long_date: str, size: float = 14) -> str:
    """“Phong Hiền Đông, ngày 15 tháng 7 năm 2026”: when the line is wider than the header's column, it may break
    only after the comma (the place and the date each kept whole)."""
    text = f"{place}, {long_date}"
    if _width(text, size, False) <= DATE_WIDTH_PT:
        return text
    return f"{keep_together(place)}, {keep_together(long_date)}"


_PLACE = re.compile(r"(?<!\w)(" + "|".join(LEVEL_WORDS) + r")((?:\s+(?:[A-ZÀ-ỸĐ]\w*|\d+))+)")


def keep_places(text: str, width_pt: float | None = None, size: float = 11) -> str:
    """“… huyện Quảng Điền;” with non-breaking spaces from the level word through the place name, so a line
    may break before “huyện” but never inside “Quảng Điền” — where the place fits on a line `width_pt` wide
    (a narrower column wraps it at its spaces rather than inside a word). Other words keep their spaces."""
    def join(m: re.Match) -> str:
        words = m.group(2).split()
        n = next((i for i, w in enumerate(words) if not (w[0].isupper() or w[0].isdigit())), len(words))
        place = " ".join([m.group(1), *words[:n]])
        if n == 0 or (width_pt is not None and _width(place, size, False) > width_pt):
            return m.group(0)
        return keep_together(place) + "".join(" " + w for w in words[n:])
    return _PLACE.sub(join, text)


def _breaks(text: str, width_pt: float, size: float, bold: bool, first_pt: float = 0, italic: bool = False) -> list[int]:
    """Where a greedy line-breaker (as Word and LibreOffice wrap) breaks `text` at `width_pt`: the offsets of the
    spaces that end a line. `first_pt`: what already stands on the first line (a label before the text)."""
    out, line_start, used = [], 0, first_pt
    for m in re.finditer(r"\S+", text):
        word = m.group(0)
        w = _width(word, size, bold, italic)
        space = _width(" ", size, bold, italic) if m.start() > line_start else 0
        if used + space + w > width_pt and m.start() > line_start:
            out.append(m.start() - 1)
            line_start, used = m.start(), w
        else:
            used += space + w
    return out


def protect(text: str, names: list[str], width_pt: float, size: float, bold: bool = False, first_pt: float = 0,
            italic: bool = False) -> str:
    """`text` as typed, unless its natural line breaks at `width_pt` (by the Times metrics) would fall inside one of
    `names`: then that name is kept whole with non-breaking spaces if it takes at most half a line, else each of its
    parts (a part wider than the line is left to wrap). A line that breaks between words of the sentence or
    between a name's parts keeps ordinary spaces."""
    for name in names:
        at = text.find(name) if name else -1
        if at < 0:
            continue
        cuts = set(_breaks(text, width_pt * 1.03, size, bold, first_pt, italic))  # the estimate without its 3% to spare
        bounds = set()
        offset = at
        for part in name_parts(name):
            start = text.find(part, offset)
            bounds.add((start, start + len(part)))
            offset = start + len(part)
        inside = [(s, e) for s, e in bounds if any(s < c < e for c in cuts)]
        if inside and _width(name, size, bold, italic) <= width_pt / 2:
            inside = [(at, at + len(name))]  # a short name goes whole to the next line
        for s, e in inside:
            part = text[s:e]
            if _width(part, size, bold, italic) <= width_pt:
                text = text[:s] + keep_together(part) + text[e:]
    return text
