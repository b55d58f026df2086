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
    # numbers: read as typed (YAML 1.2 core rules) or refused with how to write them
    Case("thousands-dot", u(counts(total="3.000", discipline=30)), 1, ["“3.000”", "viết 3000", "phân cách hàng nghìn"],
         line_text="total: 3.000", path="staff_counts.total"),
    Case("thousands-comma", u(counts(discipline="2,900")), 1, ["viết 2900"], line_text="discipline: 2,900", path="staff_counts.discipline"),
    Case("leading-zero-is-decimal", u(counts(discipline="030")), 0, ["✓ đã lập"],
         shown=["30/30 thành viên tuân thủ kỷ luật lao động"]),  # never octal 24
    Case("sexagesimal", u(counts(discipline="1:30")), 1, ["“1:30”", "dấu “:”"], line_text="discipline: 1:30", path="staff_counts.discipline"),
    Case("hexadecimal", u(counts(discipline="0x1E")), 1, ["hệ thập phân"], line_text="discipline: 0x1E", path="staff_counts.discipline"),
    Case("decimal-count", u(counts(discipline="29.5")), 1, ["số thập phân"], line_text="discipline: 29.5", path="staff_counts.discipline"),
    Case("boolean-count", u(counts(discipline="true")), 1, ["phải là số nguyên"], line_text="discipline: true", path="staff_counts.discipline"),
    Case("year-with-leading-zero", u(edit(EXAMPLE_TEXT, "year: 2024", "year: 02024")), 0, ["✓ đã lập"],
         shown=["ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM 2024"]),  # never octal 1044
    Case("year-as-text-float", u(edit(EXAMPLE_TEXT, "year: 2024", "year: 2024.0")), 1, ["số thập phân"], line_text="year: 2024.0", path="year"),
    Case("date-as-unix-seconds", u(edit(EXAMPLE_TEXT, "        date: 15/01/2024", "        date: 1705276800")), 1,
         ["ngày phải viết dd/mm/yyyy", "“1705276800”"], line_text="date: 1705276800", path='indicators."1.1".evidence[1].date'),
    Case("number-keeps-its-zeros", u(edit(EXAMPLE_TEXT, "  number: 08/BC-UBND", "  number: 0008")), 0, ["✓ đã lập"],
         shown=["Số: 0008"]),
    Case("norway-is-text", u(edit(EXAMPLE_TEXT, "  place: Quảng Phú ", "  place: no ")), 0, ["✓ đã lập"], shown=["no, ngày 08 tháng 01 năm 2025"]),
    # lines and invisible characters
    Case("line-separator-in-a-value", u(edit(edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", "  short_name: UBND xã\u2028Quảng Phú"),
                                              "collective_title: tap-the-lao-dong-tien-tien", "collective_title: tap-the-sai")), 1,
         ["tap-the-sai"], line_text="collective_title: tap-the-sai", path="collective_title"),
    Case("next-line-in-a-value", u(edit(edit(EXAMPLE_TEXT, "  short_name: UBND xã Quảng Phú", "  short_name: UBND xã\x85Quảng Phú"),
                                         "collective_title: tap-the-lao-dong-tien-tien", "collective_title: tap-the-sai")), 1,
         ["tap-the-sai"], line_text="collective_title: tap-the-sai", path="collective_title"),
    Case("zero-width-space-in-a-key", u(edit(EXAMPLE_TEXT, "  place: Quảng Phú ", "  pla\u200bce: Quảng Phú ")), 1,
         ["“place”", "ký tự rộng 0 (U+200B) ở cột 6"], line_text="ce: Quảng Phú", path="unit.place"),
    Case("no-break-space-as-indentation", u(edit(EXAMPLE_TEXT, "  place: Quảng Phú ", " \u00a0place: Quảng Phú ")), 1,
         ["dấu cách không ngắt (U+00A0) ở cột 2"], line_text="place: Quảng Phú"),
    Case("bom-inside-a-key", u(edit(EXAMPLE_TEXT, "  place: Quảng Phú ", "  \ufeffplace: Quảng Phú ")), 1,
         ["dấu BOM (U+FEFF) ở cột 3"], line_text="place: Quảng Phú", path="unit.place"),
    Case("docxtpl-escapes-print-as-typed", u(edit(EXAMPLE_TEXT, "      Tỷ lệ hoàn thành chương trình bồi dưỡng cao.",
                                                  "      Mẫu {_{ ten }_} và {_% if %_} giữ nguyên.")), 0, ["✓ đã lập"],
         shown=["Mẫu {_{ ten }_} và {_% if %_} giữ nguyên."]),
    # private-use characters (a Symbol font's glyphs, a pasted icon) and the render's own marker typed as text
    Case("private-use-characters-print-as-typed", u(edit(EXAMPLE_TEXT, "      Tỷ lệ hoàn thành chương trình bồi dưỡng cao.",
                                                         "      Ký hiệu \ue000{_\ue001 và {_ x }\x01_} \uf8ff giữ nguyên.")), 0, ["✓ đã lập"],
         shown=["Ký hiệu \ue000{_\ue001 và {_ x }_} \uf8ff giữ nguyên."]),
    Case("merge-key", u(edit(edit(EXAMPLE_TEXT, "  - name: Hoàng Văn Minh\n", "  - &chu_tich\n    name: Hoàng Văn Minh\n"),
                             "  - name: Nguyễn Quốc Việt\n    position: Phó Chủ tịch UBND xã\n    discipline: true\n    training_completed: true\n"
                             "    digital_training: true\n    language_certificate: true\n    language_meets_job: true\n"
                             "    emulation_title: lao-dong-tien-tien\n    learning_citizen: true\n",
                             "  - <<: *chu_tich\n    name: Nguyễn Quốc Việt\n    position: Phó Chủ tịch UBND xã\n"
                             "    emulation_title: lao-dong-tien-tien\n")), 0, ["✓ đã lập"], shown=["28/30 thành viên đạt danh hiệu"]),
    # empty optional fields are absent
    Case("empty-report-number", u(edit(EXAMPLE_TEXT, "  number: 08/BC-UBND", "  number:")), 0, ["✓ đã lập"], shown=["Số:        /BC-UBND"]),
    Case("empty-position-and-recipients", u(edit(edit(EXAMPLE_TEXT, "    position: Văn thư – thủ quỹ", "    position:"),
                                                 "    recipients:                             # Nơi nhận (ngoài “Như Điều 3” và “Lưu”)\n      - Thường trực Đảng ủy, HĐND xã\n",
                                                 "    recipients:\n")), 0, ["✓ đã lập"], shown=["- Như Điều 3;"]),
]


def expected_line(case: Case) -> int | None:
    """Line of `line_text` in the case's own text, else in the example (edits that keep the lines)."""
    if case.line_text is None:
        return None
    text = case.bytes().decode("utf-8", errors="replace")
    return line_of(text if case.line_text in text else EXAMPLE_TEXT, case.line_text)
