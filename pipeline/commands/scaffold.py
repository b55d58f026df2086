"""Writing an input file: every field in order, with the example's Vietnamese comments, each value
either given or the marker `CẦN ĐIỀN` that `validate` lists with its line. Shared by `new-unit`
(everything to fill but the unit's name) and `new-year` (last year's file, the yearly facts cleared).

The text is written here, not dumped by a YAML library, so that comments sit where the officer
needs them and values are quoted only when YAML would otherwise change them.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.core.localgov import office_text
from pipeline.criteria import Catalogue, PercentageRule, QualitativeRule
from pipeline.sources.load import FILL

HEADER = """\
# yaml-language-server: $schema=../../schema/input.schema.json
#
# HỒ SƠ TỰ ĐÁNH GIÁ “ĐƠN VỊ HỌC TẬP” — DỮ LIỆU ĐẦU VÀO ({origin})
# Mỗi chỗ ghi “CẦN ĐIỀN” phải thay bằng thông tin thật; “dvht validate” liệt kê từng chỗ với số dòng.
# Cách ghi:
#   - Mỗi dòng “tên_trường: giá trị”; thụt lề bằng DẤU CÁCH (không dùng phím Tab).
#   - Ngày ghi dd/mm/yyyy (ví dụ 05/02/2025). Có/không ghi: có, không (hoặc true, false, x).
#   - Văn bản nhiều dòng: viết “|” rồi xuống dòng, thụt vào; mỗi dòng thành một đoạn.
#   - Số liệu trong lời văn: dùng chỗ điền số liệu, ví dụ {{so_thanh_vien}}, {{2.3.phan_so}}, {{2.3.ty_le}},
#     {{nam}} — máy in số tính từ dữ liệu (xem README, mục “Figures in the prose”).
"""

_PLAIN_UNSAFE = re.compile(r"""^[\s\-?:,\[\]{}#&*!|>'"%@`]|:\s|\s#|:$|^\s|\s$""")
_LOOKS_TYPED = re.compile(r"^([-+]?\d+([.,:]\d+)*|true|false|yes|no|on|off|null|~|[-+]?\.\d+|0[xob].*)$", re.IGNORECASE)


def scalar(value, yes_no: tuple[str, str] = ("có", "không")) -> str:
    """One value as YAML text, quoted only when a plain scalar would read differently."""
    if value is None:
        return ""
    if value is True or value is False:
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text == FILL:
        return FILL
    if text == "" or _PLAIN_UNSAFE.search(text) or _LOOKS_TYPED.match(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class Writer:
    def __init__(self, yes_no: tuple[str, str] = ("có", "không")):
        self.lines: list[str] = []
        self.yes_no = yes_no  # how this file writes booleans (an import keeps the file's own style)

    def comment(self, text: str, indent: int = 0) -> None:
        for line in text.splitlines():
            self.lines.append(" " * indent + ("# " + line if line else "#"))

    def blank(self) -> None:
        self.lines.append("")

    def field(self, key: str, value, indent: int = 0, note: str = "", dash: bool = False, block: bool = False) -> None:
        """`key: value  # note`; multi-line text, and any free text (`block`), as a `|` block: colons,
        quotes, braces, `#` and line breaks in it are then literal."""
        pad = " " * indent + ("- " if dash else "")
        inner = " " * (indent + (2 if dash else 0) + 2)
        if isinstance(value, str) and ("\n" in value.strip() or (block and value.strip())):
            self.lines.append(f"{pad}{key}: |" + (f"  # {note}" if note else ""))
            self.lines.extend(inner + line if line.strip() else "" for line in value.strip("\n").split("\n"))
            return
        line = f"{pad}{key}: {scalar(value, self.yes_no)}".rstrip()
        self.lines.append(f"{line:<44} # {note}" if note else line)

    def key(self, key: str, indent: int = 0, note: str = "", dash: bool = False) -> None:
        pad = " " * indent + ("- " if dash else "")
        line = f"{pad}{key}:"
        self.lines.append(f"{line:<44} # {note}" if note else line)

    def items(self, key: str, values: list, indent: int = 0, note: str = "") -> None:
        """A list of single values, one per line (or `[]`)."""
        if not values:
            self.field(key, None, indent, note)
            self.lines[-1] = self.lines[-1].replace(f"{key}:", f"{key}: []", 1)
            return
        self.key(key, indent, note)
        self.lines.extend(f"{' ' * (indent + 2)}- {scalar(v)}" for v in values)

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def write(d: dict, catalogue: Catalogue, origin: str) -> str:
    """The whole input file for the values `d` (shaped like the input; FILL where the officer must supply)."""
    w = Writer()
    w.lines.extend(HEADER.format(origin=origin).rstrip("\n").split("\n"))
    w.blank()
    w.comment("Bộ tiêu chí áp dụng: tt24-2023 = Thông tư số 24/2023/TT-BGDĐT.")
    w.field("regulation", d.get("regulation", "tt24-2023"))
    w.blank()
    w.comment("Năm đánh giá (số liệu tính từ 01/01 đến 31/12 của năm này). Phải trùng tên tệp.")
    w.field("year", d["year"])
    w.blank()

    u = d["unit"]
    w.comment("Thông tin đơn vị")
    w.key("unit")
    w.field("name", u["name"], 2, "tên đầy đủ")
    w.field("short_name", u["short_name"], 2, "tên viết gọn, in ở dòng “Đơn vị:”")
    kind = u.get("kind", "ubnd-xa")
    w.field("kind", kind, 2, f"loại đơn vị: {kind} ({catalogue.unit_kinds.get(kind, 'xem dvht kinds')})")
    if "level" in u:
        w.field("level", u["level"], 2, "cấp đánh giá, công nhận: cap-huyen (cấp huyện) | cap-tinh (cấp tỉnh)")
    w.field("parent_agency", u.get("parent_agency", ""), 2, "cơ quan chủ quản nếu có (bìa Mẫu 3); UBND xã: để trống")
    w.field("place", u["place"], 2, "địa danh ghi trước ngày tháng")
    w.field("collective_name", u.get("collective_name", "Ủy ban nhân dân"), 2,
            "in ở dòng “TM. …” (ví dụ “TM. ỦY BAN NHÂN DÂN”); để trống nếu người đứng đầu tự ký")
    w.blank()

    s = d["signer"]
    w.comment("Người ký các văn bản mang số, dấu của UBND xã (Tờ trình, Báo cáo; cả Quyết định nếu không ghi riêng).\n"
              "Cấp phó ký thay: on_behalf_of: Chủ tịch → “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH”.")
    _signer(w, s, 0, "signer")
    w.blank()

    r = d["recognition"]
    if d["year"] >= 2025:
        w.comment("Nơi nhận hồ sơ và người công nhận: từ 01/07/2025 không còn cấp huyện, ghi theo quy định của tỉnh\n"
                  "(ví dụ receiver: Sở Giáo dục và Đào tạo tỉnh …; authority: Chủ tịch Ủy ban nhân dân tỉnh …).")
    else:
        w.comment("Nơi nhận hồ sơ và người công nhận, theo quy định của tỉnh.")
    w.key("recognition")
    w.field("scope", r["scope"], 2, "in trong “Đơn vị học tập …”, theo quy định của tỉnh")
    w.field("receiver", r["receiver"], 2, "dòng “Kính gửi” của Tờ trình")
    w.field("authority", r["authority"], 2, "người công nhận, nêu trong lời đề nghị")
    w.field("archive", d.get("archive", "VT"), 0, "dòng cuối Nơi nhận: “- Lưu: VT, ….”")
    w.blank()
    _recognitions(w, d.get("recognitions") or [])

    t = d["team"]
    w.comment("Tổ tự đánh giá: số người là số lẻ; đúng một Tổ trưởng (leader, lãnh đạo UBND xã), một Thư ký (secretary);\n"
              "còn lại là Thành viên (member). Vai trò ghi mã hoặc tên: Tổ trưởng, Thư ký, Thành viên.")
    w.key("team")
    dec = t["decision"]
    w.key("decision", 2, "quyết định thành lập Tổ tự đánh giá")
    w.field("number", dec["number"], 4, "số quyết định, ví dụ 68/QĐ-UBND")
    w.field("date", dec["date"], 4, "ngày ký, trong năm đánh giá")
    w.items("grounds", dec.get("grounds", []), 4, "căn cứ thêm (luật và Thông tư 24 đã có sẵn)")
    # shown and written, never a hidden default: the offices differ before and after 01/07/2025
    w.field("proposer", dec.get("proposer") or office_text("proposer", year=d["year"]), 4, "“Theo đề nghị của …”")
    w.field("executors", dec.get("executors") or office_text("executors", year=d["year"]), 4, "Điều 3: người thi hành")
    w.items("recipients", dec.get("recipients", []), 4, "Nơi nhận (ngoài “Như Điều 3” và “Lưu”)")
    if dec.get("signer"):
        _signer(w, dec["signer"], 4, "signer")
    w.key("members", 2)
    for m in t["members"]:
        w.field("id", m["id"], 4, "mã ngắn không dấu, dùng để ghi người đánh giá", dash=True)
        w.field("name", m["name"], 6)
        w.field("position", m["position"], 6)
        w.field("role", m["role"], 6)
    w.blank()

    _staff(w, d)
    w.comment("Danh hiệu thi đua tập thể của UBND xã trong năm (chỉ tiêu 3.3): khong | tap-the-lao-dong-tien-tien |\n"
              "tap-the-lao-dong-xuat-sac | co-thi-dua | co-thi-dua-chinh-phu (hoặc tên: “Tập thể lao động tiên tiến”…)")
    w.field("collective_title", d["collective_title"])
    w.blank()
    _kind_facts(w, d)

    _indicators(w, d, catalogue)
    w.comment("Kết luận từng tiêu chí (mục “5. Kết luận về Tiêu chí N” của Mẫu 3).")
    w.key("criteria")
    for key, c in d["criteria"].items():
        w.key(f'"{key}"', 2)
        w.field("strengths", c["strengths"], 4, "điểm mạnh nổi bật", block=True)
        w.field("weaknesses", c["weaknesses"], 4, "những điểm yếu cơ bản", block=True)
    w.blank()

    rep = d["report"]
    w.comment("Báo cáo tự đánh giá (Mẫu 3): ký sau 31/12 của năm đánh giá, trước Tờ trình.")
    w.key("report")
    w.field("number", rep.get("number", ""), 2, "số báo cáo (để trống nếu chưa lấy số)")
    w.field("date", rep["date"], 2, "ngày ký báo cáo")
    for key, note in (("sheets_date", "(không bắt buộc) ngày ký các phiếu Mẫu 1"), ("summary_date", "(không bắt buộc) ngày ký Mẫu 2")):
        if rep.get(key):
            w.field(key, rep[key], 2, note)
    for key, note in (("general_situation", "A.1. Tình hình chung của đơn vị"), ("purpose", "A.2. Mục đích tự đánh giá"),
                      ("process_summary", "A.3. Tóm tắt quá trình"), ("other_conclusions", "C. Các kết luận khác (nếu có)")):
        w.field(key, rep.get(key, ""), 2, note, block=True)
    w.key("abbreviations", 2, "chữ viết tắt dùng thêm (ngoài danh sách có sẵn)")
    if rep.get("abbreviations"):
        for ab in rep["abbreviations"]:
            w.field("short", ab["short"], 4, dash=True)
            w.field("full", ab["full"], 6)
    else:
        w.lines[-1] = w.lines[-1].replace("abbreviations:", "abbreviations: []", 1)
    w.items("recipients", rep.get("recipients", []), 2, "Nơi nhận báo cáo (ngoài “Lưu”)")
    w.blank()

    req = d["request"]
    w.comment("Tờ trình đề nghị công nhận (gửi kèm Mẫu 3 và Mẫu 2), trước ngày 15/01 năm sau năm đánh giá.")
    w.key("request")
    w.field("number", req.get("number", ""), 2, "số Tờ trình (để trống nếu chưa lấy số)")
    w.field("date", req["date"], 2, "ngày ký: không trước ngày báo cáo")
    w.items("grounds", req.get("grounds", []), 2, "căn cứ thêm (Thông tư 24 đã có sẵn)")
    w.items("recipients", req.get("recipients", []), 2, "Nơi nhận (ngoài “Như trên” và “Lưu”)")
    return w.text()


def _signer(w: Writer, s: dict, indent: int, key: str) -> None:
    w.key(key, indent)
    w.field("name", s["name"], indent + 2, "họ và tên người ký")
    w.field("title", s["title"], indent + 2, "chức vụ, ví dụ Chủ tịch, Phó Chủ tịch")
    w.field("on_behalf_of", s.get("on_behalf_of", ""), indent + 2, "ký thay (KT.) ai; để trống nếu tự ký")


def _recognitions(w: Writer, past: list[dict]) -> None:
    w.comment("Các lần được công nhận trước (không bắt buộc): số quyết định, ngày, mức (muc-1 | muc-2), năm được công\n"
              "nhận (year; mặc định năm trước năm ra quyết định). Kết quả được bảo lưu 36 tháng tiếp theo năm được công\n"
              "nhận; hết hạn thì đề nghị “công nhận lại”. Đã đạt Mức độ 1 thì được đề nghị “công nhận nâng mức độ” lên\n"
              "Mức độ 2 sau ít nhất 12 tháng kể từ ngày ra quyết định (Điều 5 Thông tư 24).")
    if not past:
        w.lines.append("recognitions: []")
    else:
        w.key("recognitions")
        for r in past:
            w.field("decision", r["decision"], 2, dash=True)
            w.field("date", r["date"], 4)
            w.field("level", r["level"], 4)
            if r.get("year") is not None:
                w.field("year", r["year"], 4)
    w.blank()


STAFF_FACTS = ("discipline", "training_completed", "digital_training", "language_certificate", "language_meets_job",
               "emulation_title", "learning_citizen")


def _staff(w: Writer, d: dict) -> None:
    w.comment("Danh sách thành viên trong đơn vị (cán bộ, công chức, người hoạt động không chuyên trách): mẫu số của mọi\n"
              "chỉ tiêu “Tối thiểu …% thành viên”. Có thể nhập từ Excel: dvht staff import <tệp.xlsx> <tệp này>.\n"
              "  discipline            tuân thủ kỷ luật lao động, nội quy; đoàn kết, hợp tác (2.1)\n"
              "  training_completed    hoàn thành đầy đủ các chương trình học tập, bồi dưỡng theo quy định của nhà nước\n"
              "                        hoặc của đơn vị và đoàn thể được lãnh đạo đơn vị phê duyệt (2.2)\n"
              "  digital_training      được đào tạo, tham gia chuyển đổi số (2.3)\n"
              "  language_certificate  có chứng nhận, chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng yêu cầu\n"
              "                        công việc, vị trí việc làm (2.4, Mức độ 1)\n"
              "  language_meets_job    có trình độ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng yêu cầu công việc,\n"
              "                        vị trí việc làm (2.4, Mức độ 2)\n"
              "  emulation_title       danh hiệu thi đua cá nhân (2.5): khong | hoan-thanh-nhiem-vu | lao-dong-tien-tien |\n"
              "                        chien-si-thi-dua-co-so | … (hoặc tên: “Lao động tiên tiến”…)\n"
              "  learning_citizen      đạt “Công dân học tập” (3.1)")
    if d.get("staff_counts"):
        w.key("staff_counts")
        for key, value in d["staff_counts"].items():
            w.field(key, value, 2)
        w.blank()
        return
    w.key("staff")
    for person in d["staff"]:
        w.field("name", person["name"], 2, dash=True)
        w.field("position", person.get("position", ""), 4)
        for fact in STAFF_FACTS:
            w.field(fact, person[fact], 4)
    w.blank()


def _kind_facts(w: Writer, d: dict) -> None:
    """The facts only some kinds of unit have (a school's learners, digital level, vocational accreditation)."""
    if "learners" in d:
        w.comment("Người học (học sinh, sinh viên, học viên — Điều 2 khoản 8 Thông tư 24) trong năm đánh giá và số đạt\n"
                  "danh hiệu “Công dân học tập” (chỉ tiêu 3.1: tối thiểu 95% ở Mức độ 1, 97% ở Mức độ 2).")
        w.key("learners")
        w.field("total", d["learners"]["total"], 2, "tổng số người học")
        w.field("learning_citizens", d["learners"]["learning_citizens"], 2, "số người học đạt “Công dân học tập”")
        w.blank()
    if "digital_transformation" in d:
        w.comment("Mức độ chuyển đổi số của đơn vị (Quyết định số 4725/QĐ-BGDĐT; cơ sở giáo dục đại học: 4740/QĐ-BGDĐT):\n"
                  "chua-dap-ung (Mức chưa đáp ứng) | co-ban (Mức đáp ứng cơ bản) | tot (Mức đáp ứng tốt).")
        w.field("digital_transformation", d["digital_transformation"])
        w.blank()
    if "vocational_accreditation" in d:
        acc = d["vocational_accreditation"]
        w.comment("Kiểm định chất lượng giáo dục nghề nghiệp: đạt khi giấy chứng nhận cấp đến 31/12 của năm đánh giá\n"
                  "và còn giá trị ngày đó. Chưa đạt kiểm định: accredited: không (bỏ các dòng khác).")
        w.key("vocational_accreditation")
        w.field("accredited", acc.get("accredited", FILL), 2, "có / không")
        for key, note in (("certificate", "số giấy chứng nhận"), ("date", "ngày cấp"), ("valid_until", "có giá trị đến ngày"),
                          ("issuer", "tổ chức kiểm định, cơ quan cấp")):
            if key in acc:
                w.field(key, acc[key], 2, note)
        w.blank()


def _indicators(w: Writer, d: dict, catalogue: Catalogue) -> None:
    w.comment("Các chỉ tiêu (Mẫu 1). Mỗi chỉ tiêu: assessors hai người đánh giá (mã trong team.members); met (chỉ tiêu\n"
              "định tính): có/không; description, evidence (title, number, date, issuer), strengths, weaknesses.\n"
              "Mỗi chỉ tiêu cần ít nhất một minh chứng có tên (title) và số (number) hoặc ngày (date): chỉ tiêu không có\n"
              "minh chứng phù hợp được đánh giá KHÔNG ĐẠT (Điều 9 khoản 3 Thông tư 24).\n"
              "Mức đạt do máy tính từ số liệu; declared_level (không bắt buộc) được đối chiếu.")
    w.key("indicators")
    kind = d["unit"].get("kind", "ubnd-xa")
    for crit in catalogue.criteria:
        for spec in crit.indicators:
            code = f"{crit.number}.{spec.number}"
            if not spec.applies(kind):
                continue
            ind = d["indicators"][code]
            w.blank()
            w.comment(f"{code}: {spec.text.at(1)}", 2)
            w.key(f'"{code}"', 2)
            w.lines.append(f"    assessors: [{', '.join(scalar(a) for a in ind['assessors'])}]")
            if isinstance(spec.rule, QualitativeRule):
                w.field("met", ind.get("met", FILL), 4, "có (đạt) / không (không đạt)")
            if ind.get("declared_level") is not None:
                w.field("declared_level", ind["declared_level"], 4, "khong-dat | muc-1 | muc-2")
            note = "dùng {" + code + ".phan_so}, {" + code + ".ty_le} cho số liệu" if isinstance(spec.rule, PercentageRule) else ""
            w.field("description", ind["description"], 4, note or "1. Mô tả hiện trạng", block=True)
            if ind.get("evidence"):
                w.key("evidence", 4)
                for ev in ind["evidence"]:
                    w.field("title", ev["title"], 6, dash=True)
                    w.field("number", ev.get("number", ""), 8)
                    w.field("date", ev.get("date"), 8)
                    w.field("issuer", ev.get("issuer", ""), 8)
            else:
                w.lines.append("    evidence: []")
            w.field("strengths", ind["strengths"], 4, "2. Điểm mạnh", block=True)
            w.field("weaknesses", ind["weaknesses"], 4, "3. Tồn tại", block=True)
    w.blank()
