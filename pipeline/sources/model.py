"""The typed input model: what one `inputs/<unit>/<year>.yaml` holds.

Pydantic checks shape and types here; rules that relate fields to each other or to the criteria
catalogue (team size, assessors, dates in the year, counts ≤ total…) live in `validate`.
The committed JSON Schema (`schema/input.schema.json`) is generated from this model.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints, WithJsonSchema, model_validator

from pipeline.core.vocab import (
    COLLECTIVE_TITLES,
    DIGITAL_LEVELS,
    INDIVIDUAL_TITLES,
    LEVEL_CODES,
    LEVEL_LABELS,
    NO_WORDS,
    ROLE_LABELS,
    UNIT_LEVELS,
    YES_WORDS,
    CollectiveTitle,
    DigitalLevel,
    IndividualTitle,
    LevelCode,
    Role,
    UnitLevel,
    by_label,
    yes_no,
)

# the free texts of an indicator and of the report: prose the officer writes, where placeholders print figures
INDICATOR_TEXTS = ("description", "strengths", "weaknesses")
REPORT_TEXTS = ("general_situation", "purpose", "process_summary", "other_conclusions")
_DMY = re.compile(r"^\s*(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})\s*$")  # 15/7/2025, 15.7.2025, 15-07-2025


def _parse_date(value: Any) -> Any:
    """Accept YAML dates (2024-06-20) and the Vietnamese ways of writing them (20/06/2024, 20.6.2024, 20-06-2024); never a number
    (pydantic would read 1718841600 as seconds since 1970)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = getattr(value, "source", value)
        raise ValueError(f"ngày phải viết dd/mm/yyyy (ví dụ 05/02/2024), không phải số “{shown}”")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        m = _DMY.match(value)
        if m:
            day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"ngày {value.strip()} không tồn tại") from None
    return value


def _as_typed(value: Any) -> Any:
    """A number where text is expected is the text as typed: `number: 05` is “05”, not 5."""
    return value.source if hasattr(value, "source") else value


def _one_line(value: Any) -> Any:
    """Names, positions, numbers: one line, inner runs of white space folded to one space."""
    value = _as_typed(value)
    return " ".join(value.split()) if isinstance(value, str) else value


Date = Annotated[dt.date, BeforeValidator(_parse_date)]
Text = Annotated[str, BeforeValidator(_as_typed), StringConstraints(strip_whitespace=True, min_length=1)]  # may span lines
OptText = Annotated[str, BeforeValidator(_as_typed), StringConstraints(strip_whitespace=True)]
Line = Annotated[str, BeforeValidator(_one_line), StringConstraints(min_length=1)]
OptLine = Annotated[str, BeforeValidator(_one_line)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
# the officer's words: có/không/x/đạt…, and Vietnamese labels for roles, titles and levels
def _either(labels: dict[str, str]) -> WithJsonSchema:
    """The JSON Schema of a code-or-label field, so that editors accept what the model accepts."""
    return WithJsonSchema({"type": "string", "enum": sorted(set(labels) | set(labels.values()))})


_LEVELS = {LEVEL_CODES[lv]: label for lv, label in LEVEL_LABELS.items()}
YesNo = Annotated[bool, BeforeValidator(yes_no),
                  WithJsonSchema({"anyOf": [{"type": "boolean"}, {"type": "string", "enum": sorted({w for word in YES_WORDS | NO_WORDS for w in (word, word.capitalize())})}]})]
RoleIn = Annotated[Role, BeforeValidator(by_label(ROLE_LABELS)), _either(ROLE_LABELS)]
IndividualTitleIn = Annotated[IndividualTitle, BeforeValidator(by_label(INDIVIDUAL_TITLES)), _either(INDIVIDUAL_TITLES)]
CollectiveTitleIn = Annotated[CollectiveTitle, BeforeValidator(by_label(COLLECTIVE_TITLES)), _either(COLLECTIVE_TITLES)]
LevelIn = Annotated[LevelCode, BeforeValidator(by_label(_LEVELS)), _either(_LEVELS)]
UnitLevelIn = Annotated[UnitLevel, BeforeValidator(by_label(UNIT_LEVELS)), _either(UNIT_LEVELS)]
DigitalLevelIn = Annotated[DigitalLevel, BeforeValidator(by_label(DIGITAL_LEVELS)), _either(DIGITAL_LEVELS)]
# strict: a count is an integer as typed — never "3.000" read as 3, never true read as 1
Count = Annotated[int, Strict(), Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """An optional field left empty (`number:`) is absent: it takes its default."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items()
                    if not (v is None and k in cls.model_fields and not cls.model_fields[k].is_required())}
        return data


class Unit(_Strict):
    name: Line = Field(description="Tên đầy đủ của đơn vị, ví dụ “Ủy ban nhân dân xã Quảng Phú”")
    short_name: Line = Field(description="Tên viết gọn, ví dụ “UBND xã Quảng Phú”")
    kind: Slug = Field("ubnd-xa", description="Loại đơn vị (mã trong bộ tiêu chí, Điều 2 Thông tư 24), ví dụ ubnd-xa, thcs, thpt; “dvht kinds” liệt kê đủ")
    level: UnitLevelIn | None = Field(None, description="Cấp đánh giá, công nhận: cap-huyen (cấp huyện) hoặc cap-tinh (cấp tỉnh); chỉ cần ghi với loại đơn vị có ở cả hai cấp")
    parent_agency: OptLine = Field("", description=(
        "Cơ quan chủ quản, nếu có (in ở bìa Mẫu 3; với trường học, ở đầu văn bản); Ủy ban nhân dân xã không có: để trống"))
    place: Line = Field(description="Địa danh ghi ở dòng ngày tháng, ví dụ “Quảng Phú”")
    collective_name: OptLine = Field("Ủy ban nhân dân", description="Tên tập thể lãnh đạo in ở dòng “TM. …”, ví dụ “Ủy ban nhân dân”; để trống (\"\") khi người đứng đầu tự ký, như Hiệu trưởng, Giám đốc")


class Signer(_Strict):
    """Who signs a document under the unit's number and seal, and with which authority line."""

    name: Line = Field(description="Họ và tên người ký")
    title: Line = Field(description="Chức vụ người ký, ví dụ “Chủ tịch” hoặc “Phó Chủ tịch”")
    on_behalf_of: OptLine = Field("", description="Ký thay (KT.) người đứng đầu có chức vụ này, ví dụ “Chủ tịch”; để trống nếu người đứng đầu tự ký")


class Recognition(_Strict):
    """Who receives the dossier and who recognises the unit: set by each province since 01/07/2025."""

    scope: Line = Field("cấp huyện", description="Cấp công nhận in trong “Đơn vị học tập …”, theo quy định của tỉnh")
    receiver: Line = Field("Phòng Giáo dục và Đào tạo huyện", description=(
        "Cơ quan nhận hồ sơ (dòng “Kính gửi” của Tờ trình), theo quy định của tỉnh, ví dụ “Sở Giáo dục và Đào tạo tỉnh …”"))
    authority: Line = Field("Chủ tịch Ủy ban nhân dân huyện", description=(
        "Người có thẩm quyền công nhận, nêu trong lời đề nghị, theo quy định của tỉnh"))


class Decision(_Strict):
    number: Line = Field(description="Số quyết định, ví dụ “125/QĐ-UBND”")
    date: Date = Field(description="Ngày ký quyết định, trong năm đánh giá")
    grounds: list[Line] = Field(default_factory=list, description="Các căn cứ thêm (ngoài luật và Thông tư 24), mỗi dòng một căn cứ")
    proposer: OptLine = Field("", description=(
        "“Theo đề nghị của …”, ví dụ “Trưởng phòng Văn hóa – Xã hội” (để trống: theo ngày quyết định, trước hoặc sau 01/07/2025)"))
    executors: OptLine = Field("", description=(
        "Điều 3: những người chịu trách nhiệm thi hành, ví dụ “Chánh Văn phòng HĐND và UBND, Trưởng phòng Văn hóa – Xã hội "
        "và các ông (bà) có tên tại Điều 1” (để trống: theo ngày quyết định)"))
    recipients: list[Line] = Field(default_factory=list, description="Nơi nhận (ngoài “Như Điều 3” và “Lưu”)")
    signer: Signer | None = Field(None, description="Người ký quyết định, nếu khác người ký chung (signer)")


class Member(_Strict):
    id: Line = Field(description="Mã ngắn, chữ thường không dấu, dùng để ghi người đánh giá")
    name: Line = Field(description="Họ và tên thành viên Tổ")
    position: Line = Field(description="Chức danh, chức vụ, đơn vị công tác")
    role: RoleIn = Field(description="leader (Tổ trưởng) | secretary (Thư ký) | member (Thành viên)")


class Team(_Strict):
    decision: Decision
    members: list[Member] = Field(min_length=1)


class StaffMember(_Strict):
    name: Line = Field(description="Họ và tên")
    position: OptLine = Field("", description="Chức danh, chức vụ")
    discipline: YesNo = Field(description="Tuân thủ kỷ luật lao động, nội quy; đoàn kết, hợp tác, chia sẻ")
    training_completed: YesNo = Field(description="Hoàn thành đầy đủ các chương trình học tập, bồi dưỡng theo quy định của nhà nước hoặc của đơn vị và đoàn thể được lãnh đạo đơn vị phê duyệt")
    digital_training: YesNo = Field(description="Được đào tạo, bồi dưỡng và tham gia thực hiện chuyển đổi số")
    language_certificate: YesNo = Field(description="Có chứng nhận hoặc chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng yêu cầu công việc hoặc vị trí việc làm (2.4, Mức độ 1)")
    language_meets_job: YesNo = Field(description="Có trình độ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng yêu cầu công việc hoặc vị trí việc làm (2.4, Mức độ 2)")
    emulation_title: IndividualTitleIn = Field(description="Danh hiệu thi đua cá nhân cao nhất trong năm")
    learning_citizen: YesNo = Field(description="Đạt danh hiệu “Công dân học tập”")


class StaffCounts(_Strict):
    total: Annotated[int, Strict(), Field(ge=1)] = Field(description="Tổng số thành viên trong đơn vị")
    discipline: Count = Field(description="Số người tuân thủ kỷ luật, nội quy; đoàn kết, hợp tác (2.1)")
    training_completed: Count = Field(description="Số người hoàn thành chương trình học tập, bồi dưỡng (2.2)")
    digital_training: Count = Field(description="Số người được đào tạo, tham gia chuyển đổi số (2.3)")
    language_certificate: Count = Field(description="Số người có chứng nhận, chứng chỉ ngoại ngữ (2.4)")
    language_meets_job: Count = Field(description="Số người có ngoại ngữ đáp ứng vị trí việc làm (2.4)")
    advanced_worker: Count = Field(description="Số người đạt “Lao động tiên tiến” trở lên")
    learning_citizen: Count = Field(description="Số người đạt danh hiệu “Công dân học tập” (3.1)")


class Learners(_Strict):
    """“Người học” of a Cơ sở giáo dục (Điều 2 khoản 8): the second share of 3.1."""

    total: Annotated[int, Strict(), Field(ge=1)] = Field(description="Tổng số người học (học sinh, sinh viên, học viên) trong năm đánh giá")
    learning_citizens: Count = Field(description="Số người học đạt danh hiệu “Công dân học tập” theo Quyết định số 324/QĐ-KHVN")


class Accreditation(_Strict):
    """The vocational accreditation of a cơ sở giáo dục nghề nghiệp (3.5 at cấp huyện, 3.6 at cấp tỉnh)."""

    accredited: YesNo = Field(description="Đã đạt kiểm định chất lượng giáo dục nghề nghiệp: có hoặc không")
    certificate: OptLine = Field("", description="Số giấy chứng nhận kiểm định chất lượng")
    date: Date | None = Field(None, description="Ngày cấp giấy chứng nhận (dd/mm/yyyy)")
    valid_until: Date | None = Field(None, description="Giấy chứng nhận có giá trị đến ngày (dd/mm/yyyy)")
    issuer: OptLine = Field("", description="Tổ chức kiểm định, cơ quan cấp giấy chứng nhận")


class Evidence(_Strict):
    title: Line = Field(description="Tên văn bản, ví dụ “Kế hoạch học tập năm 2024”")
    number: OptLine = Field("", description="Số văn bản, ví dụ “05/KH-UBND”")
    date: Date | None = Field(None, description="Ngày ban hành (dd/mm/yyyy)")
    issuer: OptLine = Field("", description="Cơ quan ban hành")


class IndicatorInput(_Strict):
    assessors: list[Line] = Field(description="Hai người đánh giá: mã hoặc họ tên trong team.members")
    met: YesNo | None = Field(None, description="Chỉ tiêu định tính: có (đạt) hoặc không (không đạt)")
    declared_level: LevelIn | None = Field(None, description="Mức tổ tự đánh giá khai (khong-dat | muc-1 | muc-2); được đối chiếu với số liệu")
    description: Text = Field(description="Mô tả hiện trạng; mỗi dòng là một đoạn")
    evidence: list[Evidence] = Field(default_factory=list, description="Minh chứng: văn bản, số, ngày, cơ quan ban hành")
    strengths: Text = Field(description="Điểm mạnh; mỗi dòng là một đoạn")
    weaknesses: Text = Field(description="Tồn tại; mỗi dòng là một đoạn")


class CriterionConclusion(_Strict):
    strengths: Text = Field(description="Điểm mạnh nổi bật của tiêu chí")
    weaknesses: Text = Field(description="Những điểm yếu cơ bản của tiêu chí")


class Abbreviation(_Strict):
    short: Line = Field(description="Chữ viết tắt, ví dụ “MTTQ”")
    full: Line = Field(description="Nội dung đầy đủ, ví dụ “Mặt trận Tổ quốc”")


class Report(_Strict):
    number: OptLine = Field("", description="Số báo cáo, ví dụ “215/BC-UBND” (để trống nếu chưa có)")
    date: Date = Field(description="Ngày ký báo cáo tự đánh giá (sau 31/12 của năm đánh giá, trước Tờ trình)")
    sheets_date: Date | None = Field(None, description="Ngày ký các phiếu Mẫu 1 (mặc định: ngày báo cáo)")
    summary_date: Date | None = Field(None, description="Ngày ký bảng tổng hợp Mẫu 2 (mặc định: ngày báo cáo)")
    general_situation: Text = Field(description="A.1. Tình hình chung của đơn vị")
    purpose: Text = Field(description="A.2. Mục đích tự đánh giá")
    process_summary: Text = Field(description="A.3. Tóm tắt quá trình và những vấn đề nổi bật")
    other_conclusions: OptText = Field("", description="C. Các kết luận khác (nếu có)")
    abbreviations: list[Abbreviation] = Field(default_factory=list, description="Chữ viết tắt dùng thêm (ngoài danh sách có sẵn)")
    recipients: list[Line] = Field(default_factory=list, description="Nơi nhận báo cáo (ngoài “Lưu”); mặc định: cơ quan nhận hồ sơ")
    signer: Signer | None = Field(None, description="Người ký báo cáo, nếu khác người ký chung (signer)")


class PastRecognition(_Strict):
    """An earlier recognition of the unit (kept three years; level 2 asked at least a year after level 1)."""

    decision: Line = Field(description="Số quyết định công nhận, ví dụ “1234/QĐ-UBND”")
    date: Date = Field(description="Ngày quyết định công nhận")
    level: LevelIn = Field(description="Mức được công nhận: muc-1 hoặc muc-2")
    year: Annotated[int, Strict()] | None = Field(None, description="Năm được công nhận (năm đánh giá); mặc định: năm trước năm ra quyết định")


class Request(_Strict):
    """The Tờ trình đề nghị công nhận."""

    number: OptLine = Field("", description="Số Tờ trình, ví dụ “12/TTr-UBND” (để trống nếu chưa có)")
    date: Date = Field(description="Ngày ký Tờ trình (trước 15/01 năm sau năm đánh giá)")
    grounds: list[Line] = Field(default_factory=list, description="Các căn cứ thêm, ví dụ kế hoạch của cấp trên")
    recipients: list[Line] = Field(default_factory=list, description="Nơi nhận (ngoài “Như trên” và “Lưu”)")
    signer: Signer | None = Field(None, description="Người ký Tờ trình, nếu khác người ký chung (signer)")


class DossierInput(_Strict):
    regulation: Slug = Field("tt24-2023", description="Bộ tiêu chí áp dụng (tệp trong pipeline/criteria)")
    year: Annotated[int, Strict()] = Field(description="Năm đánh giá (2000–2099)")
    unit: Unit
    team: Team
    staff: list[StaffMember] | None = Field(None, description="Danh sách thành viên (hoặc dùng staff_counts)")
    staff_counts: StaffCounts | None = Field(None, description="Số liệu tổng hợp thay cho danh sách")
    collective_title: CollectiveTitleIn = Field(description="Danh hiệu thi đua tập thể của đơn vị trong năm")
    learners: Learners | None = Field(None, description="Người học và số đạt “Công dân học tập” (chỉ tiêu 3.1; chỉ với cơ sở giáo dục có “Người học”, Điều 2 khoản 8)")
    digital_transformation: DigitalLevelIn | None = Field(None, description="Mức độ chuyển đổi số của đơn vị theo Quyết định số 4725/QĐ-BGDĐT (trường phổ thông, trung tâm GDTX) hoặc 4740/QĐ-BGDĐT (cơ sở giáo dục đại học): chua-dap-ung | co-ban | tot")
    vocational_accreditation: Accreditation | None = Field(None, description="Kiểm định chất lượng giáo dục nghề nghiệp (chỉ với cơ sở giáo dục nghề nghiệp)")
    indicators: dict[str, IndicatorInput]
    criteria: dict[str, CriterionConclusion] = Field(description="Kết luận từng tiêu chí, khóa “1”, “2”, “3”")
    report: Report
    request: Request
    signer: Signer = Field(description="Người đứng đầu ký các văn bản mang số, dấu của đơn vị (Tờ trình, Báo cáo, Quyết định)")
    recognition: Recognition = Field(default_factory=Recognition, description="Cơ quan nhận hồ sơ và người công nhận (do tỉnh quy định)")
    archive: Line = Field("VT", description="Dòng “Lưu: …” cuối Nơi nhận, ví dụ “VT, VHXH”")
    recognitions: list[PastRecognition] = Field(default_factory=list, description="Các lần được công nhận trước")

    @model_validator(mode="before")
    @classmethod
    def _assessors_by_name(cls, data: Any) -> Any:
        """An assessor written by name (“Trần Thị Thu Hương”, any case) is the team member of that name: the rest of
        the pipeline sees their code. A code, or a name that is no member's, is left for `validate` to judge."""
        if not isinstance(data, dict):
            return data
        team, indicators = data.get("team"), data.get("indicators")
        members = team.get("members") if isinstance(team, dict) else None
        if not isinstance(members, list) or not isinstance(indicators, dict):
            return data
        ids = {m.get("id") for m in members if isinstance(m, dict)}
        by_name = {}
        for m in members:
            if isinstance(m, dict) and isinstance(m.get("name"), str) and isinstance(m.get("id"), str):
                by_name.setdefault(" ".join(m["name"].split()).casefold(), m["id"])
        out = dict(data)
        out["indicators"] = {}
        for code, ind in indicators.items():
            if isinstance(ind, dict) and isinstance(ind.get("assessors"), list):
                ind = dict(ind, assessors=[by_name.get(" ".join(a.split()).casefold(), a) if isinstance(a, str) and a not in ids else a
                                           for a in ind["assessors"]])
            out["indicators"][code] = ind
        return out

    @model_validator(mode="before")
    @classmethod
    def _recognition_by_level(cls, data: Any) -> Any:
        """Who receives and who recognises, when the input does not say, are its level's (cấp tỉnh: the Sở and the
        Chủ tịch UBND tỉnh, Điều 11, 16), as the catalogue gives them; cấp huyện keeps the defaults above."""
        if not isinstance(data, dict) or not isinstance(data.get("unit"), dict):
            return data
        from pipeline.criteria import load_regulation, resolve_level

        unit, regulation = data["unit"], data.get("regulation") or "tt24-2023"
        kind, level = unit.get("kind") or "ubnd-xa", unit.get("level")
        if not (isinstance(regulation, str) and isinstance(kind, str) and isinstance(level, (str, type(None)))):
            return data  # the model refuses these itself
        if level is not None:
            level = {"cấp huyện": "cap-huyen", "cấp tỉnh": "cap-tinh"}.get(" ".join(level.split()).casefold(), level)
        resolved = resolve_level(regulation, kind, level)
        if resolved is None or resolved == "cap-huyen":
            return data
        given = data.get("recognition")
        if given is not None and not isinstance(given, dict):
            return data
        defaults = load_regulation(regulation).levels[resolved].recognition
        return {**data, "recognition": {**defaults, **{k: v for k, v in (given or {}).items() if v is not None}}}


def json_schema() -> dict:
    schema = DossierInput.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Hồ sơ tự đánh giá Đơn vị học tập — dữ liệu đầu vào"
    return schema
