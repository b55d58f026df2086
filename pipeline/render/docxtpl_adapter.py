"""The one module that reaches into docxtpl's and python-docx's internals, and the version gate around it.

The compiled render (`pipeline.render.compiled`) repeats docxtpl's `render` + `save` step by step: the patching
(`patch_xml`), the post-processing of a rendered part (`resolve_listing`, the template author's `{_{` escapes),
`fix_tables`, `fix_docpr_ids`, and python-docx's serialisation of a part. None of that is docxtpl's public API,
so it is only trusted on the versions it was tested with (`TESTED`, the same ranges as pyproject.toml pins):
with any other installed version `fast_path()` is False and every document goes through `public_render`,
docxtpl's documented `DocxTemplate(...).render(context, env)` + `save`, slower and always right.
`template_parts` (for `check-templates`) reads the parts docxtpl renders the way docxtpl reads them.
"""

from __future__ import annotations

import io
import os
import re
from importlib import metadata

from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docxtpl import DocxTemplate

from pipeline.core.textnorm import unshield

__all__ = ["CoreProperties", "parse_xml", "serialize_part_xml"]

# distribution → (lowest tested, first untested): the compiled path is byte-identical to docxtpl on these
TESTED = {
    "docxtpl": ((0, 20, 2), (0, 21)),
    "python-docx": ((1, 2), (1, 3)),
    "Jinja2": ((3, 1, 4), (3, 2)),
    "lxml": ((6, 1), (7, 0)),
}
HEADER_URI = DocxTemplate.HEADER_URI
FOOTER_URI = DocxTemplate.FOOTER_URI


def _version(dist: str) -> tuple[int, ...] | None:
    from pipeline.core.fingerprint import _version as installed  # the METADATA line, read once for both

    found = installed(dist)
    numbers = re.findall(r"\d+", found)[:3] if found != "-" else []
    return tuple(int(n) for n in numbers) if numbers else None


def untested() -> list[str]:
    """The installed distributions outside the ranges the compiled path was tested with, as “name version”."""
    out = []
    for dist, (low, high) in TESTED.items():
        v = _version(dist)
        if v is None or not (low <= v < high):
            out.append(f"{dist} {metadata.version(dist) if v is not None else '?'}")
    return out


_FAST: bool | None = None


def fast_path() -> bool:
    """Whether the compiled render may be used: every critical library inside its tested range
    (DVHT_PUBLIC_RENDER=1 forces docxtpl's public render, as an untested version would)."""
    global _FAST
    if os.environ.get("DVHT_PUBLIC_RENDER"):
        return False
    if _FAST is None:
        _FAST = not untested()
    return _FAST


# ---------------------------------------------------------------- docxtpl's own render, public API only

def public_render(data: bytes, context: dict, env, title: str, created) -> bytes:
    """docxtpl's documented render and save, the core properties set as the compiled path sets them."""
    doc = DocxTemplate(io.BytesIO(data))
    doc.render(context, env)
    props = doc.docx.core_properties
    props.created = props.modified = created
    props.last_printed = created
    props.revision = 1
    props.title = title
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the internals the compiled path repeats

def open_template(data: bytes) -> DocxTemplate:
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    return tpl


def helpers() -> DocxTemplate:
    """A DocxTemplate without a document: only its pure helpers (resolve_listing, fix_tables…) are used."""
    tpl = DocxTemplate.__new__(DocxTemplate)
    tpl.docx = None
    return tpl


def has_footnotes(tpl: DocxTemplate) -> str | None:
    for part in tpl.docx.part.package.parts:
        if "footnotes" in part.content_type:
            return str(part.partname)
    return None


def jinja_source(patched: str) -> str:
    """A patched part as docxtpl hands it to Jinja: one paragraph a line (for line numbers in errors)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)


def body_source(tpl: DocxTemplate) -> str:
    return tpl.patch_xml(tpl.get_xml())


def header_footer_sources(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(zip name, patched XML) of every header, then every footer, in docxtpl's order."""
    out = []
    for uri in (HEADER_URI, FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            out.append((part.partname.lstrip("/"), tpl.patch_xml(tpl.get_part_xml(part))))
    return out


def document_element(tpl: DocxTemplate):
    return tpl.docx._element


def core_element(tpl: DocxTemplate):
    return tpl.docx.core_properties._element


def core_property(tpl: DocxTemplate, name: str) -> str:
    return getattr(tpl.docx.core_properties, name) or ""


def saved(tpl: DocxTemplate) -> bytes:
    """The package as python-docx writes it, unrendered."""
    buffer = io.BytesIO()
    tpl.docx.save(buffer)
    return buffer.getvalue()


def post(tpl: DocxTemplate, xml: str) -> str:
    """docxtpl's post-processing of a rendered part (`render_xml_part` after Jinja), then the officer's own
    `{_`/`_}` given back (see `textnorm.shield`)."""
    xml = xml.replace("\n<w:p", "<w:p")  # every such newline is one docxtpl inserted (values are escaped)
    if "{_" in xml or "_}" in xml:  # a template author's escapes (rare): as docxtpl resolves them
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in xml for c in "\t\a\n\f"):  # docxtpl's listing pass changes nothing else: skipped when idle
        xml = tpl.resolve_listing(xml)
    return unshield(xml)


def fixed_body(tpl: DocxTemplate, xml: str):
    """The rendered body as the element docxtpl puts into the document: tables fixed, picture ids renumbered."""
    tree = tpl.fix_tables(xml)
    tpl.docx_ids_index = 1000
    tpl.fix_docpr_ids(tree)
    return tree


def template_parts(data: bytes) -> list[tuple[str, str, str]]:
    """(kind, patched XML, XML as stored) of every part docxtpl renders: “body”, “header”, “footer”, “footnotes”,
    then (“property:<name>”, text, text) for each core property holding a tag."""
    tpl = open_template(data)
    raw = tpl.get_xml()
    out = [("body", tpl.patch_xml(raw), raw)]
    for uri, kind in ((HEADER_URI, "header"), (FOOTER_URI, "footer")):
        for _, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            out.append((kind, tpl.patch_xml(xml), xml))
    for part in tpl.docx.part.package.parts:
        if part.content_type.endswith("footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            out.append(("footnotes", tpl.patch_xml(blob), blob))
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = core_property(tpl, prop)
        if "{" in value:
            out.append((f"property:{prop}", value, value))
    return out
