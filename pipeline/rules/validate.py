"""Validate: the rules that tie the input's fields together and to the criteria catalogue.

`load` guarantees shape and types; here we check what the seed and Thông tư 24 require of a
dossier: an odd-sized team led by one Tổ trưởng, two distinct assessors from the team for every
indicator, a staff roster or counts (never both) that add up, dates in the order a reviewer reads
them (no evidence after the sheets that cite it, nothing in the future), placeholders that exist,
file and folder names the build accepts. All problems are gathered, each with its YAML line; some
are warnings (`Problem.warning`), which build but are printed, and refuse under `--strict`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from pathlib import Path

from pipeline.core.localgov import TWO_LEVEL_GOVERNMENT, district_body
from pipeline.core.problems import InputError, Problem, raise_if_any
from pipeline.criteria import (
    AccreditationRule,
    Catalogue,
    DigitalLevelRule,
    PercentageRule,
    QualitativeRule,
    available,
    catalogue_for,
    load_catalogue,
    load_regulation,
)
from pipeline.rules import placeholders
from pipeline.sources.files import YEAR, is_unit_folder
from pipeline.sources.load import Loaded, load
from pipeline.sources.model import DossierInput

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEADLINE = (1, 15)  # the dossier goes out before 15 January of the year after the assessment year


YEARS = (2000, 2099)
PREFIXES = ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")
KINDS = ("phường", "xã", "thị trấn", "đặc khu")
_NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def year_problem(year: int, catalogue: Catalogue | None = None) -> str | None:
    """The one year rule (validate, new-unit, new-year): 2000–2099 and not before the regulation."""
    cat = catalogue or load_catalogue("tt24-2023")
    if not YEARS[0] <= year <= YEARS[1]:
        return f"năm {year} không hợp lệ: năm đánh giá phải từ {YEARS[0]} đến {YEARS[1]}"
    if year < cat.first_year:
        return f"năm {year} trước khi {cat.name} có hiệu lực (áp dụng từ năm {cat.first_year})"
    return None


def place_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “Tân Mỹ”."""
    rest = " ".join(name.split())
    for prefix in PREFIXES:
        if rest.casefold().startswith(prefix):
            rest = rest[len(prefix):].strip()
            break
    for kind in KINDS:
        if rest.casefold() == kind:
            return ""
        if rest.casefold().startswith(kind + " "):
            return rest[len(kind):].strip()
    return rest


def short_name_of(name: str) -> str:
    """“Ủy ban nhân dân xã Tân Mỹ” → “UBND xã Tân Mỹ”."""
    rest = " ".join(name.split())
    for prefix in PREFIXES:
        if rest.casefold().startswith(prefix):
            return "UBND " + rest[len(prefix):].strip()
    return rest


def unit_name_problem(name: str) -> str | None:
    """The one rule for a unit's name (validate, new-unit): one line, no control characters, and a place
    after “Ủy ban nhân dân” / “UBND” and xã, phường… (“UBND xã” alone names no unit)."""
    from pipeline.sources.files import slug

    m = _NAME_CONTROLS.search(name)
    if m:
        what = {"\n": "xuống dòng", "\r": "xuống dòng", "\t": "Tab"}.get(m.group(0), f"ký tự điều khiển U+{ord(m.group(0)):04X}")
        return f"tên đơn vị có {what}; ghi tên trên một dòng, ví dụ “Ủy ban nhân dân xã Tân Mỹ”"
    place = place_of(name)
    if not place or not slug(place):
        return (f"tên đơn vị “{' '.join(name.split())}” chưa có địa danh; ghi đủ, ví dụ “Ủy ban nhân dân xã Tân Mỹ”")
    return None


def _fmt(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def check(loaded: Loaded, today: dt.date | None = None) -> list[Problem]:
    """Every rule problem of a loaded input, errors and warnings (empty list: valid)."""
    m: DossierInput = loaded.model
    p = loaded.problem
    problems: list[Problem] = []
    add = problems.append

    if m.regulation not in available():
        add(p(("regulation",), f"không có bộ tiêu chí “{m.regulation}”; hiện có: {', '.join(available())}"))
        return problems
    reg = load_regulation(m.regulation)
    kind_problems = _check_kind(loaded, reg)
    problems += kind_problems
    cat = catalogue_for(m)

    why = year_problem(m.year, cat)
    if why:
        add(p(("year",), why))
    why = unit_name_problem(m.unit.name)
    if why:
        add(p(("unit", "name"), why))
    problems += check_location(loaded)

    problems += _check_team(loaded)
    problems += _check_staff(loaded)
    if not kind_problems:  # which indicators and facts apply depends on the kind and level
        problems += _check_indicators(loaded, cat)
        problems += _check_kind_facts(loaded, cat)
    problems += _check_report(loaded)
    problems += _check_dates(loaded, today or dt.date.today())
    problems += check_reform(loaded)
    problems += check_report_signer(loaded)
    problems += _check_placeholders(loaded, cat)
    problems += loaded.notes
    problems += carried_over(loaded)
    return problems


def _check_kind(loaded: Loaded, reg) -> list[Problem]:
    """The unit's kind is one of Điều 2's, and its level one the kind is assessed at (named when it has two)."""
    m, p = loaded.model, loaded.problem
    kind = reg.kinds.get(m.unit.kind)
    if kind is None:
        return [p(("unit", "kind"), f"loại đơn vị “{m.unit.kind}” không có trong {reg.name}; chọn một trong: "
                                    f"{', '.join(reg.kinds)} (lệnh “dvht kinds” liệt kê tên và cấp của từng loại)")]
    names = {lv: info.label for lv, info in reg.levels.items()}
    shown = " hoặc ".join(f"{lv} ({names[lv]})" for lv in kind.levels)
    if m.unit.level is not None and m.unit.level not in kind.levels:
        return [p(("unit", "level"), f"{kind.label} được đánh giá, công nhận ở {' và '.join(names[lv] for lv in kind.levels)}, "
                                     f"không ở {names[m.unit.level]}; ghi level: {shown}")]
    if kind.level_for(m.unit.level) is None:
        return [p(("unit",), f"{kind.label} có ở cả cấp huyện và cấp tỉnh: ghi “level:” trong unit, {shown} "
                             "(theo cơ quan quản lý của đơn vị, Điều 2 khoản 3–4 Thông tư 24)")]
    return []


def _check_kind_facts(loaded: Loaded, cat: Catalogue) -> list[Problem]:
    """The facts only some kinds have (learners, digital level, vocational accreditation): present when an
    applicable indicator counts them, absent otherwise; consistent in themselves."""
    m, p = loaded.model, loaded.problem
    kind = m.unit.kind
    label = cat.unit_kinds[kind]
    needs = {"learners": [], "digital_transformation": [], "vocational_accreditation": []}
    for crit in cat.criteria:
        for spec in crit.indicators:
            code = f"{crit.number}.{spec.number}"
            if not spec.applies(kind):
                continue
            rule = spec.rule
            if isinstance(rule, PercentageRule) and rule.learners is not None and rule.learners.concerns(kind):
                needs["learners"].append(code)
            if isinstance(rule, DigitalLevelRule):
                needs["digital_transformation"].append(code)
            if isinstance(rule, AccreditationRule):
                needs["vocational_accreditation"].append(code)
    what = {"learners": "số người học (learners: total, learning_citizens)",
            "digital_transformation": "mức độ chuyển đổi số (digital_transformation: chua-dap-ung | co-ban | tot)",
            "vocational_accreditation": "kiểm định chất lượng giáo dục nghề nghiệp (vocational_accreditation)"}
    out = []
    for field, codes in needs.items():
        given = getattr(m, field) is not None
        if codes and not given:
            out.append(p((), f"thiếu {what[field]}: chỉ tiêu {', '.join(codes)} của {label.lower()} được tính từ số liệu này"))
        elif given and not codes:
            out.append(p((field,), f"{label} không có chỉ tiêu nào dùng “{field}” ở {cat.level_info.label}; xóa mục này"))
    if m.learners is not None and m.learners.learning_citizens > m.learners.total:
        out.append(p(("learners", "learning_citizens"),
                     f"{m.learners.learning_citizens} người học vượt quá tổng số người học ({m.learners.total})"))
    acc = m.vocational_accreditation
    if acc is not None and acc.accredited:
        for key, name in (("date", "ngày cấp giấy chứng nhận"), ("valid_until", "thời hạn giá trị của giấy chứng nhận")):
            if getattr(acc, key) is None:
                out.append(p(("vocational_accreditation",), f"đã đạt kiểm định (accredited: có) thì ghi {name} ({key})"))
        if acc.date is not None and acc.valid_until is not None and acc.valid_until < acc.date:
            out.append(p(("vocational_accreditation", "valid_until"), "thời hạn giấy chứng nhận trước ngày cấp"))
    return out



_DATES = (  # (pattern, group of the year, groups that must be a day 1–31 and a month 1–12)
    (re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])"), 3, (1, 2)),
    (re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{4})(?![\d/])"), 2, (None, 1)),
    (re.compile(r"(?i)\bngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b"), 3, (1, 2)),
    (re.compile(r"(?i)(?<!ngày )\btháng\s+(\d{1,2})\s+năm\s+(\d{4})\b"), 2, (None, 1)),
)
_DOC_NUMBER = re.compile(r"(?<![\w/])\d{1,4}/[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-Za-zĐđ0-9]+)+(?![\w/])")  # 45/QĐ-UBND, 10/TTr-UBND


def carried_over(loaded: Loaded) -> list[Problem]:
    """Warnings for what a new year carries in its prose: a date of an earlier year, and a document number
    that the unit's previous year file also holds (“Quyết định số 45/QĐ-UBND” of last year)."""
    return carried_in(loaded, loaded.model.year, placeholders.text_fields(loaded.model))


def carried_in(loaded: Loaded, year_now: int, texts) -> list[Problem]:
    """`carried_over` on given (path, text) pairs: also for a file not finished yet (new-year's)."""
    out: list[Problem] = []
    previous = _previous_year_text(Path(loaded.name), year_now)
    for path, text in texts:
        if not isinstance(text, str) or not text:
            continue
        for pattern, year_group, (day, month) in _DATES:
            for found in pattern.finditer(text):
                year = int(found.group(year_group))
                if year >= year_now or (day and not 1 <= int(found.group(day)) <= 31) or not 1 <= int(found.group(month)) <= 12:
                    continue
                out.append(loaded.problem(path, (
                    f"cần xem lại: “{found.group(0)}” trong lời văn là của năm {year}, trước năm đánh giá {year_now} "
                    f"(chép từ năm trước?) — sửa cho năm {year_now}, hoặc giữ nếu đúng là văn bản năm {year}"),
                    at=(text, found.start()), warning=True))
        if previous is None:
            continue
        name, earlier = previous
        for found in _DOC_NUMBER.finditer(text):
            if re.search(rf"(?<![\w/]){re.escape(found.group(0))}(?![\w/])", earlier):
                out.append(loaded.problem(path, (
                    f"cần xem lại: số văn bản “{found.group(0)}” trong lời văn cũng có trong tệp năm trước {name} "
                    f"(văn bản của năm trước?) — thay bằng văn bản năm {year_now}, hoặc giữ nếu đúng"),
                    at=(text, found.start()), warning=True))
    return out


def raw_texts(data: dict):
    """(path, text) of the free texts of an input read but not validated (a file still holding CẦN ĐIỀN)."""
    def get(node, *path):
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return node

    for code, ind in (get(data, "indicators") or {}).items() if isinstance(get(data, "indicators"), dict) else ():
        for name in placeholders.INDICATOR_TEXTS:
            yield ("indicators", code, name), get(ind, name)
    for key, conclusion in (get(data, "criteria") or {}).items() if isinstance(get(data, "criteria"), dict) else ():
        for name in ("strengths", "weaknesses"):
            yield ("criteria", key, name), get(conclusion, name)
    for name in placeholders.REPORT_TEXTS:
        yield ("report", name), get(data, "report", name)


def carried_in_file(path: Path) -> list[Problem]:
    """`carried_over` for a file that does not load yet (its CẦN ĐIỀN listed first): never raises."""
    from pipeline.sources.load import parse, read_text

    try:
        data, lines, _, text_lines = parse(read_text(path), str(path))
    except InputError:
        return []
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        return []
    loaded = Loaded(Path(path), None, lines, text_lines=text_lines)  # type: ignore[arg-type]
    return carried_in(loaded, int(year), raw_texts(data))


def _previous_year_text(path: Path, year: int) -> tuple[str, str] | None:
    """(name, text) of the unit's latest file of an earlier year, if there is one that reads."""
    from pipeline.sources.files import year_files
    from pipeline.sources.load import read_text

    earlier = {y: p for y, p in year_files(path.parent).items() if y < year and len(p) == 1}
    if not earlier:
        return None
    source = earlier[max(earlier)][0]
    try:
        return source.name, read_text(source)
    except InputError:
        return None


def check_location(loaded: Loaded) -> list[Problem]:
    """The name rules the build applies: inputs/<unit>/<year>.yaml, unit folder a-z0-9-, year matching."""
    path, m = Path(loaded.name), loaded.model
    out = []
    stem = path.stem
    if not YEAR.match(stem):
        out.append(loaded.problem((), f"tên tệp “{path.name}” không hợp lệ: đặt tên theo năm đánh giá, ví dụ {m.year}.yaml"))
    elif int(stem) != m.year:
        out.append(loaded.problem(("year",), f"năm {m.year} khác với tên tệp {path.name} (tệp của năm {stem}?)"))
    folder = path.resolve().parent.name
    if not is_unit_folder(folder):
        out.append(loaded.problem((), (
            f"thư mục “{folder}” không dùng được làm tên đơn vị: chỉ gồm chữ thường không dấu, số và dấu “-” "
            "(ví dụ inputs/quang-phu/2024.yaml)")))
    return out


def _check_team(loaded: Loaded) -> list[Problem]:
    team, p, year = loaded.model.team, loaded.problem, loaded.model.year
    out = []
    if team.decision.date.year != year:
        out.append(p(("team", "decision", "date"), (
            f"quyết định thành lập Tổ tự đánh giá ngày {_fmt(team.decision.date)} nằm ngoài năm đánh giá {year}")))
    n = len(team.members)
    if n % 2 == 0:
        out.append(p(("team", "members"), f"Tổ tự đánh giá có {n} người; số thành viên phải là số lẻ"))
    for role, label in (("leader", "Tổ trưởng (role: leader)"), ("secretary", "Thư ký (role: secretary)")):
        holders = [i for i, mem in enumerate(team.members) if mem.role == role]
        if len(holders) != 1:
            where = ("team", "members", holders[1]) if len(holders) > 1 else ("team", "members")
            out.append(p(where, f"Tổ tự đánh giá phải có đúng một {label}, hiện có {len(holders)}"))
    out += _team_in_staff(loaded)
    seen: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, mem in enumerate(team.members):
        if not ID.match(mem.id):
            out.append(p(("team", "members", i, "id"), f"mã “{mem.id}” không hợp lệ: chỉ dùng chữ thường không dấu, số, “-” hoặc “_”"))
        if mem.id in seen:
            out.append(p(("team", "members", i, "id"), f"mã “{mem.id}” đã dùng cho thành viên thứ {seen[mem.id] + 1}"))
        seen.setdefault(mem.id, i)
        key = mem.name.casefold()
        if key in names:
            out.append(p(("team", "members", i, "name"), (
                f"“{mem.name}” đã có trong Tổ (thành viên thứ {names[key] + 1}); hai thành viên không được trùng họ tên — "
                "thêm chữ đệm hoặc chức danh để phân biệt")))
        names.setdefault(key, i)
    return out


def _team_in_staff(loaded: Loaded) -> list[Problem]:
    """A team member whose name is not on the staff list but nearly is (“Mĩ” for “Mỹ”): a warning, since the documents
    would print two spellings of one person. A member from outside the roster (no near name) is normal."""
    staff = loaded.model.staff or []
    roster = {" ".join(s.name.split()).casefold(): s.name for s in staff}
    out = []
    for i, mem in enumerate(loaded.model.team.members):
        key = " ".join(mem.name.split()).casefold()
        if not roster or key in roster:
            continue
        near = difflib.get_close_matches(key, list(roster), n=1, cutoff=0.85)
        if near:
            out.append(warn(loaded, ("team", "members", i, "name"), (
                f"“{mem.name}” không có trong danh sách thành viên (staff); có phải “{roster[near[0]]}”? "
                "Ghi họ tên giống nhau ở cả hai nơi")))
    return out


def _check_staff(loaded: Loaded) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    if m.staff is not None and m.staff_counts is not None:
        return [p(("staff_counts",), "chỉ khai một trong hai: danh sách “staff” hoặc số liệu “staff_counts”, không cả hai")]
    if m.staff is None and m.staff_counts is None:
        return [p((), "thiếu danh sách thành viên “staff” (hoặc số liệu tổng hợp “staff_counts”)")]
    if m.staff is not None:
        if not m.staff:
            return [p(("staff",), "danh sách thành viên “staff” rỗng")]
        out, seen = [], {}
        for i, person in enumerate(m.staff):
            key = (person.name.casefold(), person.position.casefold())
            if key in seen:
                out.append(warn(loaded, ("staff", i, "name"), (
                    f"“{person.name}” ({person.position or 'không ghi chức danh'}) đã có ở người thứ {seen[key] + 1}; "
                    "một người ghi hai lần làm sai mọi tỷ lệ — xóa dòng thừa nếu đúng là một người")))
            seen.setdefault(key, i)
        meets = sum(1 for s in m.staff if s.language_meets_job)
        certified = sum(1 for s in m.staff if s.language_certificate)
        if meets > certified:
            out.append(_language_warning(loaded, ("staff",), meets, certified))
        return out
    counts = m.staff_counts
    out = [
        p(("staff_counts", name), f"{value} người vượt quá tổng số thành viên ({counts.total})")
        for name, value in counts.model_dump().items()
        if name != "total" and value > counts.total
    ]
    if counts.language_meets_job > counts.language_certificate:
        out.append(_language_warning(loaded, ("staff_counts", "language_meets_job"), counts.language_meets_job, counts.language_certificate))
    return out


def _language_warning(loaded: Loaded, path, meets: int, certified: int) -> Problem:
    return warn(loaded, path, (
        f"{meets} người có trình độ ngoại ngữ hoặc tiếng dân tộc thiểu số đáp ứng vị trí việc làm nhưng chỉ {certified} "
        "người có chứng nhận, chứng chỉ ngoại ngữ hoặc tiếng dân tộc thiểu số; điều này có thể đúng (ví dụ có bằng đại học "
        "ngoại ngữ) — hãy kiểm tra lại"))


def warn(loaded: Loaded, path, message: str) -> Problem:
    return loaded.problem(path, message, warning=True)


def _check_indicators(loaded: Loaded, cat: Catalogue) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    out: list[Problem] = []
    codes = cat.indicator_codes()
    team_ids = {mem.id for mem in m.team.members}
    for code, ind in m.indicators.items():
        where = ("indicators", code)
        if code not in codes:
            out.append(p(where, f"không có chỉ tiêu “{code}” trong {cat.name}; các chỉ tiêu: {', '.join(codes)}"))
            continue
        _, spec = cat.indicator(code)
        if not spec.applies(m.unit.kind):
            out.append(p(where, f"chỉ tiêu {code} không áp dụng cho loại đơn vị “{m.unit.kind}” ({cat.unit_kinds[m.unit.kind].lower()}); xóa mục này"))
            continue
        if len(ind.assessors) != 2:
            out.append(p(where + ("assessors",), f"mỗi chỉ tiêu phải có đúng 02 người đánh giá, hiện có {len(ind.assessors)}"))
        for i, who in enumerate(ind.assessors):
            if who not in team_ids:
                known = ", ".join(f"{mem.name} ({mem.id})" for mem in m.team.members)
                out.append(p(where + ("assessors", i), f"“{who}” không có trong Tổ tự đánh giá (team.members); ghi họ tên hoặc mã: {known}"))
        for who, n in Counter(ind.assessors).items():
            if n > 1:
                out.append(p(where + ("assessors",), f"“{who}” được ghi {n} lần; hai người đánh giá phải khác nhau"))
        qualitative = isinstance(spec.rule, QualitativeRule)
        if qualitative and ind.met is None:
            out.append(p(where, "chỉ tiêu định tính: thiếu “met: true” (đạt) hoặc “met: false” (không đạt)"))
        if not qualitative and ind.met is not None:
            source = {"percentage": "danh sách thành viên", "collective_title": "danh hiệu tập thể (collective_title)",
                      "digital_level": "mức độ chuyển đổi số (digital_transformation)",
                      "accreditation": "kiểm định chất lượng (vocational_accreditation)"}[spec.rule.kind]
            out.append(p(where + ("met",), f"chỉ tiêu {code} được tính từ {source}; xóa “met”"))
        out += _check_evidence(loaded, cat, code, ind)
    for crit in cat.criteria:
        for spec in crit.indicators:
            code = f"{crit.number}.{spec.number}"
            if spec.applies(m.unit.kind) and code not in m.indicators:
                out.append(p(("indicators",), f"thiếu chỉ tiêu “{code}”"))
    numbers = [str(c.number) for c in cat.criteria]
    for key in m.criteria:
        if key not in numbers:
            out.append(p(("criteria", key), f"không có tiêu chí “{key}”; các tiêu chí: {', '.join(numbers)}"))
    for key in numbers:
        if key not in m.criteria:
            out.append(p(("criteria",), f"thiếu kết luận của tiêu chí “{key}”"))
    return out


def _check_evidence(loaded: Loaded, cat: Catalogue, code: str, ind) -> list[Problem]:
    """Điều 9 khoản 3: an indicator with no suitable evidence is Không đạt. Usually a forgotten list, so a warning
    that says so (an error under --strict), and one for each item the rule does not count."""
    rule, where = cat.evidence, ("indicators", code, "evidence")
    needs = " hoặc ".join({"number": "số văn bản (number)", "date": "ngày ban hành (date)",
                           "issuer": "cơ quan ban hành (issuer)"}[f] for f in rule.needs_one_of)
    out = []
    for j, ev in enumerate(ind.evidence):
        if not rule.suitable(ev):
            out.append(warn(loaded, where + (j,), (
                f"minh chứng “{ev.title}” không có {needs}: không được tính là minh chứng phù hợp ({rule.basis})")))
    if not any(rule.suitable(ev) for ev in ind.evidence):
        what = "không có minh chứng nào" if not ind.evidence else "không có minh chứng nào phù hợp"
        out.append(warn(loaded, where if ind.evidence else ("indicators", code), (
            f"chỉ tiêu {code} {what}, nên sẽ bị đánh giá KHÔNG ĐẠT ({rule.basis}: “Các tiêu chí, chỉ tiêu không có "
            f"minh chứng phù hợp được đánh giá là không đạt”); thêm vào “evidence” ít nhất một văn bản có tên (title) "
            f"và {needs}")))
    return out


def _check_report(loaded: Loaded) -> list[Problem]:
    m, p = loaded.model, loaded.problem
    out: list[Problem] = []
    seen: set[str] = set()
    for i, ab in enumerate(m.report.abbreviations):
        if ab.short in seen:
            out.append(p(("report", "abbreviations", i, "short"), f"chữ viết tắt “{ab.short}” khai hai lần"))
        seen.add(ab.short)
    return out


def _check_dates(loaded: Loaded, today: dt.date) -> list[Problem]:
    """Dates in the order a reviewer reads them: team decision → evidence → Mẫu 1 → Mẫu 2 → report → Tờ trình."""
    m, p = loaded.model, loaded.problem
    out: list[Problem] = []
    report = m.report
    decided = m.team.decision.date
    sheets = report.sheets_date or report.date
    sheets_name = "ngày ký phiếu đánh giá Mẫu 1 (report.sheets_date)" if report.sheets_date else "ngày báo cáo"
    dated = [(("team", "decision", "date"), decided), (("report", "date"), report.date), (("request", "date"), m.request.date)]
    dated += [(("report", k), getattr(report, k)) for k in ("sheets_date", "summary_date") if getattr(report, k)]
    for code, ind in m.indicators.items():
        for j, ev in enumerate(ind.evidence):
            if ev.date is None:
                continue
            where = ("indicators", code, "evidence", j, "date")
            dated.append((where, ev.date))
            if ev.date > sheets:
                out.append(p(where, (
                    f"minh chứng ngày {_fmt(ev.date)} sau {sheets_name} {_fmt(sheets)}: văn bản chưa có khi phiếu được ký; "
                    "sửa ngày minh chứng hoặc lùi ngày ký")))
    for where, d in dated:
        if d > today:
            out.append(p(where, f"ngày {_fmt(d)} ở tương lai (hôm nay {_fmt(today)})"))

    if report.date.year not in (m.year, m.year + 1):
        out.append(p(("report", "date"), f"ngày báo cáo {_fmt(report.date)} phải trong năm {m.year} hoặc năm {m.year + 1}"))
    elif report.date < decided:
        out.append(p(("report", "date"), f"ngày báo cáo {_fmt(report.date)} trước ngày thành lập Tổ tự đánh giá ({_fmt(decided)})"))
    elif report.date <= dt.date(m.year, 12, 31):
        out.append(warn(loaded, ("report", "date"), (
            f"báo cáo ký ngày {_fmt(report.date)}, trong năm đánh giá, trong khi số liệu tính đến 31/12/{m.year}; "
            f"nên ký sau ngày 31/12/{m.year} (trước 15/01/{m.year + 1})")))
    for key, what in (("sheets_date", "phiếu đánh giá Mẫu 1"), ("summary_date", "bảng tổng hợp Mẫu 2")):
        d = getattr(report, key)
        if d is None:
            continue
        if d > report.date:
            out.append(p(("report", key), f"{what} ký ngày {_fmt(d)}, sau ngày báo cáo {_fmt(report.date)}; báo cáo tổng hợp từ các phiếu nên phải ký sau"))
        if d < decided:
            out.append(p(("report", key), f"{what} ký ngày {_fmt(d)}, trước khi thành lập Tổ tự đánh giá ({_fmt(decided)})"))
    if report.sheets_date and report.summary_date and report.summary_date < report.sheets_date:
        out.append(p(("report", "summary_date"), (
            f"bảng tổng hợp Mẫu 2 ký ngày {_fmt(report.summary_date)}, trước các phiếu Mẫu 1 ({_fmt(report.sheets_date)}) mà nó tổng hợp")))

    request = m.request.date
    if request < report.date:
        out.append(p(("request", "date"), f"Tờ trình ngày {_fmt(request)} trước ngày báo cáo tự đánh giá {_fmt(report.date)} mà nó gửi kèm"))
    deadline = dt.date(m.year + 1, *DEADLINE)
    if request > deadline:
        out.append(warn(loaded, ("request", "date"), (
            f"Tờ trình ngày {_fmt(request)} sau hạn gửi hồ sơ ({_fmt(deadline)}: trước ngày 15 tháng 01 năm sau năm đánh giá)")))
    return out


def reform_fields(m: DossierInput):
    """(path, text, date of the document that prints it) for every field that names a body: the receiver and the
    authority, the parent agency, each Nơi nhận, the grounds, who proposes and who carries out the decision,
    the issuer of each evidence item."""
    req, rep, dec = m.request.date, m.report.date, m.team.decision
    yield ("recognition", "receiver"), m.recognition.receiver, req
    yield ("recognition", "authority"), m.recognition.authority, req
    yield ("unit", "parent_agency"), m.unit.parent_agency, max(req, rep)
    for key, items, day in (("request", m.request, req), ("report", m.report, rep)):
        for field in ("grounds", "recipients"):
            for i, text in enumerate(getattr(items, field, []) or []):
                yield (key, field, i), text, day
    for field in ("grounds", "recipients"):
        for i, text in enumerate(getattr(dec, field)):
            yield ("team", "decision", field, i), text, dec.date
    for field in ("proposer", "executors"):
        yield ("team", "decision", field), getattr(dec, field), dec.date
    for code, ind in m.indicators.items():
        for j, ev in enumerate(ind.evidence):
            if ev.date is not None:
                yield ("indicators", code, "evidence", j, "issuer"), ev.issuer, ev.date


def check_reform(loaded: Loaded) -> list[Problem]:
    """From 01/07/2025 there is no district level: a document dated from then that names a district-level body
    (huyện, quận, thị xã, thành phố thuộc tỉnh) is a warning naming the field and its line."""
    m, out = loaded.model, []
    for path, text, day in reform_fields(m):
        body = district_body(text) if day >= TWO_LEVEL_GOVERNMENT else None
        if body:
            out.append(warn(loaded, path, (
                f"“{text}” nêu {body}, nhưng văn bản ngày {_fmt(day)} ban hành khi đã không còn cấp huyện (từ 01/07/2025); "
                "ghi cơ quan hiện có theo quy định của tỉnh")))
    scope = m.recognition.scope
    if m.request.date >= TWO_LEVEL_GOVERNMENT and "huyện" in scope.casefold():
        out.append(warn(loaded, ("recognition", "scope"), (
            f"cấp công nhận “{scope}”: từ 01/07/2025 không còn cấp huyện; ghi cấp công nhận theo quy định của tỉnh")))
    return out


def check_report_signer(loaded: Loaded) -> list[Problem]:
    """Mẫu 3 is signed by the Tổ trưởng (the seed's form: “Tổ trưởng (Ký tên, đóng dấu)”): a `report.signer` who is
    someone else, or a Tổ trưởng whose position names no leader's office to sign with, is a warning."""
    from pipeline.rules.people import leader_title, same_person, team_leader

    m = loaded.model
    leader = team_leader(m)
    if leader is None:
        return []
    s = m.report.signer
    if s is not None and not same_person(s.name, leader.name):
        return [warn(loaded, ("report", "signer", "name"), (
            f"Báo cáo tự đánh giá (Mẫu 3) do Tổ trưởng ký (“Tổ trưởng (Ký tên, đóng dấu)”), nhưng report.signer là "
            f"{s.name}, không phải Tổ trưởng {leader.name}; ghi người ký là Tổ trưởng hoặc đổi Tổ trưởng"))]
    signers = [x for x in (m.signer, m.team.decision.signer, m.request.signer) if x is not None]
    if s is None and not any(same_person(x.name, leader.name) for x in signers) and leader_title(leader.position) is None:
        i = m.team.members.index(leader)
        return [warn(loaded, ("team", "members", i, "position"), (
            f"Tổ trưởng {leader.name} ký Báo cáo tự đánh giá (Mẫu 3) với chức vụ của mình, nhưng chức vụ “{leader.position}” "
            "không phải của lãnh đạo đơn vị; Tổ trưởng là lãnh đạo đơn vị — ghi report.signer (name, title, on_behalf_of)"))]
    return []


def _check_placeholders(loaded: Loaded, cat: Catalogue) -> list[Problem]:
    names = placeholders.known(cat, loaded.model.unit.kind)
    out = []
    shown = ", ".join("{" + n + "}" for n in names)
    for path, text in placeholders.text_fields(loaded.model):
        for name in placeholders.unknown(text, names):
            near = difflib.get_close_matches(name, list(names), n=1, cutoff=0.75)
            guess = f"có phải {{{near[0]}}}? " if near else ""
            out.append(loaded.problem(path, (
                f"không có chỗ điền số liệu “{{{name}}}”; {guess}các tên dùng được: {shown}. "
                "Nếu muốn in nguyên dấu ngoặc nhọn, thêm dấu cách bên trong: “{ … }”"), at=(text, text.index("{" + name + "}"))))
    return out


def validate_file(path, strict: bool = False) -> Loaded:
    """load + check; raises InputError with every problem found (warnings alone pass unless strict)."""
    loaded = load(path)
    loaded.warnings = raise_if_any(check(loaded), strict)
    return loaded


__all__ = ["check", "validate_file", "InputError"]
