"""The corpus of hostile and careless inputs, each with the behaviour expected of the pipeline.

A case is the bytes of `inputs/quang-phu/2024.yaml`, the exit code of `python -m pipeline dossier`,
words its output must contain, and (for unusable inputs) the text whose line the message must
name. Unusable inputs must leave the earlier dossier byte-identical.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from conftest import EXAMPLE_TEXT, edit, line_of

STAFF_START = EXAMPLE_TEXT.index("staff:\n  - name")
STAFF_END = EXAMPLE_TEXT.index("\n# Danh hiệu thi đua tập thể")


def counts(**over) -> str:
    values = dict(total=30, discipline=30, training_completed=29, digital_training=28, language_certificate=18,
                  language_meets_job=9, advanced_worker=28, learning_citizen=29)
    values.update(over)
    block = "staff_counts:\n" + "".join(f"  {k}: {v}\n" for k, v in values.items())
    return EXAMPLE_TEXT[:STAFF_START] + block + EXAMPLE_TEXT[STAFF_END:]


@dataclass
class Case:
    id: str
    data: bytes | Callable[[], bytes]
    exit: int
    needles: list[str]
    line_text: str | None = None  # the message must name the line of this text (in the decoded input)
    path: str | None = None  # the field path the message must name
    shown: list[str] = field(default_factory=list)  # accepted inputs: texts the documents must show

    def bytes(self) -> bytes:
        return self.data() if callable(self.data) else self.data


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: precomposed where the code page has the letter, else base + tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            out += unicodedata.normalize("NFD", ch).encode("cp1258")
    return out


def u(text: str) -> bytes:
    return text.encode("utf-8")


MEMBER_ANH = "    - id: anh\n      name: Lê Thị Ngọc Ánh\n      position: Công chức Tư pháp – hộ tịch\n      role: member\n"
LONG = "Đoạn rất dài " + "học tập suốt đời, " * 560
EVIDENCE_500 = "    evidence:\n" + "".join(
    f"      - title: Minh chứng số {i} về học tập\n        number: {i}/BC-UBND\n        date: 10/12/2024\n" for i in range(1, 501))
HOSTILE_TEXT = "Công ty A & B <test> \"trích\" 'dẫn' {{ 7*7 }} {% if x %} 🎓📚"

CASES = [
    # encodings
    Case("utf8-bom", b"\xef\xbb\xbf" + u(EXAMPLE_TEXT), 0, ["✓ đã lập"]),
    Case("utf16-notepad", EXAMPLE_TEXT.encode("utf-16"), 0, ["✓ đã lập"]),
    Case("windows-1258", u(EXAMPLE_TEXT).replace(u("Trương Thị Mai"), cp1258("Trương Thị Mai")),
         1, ["không phải mã hóa UTF-8", "Windows-1258", "UTF-8"], line_text="Trương Thị Mai"),
    Case("tcvn3", u(EXAMPLE_TEXT).replace(u("  place: Quảng Phú"), b"  place: Qu\xb6ng Ph\xf3"),
         1, ["không phải mã hóa UTF-8", "TCVN3"], line_text="  place: Quảng Phú"),
    Case("nfd", u(unicodedata.normalize("NFD", EXAMPLE_TEXT)), 0, ["✓ đã lập"], shown=["Ủy ban nhân dân xã Quảng Phú".upper()]),
    # YAML
    Case("tabs", u(edit(EXAMPLE_TEXT, "  short_name: UBND", "\tshort_name: UBND")), 1, ["Tab", "dấu cách"], line_text="short_name: UBND"),
    Case("missing-colon", u(edit(EXAMPLE_TEXT, "  place: Quảng Phú ", "  place Quảng Phú ")), 1, ["thiếu dấu hai chấm"], line_text="  place: Quảng Phú"),
    Case("duplicate-key", u(edit(EXAMPLE_TEXT, "year: 2024\n", "year: 2024\nyear: 2025\n")), 1, ["“year” bị lặp lại"],
         line_text="year: 2025\n", path="year"),
    Case("python-tag", u(edit(EXAMPLE_TEXT, "year: 2024", "year: !!python/object/apply:os.system ['echo pwned']")), 1,
         ["python/object/apply", "không được phép"], line_text="year: 2024", path="year"),
    Case("alias-bomb", u("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))), 1, ["alias"]),
    Case("empty", b"", 1, ["tệp rỗng"]),
    Case("list-not-mapping", u("- năm: 2024\n- đơn vị: xã\n"), 1, ["không phải danh sách"]),
    Case("fifty-megabytes", lambda: b"# " + b"x" * (50 * 1024 * 1024) + b"\n", 1, ["quá lớn", "50.0 MB"]),
    # values
    Case("percent-string", u(counts(discipline="90%")), 1, ["phải là số nguyên", "“90%”"], line_text="discipline: 90%", path="staff_counts.discipline"),
    Case("negative-count", u(counts(discipline=-3)), 1, ["phải ≥ 0"], line_text="discipline: -3", path="staff_counts.discipline"),
    Case("count-above-total", u(counts(learning_citizen=31)), 1, ["31 người vượt quá tổng số thành viên (30)"],
         line_text="learning_citizen: 31", path="staff_counts.learning_citizen"),
    Case("year-1899", u(edit(EXAMPLE_TEXT, "year: 2024", "year: 1899")), 1, ["năm 1899 không hợp lệ", "từ 2000 đến 2099"], line_text="year: 1899", path="year"),
    Case("year-3000", u(edit(EXAMPLE_TEXT, "year: 2024", "year: 3000")), 1, ["năm 3000 không hợp lệ"], line_text="year: 3000", path="year"),
    Case("impossible-date", u(edit(EXAMPLE_TEXT, "date: 08/01/2025", "date: 31/02/2024")), 1, ["31/02/2024 không tồn tại"],
         line_text="date: 31/02/2024", path="report.date"),
    Case("evidence-after-the-sheets", u(edit(EXAMPLE_TEXT, "date: 05/07/2024", "date: 05/07/2025")), 1,
         ["05/07/2025 sau ngày ký phiếu đánh giá Mẫu 1"], line_text="date: 05/07/2025", path='indicators."1.1".evidence[2].date'),
    Case("unknown-indicator", u(edit(EXAMPLE_TEXT, '  "3.3":\n', '  "4.1":\n')), 1, ["không có chỉ tiêu “4.1”", "thiếu chỉ tiêu “3.3”"],
         line_text='"4.1":', path='indicators."4.1"'),
    Case("assessor-not-on-team", u(edit(EXAMPLE_TEXT, "assessors: [mai, anh]", "assessors: [mai, tuan]")), 1, ["“tuan” không có trong Tổ tự đánh giá"],
         line_text="assessors: [mai, tuan]", path='indicators."2.4".assessors[2]'),
    Case("same-assessor-twice", u(edit(EXAMPLE_TEXT, "assessors: [mai, anh]", "assessors: [mai, mai]")), 1, ["hai người đánh giá phải khác nhau"],
         line_text="assessors: [mai, mai]", path='indicators."2.4".assessors'),
    Case("even-team", u(edit(EXAMPLE_TEXT, MEMBER_ANH, "")), 1, ["có 4 người", "số lẻ"], line_text="  members:", path="team.members"),
    Case("two-leaders", u(edit(EXAMPLE_TEXT, "      role: member\n", "      role: leader\n")), 1, ["đúng một Tổ trưởng", "hiện có 2"],
         line_text="    - id: lan", path="team.members[3]"),
    # text: accepted, printed as typed
    Case("markup-and-template-syntax", u(edit(EXAMPLE_TEXT, "      Tỷ lệ hoàn thành chương trình bồi dưỡng cao.",
                                              "      " + HOSTILE_TEXT)), 0, ["✓ đã lập"], shown=[HOSTILE_TEXT]),
    Case("control-characters", u(edit(EXAMPLE_TEXT, "      Tỷ lệ hoàn thành chương trình bồi dưỡng cao.",
                                      "      Tỷ lệ\x0b hoàn thành\x0c chương trình\x00 bồi dưỡng cao.")), 0, ["✓ đã lập"],
         shown=["Tỷ lệ hoàn thành chương trình bồi dưỡng cao."]),
    Case("ten-thousand-characters", u(edit(EXAMPLE_TEXT, "      Tỷ lệ hoàn thành chương trình bồi dưỡng cao.", "      " + LONG.strip())), 0,
         ["✓ đã lập"], shown=[LONG.strip()]),
    Case("five-hundred-evidence-items", u(edit(EXAMPLE_TEXT, """    evidence:
      - title: Tổng hợp kết quả đào tạo, bồi dưỡng cán bộ, công chức năm 2024
        number: 199/BC-UBND
        date: 10/12/2024
        issuer: UBND xã Quảng Phú
""", EVIDENCE_500)), 0, ["✓ đã lập"], shown=["[2.2-500] Minh chứng số 500 về học tập, số 500/BC-UBND ngày 10/12/2024."]),
    # paths: names are text, never paths
    Case("unit-name-like-a-path", u(edit(EXAMPLE_TEXT, "short_name: UBND xã Quảng Phú ", 'short_name: "../../etc/UBND: xã A/B*?<>|" ')), 0,
         ["✓ đã lập"], shown=["../../etc/UBND: xã A/B*?<>|"]),
]


def expected_line(case: Case) -> int | None:
    """Line of `line_text` in the case's own text, else in the example (edits that keep the lines)."""
    if case.line_text is None:
        return None
    text = case.bytes().decode("utf-8", errors="replace")
    return line_of(text if case.line_text in text else EXAMPLE_TEXT, case.line_text)
