"""Load: one YAML file → `Loaded` (typed model + a line number for every field).

Reads bytes defensively (size limit, BOM, UTF-16, non-UTF-8 named with its line), parses with
PyYAML's *safe composer* and builds Python values itself so that it can reject duplicate keys and
foreign tags, bound alias expansion, keep mapping keys as typed ("1.10" stays "1.10"), normalise
all text to NFC and remember the line of every key. Every problem found is gathered before one
`InputError` is raised.

Scalars follow the YAML 1.2 core rules for numbers, read as typed (`scalar`): decimal integers only
(`010` is ten, never eight), no sexagesimal (`1:30`), no floats (`3.000` stays the text “3.000”, which a
count refuses with a hint), booleans only true/false; dates only as `2024-06-20` (or the text
`20/06/2024`, parsed by the model). An integer remembers how it was typed, so a text field given
`number: 05` gets “05”.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipeline.core.problems import InputError, Path_, Problem, field_path
from pipeline.core.textnorm import clean_text
from pipeline.core.vocab import choices
from pipeline.sources import MAX_BYTES, SourceError, read_bytes  # noqa: F401  (MAX_BYTES: re-exported)
from pipeline.sources.model import DossierInput

MAX_NODES = 100_000  # after alias expansion; a real input has a few thousand

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:dvht,2024:plain",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class Int(int):
    """An integer read from YAML, with the text it was typed as (`05` → 5, source “05”)."""

    source: str

    def __new__(cls, source: str):
        obj = super().__new__(cls, int(source, 10))
        obj.source = source
        return obj

    def __reduce__(self):
        return (Int, (self.source,))


FILL = "CẦN ĐIỀN"  # what `new-unit` and `new-year` write where the officer must supply a value
_INT = re.compile(r"[-+]?[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def scalar(node: yaml.ScalarNode) -> Any:
    """A scalar's value by the rules above; raises ValueError for an impossible date."""
    text = node.value
    if node.style or node.tag == _STR:  # quoted, block, or explicitly text (plain: None, or "" from libyaml)
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return Int(text)
    m = _ISO_DATE.fullmatch(text)
    if m:
        return dt.date(*(int(g) for g in m.groups()))
    return text


_INVISIBLE = {
    "\u00a0": "dấu cách không ngắt (U+00A0)",
    "\u200b": "ký tự rộng 0 (U+200B)",
    "\u200c": "ký tự rộng 0 (U+200C)",
    "\u200d": "ký tự rộng 0 (U+200D)",
    "\u2060": "ký tự nối vô hình (U+2060)",
    "\ufeff": "dấu BOM (U+FEFF)",
    "\u00ad": "gạch nối mềm (U+00AD)",
}


_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "]")


@dataclass
class Loaded:
    path: Path
    model: DossierInput
    lines: dict[Path_, int] = field(repr=False)
    warnings: list[Problem] = field(default_factory=list, repr=False)
    text_lines: dict[Path_, int] = field(default_factory=dict, repr=False)  # first line of a text's content
    notes: list[Problem] = field(default_factory=list, repr=False)  # warnings found while reading the text

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
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML, not to Notepad: they would shift every line number


def strip_controls(text: str) -> str:
    return _ODD_BREAKS.sub(" ", _CONTROLS.sub("", text))


def _decode(path: Path) -> str:
    from pipeline.sources.files import DecodeError, decode

    name = str(path)
    try:
        return decode(read_bytes(path)).text
    except SourceError as exc:
        raise InputError([Problem(name, None, "", str(exc).removeprefix(f"{name}: "))]) from None
    except DecodeError as exc:
        raise InputError([Problem(name, exc.line, "", exc.message)]) from None


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


def _invisible_near(text: str, line: int | None) -> tuple[int, str] | None:
    """(line, message) of an invisible character on `line` or the line before it, the usual cause of a
    misaligned indentation that looks right on screen."""
    if not line:
        return None
    lines = text.split("\n")
    for n in (line - 1, line):
        if 1 <= n <= len(lines):
            for col, ch in enumerate(lines[n - 1], 1):
                if ch in _INVISIBLE:
                    return n, f"dòng {n} có {_INVISIBLE[ch]} ở cột {col} (thường do chép từ Word hoặc trang web); xóa ký tự đó và gõ lại bằng dấu cách thường"
    return None


_KEY_LINE = re.compile(r"^( *)(- +)?([^\s:#][^:#]*?):( +|$)(.*)$")  # spaces only: linear on any line
_FIELD_WORD = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s+\S")


def _caret(text: str, line: int | None, col: int | None) -> str:
    """The line as typed and a caret under the place, for a message printed under `file:line:`."""
    lines = text.split("\n")
    if not line or not 1 <= line <= len(lines):
        return ""
    typed = lines[line - 1].rstrip("\r")
    if col is None or col > len(typed):
        col = len(typed) - len(typed.lstrip())
    return f"\n      │ {typed}\n      │ {' ' * col}^"


def _content_before(lines: list[str], n: int) -> int | None:
    """The 1-based number of the nearest line above line `n` that holds data (not blank, not a comment)."""
    for k in range(n - 1, 0, -1):
        stripped = lines[k - 1].strip()
        if stripped and not stripped.startswith("#"):
            return k
    return None


def _diagnose(text: str, exc: yaml.YAMLError) -> tuple[int, int, str] | None:
    """(line, column, message) naming the real cause of the usual mistakes, whatever the scanner happened to say:
    a value starting with `{`, `[`, a quote; a key indented more than its neighbours; a second paragraph of a text
    written without `|`."""
    problem = str(getattr(exc, "problem", "") or "")
    marks = [m for m in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)) if m is not None]
    if not marks:
        return None
    lines = text.split("\n")
    for mark in marks:  # a value that YAML reads as a table, a list or a quoted text, with more typed after it
        n = mark.line + 1
        if not 1 <= n <= len(lines):
            continue
        m = _KEY_LINE.match(lines[n - 1])
        if m and m.group(5)[:1] in ("{", "[", '"', "'") and "expected <block end>" in problem + " " + str(exc):
            first = m.group(5)[0]
            what = {"{": "dấu ngoặc nhọn “{”", "[": "dấu ngoặc vuông “[”"}.get(first, "dấu nháy " + ("kép “\"”" if first == '"' else "đơn “'”"))
            key = m.group(3).strip()
            return n, len(m.group(1)) + len(m.group(2) or "") + len(m.group(3)) + 1 + len(m.group(4)), (
                f"giá trị của “{key}” bắt đầu bằng {what} nên YAML hiểu sai phần sau nó. Cách sửa: viết “{key}: |” rồi "
                "xuống dòng, gõ lời văn ở dòng dưới, thụt vào thêm 2 dấu cách (hoặc đặt cả giá trị trong dấu nháy kép)")
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and ("expected <block end>" in problem or "mapping values are not allowed" in problem):
        n = mark.line + 1
        m = _KEY_LINE.match(lines[n - 1]) if 1 <= n <= len(lines) else None
        before = _content_before(lines, n)
        above = _KEY_LINE.match(lines[before - 1]) if before else None
        if m and above and not m.group(2) and not above.group(2):
            indent, indent_above = len(m.group(1)), len(above.group(1))
            scalar_above = above.group(5).split(" #")[0].strip() not in ("", "|", ">", "|-", ">-")
            if indent > indent_above and scalar_above:
                return n, 0, (f"dòng {n} thụt vào {indent} dấu cách, sâu hơn dòng {before} ({indent_above} dấu cách); các "
                              "trường cùng nhóm phải thẳng cột. Cách sửa: xóa bớt dấu cách ở đầu dòng cho thẳng với dòng trên")
            keys_above = {len(x) - len(x.lstrip(" ")) for x in lines[: n - 1]
                          if ":" in x and not x.lstrip().startswith(("#", "-"))}
            if indent < indent_above and indent not in keys_above:
                return n, 0, (f"dòng {n} thụt vào {indent} dấu cách, không thẳng cột với dòng {before} ({indent_above} dấu cách) "
                              "hay trường nào ở trên. Cách sửa: thêm hoặc bớt dấu cách ở đầu dòng cho thẳng với các trường cùng nhóm")
    if mark is not None and "mapping values are not allowed" in problem:
        n = mark.line + 1
        m = _KEY_LINE.match(lines[n - 1]) if 1 <= n <= len(lines) else None
        before = _content_before(lines, n)
        if m and before and len(m.group(1)) + len(m.group(2) or "") + len(m.group(3)) == mark.column:
            above = _KEY_LINE.match(lines[before - 1])
            indent, indent_above = len(m.group(1)), len(lines[before - 1]) - len(lines[before - 1].lstrip())
            if above and above.group(5).strip() and indent > indent_above:
                return n, 0, (f"dòng {n} thụt vào {indent} dấu cách, sâu hơn dòng {before} ({indent_above} dấu cách); các "
                              "trường cùng nhóm phải thẳng cột. Cách sửa: xóa bớt dấu cách ở đầu dòng cho thẳng với dòng trên")
        if m:  # a colon inside the value
            key = m.group(3).strip()
            return n, mark.column, (f"giá trị của “{key}” có dấu hai chấm “:” theo sau là dấu cách. Cách sửa: viết “{key}: |” rồi "
                                    "xuống dòng, gõ giá trị ở dòng dưới, thụt vào thêm 2 dấu cách (hoặc đặt cả giá trị trong dấu nháy kép)")
    context = getattr(exc, "context_mark", None)
    if context is not None and "could not find expected ':'" in problem:
        n = context.line + 1
        typed = lines[n - 1] if 1 <= n <= len(lines) else ""
        before = _content_before(lines, n)
        above = _KEY_LINE.match(lines[before - 1]) if before else None
        if typed.strip() and not _FIELD_WORD.match(typed) and above and above.group(5).strip() and not above.group(5).startswith(("|", ">")):
            key = above.group(3).strip()
            return n, len(typed) - len(typed.lstrip()), (
                f"dòng {n} không phải “tên_trường: giá trị”; nếu đây là đoạn tiếp theo của “{key}” ở dòng {before}, "
                f"lời văn nhiều đoạn phải viết “{key}: |” rồi mỗi đoạn một dòng ở dưới, thụt vào thêm 2 dấu cách")
    return None


def _syntax_problem(name: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "simple key" in str(getattr(exc, "context", "")) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # a key missing its colon: point at the key, not where the scanner gave up
    line = mark.line + 1 if mark else None
    invisible = _invisible_near(text, line)
    if invisible:
        return Problem(name, invisible[0], "", f"lỗi cú pháp YAML: {invisible[1]}")
    cause = _diagnose(text, exc)
    if cause:
        at, col, message = cause
        return Problem(name, at, "", f"lỗi cú pháp YAML: {message}{_caret(text, at, col)}")
    source = text
    text = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''} {exc}"
    for needle, hint in _YAML_HINTS:
        if needle in text:
            return Problem(name, line, "", f"lỗi cú pháp YAML: {hint}{_caret(source, line, mark.column if mark else None)}")
    detail = (getattr(exc, "problem", None) or str(exc)).strip()
    return Problem(name, line, "", f"lỗi cú pháp YAML ({detail})")


_COMMENT_AFTER = re.compile(r"[ \t]+#(.*?)\r?$")
# the notes the scaffold wrote after a free text (`strengths: CẦN ĐIỀN   # 2. Điểm mạnh`), left when the value is typed
_SCAFFOLD_NOTE = re.compile(r"\s*(\d\.\s|[A-C]\.(\d\.)?\s|dùng \{|điểm mạnh nổi bật|những điểm yếu cơ bản)")


def _is_prose(path: Path_) -> bool:
    """A free-text field (descriptions, strengths, weaknesses, the report's sections), as `placeholders.text_fields`."""
    from pipeline.sources.model import INDICATOR_TEXTS, REPORT_TEXTS

    return ((len(path) == 3 and path[0] == "indicators" and path[2] in INDICATOR_TEXTS)
            or (len(path) == 3 and path[0] == "criteria" and path[2] in ("strengths", "weaknesses"))
            or (len(path) == 2 and path[0] == "report" and path[1] in REPORT_TEXTS))
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"), ("{", "}"))


class _Builder:
    """YAML node graph → plain Python values, recording lines and problems on the way."""

    def __init__(self, name: str, text: str = ""):
        self.name = name
        self.text = text
        self.warnings: list[Problem] = []  # plain values YAML cut at “ #” (see _cut_at_hash)
        self.lines: dict[Path_, int] = {}
        self.text_lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0

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
            value = scalar(node)
        except ValueError:
            self.problem(node, path, f"ngày “{clean_text(node.value)}” không hợp lệ: ngày này không tồn tại")
            return None
        if isinstance(value, str):
            if value.strip() == FILL:  # named on the marker's own line (a `|` block's is the next one)
                line = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
                self.problems.append(Problem(self.name, line, field_path(path), f"cần điền{_meaning(path)}"))
                return None
            # a `|` or `>` block's content starts on the line after its indicator
            self.text_lines[path] = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
            if not node.style and self.text:
                self._cut_at_hash(node, path, value)
            return clean_text(value)
        return value

    def _cut_at_hash(self, node: yaml.ScalarNode, path: Path_, value: str) -> None:
        """A plain value followed on its line by what reads as the rest of a sentence, not a note: YAML
        took ` #…` for a comment (`(máy #3, #5), cần thay thế.`). The raw line against the parsed value."""
        end = node.end_mark.index
        eol = self.text.find("\n", end)
        m = _COMMENT_AFTER.match(self.text, end, len(self.text) if eol < 0 else eol)
        if not m:
            return
        rest = m.group(1)
        opened = sum(value.count(a) - value.count(b) for a, b in _PAIRS)
        closed = sum(rest.count(b) - rest.count(a) for a, b in _PAIRS)
        if _is_prose(path):  # free text is written as a `|` block: a comment after it is the cut, unless one of the scaffold's notes
            if _SCAFFOLD_NOTE.match(rest):
                return
        elif rest[:1].isspace() and rest.strip() and opened <= 0 and closed <= 0:
            return  # “name: …   # a note”: a comment as the example writes them
        shown = rest.strip()
        self.warnings.append(Problem(self.name, node.start_mark.line + 1, field_path(path), (
            f"giá trị có thể bị cắt: YAML coi “#{shown[:50]}{'…' if len(shown) > 50 else ''}” là chú thích và chỉ đọc "
            f"“{value[-40:]}”; nếu đó là lời văn, viết giá trị thành khối “|” (xuống dòng, thụt lề) hoặc trong ngoặc kép"),
            warning=True))

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self.problem(node, path, f"thẻ YAML “{node.tag}” không được phép; chỉ dùng giá trị văn bản, số, ngày, danh sách")
        return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merges = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "tên trường phải là chữ, không phải danh sách hay bảng")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or (key_node.value == "<<" and not key_node.style):
                merges.append(value_node)  # `<<: *base`: its keys count where not given here
                continue
            key = self._key(key_node, path)  # the key as typed: `1.10` stays "1.10"
            line = key_node.start_mark.line + 1
            if key in out or key in first_line:
                self.problem(key_node, path + (key,), f"trường “{key}” bị lặp lại (đã có ở dòng {first_line[key]}); xóa một trong hai")
                continue
            first_line[key] = line
            self.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,))
        for source in merges:
            sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self.problem(src, path, "“<<:” chỉ gộp một bảng (ví dụ <<: *mau), không gộp giá trị đơn hay danh sách")
                    continue
                for key, value in self._mapping(src, path).items():
                    out.setdefault(key, value)
        return out

    def _key(self, key_node: yaml.ScalarNode, path: Path_) -> str:
        raw = clean_text(key_node.value)
        if not _INVISIBLE_RE.search(raw):
            return raw.strip()
        for i, ch in enumerate(raw):
            if ch in _INVISIBLE:
                shown = "".join(c for c in raw if c not in _INVISIBLE).strip()
                self.problems.append(Problem(self.name, key_node.start_mark.line + 1, field_path(path + (shown,)), (
                    f"tên trường “{shown}” có {_INVISIBLE[ch]} ở cột {key_node.start_mark.column + i + 1} "
                    "(thường do chép từ Word hoặc trang web); xóa ký tự đó và gõ lại bằng dấu cách thường")))
                return shown
        return raw.strip()


def _meaning(path: Path_) -> str:
    """“: Ngày ký Tờ trình …” — the model's description of the field at `path`, if it has one."""
    from typing import get_origin

    model, info, keyed = DossierInput, None, False
    for part in path:
        if isinstance(part, int):
            continue
        if keyed:  # the key of a mapping such as `indicators` (“2.4”)
            keyed = False
            continue
        info = model.model_fields.get(part) if model is not None else None
        if info is None:
            return ""
        keyed = get_origin(info.annotation) is dict
        model = _inner_model(info.annotation)
    return f": {info.description}" if info is not None and info.description else ""


_INDEX = re.compile(r"\[\d+\]")


def meaning_of(field_text: str) -> str:
    """The model's Vietnamese description of a field named as in messages (`team.decision.date`,
    `indicators."2.4".evidence[1].date`), or "" — input keys stay English, the officer reads what each means."""
    parts = [p.strip('"') for p in re.findall(r'"[^"]*"|[^.]+', _INDEX.sub("", field_text))]
    return _meaning(tuple(parts)).removeprefix(": ") if parts else ""


def _inner_model(annotation):
    """The pydantic model inside an annotation (`list[Member]`, `Signer | None`, `dict[str, IndicatorInput]`)."""
    from typing import get_args

    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(get_args(t))
    return None


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node):
        self.line = node.start_mark.line + 1


_PLAIN = "tag:dvht,2024:plain"  # a plain scalar, typed by `scalar` (YAML 1.2 core rules), not by YAML 1.1's resolver


class _PlainResolver(yaml.resolver.BaseResolver):
    """Leaves plain scalars untyped: `scalar` decides what they are, so YAML 1.1's implicit resolver
    (slow, and wrong for `010`, `1:30`, `yes`) never runs."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return super().resolve(kind, value, implicit)


class _PureLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                  yaml.constructor.SafeConstructor, _PlainResolver):
    """PyYAML's pure-Python parser with the same resolver: both paths type scalars alike."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _PlainResolver.__init__(self)


if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, _PlainResolver):
        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _PlainResolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


def _loader():
    """libyaml's composer when PyYAML was built with it (the same nodes and line marks, several times faster);
    the pure-Python one otherwise, or when DVHT_PURE_YAML is set (tests run both)."""
    if os.environ.get("DVHT_PURE_YAML") or _FastLoader is None:
        return _PureLoader
    return _FastLoader


def compose(text: str):
    return yaml.compose(text, Loader=_loader())


def parse(text: str, name: str, warnings: list[Problem] | None = None) -> tuple[dict, dict[Path_, int], list[Problem], dict[Path_, int]]:
    """YAML text → (mapping, line map, problems of single values, first line of each text); raises InputError if
    unusable. Warnings of the text itself (a value cut at “ #”) are added to `warnings` when given."""
    try:
        root = compose(text)
    except yaml.YAMLError:
        try:  # the pure-Python parser words syntax errors best: ask it for the message
            root = yaml.compose(text, Loader=_PureLoader)
        except yaml.YAMLError as exc:
            raise InputError([_syntax_problem(name, exc, text)]) from None
        except RecursionError:
            raise InputError([Problem(name, None, "", "cấu trúc lồng nhau quá sâu")]) from None
        # libyaml refused what PyYAML accepts (a BOM before a key): the pure-Python reading goes on, and
        # names the character with its line (`_key`)
    except RecursionError:
        raise InputError([Problem(name, None, "", "cấu trúc lồng nhau quá sâu")]) from None
    if root is None:
        raise InputError([Problem(name, 1, "", "tệp rỗng: chưa có dữ liệu (xem mẫu inputs/quang-phu/2024.yaml)")])
    builder = _Builder(name, text if warnings is not None else "")
    try:
        data = builder.build(root, ())
    except _TooLarge as exc:
        raise InputError([Problem(name, exc.line, "", (
            f"tệp có quá nhiều phần tử sau khi mở rộng alias (trên {MAX_NODES:,}); "
            "có thể là alias lồng nhau (“billion laughs”) — không xử lý").replace(",", ".")
        )]) from None
    except RecursionError:
        raise InputError([Problem(name, None, "", "cấu trúc lồng nhau quá sâu")]) from None
    if warnings is not None:
        warnings += builder.warnings
    if not isinstance(data, dict):
        raise InputError(builder.problems or [Problem(name, 1, "", "tệp phải là một bảng “tên trường: giá trị”, không phải danh sách hay một giá trị đơn")])
    return data, builder.lines, builder.problems, builder.text_lines


MAX_LATER_BLOCKS = 40
_TOP_KEY = re.compile(r"[^\s#\-.][^\n]*?:(\s|$)")  # a line that starts a top-level `key:` block


def later_syntax_problems(text: str, name: str, first: list[Problem]) -> tuple[list[Problem], str]:
    """The loader stops at the first YAML syntax error (`first`); after it, each later top-level block (`unit:`,
    `team:`, `staff:`…) is read on its own, at its own lines, so that the officer sees its error too. Returns every
    problem found and what cannot be seen yet, in words: an error in the block of the first one (the parser cannot
    go on inside it), and after an unclosed quote or bracket nothing, since the rest may be part of it."""
    syntax = [p for p in first if p.message.startswith("lỗi cú pháp YAML") and p.line]
    if len(syntax) != 1:
        return first, ""
    at = syntax[0].line
    if any(word in syntax[0].message for word in ("kết thúc giữa chừng", "chưa được đóng", "nhiều tài liệu")):
        return first, (f"Sau dòng {at} máy chưa đọc được: phần còn lại của tệp có thể thuộc chỗ lỗi này. "
                       "Sửa lỗi này rồi kiểm tra lại để xem còn lỗi nào khác.")
    lines = text.split("\n")
    starts = [i + 1 for i, line in enumerate(lines) if _TOP_KEY.match(line)]
    after = [n for n in starts if n > at]
    later = after[:MAX_LATER_BLOCKS]  # an input has some fifteen; a hostile file, any number
    found = list(first)
    for k, start in enumerate(later):
        end = after[k + 1] - 1 if k + 1 < len(after) else len(lines)
        block = "\n" * (start - 1) + "\n".join(lines[start - 1:end]) + "\n"
        try:
            parse(block, name)
        except InputError as exc:
            found += [p for p in exc.problems if p.message.startswith("lỗi cú pháp YAML") and "alias" not in p.message]
    block_of_first = max([n for n in starts if n <= at], default=1)
    return found, (f"Máy đọc tiếp từng khối sau lỗi ở dòng {at}; một lỗi khác trong cùng khối với nó (từ dòng {block_of_first}) "
                   "chỉ thấy được sau khi sửa lỗi đó — sửa rồi kiểm tra lại.")


def load(path: str | Path) -> Loaded:
    """Read, parse and type-check one input file."""
    path = Path(path)
    return load_text(read_text(path), path)


def load_text(text: str, path: str | Path) -> Loaded:
    """Parse and type-check the text of an input (`path` names it in problems), e.g. an edit not yet written."""
    path = Path(path)
    notes: list[Problem] = []
    clean = strip_controls(text)
    try:
        data, lines, problems, text_lines = parse(clean, str(path), notes)
    except InputError as exc:  # a syntax error: the later blocks are read too, so every error is named at once
        found, note = later_syntax_problems(clean, str(path), list(exc.problems))
        raise InputError(found, note=note) from None
    try:
        model = DossierInput.model_validate(data)
    except ValidationError as exc:
        loaded = Loaded(path, None, lines)  # type: ignore[arg-type]
        reported = {p.field for p in problems}  # a value already refused by the parser is not reported twice
        problems += [p for p in (_translate(loaded, err) for err in exc.errors(include_url=False)) if p.field not in reported]
    if problems:
        raise InputError(problems + notes)
    return Loaded(path, model, lines, text_lines=text_lines, notes=notes)


def _translate(loaded: Loaded, err: dict) -> Problem:
    loc = _clean_loc(err["loc"])
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _show(given)
    if kind == "missing":
        return Problem(loaded.name, loaded.line_of(loc[:-1]), field_path(loc), f"thiếu trường bắt buộc “{loc[-1]}”")
    messages = {
        "extra_forbidden": f"trường “{loc[-1] if loc else ''}” không có trong mẫu (viết sai tên?)",
        "int_parsing": _integer_hint(given, shown),
        "int_type": _integer_hint(given, shown),
        "int_from_float": f"phải là số nguyên, không phải {shown}",
        "bool_parsing": f"phải là có hoặc không (hoặc true/false), không phải {shown}",
        "bool_type": f"phải là có hoặc không (hoặc true/false), không phải {shown}",
        "string_type": f"phải là văn bản, không phải {shown}",
        "string_too_short": "không được để trống",
        "string_pattern_mismatch": f"{shown} không hợp lệ: chỉ dùng chữ thường không dấu, số, “-” hoặc “_”",
        "literal_error": f"{shown} không hợp lệ; chọn {choices(_QUOTED.findall(str(ctx.get('expected', ''))))}",
        "greater_than_equal": f"phải ≥ {ctx.get('ge')}, không phải {shown}",
        "less_than_equal": f"phải ≤ {ctx.get('le')}, không phải {shown}",
        # a text behind a before-validator is also reported as "too_short" (field_type "Value"), not only lists
        "too_short": "danh sách không được để trống" if ctx.get("field_type") == "List" else "không được để trống",
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


_QUOTED = re.compile(r"'([^']*)'")


def _integer_hint(given: Any, shown: str) -> str:
    """Why a typed value is not an integer, and how to write it."""
    text = str(given).strip() if isinstance(given, str) else ""
    if re.fullmatch(r"[-+]?\d+", text):  # unquoted digits are read as a number: these were in quotes
        return (f"phải là số nguyên, không phải văn bản trong dấu ngoặc (\"{text}\"): bỏ dấu ngoặc, viết {text.lstrip('+')}")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        digits = re.sub(r"\D", "", text)
        return (f"phải là số nguyên, không phải {shown}: viết {digits}, không dùng dấu chấm hay dấu phẩy "
                "phân cách hàng nghìn")
    if re.fullmatch(r"[-+]?\d+[.,]0+", text):  # after the thousands rule: 3.000 is three thousand
        whole = re.split(r"[.,]", text)[0].lstrip("+")
        return f"phải là số nguyên, không phải số thập phân {shown}: viết {whole}, không có phần “{text[len(whole):]}”"
    if re.fullmatch(r"\d+:\d+(:\d+)*", text):
        return f"phải là số nguyên, không phải {shown} (dấu “:” không dùng trong số)"
    if re.fullmatch(r"[-+]?0[xXoObB][0-9a-fA-F_]+", text):
        return f"phải là số nguyên viết theo hệ thập phân, không phải {shown}"
    if re.fullmatch(r"[-+]?\d+[.,]\d+", text):
        return f"phải là số nguyên (số người, số năm), không phải số thập phân {shown}"
    if isinstance(given, bool):
        return f"phải là số nguyên, không phải {shown}"
    return f"phải là số nguyên, không phải {shown}"


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
