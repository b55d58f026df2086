"""Templates as untrusted input: where each comes from, loading a package re-saved by Word or
LibreOffice cleanly, the sandboxed strict Jinja environment they render in, and `check`, which finds
before rendering what rendering would.

Where: a unit's own folder `inputs/<unit>/mau/` first, then a folder given with `--templates`
(`make dossier TEMPLATES=…`), then the built-in `templates/`; each document separately, so a
province may replace only its Tờ trình. Every part docxtpl renders is checked — body, headers,
footers, footnotes, core properties — for syntax (in Vietnamese, with the tag and the text around
it), for every variable and attribute path against the real context of the example (`unit.shortname`
is named, with the nearest field), for sandbox escapes (`__class__`…) and for Word's curly quotes.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from pipeline import documents
from pipeline.documents import DOCUMENTS, DocumentSpec
from pipeline.packaged import fixture

EXAMPLE = fixture()  # the context templates are checked in: the example, shipped in the package
UNIT_FOLDER = "mau"  # inputs/<unit>/mau/: the unit's own templates
MAX_TEMPLATE = 20 * 1024 * 1024
TEMPLATE_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".doc", ".odt", ".rtf")
_SMART_QUOTES = "“”‘’„«»"
_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


MAX_TEXT = 2_000_000  # characters a template's expression may make (a repeat, a padding, a whole rendered part)
MAX_COUNT = 10_000  # a number that sizes something (a repeat count, a width, a range)
MAX_RANGE_TOTAL = 1_000_000  # items all `range` calls of one render may produce
MAX_DEPTH = 40  # nested blocks ({% if %}, {% for %}…) in a part
MAX_PART_XML = 8 * 1024 * 1024  # characters of one part as Jinja sees it
FORBIDDEN_TAGS = ("include", "import", "from", "extends", "macro", "call")
_FORMAT_WIDTH = re.compile(r"\d{5,}")


class _Budget:
    range_items = 0
    depth = 0


def _sized(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _refuse(what: str):
    from jinja2.sandbox import SecurityError

    raise SecurityError(what)


# calls whose numbers size what they make (a width, a count of pieces): the only ones whose numbers are bounded,
# so that a figure from the data passed to any other filter or method (`"{:,}".format(dan_so)`) prints as usual
SIZING = frozenset(["center", "ljust", "rjust", "zfill", "expandtabs", "indent", "truncate", "wordwrap", "range",
                    "batch", "slice"])


def _check_args(name: str, args, kwargs) -> None:
    if name not in SIZING:
        return
    for arg in list(args) + list(kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_COUNT:
            _refuse(f"“{name}” với số {arg} quá lớn (tối đa {MAX_COUNT})")


class TemplateEnvironment(SandboxedEnvironment):
    """The sandbox with bounds: a repeat, a power, a padding or a format width that would exhaust the
    machine is refused (SecurityError) before it is computed; `range` is bounded per render; a rendered
    part longer than MAX_TEXT characters is refused. `*`, `**`, `%` are intercepted, so Jinja never folds
    them into a constant at compile time."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.globals.pop("lipsum", None)  # a generator of any amount of text
        self.globals["range"] = self._range
        self.filters = {name: self._guarded(name, f) for name, f in self.filters.items()}

    @staticmethod
    def _guarded(name, f):
        import functools

        @functools.wraps(f)
        def guarded(*args, **kwargs):
            shown = [a for a in args if not hasattr(a, "environment") and not hasattr(a, "autoescape")]
            if name == "format" and shown and isinstance(shown[0], str) and _FORMAT_WIDTH.search(shown[0]):
                _refuse("bộ lọc “format” với độ rộng quá lớn")
            _check_args(name, shown[1:], kwargs)
            return f(*args, **kwargs)

        return guarded

    def _range(self, *args):
        r = range(*args)
        _Budget.range_items += len(r)
        if len(r) > MAX_COUNT or _Budget.range_items > MAX_RANGE_TOTAL:
            _refuse(f"“range” tạo quá nhiều phần tử (tối đa {MAX_RANGE_TOTAL} mỗi lần điền mẫu)")
        return r

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            count, seq = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(count, int) and _sized(seq) * abs(count) > MAX_TEXT:
                _refuse(f"phép nhân lặp tạo giá trị quá dài (tối đa {MAX_TEXT} ký tự)")
            if isinstance(left, int) and isinstance(right, int) and max(abs(left), abs(right)).bit_length() > 4096:
                _refuse("phép nhân số quá lớn")
        elif operator == "**":
            if not (isinstance(right, (int, float)) and abs(right) <= 64) or (
                    isinstance(left, int) and left.bit_length() > 4096):
                _refuse("phép lũy thừa quá lớn (số mũ tối đa 64)")
        elif operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
            _refuse("định dạng “%” với độ rộng quá lớn")
        elif operator == "+" and _sized(left) + _sized(right) > MAX_TEXT:
            _refuse("phép nối tạo giá trị quá dài")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        inner = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        name = getattr(inner, "__name__", "hàm").lstrip("_")
        owner = getattr(inner, "__self__", None)
        if name in ("format", "format_map") and isinstance(owner, str) and _FORMAT_WIDTH.search(owner):
            _refuse("định dạng với độ rộng quá lớn")
        _check_args(name, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def concat(self, pieces) -> str:  # noqa: D102 - every render and every captured block ends here
        outer = _Budget.depth == 0
        if outer:
            _Budget.range_items = 0
        _Budget.depth += 1
        try:
            out, size = [], 0
            for piece in pieces:
                size += len(piece)
                if size > MAX_TEXT * 8:
                    _refuse("mẫu tạo ra văn bản quá dài khi điền")
                out.append(piece)
            return "".join(out)
        finally:
            _Budget.depth -= 1


def environment() -> SandboxedEnvironment:
    """Jinja for templates that travel by e-mail: no Python reachable (sandbox), bounded work, and a name
    or attribute the data does not have is an error, never a blank in a signed document."""
    return TemplateEnvironment(autoescape=True, undefined=StrictUndefined)


def locate(spec: DocumentSpec, folders: list[Path]) -> Path:
    """The first of `folders` holding this document's template, else the built-in one. An entry that is
    there but unusable (a dangling link, a folder, a FIFO…) is still the one chosen — `folder_problems`
    refuses it — never a silent fall back to the next folder."""
    for folder in folders:
        if folder and os.path.lexists(folder / spec.template):
            return folder / spec.template
    return documents.TEMPLATES_DIR / spec.template


def search_path(unit_folder: Path | None, templates: Path | None) -> list[Path]:
    """The folders to look in, first match wins: the unit's own `mau/` (whenever something by that name is
    there: a file or a broken link is refused, not skipped), then `templates` (an explicit choice: always
    kept, so a folder that is missing is refused by name)."""
    own = unit_folder / UNIT_FOLDER if unit_folder else None
    return [p for p in (own if own and os.path.lexists(own) else None, templates) if p]


class TemplateFileError(Exception):
    """A template file that cannot be read as one (message in Vietnamese, naming it)."""


def _within(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


def _entry_problem(path: Path, root: Path) -> str | None:
    """Why this folder entry cannot be a template, judged without reading it (no FIFO ever opened)."""
    from pipeline.sources.files import entry_problem

    return entry_problem(path, root, MAX_TEMPLATE, broken="xóa hoặc thay bằng tệp mẫu .docx",
                         outside="không đọc; chép tệp mẫu vào thư mục", folder="cần là tệp mẫu .docx")


def read_template(path: Path, root: Path | None = None) -> bytes:
    """A template's bytes, refusing before reading anything but a regular file of at most MAX_TEMPLATE."""
    problem = _entry_problem(path, root or path.parent)
    if problem:
        raise TemplateFileError(problem)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise TemplateFileError(f"{path}: không phải tệp thường (thiết bị, ống dẫn…) — không đọc")
            data = fh.read(MAX_TEMPLATE + 1)
    except OSError as exc:
        from pipeline.oserrors import explain

        raise TemplateFileError(f"{path}: {explain(exc, path)}") from None
    if len(data) > MAX_TEMPLATE:
        raise TemplateFileError(f"{path}: tệp quá lớn (tối đa {MAX_TEMPLATE // 1048576} MB)")
    return data


def _root_of(path: Path) -> Path:
    """The folder a template's links must stay in: the inputs folder for a unit's `mau/`, else its own folder."""
    folder = path.parent
    return folder.parent.parent if folder.name == UNIT_FOLDER else folder


def folder_problems(folder: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one template folder a build was told to use: it must be a folder; each entry
    named as a template must be usable; a template under another name (“… (1).docx”, “.docm”) is named."""
    expected = [spec.template for spec in DOCUMENTS]
    shown = ", ".join(expected)
    try:
        if os.path.islink(folder) and not _within(folder, _root_of(folder / "x")) and folder.name == UNIT_FOLDER:
            return [f"{folder}: liên kết trỏ ra ngoài thư mục dữ liệu — không dùng; chép các mẫu vào thư mục {folder}"], []
        if not folder.exists():
            what = "liên kết hỏng" if os.path.islink(folder) else "không có thư mục này"
            return [f"{folder}: {what}; cần một thư mục chứa mẫu .docx đặt đúng tên ({shown})"], []
        if not folder.is_dir():
            return [f"{folder}: là một tệp, không phải thư mục; cần một thư mục chứa mẫu .docx đặt đúng tên ({shown})"], []
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        from pipeline.oserrors import explain

        return [f"{folder}: {explain(exc, folder)}"], []
    errors, warnings = [], []
    found = [n for n in names if n in expected]
    root = _root_of(folder / "x")
    for name in found:
        problem = _entry_problem(folder / name, root)
        if problem:
            errors.append(problem)
    stems = {Path(n).stem: n for n in expected}
    strays = [n for n in names if n not in expected and not n.startswith((".", "~$"))
              and Path(n).suffix.lower() in TEMPLATE_SUFFIXES]
    for name in strays:
        meant = stems.get(Path(name).stem) or next(iter(difflib.get_close_matches(name, expected, n=1)), None)
        if Path(name).suffix.lower() in (".docm", ".dotm"):
            errors.append(f"{folder / name}: mẫu có macro (.docm/.dotm) không được dùng; lưu lại bằng Word dạng "
                          f"“Word Document (.docx)”" + (f" với tên {meant}" if meant else ""))
        elif not found:
            errors.append(f"{folder / name}: tên không phải tên mẫu" + (f" (có phải {meant}?)" if meant else "")
                          + f"; cần đặt đúng một trong các tên: {shown}")
        else:
            warnings.append(f"{folder / name}: không dùng (tên không phải tên mẫu"
                            + (f"; có phải {meant}?)" if meant else ")"))
    if not found and not strays and folder.name != UNIT_FOLDER:  # a unit's empty mau/ asks for nothing
        errors.append(f"{folder}: không có mẫu nào; cần một hoặc nhiều tệp đặt đúng tên: {shown}")
    return errors, warnings


def clean_package(data: bytes) -> bytes:
    """A .docx as Word or LibreOffice re-saved it, with every zip entry once (the last one wins: it is
    what a reader that keeps going sees). Unchanged when there is nothing to fix."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = [i.filename for i in src.infolist()]
        if len(names) == len(set(names)):
            return data
        last = {i.filename: i for i in src.infolist()}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in dict.fromkeys(names):
                dst.writestr(last[name], src.open(last[name]).read())
    return out.getvalue()


def fingerprint(paths: list[Path]) -> str:
    """The templates' content (an unreadable one counts as its reason: the build then refuses it)."""
    h = hashlib.sha256()
    for path in paths:
        try:
            data = read_template(path, _root_of(path)) if os.path.lexists(path) else b""
        except TemplateFileError as exc:
            data = b"!" + str(exc).encode()
        h.update(str(path.name).encode() + b"\0" + data + b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- the parts docxtpl renders

@dataclass
class Part:
    name: str  # in Vietnamese: “thân văn bản”, “đầu trang 1”…
    xml: str  # after docxtpl's own patching (what Jinja sees)
    raw: str  # as stored (for curly quotes)


def parts(data: bytes) -> list[Part]:
    from pipeline.docxtpl_adapter import template_parts

    counts: dict[str, int] = {}
    out = []
    for kind, xml, raw in template_parts(clean_package(data)):
        counts[kind] = counts.get(kind, 0) + 1
        if kind.startswith("property:"):
            name = f"thuộc tính tệp “{kind.split(':', 1)[1]}”"
        else:
            name = {"body": "thân văn bản", "header": f"đầu trang {counts[kind]}", "footer": f"chân trang {counts[kind]}",
                    "footnotes": "chú thích cuối trang"}[kind]
        out.append(Part(name, xml, raw))
    return out


# ---------------------------------------------------------------- checks

_JINJA_VI = [
    (r"Encountered unknown tag '(\w+)'", "thẻ lạ ‘{0}’ (viết sai tên, hoặc thiếu thẻ mở tương ứng?)"),
    (r"unexpected end of template", "mẫu kết thúc khi còn thẻ chưa đóng (thiếu {{% endfor %}} hoặc {{% endif %}}?)"),
    (r"unexpected '(.+?)'", "ký tự không mong đợi ‘{0}’ trong thẻ"),
    (r"unexpected char '(.+?)'", "ký tự không mong đợi ‘{0}’ trong thẻ (dấu ngoặc kép cong?)"),
    (r"expected token '(.+?)', got '(.+?)'", "thẻ viết sai: cần ‘{0}’ nhưng gặp ‘{1}’"),
    (r"tag name expected", "thiếu tên thẻ sau “{{%”"),
    (r"Unexpected end of template. Jinja was looking for the following tags: '(.+?)'",
     "mẫu kết thúc khi còn thẻ chưa đóng (cần {0})"),
]


def _syntax_vi(message: str) -> str:
    for pattern, text in _JINJA_VI:
        m = re.search(pattern, message or "")
        if m:
            return text.format(*m.groups())
    return f"lỗi cú pháp ({message})"


def _around(xml: str, lineno: int | None, message: str) -> tuple[str, str]:
    """The tag the error is about (the one naming the word the message quotes, else the line's last) and
    the text of its paragraph."""
    lines = xml.split("\n")
    line = lines[lineno - 1] if lineno and lineno <= len(lines) else ""
    text = re.sub(r"<[^>]+>", "", line)
    tags = _TAG.findall(text)
    words = re.findall(r"'(\w+)'", message or "")
    tag = next((t for w in words for t in tags if re.search(rf"\b{w}\b", t)), tags[-1] if tags else "")
    return tag, " ".join(text.split())[:120]


class _Missing(Exception):
    pass


_GLOBALS = frozenset(["range", "dict", "namespace", "cycler", "joiner"])
_SKIP = object()  # a value the check cannot know (a filter's result, an empty list's item): not checked further


def _merged(items: list):
    """The shape of a list's items: every key any item has, with the first value seen."""
    if not items:
        return _SKIP
    if all(isinstance(i, dict) for i in items):
        merged: dict = {}
        for item in items:
            for key, value in item.items():
                merged.setdefault(key, value)
        return merged
    return items[0]


class _Checker:
    """Walks a template's syntax tree with the example's context, naming every path the data lacks."""

    LOOP = {"index": 1, "index0": 0, "first": True, "last": False, "length": 1, "revindex": 1, "revindex0": 0,
            "previtem": _SKIP, "nextitem": _SKIP, "depth": 1, "depth0": 0, "cycle": _SKIP, "changed": _SKIP}

    def __init__(self, context: dict):
        self.context = context
        self.problems: list[str] = []

    def _report(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def value(self, node, scope):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.context:
                return self.context[node.name]
            if node.name in _GLOBALS:  # the environment's own (range, dict…): known, not data
                return _SKIP
            known = sorted(set(scope) | set(self.context))
            hint = difflib.get_close_matches(node.name, known, n=1)
            self._report(f"biến “{node.name}” không có trong dữ liệu" + (f" (có phải “{hint[0]}”?)" if hint else ""))
            return _SKIP
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            base = self.value(node.node, scope)
            if isinstance(node, nodes.Getattr):
                key = node.attr
            elif isinstance(node.arg, nodes.Const):
                key = node.arg.value
            else:
                self.expr(node.arg, scope)
                return _SKIP
            if isinstance(key, str) and key.startswith("_"):
                self._report(f"“{_path(node)}” bị chặn: thuộc tính bắt đầu bằng “_” có thể chạy mã Python (vi phạm hộp cát)")
                return _SKIP
            if base is _SKIP:
                return _SKIP
            if isinstance(base, dict):
                if key in base:
                    return base[key]
                hint = difflib.get_close_matches(str(key), [str(k) for k in base], n=1)
                self._report(f"“{_path(node)}” không có trong dữ liệu" + (f" (có phải “{_path(node.node)}.{hint[0]}”?)" if hint else ""))
                return _SKIP
            if isinstance(base, (list, tuple)) and isinstance(key, int):
                return base[key] if -len(base) <= key < len(base) else _SKIP
            if isinstance(base, (str, int, float, bool)) and isinstance(key, str):
                if hasattr(base, key):
                    return _SKIP  # a method of a string or number (upper, title…): allowed by the sandbox
                self._report(f"“{_path(node)}” không có: “{_path(node.node)}” là một giá trị, không có “{key}”")
            return _SKIP
        self.expr(node, scope)
        return _SKIP

    def expr(self, node, scope):
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self.value(node, scope)
            return
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr.startswith("_"):
            self._report(f"“{_path(node.node)}(…)” bị chặn: gọi hàm nội bộ (vi phạm hộp cát)")
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def visit(self, node, scope):
        if isinstance(node, nodes.For):
            items = self.value(node.iter, scope)
            inner = dict(scope)
            item = _merged(list(items)) if isinstance(items, (list, tuple)) else _SKIP
            for target in ([node.target] if isinstance(node.target, nodes.Name) else list(node.target.iter_child_nodes())):
                if isinstance(target, nodes.Name):
                    inner[target.name] = item
            inner["loop"] = self.LOOP
            for child in node.body + node.else_:
                self.visit(child, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            return
        if isinstance(node, (nodes.Assign,)):
            self.expr(node.node, scope)
            if isinstance(node.target, nodes.Name):
                scope[node.target.name] = _SKIP
            return
        if isinstance(node, nodes.Expr):
            self.expr(node, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


def _path(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_path(node.node)}[{arg}]"
    return "…"


_OPENERS = {"if", "for", "filter", "with", "autoescape", "block", "raw", "trans", "macro", "call"}
_BLOCK_TAG = re.compile(r"\{%[-+]?\s*(\w+)([^%]*)")


def _nesting(xml: str) -> int:
    """The deepest nesting of block tags, counted on the text before Jinja parses it (its parser recurses
    once per level: 3.000 nested {% if %} would end in RecursionError)."""
    depth = deepest = 0
    for m in _BLOCK_TAG.finditer(xml):
        word = m.group(1)
        if word in _OPENERS or (word == "set" and "=" not in m.group(2)):
            depth += 1
            deepest = max(deepest, depth)
        elif word.startswith("end"):
            depth = max(0, depth - 1)
    return deepest


def _bounded(tree) -> list[str]:
    """Statements a template may not use, and constants that size work beyond the sandbox's bounds."""
    found = []
    banned = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
              nodes.Extends: "extends", nodes.Macro: "macro", nodes.CallBlock: "call"}
    for kind, word in banned.items():
        if any(True for _ in tree.find_all(kind)):
            found.append(f"thẻ {{% {word} %}} không được dùng trong mẫu (mẫu phải tự chứa, không nạp tệp hay mẫu khác)")
    if any(n.recursive for n in tree.find_all(nodes.For)):
        found.append("vòng lặp “recursive” không được dùng trong mẫu")
    for node in tree.find_all((nodes.Mul, nodes.Pow, nodes.Mod, nodes.Call, nodes.Filter)):
        if isinstance(node, nodes.Mul):  # a repeat of a constant text; other products are bounded while filling
            sides = (node.left, node.right)
            args = list(sides) if any(isinstance(x, (nodes.Const, nodes.List, nodes.Tuple)) and not isinstance(
                getattr(x, "value", None), (int, float)) for x in sides) else []
        elif isinstance(node, nodes.BinExpr):
            args = [node.right] if isinstance(node, nodes.Pow) else [node.left]
        else:
            callee = node.name if isinstance(node, nodes.Filter) else getattr(node.node, "attr", getattr(node.node, "name", ""))
            args = list(node.args) + [k.value for k in node.kwargs] if callee in SIZING else []
        for arg in args:
            if isinstance(arg, nodes.Const) and isinstance(arg.value, int) and not isinstance(arg.value, bool):
                limit = 64 if isinstance(node, nodes.Pow) and arg is node.right else MAX_COUNT
                if abs(arg.value) > limit:
                    found.append(f"số {arg.value} quá lớn trong biểu thức (tối đa {limit}): mẫu sẽ làm cạn bộ nhớ hoặc treo máy")
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str) and _FORMAT_WIDTH.search(arg.value) and (
                    isinstance(node, nodes.Mod) or (isinstance(node, nodes.Filter) and node.name == "format")):
                found.append("định dạng với độ rộng quá lớn: mẫu sẽ làm cạn bộ nhớ")
    return list(dict.fromkeys(found))


def check_one(name: str, data: bytes, context: dict | None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one template file, each naming the file and the part."""
    from pipeline import docxsafety

    unsafe = docxsafety.problems(data)
    if unsafe:
        return [f"{name}: {p}" for p in unsafe], []
    errors, warnings = [], []
    try:
        found = parts(data)
    except Exception as exc:  # noqa: BLE001 - not a .docx, damaged, encrypted…
        return [f"{name}: không mở được ({type(exc).__name__}); lưu lại bằng Word dạng .docx"], []
    env = environment()
    for part in found:
        where = f"{name}, {part.name}"
        if len(part.xml) > MAX_PART_XML:
            errors.append(f"{where}: phần này quá lớn ({len(part.xml) // 1048576} MB; tối đa {MAX_PART_XML // 1048576} MB)")
            continue
        plain = re.sub(r"<[^>]+>", "", part.raw)
        for tag in _TAG.findall(plain):
            if any(q in tag for q in _SMART_QUOTES):
                warnings.append(f"{where}: thẻ {tag} có dấu ngoặc kép cong (Word tự sửa); nên sửa thành dấu thẳng \" hoặc '")
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", part.xml)  # one paragraph a line, as docxtpl renders it
        depth = _nesting(xml)
        if depth > MAX_DEPTH:
            errors.append(f"{where}: các thẻ lồng nhau quá sâu ({depth} tầng; tối đa {MAX_DEPTH})")
            continue
        try:
            tree = env.parse(xml)
            env.compile(tree)  # what a build does next: anything it would fail on is found here
        except TemplateSyntaxError as exc:
            tag, text = _around(xml, exc.lineno, exc.message)
            errors.append(f"{where}: {_syntax_vi(exc.message)}" + (f" — thẻ {tag}" if tag else "") + (f" — đoạn: “{text}”" if text else ""))
            continue
        except (RecursionError, MemoryError):
            errors.append(f"{where}: biểu thức hoặc thẻ lồng nhau quá sâu, mẫu không dịch được")
            continue
        except Exception as exc:  # noqa: BLE001 - the check must answer in words whatever the template holds
            errors.append(f"{where}: mẫu không dịch được ({type(exc).__name__})")
            continue
        try:
            bounded = _bounded(tree)
            if bounded:
                errors += [f"{where}: {p}" for p in bounded]
                continue
            if context is not None:
                checker = _Checker(context)
                checker.visit(tree, {})
                errors += [f"{where}: {p}" for p in checker.problems]
        except RecursionError:  # an expression nested deeper than the walk can follow
            errors.append(f"{where}: biểu thức hoặc thẻ lồng nhau quá sâu, mẫu không kiểm tra được")
    return errors, warnings


_EXAMPLE: dict[str, dict] = {}  # the example's contexts, by the example's content (once per process)
_CHECKED: dict[tuple, tuple[list[str], list[str]]] = {}  # one template's answer against them


def example_contexts() -> dict[str, dict]:
    """The context every document gets for the project's example input (the real one); computed once per
    process for a given example (read-only for every caller)."""
    from pipeline.assess import assess_file
    from pipeline.criteria import catalogue_for
    from pipeline.render import build_contexts

    example = EXAMPLE
    key = hashlib.sha256(example.read_bytes()).hexdigest()
    if key not in _EXAMPLE:
        loaded, a = assess_file(example)
        contexts, _ = build_contexts(loaded.model, a, catalogue_for(loaded.model))
        _EXAMPLE.clear()
        _EXAMPLE[key] = contexts
    return _EXAMPLE[key]


def check(folders: list[Path] | None = None, contexts: dict[str, dict] | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the templates a build would use with `folders` (first match wins): each folder
    as a choice that must be honoured, each template's package, text and fields, then a trial render of
    each with the example's context through the build's own render, so that a build never fails on a
    template this passed."""
    contexts = contexts if contexts is not None else example_contexts()
    errors, warnings = [], []
    for folder in folders or []:
        e, w = folder_problems(folder)
        errors += e
        warnings += w
    for spec in DOCUMENTS:
        path = locate(spec, folders or [])
        label = path.name if path.parent == documents.TEMPLATES_DIR else str(path)
        try:
            data = read_template(path, _root_of(path))
        except TemplateFileError as exc:
            if str(exc) not in errors:
                errors.append(str(exc))
            continue
        memo = (label, hashlib.sha256(data).hexdigest(), spec.key) if any(contexts is c for c in _EXAMPLE.values()) else None
        if memo in _CHECKED:
            e, w = _CHECKED[memo]
        else:
            e, w = check_one(label, data, contexts.get(spec.key))
            if not e and spec.key in contexts:
                e = _trial(spec, data, label, contexts[spec.key])
            if memo is not None:
                _CHECKED[memo] = (e, w)
        errors += e
        warnings += w
    return errors, warnings


def _trial(spec: DocumentSpec, data: bytes, label: str, context: dict) -> list[str]:
    import datetime as dt

    from pipeline.render import TemplateError, render_bytes

    try:
        render_bytes(spec, clean_package(data), context, dt.datetime(2000, 1, 1, 8, 0), label)
    except TemplateError as exc:
        return [f"{label}: {exc.args[0].split(': ', 1)[-1]}"]
    return []


def _state(folders: list[Path]) -> bytes:
    """What a folder's answer depends on besides the templates' bytes: its entries' names and kinds."""
    out = []
    for folder in folders:
        try:
            out.append((str(folder), sorted((p.name, os.lstat(p).st_mode) for p in folder.iterdir())
                        if folder.is_dir() else str(os.path.lexists(folder))))
        except OSError as exc:
            out.append((str(folder), str(exc.errno)))
    return repr(out).encode()


def check_cached(folders: list[Path]) -> list[str]:
    """`check`'s errors, remembered (in the user's cache, authenticated) for a set of templates that passed:
    a build does not re-check what has not changed — the templates, the folders, the example, the code."""
    from pipeline import usercache
    from pipeline.fingerprint import code

    h = hashlib.sha256(code().encode() + _state(folders))
    h.update(fingerprint([locate(spec, folders) for spec in DOCUMENTS]).encode())
    h.update(EXAMPLE.read_bytes() if EXAMPLE.exists() else b"-")
    name = h.hexdigest()
    if usercache.read("checked", name) == b"ok":
        return []
    errors = check(folders)[0]
    if not errors:
        usercache.write("checked", name, b"ok")
    return errors
