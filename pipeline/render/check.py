"""`check-templates`: what rendering a template would find, found before a build — each part docxtpl
renders (body, headers, footers, footnotes, core properties) for syntax (in Vietnamese, with the tag and
the text around it), every variable and attribute path against the real context of the example
(`unit.shortname` is named, with the nearest field), sandbox escapes (`__class__`…), bounds, Word's curly
quotes; then a trial render through the build's own engine. `check_cached` remembers a set that passed.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes

from pipeline import documents
from pipeline.core.packaged import fixture
from pipeline.documents import DOCUMENTS, DocumentSpec
from pipeline.render.sandbox import _FORMAT_WIDTH, MAX_COUNT, SIZING, environment
from pipeline.render.templates import (
    TemplateFileError,
    _root_of,
    clean_package,
    fingerprint,
    folder_problems,
    locate,
    parts,
    read_template,
    search_path,
)

EXAMPLE = fixture()  # the context templates are checked in: the example, shipped in the package
MAX_DEPTH = 40  # nested blocks ({% if %}, {% for %}…) in a part
MAX_PART_XML = 8 * 1024 * 1024  # characters of one part as Jinja sees it
_SMART_QUOTES = "“”‘’„«»"
_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


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
    from pipeline.sources import docxsafety

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
    from pipeline.criteria import catalogue_for
    from pipeline.render.engine import build_contexts
    from pipeline.rules.assess import assess_file

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

    from pipeline.render.engine import TemplateError, render_bytes

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
    from pipeline.core import usercache
    from pipeline.core.fingerprint import code

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


def check_templates(templates: Path | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the templates in `templates` (falling back to the built-in ones) or the built-in
    ones: see `check`."""
    return check([templates] if templates else [])


def check_all_templates(templates: Path | None = None, inputs: Path | None = None) -> tuple[list[str], list[str], list[tuple]]:
    """(errors, warnings, the template folder sets checked) of every template a build would use: the
    built-in ones with `templates` first (if given), and for every unit folder under `inputs` its own
    `mau/` first — see `check`."""
    sets = [tuple(search_path(None, templates))]
    try:
        units = sorted(p for p in inputs.iterdir() if p.is_dir() and not p.name.startswith(".")) if inputs and inputs.is_dir() else []
    except OSError:
        units = []
    for unit in units:
        folders = tuple(search_path(unit, templates))
        if folders not in sets:
            sets.append(folders)
    contexts = example_contexts()
    errors, warnings = [], []
    for folders in sets:
        e, w = check(list(folders), contexts)
        errors += [x for x in e if x not in errors]
        warnings += [x for x in w if x not in warnings]
    return errors, warnings, sets
