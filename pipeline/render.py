"""Stage 4 — render: assessment + input → the dossier's Word documents, through docxtpl templates.

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

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from pipeline.criteria import Catalogue
from pipeline.documents import DOCUMENTS, DocumentSpec
from pipeline.documents.common import Dossier, base_context
from pipeline.evaluate import Assessment
from pipeline.model import DossierInput
from pipeline.compiled import compiled
from pipeline.templates import check, clean_package, environment, locate
from pipeline.textnorm import clean_text

ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)
# docxtpl turns “{_{”, “}_}”, “{_%”, “%_}” into “{{”, “}}”… after rendering (a template author's escape);
# in a value they are the officer's text, so they travel as private-use characters and come back after.
_OPEN, _CLOSE = "\ue000", "\ue001"


class _Template(DocxTemplate):
    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        xml = super().render_xml_part(src_xml, part, context, jinja_env)
        return xml.replace(_OPEN, "{_").replace(_CLOSE, "_}")


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
        return clean_text(value).replace("{_", _OPEN).replace("_}", _CLOSE)
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

class TemplateError(Exception):
    """A template that cannot render this dossier (a field the data lacks, a sandbox violation)."""


@lru_cache(maxsize=32)
def _template_bytes(path: Path, mtime_ns: int, size: int) -> bytes:
    """A template as the build uses it: read safely, refused (TemplateError) if its package carries anything
    `pipeline.docxsafety` forbids — checked here too, whatever a cache says, so that nothing external is
    ever rendered into a dossier."""
    from pipeline import docxsafety, usercache
    from pipeline.templates import TemplateFileError, _root_of, read_template

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
        from pipeline.oserrors import explain

        raise TemplateError(f"mẫu {path}: {explain(exc, path)}") from None
    return _template_bytes(path, info.st_mtime_ns, info.st_size)


def render_document(spec: DocumentSpec, context: dict, created: dt.datetime, folders: list[Path] | None = None) -> bytes:
    """Fill one template in the sandbox; returns the .docx bytes (deterministic for the same context).
    The template is compiled once per process (`pipeline.compiled`); its output XML is the reference's."""
    path = template_path(spec, folders)
    return render_bytes(spec, _read(path), context, created, str(path))


def render_bytes(spec: DocumentSpec, data: bytes, context: dict, created: dt.datetime, label: str) -> bytes:
    """`render_document` for a template's bytes. Whatever the template makes go wrong — a missing field, a
    sandbox violation, a bound of the sandbox, nesting too deep, memory — is a TemplateError in words,
    never an exception that ends the run."""
    title = f"{spec.title} — {context['unit']['short_name']} — năm {context['year']}"
    try:
        fast = compiled(data, _environment())
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


def warm(specs: list[DocumentSpec], folders: list[Path] | None = None) -> None:
    """Compile these templates now (before a batch forks its workers)."""
    for spec in specs:
        path = template_path(spec, folders)
        try:
            compiled(_read(path), _environment())
        except Exception:  # noqa: BLE001 - the worker that renders it reports it
            pass


def render_reference(data: bytes, context: dict, created: dt.datetime, title: str) -> bytes:
    """docxtpl's own render and python-docx's save: the reference the compiled path must equal."""
    doc = _Template(io.BytesIO(data))
    doc.render(context, _environment())
    props = doc.docx.core_properties
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1
    props.title = title
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def _render_problem(exc: Exception) -> str:
    text = str(exc)
    m = re.search(r"has no attribute '(\w+)'", text) or re.search(r"'(\w+)' is undefined", text)
    if isinstance(exc, SecurityError):
        return f"bị chặn vì có thể chạy mã Python (vi phạm hộp cát): {text}"
    if m:
        return f"trường “{m.group(1)}” không có trong dữ liệu; chạy {_check()} để xem chi tiết"
    return f"lỗi khi điền mẫu ({text}); chạy {_check()}"


def _check() -> str:
    from pipeline.hints import command

    return command("dvht check-templates", "make check-templates")


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order so equal content gives equal bytes; an entry
    written twice (python-docx saving a package LibreOffice re-saved) is kept once, the last one."""
    src = zipfile.ZipFile(io.BytesIO(data))
    last = {item.filename: item for item in src.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, item in last.items():
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.open(item).read())
    return out.getvalue()


def render_all(model: DossierInput, assessment: Assessment, catalogue: Catalogue,
               folders: list[Path] | None = None) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every document of the dossier: ({key: docx bytes}, {key: why it was not made})."""
    contexts, skipped = build_contexts(model, assessment, catalogue)
    created = dt.datetime.combine(model.report.date, dt.time(8, 0))
    by_key = {spec.key: spec for spec in DOCUMENTS}
    return {key: render_document(by_key[key], ctx, created, folders) for key, ctx in contexts.items()}, skipped


def check_templates(templates: Path | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the templates in `templates` (falling back to the built-in ones) or the built-in
    ones: see `pipeline.templates.check`."""
    return check([templates] if templates else [])


def check_all_templates(templates: Path | None = None, inputs: Path | None = None) -> tuple[list[str], list[str], list[tuple]]:
    """(errors, warnings, the template folder sets checked) of every template a build would use: the
    built-in ones with `templates` first (if given), and for every unit folder under `inputs` its own
    `mau/` first — see `pipeline.templates.check`."""
    from pipeline.templates import example_contexts, search_path

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
