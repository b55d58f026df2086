"""Stage 1 — load: one YAML file → `Loaded` (typed model + a line number for every field).

Reads bytes defensively (size limit, BOM, UTF-16, non-UTF-8 named with its line), parses with
PyYAML's *safe composer* and builds Python values itself so that it can reject duplicate keys and
foreign tags, bound alias expansion, keep mapping keys as typed ("1.10" stays "1.10"), normalise
all text to NFC and remember the line of every key. Every problem found is gathered before one
`InputError` is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.model import DossierInput
from pipeline.problems import InputError, Path_, Problem, field_path
from pipeline.textnorm import clean_text

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000  # after alias expansion; a real input has a few thousand

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class Loaded:
    path: Path
    model: DossierInput
    lines: dict[Path_, int] = field(repr=False)
    warnings: list[Problem] = field(default_factory=list, repr=False)
    text_lines: dict[Path_, int] = field(default_factory=dict, repr=False)  # first line of a text's content

    @property
    def name(self) -> str:
        return str(self.path)

    def line_of(self, path: Path_) -> int | None:
        """Line of the field at `path`, else of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str, *, at: tuple[str, int] | None = None, warning: bool = False) -> Problem:
        """A problem at `path`; `at=(text, offset)` points at a line inside a multi-line text (a `|` block,
        whose text starts on the line after its key)."""
        line = self.line_of(path)
        if at is not None and tuple(path) in self.text_lines:
            line = self.text_lines[tuple(path)] + at[0][: at[1]].count("\n")
        return Problem(self.name, line, field_path(path), message, warning)


def read_text(path: Path) -> str:
    """File bytes → str; BOMs accepted, UTF-16 accepted, anything else must be UTF-8. Characters
    XML cannot hold (vertical tab, form feed, NUL… pasted from Word) are dropped before parsing."""
    return strip_controls(_decode(path))


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def _decode(path: Path) -> str:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Problem(name, None, "", f"tệp quá lớn ({size / 1048576:.1f} MB; tối đa {MAX_BYTES // 1048576} MB) — không đọc")])
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, None, "", f"không đọc được tệp: {exc.strerror or exc}")]) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([Problem(name, None, "", "tệp UTF-16 bị hỏng; hãy lưu lại với mã hóa UTF-8")]) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start]
        raise InputError([Problem(name, line, "", (
            f"tệp không phải mã hóa UTF-8 (byte 0x{byte:02X} không hợp lệ ở dòng {line}); "
            "có thể tệp được lưu bằng Windows-1258, TCVN3 (ABC) hoặc VNI. "
            "Hãy mở tệp và lưu lại với mã hóa UTF-8 (Notepad: Save As → Encoding: UTF-8)."
        ))]) from None


_YAML_HINTS = [
    ("found character '\\t'", "có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách"),
    ("could not find expected ':'", "thiếu dấu hai chấm ‘:’ sau tên trường"),
    ("mapping values are not allowed here", "dấu hai chấm ‘:’ đặt sai chỗ (giá trị có dấu ‘:’ cần đặt trong ngoặc kép)"),
    ("expected <block end>", "thụt lề không thẳng hàng"),
    ("found undefined alias", "dùng alias (*) chưa được định nghĩa"),
    ("expected a single document", "tệp chứa nhiều tài liệu YAML (---); mỗi tệp chỉ một"),
    ("found unexpected end of stream", "tệp kết thúc giữa chừng (thiếu dấu ngoặc kép đóng?)"),
    ("while scanning a quoted scalar", "chuỗi trong ngoặc kép chưa được đóng"),
]


def _syntax_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "simple key" in str(getattr(exc, "context", "")) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # a key missing its colon: point at the key, not where the scanner gave up
    line = mark.line + 1 if mark else None
    text = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''} {exc}"
    for needle, hint in _YAML_HINTS:
        if needle in text:
            return Problem(name, line, "", f"lỗi cú pháp YAML: {hint}")
    detail = (getattr(exc, "problem", None) or str(exc)).strip()
    return Problem(name, line, "", f"lỗi cú pháp YAML ({detail})")


class _Builder:
    """YAML node graph → plain Python values, recording lines and problems on the way."""

    def __init__(self, name: str):
        self.name = name
        self.lines: dict[Path_, int] = {}
        self.text_lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used

    def problem(self, node: yaml.Node, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.name, node.start_mark.line + 1, field_path(path), message))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                return self._bad_tag(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node, path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            return self._bad_tag(node, path)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError, OverflowError):
            self.problem(node, path, f"giá trị “{clean_text(node.value)}” không hợp lệ (ngày không tồn tại?)")
            return None
        if isinstance(value, str):
            # a `|` or `>` block's content starts on the line after its indicator
            self.text_lines[path] = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
            return clean_text(value)
        if isinstance(value, float) and value != value:  # .nan
            self.problem(node, path, "giá trị không phải là số")
            return None
        return value

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self.problem(node, path, f"thẻ YAML “{node.tag}” không được phép; chỉ dùng giá trị văn bản, số, ngày, danh sách")
        return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        self.constructor.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "tên trường phải là chữ, không phải danh sách hay bảng")
                continue
            key = clean_text(key_node.value).strip()  # the key as typed: `1.10` stays "1.10"
            line = key_node.start_mark.line + 1
            if key in out or key in first_line:
                self.problem(key_node, path + (key,), f"trường “{key}” bị lặp lại (đã có ở dòng {first_line[key]}); xóa một trong hai")
                continue
            first_line[key] = line
            self.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,))
        return out


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node):
        self.line = node.start_mark.line + 1


def parse(text: str, name: str) -> tuple[dict, dict[Path_, int], list[Problem], dict[Path_, int]]:
    """YAML text → (mapping, line map, problems of single values, first line of each text); raises InputError if unusable."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError([_syntax_problem(name, exc)]) from None
    except RecursionError:
        raise InputError([Problem(name, None, "", "cấu trúc lồng nhau quá sâu")]) from None
    if root is None:
        raise InputError([Problem(name, 1, "", "tệp rỗng: chưa có dữ liệu (xem mẫu inputs/quang-phu/2024.yaml)")])
    builder = _Builder(name)
    try:
        data = builder.build(root, ())
    except _TooLarge as exc:
        raise InputError([Problem(name, exc.line, "", (
            f"tệp có quá nhiều phần tử sau khi mở rộng alias (trên {MAX_NODES:,}); "
            "có thể là alias lồng nhau (“billion laughs”) — không xử lý").replace(",", ".")
        )]) from None
    except RecursionError:
        raise InputError([Problem(name, None, "", "cấu trúc lồng nhau quá sâu")]) from None
    if not isinstance(data, dict):
        raise InputError(builder.problems or [Problem(name, 1, "", "tệp phải là một bảng “tên trường: giá trị”, không phải danh sách hay một giá trị đơn")])
    return data, builder.lines, builder.problems, builder.text_lines


def load(path: str | Path) -> Loaded:
    """Read, parse and type-check one input file."""
    path = Path(path)
    data, lines, problems, text_lines = parse(read_text(path), str(path))
    try:
        model = DossierInput.model_validate(data)
    except ValidationError as exc:
        loaded = Loaded(path, None, lines)  # type: ignore[arg-type]
        reported = {p.field for p in problems}  # a value already refused by the parser is not reported twice
        problems += [p for p in (_translate(loaded, err) for err in exc.errors(include_url=False)) if p.field not in reported]
    if problems:
        raise InputError(problems)
    return Loaded(path, model, lines, text_lines=text_lines)


def _translate(loaded: Loaded, err: dict) -> Problem:
    loc = _clean_loc(err["loc"])
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _show(given)
    if kind == "missing":
        return Problem(loaded.name, loaded.line_of(loc[:-1]), field_path(loc), f"thiếu trường bắt buộc “{loc[-1]}”")
    messages = {
        "extra_forbidden": f"trường “{loc[-1] if loc else ''}” không có trong mẫu (viết sai tên?)",
        "int_parsing": f"phải là số nguyên, không phải {shown}",
        "int_type": f"phải là số nguyên, không phải {shown}",
        "int_from_float": f"phải là số nguyên, không phải {shown}",
        "bool_parsing": f"phải là true (có) hoặc false (không), không phải {shown}",
        "bool_type": f"phải là true (có) hoặc false (không), không phải {shown}",
        "string_type": f"phải là văn bản, không phải {shown}",
        "string_too_short": "không được để trống",
        "string_pattern_mismatch": f"{shown} không hợp lệ: chỉ dùng chữ thường không dấu, số, “-” hoặc “_”",
        "literal_error": f"{shown} không hợp lệ; chọn một trong: {ctx.get('expected', '')}",
        "greater_than_equal": f"phải ≥ {ctx.get('ge')}, không phải {shown}",
        "less_than_equal": f"phải ≤ {ctx.get('le')}, không phải {shown}",
        "too_short": "danh sách không được để trống",
        "list_type": f"phải là danh sách (các dòng bắt đầu bằng “- ”), không phải {shown}",
        "dict_type": f"phải là bảng “tên trường: giá trị”, không phải {shown}",
        "model_type": f"phải là bảng “tên trường: giá trị”, không phải {shown}",
        "date_type": f"phải là ngày (dd/mm/yyyy), không phải {shown}",
        "date_parsing": f"ngày không hợp lệ: {shown} (viết dd/mm/yyyy, ví dụ 05/02/2024)",
        "date_from_datetime_parsing": f"ngày không hợp lệ: {shown} (viết dd/mm/yyyy, ví dụ 05/02/2024)",
        "date_from_datetime_inexact": f"chỉ ghi ngày, không ghi giờ: {shown}",
        "value_error": str(ctx.get("error", err["msg"])),
    }
    message = messages.get(kind, f"giá trị {shown} không hợp lệ ({err['msg']})")
    return loaded.problem(loc, message)


def _clean_loc(loc: tuple) -> tuple:
    # pydantic names the validator in the location of a date parsed by `_parse_date`
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def _show(value: Any) -> str:
    if value is None:
        return "giá trị trống"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict,)):
        return "một bảng"
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, (dt.date,)):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"
