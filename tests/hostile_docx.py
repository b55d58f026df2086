"""Hostile .docx packages made from a real template, one way a template from outside can reach the network,
run code or exhaust the machine each (used by test_untrusted.py). Each returns the new package's bytes."""

from __future__ import annotations

import io
import re
import zipfile

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE = f"{R}/image"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def pack(items: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in items.items():
            z.writestr(name, blob)
    return out.getvalue()


def add_relationship(items: dict, part: str, rid: str, kind: str, target: str, external: bool = True) -> None:
    rels = part.rsplit("/", 1)
    name = f"{rels[0]}/_rels/{rels[1]}.rels" if len(rels) == 2 else f"_rels/{part}.rels"
    mode = ' TargetMode="External"' if external else ""
    items[name] = items[name].replace(b"</Relationships>", f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'
                                                           f"</Relationships>".encode())


def add_to_body(items: dict, xml: str) -> None:
    doc = items["word/document.xml"]
    at = doc.rindex(b"<w:sectPr")
    items["word/document.xml"] = doc[:at] + xml.encode() + doc[at:]


def _namespaces(items: dict, **ns: str) -> None:
    doc = items["word/document.xml"]
    head = doc[: doc.index(b">", doc.index(b"<w:document")) + 1]
    extra = b"".join(f' xmlns:{k}="{v}"'.encode() for k, v in ns.items() if f"xmlns:{k}=".encode() not in head)
    items["word/document.xml"] = doc.replace(head, head[:-1] + extra + b">", 1)


def linked_picture(data: bytes, url: str) -> bytes:
    """A picture linked, not embedded (DrawingML `a:blip r:link` to an external relationship)."""
    items = parts(data)
    add_relationship(items, "word/document.xml", "rIdEvil1", IMAGE, url)
    _namespaces(items, wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
                a="http://schemas.openxmlformats.org/drawingml/2006/main",
                pic="http://schemas.openxmlformats.org/drawingml/2006/picture", r=R)
    add_to_body(items, '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="901" name="p"/>'
                       '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
                       '<pic:nvPicPr><pic:cNvPr id="901" name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
                       '<a:blip r:link="rIdEvil1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
                       '<a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/>'
                       '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')
    return pack(items)


def vml_picture(data: bytes, url: str) -> bytes:
    """A VML picture whose image data is an external relationship, with an `o:href` too."""
    items = parts(data)
    add_relationship(items, "word/document.xml", "rIdEvil2", IMAGE, url)
    _namespaces(items, v="urn:schemas-microsoft-com:vml", o="urn:schemas-microsoft-com:office:office", r=R)
    add_to_body(items, f'<w:p><w:r><w:pict><v:shape style="width:50pt;height:50pt"><v:imagedata r:id="rIdEvil2" '
                       f'o:href="{url}"/></v:shape></w:pict></w:r></w:p>')
    return pack(items)


def vml_href_only(data: bytes, url: str) -> bytes:
    """VML with only an `o:href` (no relationship at all)."""
    items = parts(data)
    _namespaces(items, v="urn:schemas-microsoft-com:vml", o="urn:schemas-microsoft-com:office:office")
    add_to_body(items, f'<w:p><w:r><w:pict><v:shape style="width:50pt;height:50pt"><v:imagedata o:href="{url}"/>'
                       f'</v:shape></w:pict></w:r></w:p>')
    return pack(items)


def hyperlink(data: bytes, url: str) -> bytes:
    items = parts(data)
    add_relationship(items, "word/document.xml", "rIdEvil3", f"{R}/hyperlink", url)
    _namespaces(items, r=R)
    add_to_body(items, '<w:p><w:hyperlink r:id="rIdEvil3"><w:r><w:t>bấm vào đây</w:t></w:r></w:hyperlink></w:p>')
    return pack(items)


def attached_template(data: bytes, url: str) -> bytes:
    items = parts(data)
    items["word/_rels/settings.xml.rels"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                             b"</Relationships>")
    add_relationship(items, "word/settings.xml", "rIdEvil4", f"{R}/attachedTemplate", url)
    settings = items["word/settings.xml"]
    if b"xmlns:r=" not in settings[:2000]:
        settings = settings.replace(b"<w:settings ", f'<w:settings xmlns:r="{R}" '.encode(), 1)
    at = settings.index(b">", settings.index(b"<w:settings")) + 1
    items["word/settings.xml"] = settings[:at] + b'<w:attachedTemplate r:id="rIdEvil4"/>' + settings[at:]
    return pack(items)


def macros(data: bytes) -> bytes:
    """A VBA project inside a package that still says .docx."""
    items = parts(data)
    items["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    add_relationship(items, "word/document.xml", "rIdEvil5", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                     "vbaProject.bin", external=False)
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return pack(items)


def docm_content_type(data: bytes) -> bytes:
    """A macro-enabled main part (a .docm renamed .docx)."""
    items = parts(data)
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    return pack(items)


def simple_field(data: bytes, instruction: str) -> bytes:
    items = parts(data)
    add_to_body(items, f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>')
    return pack(items)


def complex_field(data: bytes, pieces: list[str]) -> bytes:
    """A field whose instruction is split across runs, as Word writes it."""
    items = parts(data)
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in pieces)
    add_to_body(items, f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/>'
                       f'</w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return pack(items)


def with_doctype(data: bytes, part: str = "word/document.xml", internal: str = '<!ENTITY x SYSTEM "file:///etc/passwd">',
                 use: str = "&x;") -> bytes:
    items = parts(data)
    xml = items[part]
    xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    root = re.search(rb"<([\w:]+)", xml).group(1)
    xml = b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE ' + root + b" [" + internal.encode() + b"]>" + xml
    if use and b"<w:t>" in xml:
        xml = xml.replace(b"<w:t>", b"<w:t>" + use.encode(), 1)
    items[part] = xml
    return pack(items)


def body_text(data: bytes, text: str) -> bytes:
    """The template with one more paragraph holding `text` (Jinja included), escaped as XML text."""
    from xml.sax.saxutils import escape

    items = parts(data)
    add_to_body(items, f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>")
    return pack(items)


def add_field_to_header(data: bytes, instruction: str) -> bytes:
    items = parts(data)
    header = items["word/header1.xml"]
    at = header.rindex(b"</w:hdr>")
    items["word/header1.xml"] = header[:at] + (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                                               f'{instruction}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/>'
                                               f"</w:r></w:p>").encode() + header[at:]
    return pack(items)
