"""Stage 4 — render: assessment + input → the dossier's Word documents, through docxtpl templates.

Each document's context comes from its module in `pipeline.documents` (built from the `Assessment`
and the input's texts); no verdict is computed here. Every value goes through `clean_text` (NFC, no XML-illegal
characters) and docxtpl's autoescape, so `&`, `<`, `{{ 7*7 }}` typed by an officer print as typed.
Saved files are deterministic: fixed zip timestamps and core properties.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, meta

from pipeline.criteria import Catalogue
from pipeline.documents import DOCUMENTS, TEMPLATES_DIR, DocumentSpec
from pipeline.documents.common import BASE_FIELDS, Dossier, base_context
from pipeline.evaluate import Assessment
from pipeline.model import DossierInput
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
    base = base_context(dossier)
    contexts, skipped = {}, {}
    for spec in DOCUMENTS:
        module = spec.module()
        reason = module.skip(dossier) if hasattr(module, "skip") else None
        if reason:
            skipped[spec.key] = reason
            continue
        contexts[spec.key] = _sanitize({**base, **module.context(dossier, base)})
    return contexts, skipped


def _sanitize(value):
    """Last guard before XML: every string NFC and free of characters XML cannot hold."""
    if isinstance(value, str):
        return clean_text(value).replace("{_", _OPEN).replace("_}", _CLOSE)
    if isinstance(value, dict):
        return {k: _sanitize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    return value


# ---------------------------------------------------------------- rendering

@lru_cache(maxsize=16)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def template_path(spec: DocumentSpec, templates: Path | None = None) -> Path:
    return (templates or TEMPLATES_DIR) / spec.template


def render_document(spec: DocumentSpec, context: dict, created: dt.datetime, templates: Path | None = None) -> bytes:
    """Fill one template; returns the .docx bytes (deterministic for the same context)."""
    path = template_path(spec, templates)
    doc = _Template(io.BytesIO(_template_bytes(path, path.stat().st_mtime_ns)))
    doc.render(context, autoescape=True)
    props = doc.docx.core_properties
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1
    props.title = f"{spec.title} — {context['unit']['short_name']} — năm {context['year']}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def render_all(model: DossierInput, assessment: Assessment, catalogue: Catalogue,
               templates: Path | None = None) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every document of the dossier: ({key: docx bytes}, {key: why it was not made})."""
    contexts, skipped = build_contexts(model, assessment, catalogue)
    created = dt.datetime.combine(model.report.date, dt.time(8, 0))
    by_key = {spec.key: spec for spec in DOCUMENTS}
    return {key: render_document(by_key[key], ctx, created, templates) for key, ctx in contexts.items()}, skipped


# ---------------------------------------------------------------- template checks

_SMART_QUOTES = "“”‘’„«»"


def check_templates(templates: Path | None = None) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the committed or officer-edited templates, found before any rendering.

    Errors: a missing or damaged file, Jinja syntax (a tag Word broke), variables the data does not
    have. Warnings: tags Word autocorrected into curly quotes (docxtpl straightens them, but the
    template should be fixed)."""
    errors, warnings = [], []
    for spec in DOCUMENTS:
        path = template_path(spec, templates)
        if not path.exists():
            errors.append(f"{path}: không tìm thấy mẫu")
            continue
        try:
            doc = DocxTemplate(str(path))
            doc.init_docx()
            raw = doc.get_xml()
            xml = doc.patch_xml(raw)
        except Exception as exc:  # a damaged .docx
            errors.append(f"{path.name}: không mở được ({exc})")
            continue
        plain = re.sub(r"<[^>]+>", "", raw)
        for tag in re.findall(r"\{[{%].*?[%}]\}", plain, re.S):
            if any(q in tag for q in _SMART_QUOTES):
                warnings.append(f"{path.name}: thẻ {tag} có dấu ngoặc kép cong (Word tự sửa); nên sửa thành dấu thẳng \" hoặc '")
        try:
            parsed = Environment().parse(xml)
        except TemplateSyntaxError as exc:
            line = xml.split("\n")[exc.lineno - 1] if exc.lineno and exc.lineno <= xml.count("\n") + 1 else xml
            tags = re.findall(r"\{[{%].*?[%}]\}", re.sub(r"<[^>]+>", "", line))
            near = next((t for t in tags if any(w in t for w in re.findall(r"'(\w+)'", exc.message or ""))), tags[-1] if tags else "")
            errors.append(f"{path.name}: lỗi cú pháp thẻ: {exc.message} (thẻ {near})")
            continue
        unknown = sorted(meta.find_undeclared_variables(parsed) - BASE_FIELDS - spec.module().FIELDS)
        if unknown:
            errors.append(f"{path.name}: biến không có trong dữ liệu: {', '.join(unknown)}")
    return errors, warnings
