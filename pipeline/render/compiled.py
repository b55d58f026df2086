"""Templates compiled once per process: docxtpl's own patching done once, the Jinja template kept,
the parts a render never changes serialised and zipped once; a render fills the kept templates and
appends the few rendered parts. Output XML is byte-identical to docxtpl's `render` + `save` (a test
compares every part with the reference path, `render_reference`), in a fraction of the time.

What docxtpl does on `render` and this module repeats, in order: Jinja render of the patched body;
its post-processing (paragraph newlines, `{_{`-escapes, listings); `fix_tables`, `fix_docpr_ids`; the
body put into the document element and serialised as python-docx does; headers and footers rendered
and re-serialised; core properties rendered. A template with footnotes is rendered by the reference path.
Every docxtpl and python-docx internal this needs is called through `pipeline.render.docxtpl_adapter`, which
also decides whether the installed versions are ones this path was tested with (`render.engine.render_document`).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import marshal
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.core import usercache, zips
from pipeline.core.textnorm import unshield
from pipeline.render import docxtpl_adapter as dx
from pipeline.render.docxtpl_adapter import CoreProperties, parse_xml, serialize_part_xml

CORE = "docProps/core.xml"
# zlib level of the parts written on every render: 3 deflates three times faster than the default 6, for a
# document.xml about a third larger (Mẫu 1: 9,6 KB against 7,2 KB); the parts zipped once keep level 6
RENDERED_LEVEL = 3
_PROPS = ("author", "comments", "identifier", "language", "subject", "title")


_entry = zips.entry


class Unsupported(Exception):
    """The template uses a docxtpl feature this fast path does not repeat; use the reference path."""


@dataclass
class Compiled:
    tpl: object  # a DocxTemplate for docxtpl's pure helpers (resolve_listing, fix_tables, fix_docpr_ids)
    body: object  # the compiled Jinja template of the body
    shell: etree._Element  # the document element without its body
    body_index: int
    parts: list[tuple[str, object]]  # (zip name, compiled template) of headers and footers
    core: etree._Element
    core_templates: dict[str, object]
    static_zip: bytes  # every other part, as python-docx writes it, zipped once
    around: tuple[bytes, bytes] | None = None  # the document part before and after its body: see `_as_text`
    emptiable: str = ""  # the elements a render can leave empty (their content is all Jinja), “|”-separated
    core_constant: dict = field(default_factory=dict)  # core properties whose template has no Jinja: their value
    seen: dict = field(default_factory=dict)  # rendered header/footer text -> its bytes
    core_seen: dict = field(default_factory=dict)  # (property values, created) -> core properties but the title

    def render(self, context: dict, created: dt.datetime, title: str) -> bytes:
        xml = dx.post(self.tpl, self.body.render(context))
        if self.around is not None and "</w:tblGrid></w:tbl>" not in xml:
            document = b"".join((self.around[0], *_as_text(xml, self.emptiable), self.around[1]))
        else:
            tree = dx.fixed_body(self.tpl, xml)
            shell = copy.deepcopy(self.shell)
            shell.insert(self.body_index, tree)
            document = serialize_part_xml(shell)
        out = io.BytesIO(self.static_zip)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr(_entry("word/document.xml"), document, compresslevel=RENDERED_LEVEL)
            for name, template in self.parts:
                z.writestr(_entry(name), self._part(dx.post(self.tpl, template.render(context))), compresslevel=RENDERED_LEVEL)
            z.writestr(_entry(CORE), self._core(context, created, title), compresslevel=RENDERED_LEVEL)
        return out.getvalue()

    def _part(self, rendered: str) -> bytes:
        """A header or footer as python-docx writes it; most render the same text every time (a page number
        field, a fixed line), so each distinct text is serialised once."""
        if rendered not in self.seen:
            if len(self.seen) > 64:
                self.seen.clear()
            self.seen[rendered] = serialize_part_xml(parse_xml(rendered.encode("utf-8")))
        return self.seen[rendered]

    def _core(self, context: dict, created: dt.datetime, title: str) -> bytes:
        """The core properties, set through python-docx in docxtpl's order: the template's own (rendered), the
        dates and revision, then the document's title. All but the title are the same for every document of a
        template and a report date, so that element is made once per (values, date) and copied; each title is
        set on the copy (the `title` element already exists then, set from the template's, so the elements keep
        their order). A property whose template holds no Jinja is not rendered again (`core_constant`)."""
        constant = self.core_constant
        values = tuple(constant[prop] if prop in constant else unshield(template.render(context))
                       for prop, template in self.core_templates.items())
        made = self.core_seen.get((values, created))
        if made is None:
            made = copy.deepcopy(self.core)
            props = CoreProperties(made)
            for prop, value in zip(self.core_templates, values):
                setattr(props, prop, value)
            props.created = props.modified = created
            props.last_printed = created
            props.revision = 1
            if len(self.core_seen) > 64:
                self.core_seen.clear()
            self.core_seen[(values, created)] = made
        element = copy.deepcopy(made)
        CoreProperties(element).title = title
        return serialize_part_xml(element)


_BODY_OPEN = re.compile(r"^<w:body[^>]*>")


def _emptiable(patched: str) -> str:
    """The elements whose whole content in the template is Jinja (`<w:t>{{ v }}</w:t>`), “|”-separated: the only
    ones a render can leave empty, since the rest of the template is lxml's own serialisation."""
    opened = set(re.findall(r"<([\w:]+)(?: [^<>]*)?>(?=\{[{%])", patched))
    closed = set(re.findall(r"(?<=[}%]\})</([\w:]+)>", patched))
    return "|".join(sorted(opened & closed))


def _close_empty(xml: str, tag: str) -> str:
    """Every `<tag></tag>` or `<tag attributes></tag>` written `<tag/>`, `<tag attributes/>` — what the regex
    `<(tag)( [^<>]*)?></\\1>` → `<\\1\\2/>` does, found from the closing text `></tag>` (most bodies have none;
    str.find skips the thousands of other elements a regex would try): the opening tag of an empty element
    is the last `<` before it, and holds no `>`."""
    end = "></" + tag + ">"
    if end not in xml:
        return xml
    name, spaced = "<" + tag, "<" + tag + " "
    pieces = xml.split(end)
    out = []
    for piece in pieces[:-1]:
        head = piece[piece.rfind("<"):]
        out.append(piece)
        out.append("/>" if head == name or (head.startswith(spaced) and ">" not in head) else end)
    out.append(pieces[-1])
    return "".join(out)


def _as_text(xml: str, emptiable: str) -> tuple[bytes, bytes | memoryview]:
    """The rendered body as lxml would serialise it once parsed and put back in the document — for a template
    `_text_safe` accepted: the body's namespace declarations dropped (the document declares them), empty
    elements closed as `<x/>`, and markupsafe's `&#39;`/`&#34;` written as lxml writes text: `'`, `"`.

    In two pieces of UTF-8, to be joined: `<w:body>` and a view of the rest (a body is about 100 KB of text,
    and each copy costs about as much as a replace). The replaces and the closing of empty elements are done
    before the opening tag is cut, which gives the same text: neither adds or removes a `>`, and neither can
    match across the opening tag's end while it holds no other `<` and `w:body` is not one of the elements
    closed (always so for a real body); otherwise the literal order, cut first."""
    tags = emptiable.split("|") if emptiable else []
    opening = _BODY_OPEN.match(xml)  # at the start only: `sub` would try every position of the body
    if opening is not None and ("w:body" in tags or "<" in opening.group()[1:]):
        xml = "<w:body>" + xml[opening.end():]
        opening = None
    xml = xml.replace("&#39;", "'").replace("&#34;", '"')
    for tag in tags:
        xml = _close_empty(xml, tag)
    encoded = xml.encode("utf-8")
    if opening is None:
        return b"", encoded
    cut = xml.index(">") + 1  # the opening tag's end, where the regex found it (it holds no other `>`)
    return b"<w:body>", memoryview(encoded)[len(xml[:cut].encode("utf-8")):]


def _text_safe(patched: str) -> bool:
    """Whether this template's rendered body can be written as text, skipping the parse and serialisation docxtpl
    does (`fix_tables`, `fix_docpr_ids`, lxml) because they cannot change it: no value printed inside a tag (values
    only in text; statements such as `{% vm %}`'s `restart`/`continue` print no value), no image ids, and every table's rows exactly as wide as its grid with at least one row that no tag can
    remove, so `fix_tables` has nothing to add or remove whatever rows the data repeats or drops."""
    if re.search(r"<[^<>]*[{][{]", patched) or "docPr" in patched:  # a value inside a tag: escaped otherwise by lxml
        return False
    tree = etree.fromstring(patched.encode("utf-8"))
    ns = "{" + tree.nsmap["w"] + "}"
    for table in tree.iter(ns + "tbl"):
        grid = table.find(ns + "tblGrid")
        if grid is None:
            return False
        columns = len(grid.findall(ns + "gridCol"))
        for row in table.iter(ns + "tr"):
            width = 0
            for cell in row.findall(ns + "tc"):
                span = cell.find(f"{ns}tcPr/{ns}gridSpan")
                width += int(span.get(ns + "val")) if span is not None else 1
            if width != columns:
                return False
    return True


def _jinja(env, source: str, codes: dict, key: str):
    code = env.compile(source)
    codes[key] = code
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def compile_template(data: bytes, env, codes: dict | None = None) -> Compiled:
    """Compile one template; `codes` receives the Jinja code objects (for the disk cache)."""
    codes = {} if codes is None else codes
    tpl = dx.open_template(data)
    footnotes = dx.has_footnotes(tpl)
    if footnotes:  # docxtpl renders them its own way: left to the reference path
        raise Unsupported(footnotes)
    body_xml = dx.body_source(tpl)
    body = _jinja(env, dx.jinja_source(body_xml), codes, "body")
    text_safe = _text_safe(body_xml)
    root = dx.document_element(tpl)
    body_element = root.body
    shell = copy.deepcopy(root)
    index = list(root).index(body_element)
    shell.remove(shell[index])

    rendered_parts, skip = [], {"/word/document.xml", "/" + CORE}
    for name, xml in dx.header_footer_sources(tpl):
        rendered_parts.append((name, _jinja(env, dx.jinja_source(xml), codes, name)))
        skip.add("/" + name)
    core_part = dx.core_element(tpl)
    core_sources = {prop: dx.core_property(tpl, prop) for prop in _PROPS}
    core_templates = {prop: _jinja(env, source, codes, "prop:" + prop) for prop, source in core_sources.items()}
    # no `{` at all: no expression, statement or comment, so the same value whatever the context
    core_constant = {prop: unshield(core_templates[prop].render({})) for prop, source in core_sources.items()
                     if "{" not in source}

    static = io.BytesIO()  # every part as python-docx writes it, but the rendered ones
    with zipfile.ZipFile(io.BytesIO(dx.saved(tpl))) as src, zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if "/" + item.filename in skip:
                continue
            dst.writestr(_entry(item.filename), src.read(item.filename))
    return Compiled(dx.helpers(), body, shell, index, rendered_parts, copy.deepcopy(core_part), core_templates,
                    static.getvalue(), _around(shell, index) if text_safe else None, _emptiable(body_xml),
                    core_constant)


def _around(shell, index: int) -> tuple[bytes, bytes]:
    """The serialised document part split where its body goes."""
    probe = copy.deepcopy(shell)
    probe.insert(index, etree.Element(etree.QName(shell.nsmap["w"], "body")))
    whole = serialize_part_xml(probe)
    before, after = whole.split(b"<w:body/>", 1)
    return before, after


_CACHE: dict[str, Compiled | None] = {}


def compiled(data: bytes, env) -> Compiled | None:
    """The compiled template for these bytes (per process, keyed by content; kept in the user's cache
    between runs, see `pipeline.core.usercache`); None when unsupported."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _CACHE:
        name = hashlib.sha256(_stamp() + data).hexdigest() + ".bin"
        blob = usercache.read("compiled", name)
        found = _load(blob, env) if blob is not None else None
        if found is None:
            try:
                codes: dict = {}
                found = compile_template(data, env, codes)
                _save(name, found, codes)
            except Unsupported:
                found = None
        _CACHE[key] = found
    return _CACHE[key]


# ---------------------------------------------------------------- the compiled form kept on disk between runs

def cache_dir() -> Path:
    """The user's own cache folder (DVHT_CACHE to choose another): compiled templates and passed checks."""
    return usercache.root()


def _stamp() -> bytes:
    from pipeline.core.fingerprint import code

    return code().encode()


def _save(name: str, c: Compiled, codes: dict) -> None:
    payload = {"static": c.static_zip, "shell": etree.tostring(c.shell), "index": c.body_index,
               "body": marshal.dumps(codes["body"]), "parts": [(n, marshal.dumps(codes[n])) for n, _ in c.parts],
               "core": etree.tostring(c.core), "props": {p: marshal.dumps(codes["prop:" + p]) for p in c.core_templates},
               "around": c.around, "emptiable": c.emptiable, "constant": c.core_constant}
    usercache.write("compiled", name, marshal.dumps(payload))  # a cache that cannot be written only costs time


def _load(blob: bytes, env) -> Compiled | None:
    """An entry `usercache.read` authenticated (written by this user's own run of this very code): decoded,
    its shape checked; anything unexpected means “compile again”."""
    try:
        payload = marshal.loads(blob)
        if not isinstance(payload, dict):
            return None
        tpl = dx.helpers()
        code = lambda b: env.template_class.from_code(env, marshal.loads(b), env.make_globals(None), None)  # noqa: E731
        # python-docx's own parser: the core properties element must be its CT_CoreProperties
        return Compiled(tpl, code(payload["body"]), parse_xml(payload["shell"]), payload["index"],
                        [(n, code(b)) for n, b in payload["parts"]], parse_xml(payload["core"]),
                        {p: code(b) for p, b in payload["props"].items()}, payload["static"], payload["around"],
                        payload["emptiable"], dict(payload["constant"]))
    except Exception:  # noqa: BLE001 - any damage in a cache entry only costs a compile
        return None
