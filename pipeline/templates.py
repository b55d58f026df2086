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
import re
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
_SMART_QUOTES = "“”‘’„«»"
_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)


def environment() -> SandboxedEnvironment:
    """Jinja for templates that travel by e-mail: no Python reachable (sandbox), and a name or
    attribute the data does not have is an error, never a blank in a signed document."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def locate(spec: DocumentSpec, folders: list[Path]) -> Path:
    """The first of `folders` holding this document's template, else the built-in one."""
    for folder in folders:
        if folder and (folder / spec.template).is_file():
            return folder / spec.template
    return documents.TEMPLATES_DIR / spec.template


def search_path(unit_folder: Path | None, templates: Path | None) -> list[Path]:
    """The folders to look in, first match wins: the unit's own (if it has one), then `templates`."""
    own = unit_folder / UNIT_FOLDER if unit_folder else None
    return [p for p in (own if own and own.is_dir() else None, templates) if p]


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
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.name).encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
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


def check_one(name: str, data: bytes, context: dict | None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one template file, each naming the file and the part."""
    errors, warnings = [], []
    try:
        found = parts(data)
    except Exception as exc:  # not a .docx, damaged, encrypted…
        return [f"{name}: không mở được ({type(exc).__name__}); lưu lại bằng Word dạng .docx"], []
    env = environment()
    for part in found:
        where = f"{name}, {part.name}"
        plain = re.sub(r"<[^>]+>", "", part.raw)
        for tag in _TAG.findall(plain):
            if any(q in tag for q in _SMART_QUOTES):
                warnings.append(f"{where}: thẻ {tag} có dấu ngoặc kép cong (Word tự sửa); nên sửa thành dấu thẳng \" hoặc '")
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", part.xml)  # one paragraph a line, as docxtpl renders it
        try:
            tree = env.parse(xml)
        except TemplateSyntaxError as exc:
            tag, text = _around(xml, exc.lineno, exc.message)
            errors.append(f"{where}: {_syntax_vi(exc.message)}" + (f" — thẻ {tag}" if tag else "") + (f" — đoạn: “{text}”" if text else ""))
            continue
        if context is not None:
            checker = _Checker(context)
            checker.visit(tree, {})
            errors += [f"{where}: {p}" for p in checker.problems]
    return errors, warnings


def example_contexts() -> dict[str, dict]:
    """The context every document gets for the project's example input (the real one)."""
    from pipeline.assess import assess_file
    from pipeline.criteria import catalogue_for
    from pipeline.render import build_contexts

    example = EXAMPLE
    loaded, a = assess_file(example)
    contexts, _ = build_contexts(loaded.model, a, catalogue_for(loaded.model))
    return contexts


def check(folders: list[Path] | None = None, contexts: dict[str, dict] | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the templates a build would use with `folders` (first match wins)."""
    contexts = contexts if contexts is not None else example_contexts()
    errors, warnings = [], []
    for spec in DOCUMENTS:
        path = locate(spec, folders or [])
        if not path.exists():
            errors.append(f"{path}: không tìm thấy mẫu")
            continue
        label = path.name if path.parent == documents.TEMPLATES_DIR else str(path)
        e, w = check_one(label, path.read_bytes(), contexts.get(spec.key))
        errors += e
        warnings += w
    return errors, warnings


def check_cached(folders: list[Path]) -> list[str]:
    """`check`'s errors, remembered (in the user's cache) for a set of templates that passed: a build does not
    re-check what has not changed — the templates, the example, the code that makes the contexts."""
    from pipeline.compiled import _stamp, cache_dir

    h = hashlib.sha256(_stamp())
    for spec in DOCUMENTS:
        h.update(locate(spec, folders).read_bytes() if locate(spec, folders).exists() else b"-")
    h.update(EXAMPLE.read_bytes() if EXAMPLE.exists() else b"-")
    root = Path(__file__).resolve().parent
    for source in sorted(root.rglob("*.py")) + sorted(root.rglob("*.yaml")):
        h.update(source.read_bytes())
    marker = cache_dir() / "checked" / h.hexdigest()
    if marker.exists():
        return []
    errors = check(folders)[0]
    if not errors:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            marker.touch()
        except OSError:
            pass
    return errors
