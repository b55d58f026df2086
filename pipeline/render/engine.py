"""The render itself: assessment + input → the dossier's Word documents, through docxtpl templates.

Each document's context comes from its module in `pipeline.documents` (built from the `Assessment`
and the input's texts); no verdict is computed here. Every value goes through `clean_text` (NFC, no XML-illegal
characters) and docxtpl's autoescape, so `&`, `<`, `{{ 7*7 }}` typed by an officer print as typed.
Saved files are deterministic: fixed zip timestamps and core properties.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from pipeline.core import zips
from pipeline.core.problems import PipelineError
from pipeline.core.textnorm import MARK, clean_text, shield, unshield
from pipeline.criteria import Catalogue
from pipeline.documents import DOCUMENTS, DocumentSpec
from pipeline.documents.common import Dossier, base_context
from pipeline.render import docxtpl_adapter
from pipeline.render.compiled import compiled
from pipeline.render.sandbox import environment
from pipeline.render.templates import clean_package, locate
from pipeline.rules.evaluate import Assessment
from pipeline.sources.model import DossierInput

# ---------------------------------------------------------------- context

def build_contexts(model: DossierInput, a: Assessment, catalogue: Catalogue) -> tuple[dict[str, dict], dict[str, str]]:
    """({document key: its context}, {document key: why it is not made}) for one dossier."""
    dossier = Dossier(model, a, catalogue)
    done: set[int] = set()
    base = _sanitize(base_context(dossier), done)
    contexts, skipped = {}, {}
    for spec in DOCUMENTS:
        module = spec.module()
        reason = module.skip(dossier) if hasattr(module, "skip") else None
        if reason:
            skipped[spec.key] = reason
            continue
        contexts[spec.key] = {**base, **_sanitize(module.context(dossier, base), done)}
    return contexts, skipped


def _sanitize(value, done: set[int] | None = None):
    """Last guard before XML: every string NFC and free of characters XML cannot hold. Containers this
    already produced (ids in `done`) are passed through, so the shared base is cleaned once per dossier."""
    if isinstance(value, str):
        return shield(clean_text(value))
    if done is not None and id(value) in done:
        return value
    if isinstance(value, dict):
        out = {k: _sanitize(v, done) for k, v in value.items()}
    elif isinstance(value, list):
        out = [_sanitize(v, done) for v in value]
    else:
        return value
    if done is not None:
        done.add(id(out))
    return out


# ---------------------------------------------------------------- rendering

class TemplateError(PipelineError):
    """A template that cannot render this dossier (a field the data lacks, a sandbox violation)."""


@lru_cache(maxsize=32)
def _template_bytes(path: Path, mtime_ns: int, size: int) -> bytes:
    """A template as the build uses it: read safely, refused (TemplateError) if its package carries anything
    `pipeline.sources.docxsafety` forbids — checked here too, whatever a cache says, so that nothing external is
    ever rendered into a dossier."""
    from pipeline.core import usercache
    from pipeline.render.templates import TemplateFileError, _root_of, read_template
    from pipeline.sources import docxsafety

    try:
        data = read_template(path, _root_of(path))
    except TemplateFileError as exc:
        raise TemplateError(str(exc)) from None
    mark = hashlib.sha256(b"docxsafety|" + data).hexdigest()
    if usercache.read("safe", mark) != b"ok":
        unsafe = docxsafety.problems(data)
        if unsafe:
            raise TemplateError(f"mẫu {path}: " + "; ".join(unsafe))
        usercache.write("safe", mark, b"ok")
    return clean_package(data)


def template_path(spec: DocumentSpec, folders: list[Path] | None = None) -> Path:
    return locate(spec, folders or [])


_ENV = None


def _environment():
    global _ENV
    if _ENV is None:
        _ENV = environment()
    return _ENV


def _read(path: Path) -> bytes:
    try:
        info = path.stat()
    except OSError as exc:
        from pipeline.core.oserrors import explain

        raise TemplateError(f"mẫu {path}: {explain(exc, path)}") from None
    return _template_bytes(path, info.st_mtime_ns, info.st_size)


def render_document(spec: DocumentSpec, context: dict, created: dt.datetime, folders: list[Path] | None = None) -> bytes:
    """Fill one template in the sandbox; returns the .docx bytes (deterministic for the same context).
    The template is compiled once per process (`pipeline.render.compiled`); its output XML is the reference's."""
    path = template_path(spec, folders)
    return render_bytes(spec, _read(path), context, created, str(path))


def render_bytes(spec: DocumentSpec, data: bytes, context: dict, created: dt.datetime, label: str) -> bytes:
    """`render_document` for a template's bytes. Whatever the template makes go wrong — a missing field, a
    sandbox violation, a bound of the sandbox, nesting too deep, memory — is a TemplateError in words,
    never an exception that ends the run."""
    title = document_title(spec, context)
    try:
        fast = compiled(data, _environment()) if docxtpl_adapter.fast_path() else None
        if fast is not None:
            return fast.render(context, created, title)
        return render_reference(data, context, created, title)
    except (UndefinedError, SecurityError, TemplateSyntaxError) as exc:
        raise TemplateError(f"mẫu {label}: {_render_problem(exc)}") from None
    except RecursionError:
        raise TemplateError(f"mẫu {label}: các thẻ hoặc biểu thức lồng nhau quá sâu; chạy {_check()}") from None
    except MemoryError:
        raise TemplateError(f"mẫu {label}: điền mẫu cần quá nhiều bộ nhớ; chạy {_check()}") from None
    except Exception as exc:  # noqa: BLE001 - a template from outside never ends the run
        raise TemplateError(f"mẫu {label}: không điền được ({type(exc).__name__}); chạy {_check()}") from None


def document_title(spec: DocumentSpec, context: dict) -> str:
    """The title a PDF reader and a signing tool show: the unit's name, the document, the year (plain text: the
    shielded value given back)."""
    return unshield(f"{context['unit']['name']} — {spec.title} năm {context['year']}")


def warm(specs: list[DocumentSpec], folders: list[Path] | None = None) -> None:
    """Compile these templates now (before a batch forks its workers)."""
    if not docxtpl_adapter.fast_path():
        return
    for spec in specs:
        path = template_path(spec, folders)
        try:
            compiled(_read(path), _environment())
        except Exception:  # noqa: BLE001 - the worker that renders it reports it
            pass


def render_reference(data: bytes, context: dict, created: dt.datetime, title: str) -> bytes:
    """docxtpl's own public render and python-docx's save: the reference the compiled path must equal, and
    the path for a template or a library version the compiled path does not cover. docxtpl's parser cannot
    hold `textnorm.MARK`, so here the shielded values carry instead a private-use character that neither
    this template nor any value contains, removed from the saved parts afterwards."""
    mark = _free_mark(data, context)
    out = docxtpl_adapter.public_render(data, _swap(context, mark), _environment(), title, created)
    return normalise_zip(out, drop=mark.encode("utf-8"))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _free_mark(data: bytes, context: dict) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]
    texts = list(_strings(context))
    for code in range(0xE000, 0xF900):
        mark = chr(code)
        encoded = mark.encode("utf-8")
        if not any(encoded in p for p in parts) and not any(mark in t for t in texts):
            return mark
    raise TemplateError("mẫu và dữ liệu dùng hết mọi ký tự riêng (U+E000–U+F8FF)")  # pragma: no cover


def _swap(value, mark: str):
    if isinstance(value, str):
        return value.replace(MARK, mark) if MARK in value else value
    if isinstance(value, dict):
        return {k: _swap(v, mark) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_swap(v, mark) for v in value]
    return value


def _render_problem(exc: Exception) -> str:
    text = str(exc)
    m = re.search(r"has no attribute '(\w+)'", text) or re.search(r"'(\w+)' is undefined", text)
    if isinstance(exc, SecurityError):
        return f"bị chặn vì có thể chạy mã Python (vi phạm hộp cát): {text}"
    if m:
        return f"trường “{m.group(1)}” không có trong dữ liệu; chạy {_check()} để xem chi tiết"
    return f"lỗi khi điền mẫu ({text}); chạy {_check()}"


def _check() -> str:
    from pipeline.core.hints import command

    return command("dvht check-templates", "make check-templates")


def normalise_zip(data: bytes, drop: bytes = b"") -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order so equal content gives equal bytes; an entry
    written twice (python-docx saving a package LibreOffice re-saved) is kept once, the last one; `drop`
    (a marker's UTF-8 bytes) removed from every XML part."""
    parts = zips.last_entries(data)
    return zips.write((name, blob.replace(drop, b"") if drop and name.endswith(".xml") else blob)
                      for name, blob in parts.items())


def render_all(model: DossierInput, assessment: Assessment, catalogue: Catalogue,
               folders: list[Path] | None = None) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every document of the dossier: ({key: docx bytes}, {key: why it was not made})."""
    contexts, skipped = build_contexts(model, assessment, catalogue)
    created = dt.datetime.combine(model.report.date, dt.time(8, 0))
    by_key = {spec.key: spec for spec in DOCUMENTS}
    return {key: render_document(by_key[key], ctx, created, folders) for key, ctx in contexts.items()}, skipped
